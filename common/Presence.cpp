#include "common/Presence.h"

#include "common/Envelope.h"
#include "common/JsonFields.h"
#include "common/Limits.h"

#include <QJsonArray>

namespace confab {

using namespace Qt::StringLiterals;

QString presenceStatusName(PresenceStatus status)
{
    switch (status) {
    case PresenceStatus::Online:
        return u"online"_s;
    case PresenceStatus::Offline:
        return u"offline"_s;
    case PresenceStatus::Unknown:
        break;
    }
    return u"unknown"_s;
}

std::optional<PresenceStatus> presenceStatusFromName(QStringView name)
{
    for (auto status :
         { PresenceStatus::Online, PresenceStatus::Offline, PresenceStatus::Unknown }) {
        if (name == presenceStatusName(status))
            return status;
    }
    return std::nullopt;
}

QJsonObject PresenceInfo::toJson() const
{
    QJsonObject json { { "username"_L1, username }, { "status"_L1, presenceStatusName(status) } };
    if (lastActiveAt > 0)
        json.insert("last_active_at"_L1, lastActiveAt);
    return json;
}

Result<PresenceInfo> PresenceInfo::fromJson(const QJsonObject &json)
{
    JsonFields f(json);
    PresenceInfo p;
    p.username = f.string("username"_L1);
    const QString status = f.string("status"_L1);
    // No time at or before the epoch is a last activity: it reads as "never", like an absent one.
    p.lastActiveAt = qMax<qint64>(0, f.integer("last_active_at"_L1, JsonFields::Optional));
    if (!f.ok())
        return f.error();
    // A status a newer server invents reads as unknown.
    p.status = presenceStatusFromName(status).value_or(PresenceStatus::Unknown);
    return p;
}

QJsonObject ContactRequest::toJson() const
{
    return { { "type"_L1, type }, { "username"_L1, username } };
}

Result<ContactRequest> ContactRequest::fromJson(const QJsonObject &json)
{
    JsonFields f(json);
    ContactRequest r;
    r.type = json.value("type"_L1).toString() == kRemove ? kRemove : kAdd;
    r.username = f.username("username"_L1);
    if (!f.ok())
        return f.error();
    return r;
}

QJsonObject ContactInfo::toJson() const
{
    QJsonObject json = presence.toJson();
    json.insert("display_name"_L1, displayName);
    return json;
}

Result<ContactInfo> ContactInfo::fromJson(const QJsonObject &json)
{
    auto presence = PresenceInfo::fromJson(json);
    if (!presence)
        return presence.error();
    JsonFields f(json);
    ContactInfo c { f.string("display_name"_L1, JsonFields::Optional),
                    std::move(presence).value() };
    if (!f.ok())
        return f.error();
    return c;
}

QJsonObject ContactsEvent::toJson() const
{
    const QJsonArray array = toJsonArray(contacts);
    QJsonObject json { { "type"_L1, kType }, { "contacts"_L1, array } };
    insertRequestId(json, requestId);
    return json;
}

Result<ContactsEvent> ContactsEvent::fromJson(const QJsonObject &json)
{
    JsonFields f(json);
    ContactsEvent e;
    e.requestId = readRequestId(f);
    e.contacts = f.objects<ContactInfo>("contacts"_L1);
    if (!f.ok())
        return f.error();
    return e;
}

QJsonObject PresenceEvent::toJson() const
{
    QJsonObject json = presence.toJson();
    json.insert("type"_L1, kType);
    return json;
}

Result<PresenceEvent> PresenceEvent::fromJson(const QJsonObject &json)
{
    auto presence = PresenceInfo::fromJson(json);
    if (!presence)
        return presence.error();
    return PresenceEvent { std::move(presence).value() };
}

QJsonObject PresenceQueryRequest::toJson() const
{
    return { { "type"_L1, kType }, { "usernames"_L1, QJsonArray::fromStringList(usernames) } };
}

Result<PresenceQueryRequest> PresenceQueryRequest::fromJson(const QJsonObject &json)
{
    JsonFields f(json);
    const QJsonArray names = f.array("usernames"_L1);
    if (!f.ok())
        return f.error();
    if (names.size() > limits::kMaxPresenceQuery) {
        return Error { ErrorCode::BadRequest,
                       u"at most %1 usernames per query"_s.arg(limits::kMaxPresenceQuery) };
    }
    PresenceQueryRequest r;
    for (const QJsonValue &name : names) {
        if (!name.isString())
            return Error { ErrorCode::BadRequest, u"'usernames' must hold strings"_s };
        const QString lower = name.toString().toLower();
        if (!r.usernames.contains(lower))
            r.usernames.append(lower);
    }
    return r;
}

QJsonObject PresenceResultEvent::toJson() const
{
    const QJsonArray array = toJsonArray(users);
    QJsonObject json { { "type"_L1, kType }, { "users"_L1, array } };
    insertRequestId(json, requestId);
    return json;
}

Result<PresenceResultEvent> PresenceResultEvent::fromJson(const QJsonObject &json)
{
    JsonFields f(json);
    PresenceResultEvent e;
    e.requestId = readRequestId(f);
    e.users = f.objects<PresenceInfo>("users"_L1);
    if (!f.ok())
        return f.error();
    return e;
}

} // namespace confab
