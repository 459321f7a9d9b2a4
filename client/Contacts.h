// The account's contacts and their presence (PROTOCOL.md §3.3): listed after each welcome, kept
// current by presence events, changed by add and remove; presence of anyone else (a group's
// members) fetched on demand with query().
#pragma once

#include "common/Presence.h"
#include "common/Result.h"

#include <QObject>

#include <functional>

namespace confab::client {

class Cache;
class Connection;
class SyncEngine;

class Contacts : public QObject
{
    Q_OBJECT
public:
    // Presence and other events come through the sync engine, which sees every pushed frame.
    Contacts(Connection &connection, Cache &cache, SyncEngine &sync, QObject *parent = nullptr);

    QList<ContactInfo> list() const;
    void refresh();
    void add(const QString &username, std::function<void(Result<Done>)> done);
    void remove(const QString &username, std::function<void(Result<Done>)> done);
    // Presence of any users (status "unknown" for those outside the account's scope).
    void query(const QStringList &usernames, std::function<void(Result<QList<PresenceInfo>>)> done);

Q_SIGNALS:
    void contactsChanged();
    void presenceChanged(const confab::PresenceInfo &presence);

private:
    void onEvent(const QJsonObject &frame);
    void change(QLatin1StringView type, const QString &username,
                std::function<void(Result<Done>)> done);

    Connection &m_connection;
    Cache &m_cache;
};

} // namespace confab::client
