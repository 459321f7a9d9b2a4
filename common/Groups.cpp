#include "common/Groups.h"

#include "common/Envelope.h"
#include "common/JsonFields.h"
#include "common/Limits.h"
#include "common/Validation.h"

#include <QJsonArray>

namespace confab {

using namespace Qt::StringLiterals;
using validation::decimalId;

namespace {
qint64 readGroupId(JsonFields &f)
{
    const qint64 id = f.decimal("group"_L1);
    if (f.ok() && id <= 0)
        f.fail(ErrorCode::BadRequest, u"'group' must be a group id"_s);
    return id;
}

QString readGroupName(JsonFields &f)
{
    const QString name = f.string("name"_L1).trimmed();
    if (f.ok() && !isValidGroupName(name)) {
        f.fail(ErrorCode::BadRequest,
               u"a group name has 1 to %1 characters and no control characters"_s.arg(
                   limits::kMaxGroupNameChars));
    }
    return name;
}

QJsonObject withType(QLatin1StringView type, QJsonObject json, const QString &requestId)
{
    json.insert("type"_L1, type);
    insertRequestId(json, requestId);
    return json;
}
} // namespace

bool isValidGroupName(QStringView name)
{
    return !validation::isBlank(name) && validation::isValidLabel(name, limits::kMaxGroupNameChars);
}

QJsonObject GroupInfo::toJson() const
{
    return { { "id"_L1, decimalId(id) },
             { "name"_L1, name },
             { "owner"_L1, owner },
             { "members"_L1, QJsonArray::fromStringList(members) },
             { "created_at"_L1, createdAt } };
}

Result<GroupInfo> GroupInfo::fromJson(const QJsonObject &json)
{
    JsonFields f(json);
    GroupInfo g;
    g.id = f.decimal("id"_L1);
    g.name = f.string("name"_L1);
    g.owner = f.string("owner"_L1);
    g.members = f.usernames("members"_L1);
    g.createdAt = f.integer("created_at"_L1, JsonFields::Optional);
    if (!f.ok())
        return f.error();
    return g;
}

QJsonObject GroupCreateRequest::toJson() const
{
    return { { "type"_L1, kType },
             { "name"_L1, name },
             { "members"_L1, QJsonArray::fromStringList(members) } };
}

Result<GroupCreateRequest> GroupCreateRequest::fromJson(const QJsonObject &json)
{
    JsonFields f(json);
    GroupCreateRequest r;
    r.name = readGroupName(f);
    r.members = f.usernames("members"_L1, JsonFields::Optional);
    if (!f.ok())
        return f.error();
    return r;
}

QJsonObject GroupAddRequest::toJson() const
{
    return { { "type"_L1, kType },
             { "group"_L1, decimalId(group) },
             { "members"_L1, QJsonArray::fromStringList(members) } };
}

Result<GroupAddRequest> GroupAddRequest::fromJson(const QJsonObject &json)
{
    JsonFields f(json);
    GroupAddRequest r;
    r.group = readGroupId(f);
    r.members = f.usernames("members"_L1);
    if (f.ok() && r.members.isEmpty())
        f.fail(ErrorCode::BadRequest, u"'members' must name at least one user"_s);
    if (!f.ok())
        return f.error();
    return r;
}

QJsonObject GroupRemoveRequest::toJson() const
{
    return { { "type"_L1, kType }, { "group"_L1, decimalId(group) }, { "member"_L1, member } };
}

Result<GroupRemoveRequest> GroupRemoveRequest::fromJson(const QJsonObject &json)
{
    JsonFields f(json);
    GroupRemoveRequest r;
    r.group = readGroupId(f);
    r.member = f.username("member"_L1);
    if (!f.ok())
        return f.error();
    return r;
}

QJsonObject GroupLeaveRequest::toJson() const
{
    return { { "type"_L1, kType }, { "group"_L1, decimalId(group) } };
}

Result<GroupLeaveRequest> GroupLeaveRequest::fromJson(const QJsonObject &json)
{
    JsonFields f(json);
    GroupLeaveRequest r;
    r.group = readGroupId(f);
    if (!f.ok())
        return f.error();
    return r;
}

QJsonObject GroupRenameRequest::toJson() const
{
    return { { "type"_L1, kType }, { "group"_L1, decimalId(group) }, { "name"_L1, name } };
}

Result<GroupRenameRequest> GroupRenameRequest::fromJson(const QJsonObject &json)
{
    JsonFields f(json);
    GroupRenameRequest r;
    r.group = readGroupId(f);
    r.name = readGroupName(f);
    if (!f.ok())
        return f.error();
    return r;
}

QJsonObject GroupEvent::toJson() const
{
    return withType(type, { { "group"_L1, group.toJson() } }, requestId);
}

Result<GroupEvent> GroupEvent::fromJson(const QJsonObject &json)
{
    JsonFields f(json);
    GroupEvent e;
    e.type = json.value("type"_L1).toString() == kUpdated ? kUpdated : kReply;
    e.requestId = readRequestId(f);
    e.group = f.decoded<GroupInfo>("group"_L1);
    if (!f.ok())
        return f.error();
    return e;
}

QJsonObject GroupRemovedEvent::toJson() const
{
    return { { "type"_L1, kType }, { "group"_L1, decimalId(group) } };
}

Result<GroupRemovedEvent> GroupRemovedEvent::fromJson(const QJsonObject &json)
{
    JsonFields f(json);
    GroupRemovedEvent e;
    e.group = f.decimal("group"_L1);
    if (!f.ok())
        return f.error();
    return e;
}

QJsonObject GroupsEvent::toJson() const
{
    const QJsonArray array = toJsonArray(groups);
    return withType(kType, { { "groups"_L1, array } }, requestId);
}

Result<GroupsEvent> GroupsEvent::fromJson(const QJsonObject &json)
{
    JsonFields f(json);
    GroupsEvent e;
    e.requestId = readRequestId(f);
    e.groups = f.objects<GroupInfo>("groups"_L1);
    if (!f.ok())
        return f.error();
    return e;
}

QJsonObject OkEvent::toJson() const
{
    return withType(kType, {}, requestId);
}

Result<OkEvent> OkEvent::fromJson(const QJsonObject &json)
{
    JsonFields f(json);
    OkEvent e;
    e.requestId = readRequestId(f);
    if (!f.ok())
        return f.error();
    return e;
}

} // namespace confab
