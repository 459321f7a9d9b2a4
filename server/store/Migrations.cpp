#include "server/store/Migrations.h"

#include "server/Logging.h"
#include "server/store/Database.h"

#include <QSqlQuery>

namespace confab::store {

using namespace Qt::StringLiterals;

namespace {

Result<Done> execAll(QSqlDatabase &db, std::initializer_list<QString> statements)
{
    for (const QString &sql : statements) {
        if (auto done = exec(db, sql); !done)
            return done;
    }
    return Done {};
}

// Version 1: accounts, devices, direct conversations, messages and every user's inbox.
Result<Done> createCoreSchema(QSqlDatabase &db)
{
    return execAll(db,
                   {
                       u"CREATE TABLE users ("
                       "  id INTEGER PRIMARY KEY,"
                       "  username TEXT NOT NULL UNIQUE,"
                       "  display_name TEXT NOT NULL,"
                       "  password_hash TEXT NOT NULL,"
                       "  created_at INTEGER NOT NULL,"
                       "  inbox_seq INTEGER NOT NULL DEFAULT 0)"_s,
                       // AUTOINCREMENT: a removed device's id is never handed out again.
                       u"CREATE TABLE devices ("
                       "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
                       "  user_id INTEGER NOT NULL REFERENCES users(id),"
                       "  name TEXT NOT NULL,"
                       "  token_hash BLOB NOT NULL UNIQUE,"
                       "  created_at INTEGER NOT NULL,"
                       "  last_seen_at INTEGER,"
                       "  acked_seq INTEGER NOT NULL DEFAULT 0)"_s,
                       u"CREATE INDEX devices_by_user ON devices(user_id)"_s,
                       // kind 0: direct (user_lo <= user_hi); later versions add groups.
                       u"CREATE TABLE convs ("
                       "  id INTEGER PRIMARY KEY,"
                       "  kind INTEGER NOT NULL,"
                       "  user_lo INTEGER REFERENCES users(id),"
                       "  user_hi INTEGER REFERENCES users(id),"
                       "  last_seq INTEGER NOT NULL DEFAULT 0,"
                       "  UNIQUE (user_lo, user_hi))"_s,
                       u"CREATE TABLE messages ("
                       "  id INTEGER PRIMARY KEY,"
                       "  conv_id INTEGER NOT NULL REFERENCES convs(id),"
                       "  conv_seq INTEGER NOT NULL,"
                       "  sender_id INTEGER NOT NULL REFERENCES users(id),"
                       "  sender_seq INTEGER NOT NULL,"
                       "  client_id TEXT NOT NULL,"
                       "  body TEXT NOT NULL,"
                       "  ts INTEGER NOT NULL,"
                       "  UNIQUE (conv_id, conv_seq),"
                       "  UNIQUE (sender_id, client_id))"_s,
                       u"CREATE TABLE inbox ("
                       "  user_id INTEGER NOT NULL,"
                       "  seq INTEGER NOT NULL,"
                       "  message_id INTEGER NOT NULL,"
                       "  PRIMARY KEY (user_id, seq)) WITHOUT ROWID"_s,
                   });
}

constexpr Migration kMigrations[] = {
    { 1, "accounts, devices, direct messages and inboxes", &createCoreSchema },
};

} // namespace

std::span<const Migration> migrations()
{
    return kMigrations;
}

int latestSchemaVersion()
{
    return std::size(kMigrations);
}

int schemaVersion(QSqlDatabase &db)
{
    QSqlQuery query(db);
    if (query.exec(u"PRAGMA user_version"_s) && query.next())
        return query.value(0).toInt();
    return -1;
}

Result<Done> migrate(QSqlDatabase &db, int target)
{
    if (target < 0)
        target = latestSchemaVersion();
    const int current = schemaVersion(db);
    if (current < 0)
        return Error { ErrorCode::Internal, u"cannot read the schema version"_s };
    if (current > latestSchemaVersion()) {
        return Error { ErrorCode::Internal,
                       u"the database has schema version %1, newer than this confabd knows (%2)"_s
                           .arg(current)
                           .arg(latestSchemaVersion()) };
    }
    for (const Migration &migration : kMigrations) {
        if (migration.version <= current || migration.version > target)
            continue;
        qCInfo(lcStore, "migrating the database to version %d: %s", migration.version,
               migration.description);
        if (!db.transaction())
            return Error { ErrorCode::Internal, u"cannot start a migration"_s };
        auto applied = migration.apply(db);
        if (applied)
            applied = exec(db, u"PRAGMA user_version=%1"_s.arg(migration.version));
        if (!applied || !db.commit()) {
            db.rollback();
            return Error { ErrorCode::Internal,
                           u"migration %1 failed: %2"_s.arg(migration.version)
                               .arg(applied ? u"commit failed"_s : applied.error().message) };
        }
    }
    return Done {};
}

} // namespace confab::store
