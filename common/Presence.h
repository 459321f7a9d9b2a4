// Contacts and presence requests and events (PROTOCOL.md §3.3).
#pragma once

#include "common/Result.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace confab {

enum class PresenceStatus { Online, Offline, Unknown };

QString presenceStatusName(PresenceStatus status);
std::optional<PresenceStatus> presenceStatusFromName(QStringView name);

// One user's presence as the protocol shows it.
struct PresenceInfo
{
    QString username;
    PresenceStatus status = PresenceStatus::Unknown;
    qint64 lastActiveAt = 0; // 0: absent (never connected, or not for the asker to know)

    QJsonObject toJson() const;
    static Result<PresenceInfo> fromJson(const QJsonObject &json);
    friend bool operator==(const PresenceInfo &, const PresenceInfo &) = default;
};

// contacts.add and contacts.remove: {"username":"bob"}.
struct ContactRequest
{
    static constexpr QLatin1StringView kAdd { "contacts.add" };
    static constexpr QLatin1StringView kRemove { "contacts.remove" };
    QLatin1StringView type = kAdd;
    QString username;

    QJsonObject toJson() const;
    static Result<ContactRequest> fromJson(const QJsonObject &json);
    friend bool operator==(const ContactRequest &a, const ContactRequest &b)
    {
        return a.type == b.type && a.username == b.username;
    }
};

inline constexpr QLatin1StringView kContactsListType { "contacts.list" };

struct ContactInfo
{
    QString displayName;
    PresenceInfo presence;

    QJsonObject toJson() const;
    static Result<ContactInfo> fromJson(const QJsonObject &json);
    friend bool operator==(const ContactInfo &, const ContactInfo &) = default;
};

struct ContactsEvent
{
    static constexpr QLatin1StringView kType { "contacts" };
    QString requestId;
    QList<ContactInfo> contacts;

    QJsonObject toJson() const;
    static Result<ContactsEvent> fromJson(const QJsonObject &json);
    friend bool operator==(const ContactsEvent &, const ContactsEvent &) = default;
};

// Pushed to watchers: {"type":"presence","username","status","last_active_at"}.
struct PresenceEvent
{
    static constexpr QLatin1StringView kType { "presence" };
    PresenceInfo presence;

    QJsonObject toJson() const;
    static Result<PresenceEvent> fromJson(const QJsonObject &json);
    friend bool operator==(const PresenceEvent &, const PresenceEvent &) = default;
};

struct PresenceQueryRequest
{
    static constexpr QLatin1StringView kType { "presence.query" };
    // As asked, lower-cased; names that are not valid usernames are kept (answered "unknown").
    QStringList usernames;

    QJsonObject toJson() const;
    static Result<PresenceQueryRequest> fromJson(const QJsonObject &json);
    friend bool operator==(const PresenceQueryRequest &, const PresenceQueryRequest &) = default;
};

struct PresenceResultEvent
{
    static constexpr QLatin1StringView kType { "presence.result" };
    QString requestId;
    QList<PresenceInfo> users;

    QJsonObject toJson() const;
    static Result<PresenceResultEvent> fromJson(const QJsonObject &json);
    friend bool operator==(const PresenceResultEvent &, const PresenceResultEvent &) = default;
};

} // namespace confab
