// The groups the account is in (PROTOCOL.md §3.2): listed after each welcome, kept current by
// group.updated and group.removed, and changed through create, add, remove, leave and rename.
#pragma once

#include "common/Groups.h"
#include "common/Result.h"

#include <QObject>

#include <functional>

namespace confab::client {

class Cache;
class Connection;
class SyncEngine;

class Groups : public QObject
{
    Q_OBJECT
public:
    Groups(Connection &connection, Cache &cache, SyncEngine &sync, QObject *parent = nullptr);

    QList<GroupInfo> list() const;
    std::optional<GroupInfo> group(qint64 id) const;
    void refresh();

    using Done = std::function<void(Result<GroupInfo>)>;
    void create(const QString &name, const QStringList &members, Done done);
    void add(qint64 group, const QStringList &members, Done done);
    void remove(qint64 group, const QString &member, Done done);
    void rename(qint64 group, const QString &name, Done done);
    void leave(qint64 group, std::function<void(Result<confab::Done>)> done);

Q_SIGNALS:
    void groupsChanged();

private:
    void onEvent(const QJsonObject &frame);
    void change(const QJsonObject &request, Done done);

    Connection &m_connection;
    Cache &m_cache;
};

} // namespace confab::client
