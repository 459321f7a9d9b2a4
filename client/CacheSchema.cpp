// The cache's schema, built by an ordered table of migrations. Never edit a released one: append.
#include "client/Cache.h"
#include "client/Logging.h"

#include <QSqlError>
#include <QSqlQuery>

#include <span>

namespace confab::client::cacheschema {

using namespace Qt::StringLiterals;

namespace {

Result<Done> execAll(QSqlDatabase &db, std::initializer_list<QString> statements)
{
    for (const QString &sql : statements) {
        QSqlQuery query(db);
        if (!query.exec(sql))
            return Error { ErrorCode::Internal, query.lastError().text() };
    }
    return Done {};
}

// Version 1: the sync cursor, messages (sent and unsent) and the conversation list.
Result<Done> createCore(QSqlDatabase &db)
{
    return execAll(
        db,
        {
            u"CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)"_s,
            // state 0: sent, 1: pending (in the outbox), 2: failed. server_id and conv_seq are NULL
            // until the server stored the message.
            u"CREATE TABLE messages ("
            "  local_id INTEGER PRIMARY KEY,"
            "  conv TEXT NOT NULL,"
            "  server_id INTEGER UNIQUE,"
            "  conv_seq INTEGER,"
            "  sender TEXT NOT NULL,"
            "  body TEXT NOT NULL,"
            "  ts INTEGER NOT NULL,"
            "  client_id TEXT NOT NULL,"
            "  state INTEGER NOT NULL,"
            "  error TEXT)"_s,
            u"CREATE UNIQUE INDEX messages_by_client_id ON messages(sender, client_id)"_s,
            u"CREATE INDEX messages_by_conv ON messages(conv, conv_seq)"_s,
            u"CREATE TABLE conversations ("
            "  conv TEXT PRIMARY KEY,"
            "  last_local_id INTEGER,"
            "  unread INTEGER NOT NULL DEFAULT 0,"
            "  read_seq INTEGER NOT NULL DEFAULT 0,"
            "  activity_ts INTEGER NOT NULL)"_s,
        });
}

// Version 2: contacts with their presence, and groups with their members.
Result<Done> addContactsAndGroups(QSqlDatabase &db)
{
    return execAll(db,
                   {
                       u"CREATE TABLE contacts ("
                       "  username TEXT PRIMARY KEY,"
                       "  display_name TEXT NOT NULL,"
                       "  status TEXT NOT NULL,"
                       "  last_active_at INTEGER NOT NULL DEFAULT 0)"_s,
                       // members: a JSON array of usernames in join order.
                       u"CREATE TABLE groups ("
                       "  id INTEGER PRIMARY KEY,"
                       "  name TEXT NOT NULL,"
                       "  owner TEXT NOT NULL,"
                       "  members TEXT NOT NULL,"
                       "  created_at INTEGER NOT NULL)"_s,
                   });
}

struct Migration
{
    int version;
    Result<Done> (*apply)(QSqlDatabase &db);
};

constexpr Migration kMigrations[] = {
    { 1, &createCore },
    { 2, &addContactsAndGroups },
};

int currentVersion(QSqlDatabase &db)
{
    QSqlQuery query(db);
    if (query.exec(u"PRAGMA user_version"_s) && query.next())
        return query.value(0).toInt();
    return -1;
}

} // namespace

int latestVersion()
{
    return int(std::size(kMigrations));
}

Result<Done> migrate(QSqlDatabase &db, int target)
{
    if (target < 0)
        target = latestVersion();
    const int current = currentVersion(db);
    if (current < 0 || current > latestVersion()) {
        return Error { ErrorCode::Internal,
                       u"the cache has schema version %1; this build knows up to %2"_s.arg(current)
                           .arg(latestVersion()) };
    }
    for (const Migration &migration : kMigrations) {
        if (migration.version <= current || migration.version > target)
            continue;
        qCInfo(lcClientCache, "migrating the cache to version %d", migration.version);
        if (!db.transaction())
            return Error { ErrorCode::Internal, db.lastError().text() };
        auto applied = migration.apply(db);
        if (applied) {
            QSqlQuery version(db);
            if (!version.exec(u"PRAGMA user_version = %1"_s.arg(migration.version)))
                applied = Error { ErrorCode::Internal, version.lastError().text() };
        }
        if (!applied || !db.commit()) {
            db.rollback();
            return applied ? Error { ErrorCode::Internal, u"commit failed"_s } : applied.error();
        }
    }
    return Done {};
}

} // namespace confab::client::cacheschema
