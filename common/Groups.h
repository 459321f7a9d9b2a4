// Group requests and events (PROTOCOL.md §3.2).
#pragma once

#include "common/Result.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace confab {

struct GroupInfo
{
    qint64 id = 0;
    QString name;
    QString owner;
    QStringList members; // in the order they joined; the owner is one of them
    qint64 createdAt = 0;

    QJsonObject toJson() const;
    static Result<GroupInfo> fromJson(const QJsonObject &json);
    friend bool operator==(const GroupInfo &, const GroupInfo &) = default;
};

struct GroupCreateRequest
{
    static constexpr QLatin1StringView kType { "group.create" };
    QString name;
    QStringList members; // lower-cased, without duplicates; may or may not name the creator

    QJsonObject toJson() const;
    static Result<GroupCreateRequest> fromJson(const QJsonObject &json);
    friend bool operator==(const GroupCreateRequest &, const GroupCreateRequest &) = default;
};

struct GroupAddRequest
{
    static constexpr QLatin1StringView kType { "group.add" };
    qint64 group = 0;
    QStringList members;

    QJsonObject toJson() const;
    static Result<GroupAddRequest> fromJson(const QJsonObject &json);
    friend bool operator==(const GroupAddRequest &, const GroupAddRequest &) = default;
};

struct GroupRemoveRequest
{
    static constexpr QLatin1StringView kType { "group.remove" };
    qint64 group = 0;
    QString member;

    QJsonObject toJson() const;
    static Result<GroupRemoveRequest> fromJson(const QJsonObject &json);
    friend bool operator==(const GroupRemoveRequest &, const GroupRemoveRequest &) = default;
};

struct GroupLeaveRequest
{
    static constexpr QLatin1StringView kType { "group.leave" };
    qint64 group = 0;

    QJsonObject toJson() const;
    static Result<GroupLeaveRequest> fromJson(const QJsonObject &json);
    friend bool operator==(const GroupLeaveRequest &, const GroupLeaveRequest &) = default;
};

struct GroupRenameRequest
{
    static constexpr QLatin1StringView kType { "group.rename" };
    qint64 group = 0;
    QString name;

    QJsonObject toJson() const;
    static Result<GroupRenameRequest> fromJson(const QJsonObject &json);
    friend bool operator==(const GroupRenameRequest &, const GroupRenameRequest &) = default;
};

inline constexpr QLatin1StringView kGroupListType { "group.list" };

// The answer to group.create/add/remove/rename: {"type":"group","group":{...}}; and the pushed
// {"type":"group.updated","group":{...}}.
struct GroupEvent
{
    static constexpr QLatin1StringView kReply { "group" };
    static constexpr QLatin1StringView kUpdated { "group.updated" };
    QLatin1StringView type = kReply;
    QString requestId; // null: none
    GroupInfo group;

    QJsonObject toJson() const;
    static Result<GroupEvent> fromJson(const QJsonObject &json);
    friend bool operator==(const GroupEvent &a, const GroupEvent &b)
    {
        return a.type == b.type && a.requestId == b.requestId && a.group == b.group;
    }
};

struct GroupRemovedEvent
{
    static constexpr QLatin1StringView kType { "group.removed" };
    qint64 group = 0;

    QJsonObject toJson() const;
    static Result<GroupRemovedEvent> fromJson(const QJsonObject &json);
    friend bool operator==(const GroupRemovedEvent &, const GroupRemovedEvent &) = default;
};

struct GroupsEvent
{
    static constexpr QLatin1StringView kType { "groups" };
    QString requestId;
    QList<GroupInfo> groups;

    QJsonObject toJson() const;
    static Result<GroupsEvent> fromJson(const QJsonObject &json);
    friend bool operator==(const GroupsEvent &, const GroupsEvent &) = default;
};

// {"type":"ok"}: the answer to group.leave and the contacts calls.
struct OkEvent
{
    static constexpr QLatin1StringView kType { "ok" };
    QString requestId;

    QJsonObject toJson() const;
    static Result<OkEvent> fromJson(const QJsonObject &json);
    friend bool operator==(const OkEvent &, const OkEvent &) = default;
};

// A group name: 1–64 code points, not blank, no control characters.
bool isValidGroupName(QStringView name);

} // namespace confab
