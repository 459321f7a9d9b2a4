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

// Version 2: groups, contacts, presence (last activity), the per-user conversation index and
// read markers.
Result<Done> addGroupsContactsConversations(QSqlDatabase &db)
{
    return execAll(
        db,
        {
            u"ALTER TABLE users ADD COLUMN last_active_at INTEGER"_s,
            // AUTOINCREMENT: a closed group's id is never handed out again.
            u"CREATE TABLE groups ("
            "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
            "  name TEXT NOT NULL,"
            "  owner_id INTEGER NOT NULL REFERENCES users(id),"
            "  created_at INTEGER NOT NULL,"
            "  closed_at INTEGER,"
            "  next_join INTEGER NOT NULL DEFAULT 0)"_s,
            // active = 0: a former member, who may read history up to visible_until (a conv_seq).
            // join_order orders members by how long they have been in (the owner hand-over rule).
            u"CREATE TABLE group_members ("
            "  group_id INTEGER NOT NULL REFERENCES groups(id),"
            "  user_id INTEGER NOT NULL REFERENCES users(id),"
            "  active INTEGER NOT NULL,"
            "  join_order INTEGER NOT NULL,"
            "  joined_at INTEGER NOT NULL,"
            "  visible_until INTEGER,"
            "  PRIMARY KEY (group_id, user_id)) WITHOUT ROWID"_s,
            u"CREATE INDEX group_members_by_user ON group_members(user_id, active)"_s,
            // kind 1: a group's conversation.
            u"ALTER TABLE convs ADD COLUMN group_id INTEGER REFERENCES groups(id)"_s,
            u"CREATE UNIQUE INDEX convs_by_group ON convs(group_id)"_s,
            u"CREATE TABLE contacts ("
            "  user_id INTEGER NOT NULL REFERENCES users(id),"
            "  contact_id INTEGER NOT NULL REFERENCES users(id),"
            "  created_at INTEGER NOT NULL,"
            "  PRIMARY KEY (user_id, contact_id)) WITHOUT ROWID"_s,
            u"CREATE INDEX contacts_by_contact ON contacts(contact_id)"_s,
            // One row per conversation a user is in: what `conversations` answers from. activity_ts
            // is the last message's ts, or when the user joined a group that has none yet.
            u"CREATE TABLE user_convs ("
            "  user_id INTEGER NOT NULL REFERENCES users(id),"
            "  conv_id INTEGER NOT NULL REFERENCES convs(id),"
            "  last_message_id INTEGER,"
            "  activity_ts INTEGER NOT NULL,"
            "  read_seq INTEGER NOT NULL DEFAULT 0,"
            "  unread INTEGER NOT NULL DEFAULT 0,"
            "  PRIMARY KEY (user_id, conv_id)) WITHOUT ROWID"_s,
            u"CREATE INDEX user_convs_by_activity ON user_convs(user_id, activity_ts DESC, conv_id DESC)"_s,
            // Direct conversations that already exist get their index rows.
            u"INSERT INTO user_convs (user_id, conv_id, last_message_id, activity_ts, unread) "
            "SELECT u.user_id, c.id, m.id, m.ts, "
            "  (SELECT COUNT(*) FROM messages o WHERE o.conv_id = c.id AND o.sender_id != "
            "u.user_id) "
            "FROM convs c "
            "JOIN (SELECT user_lo AS user_id, id AS conv_id FROM convs WHERE kind = 0 "
            "      UNION SELECT user_hi, id FROM convs WHERE kind = 0) u ON u.conv_id = c.id "
            "JOIN messages m ON m.conv_id = c.id AND m.conv_seq = c.last_seq"_s,
        });
}

// Version 3: a user's newest inbox seq is the largest seq in its inbox, and a conversation's
// newest conv_seq the largest among its messages (the writer keeps both in memory), so the
// counters users.inbox_seq and convs.last_seq are no longer kept: a send updates no row.
Result<Done> dropCounters(QSqlDatabase &db)
{
    return execAll(db,
                   { u"ALTER TABLE users DROP COLUMN inbox_seq"_s,
                     u"ALTER TABLE convs DROP COLUMN last_seq"_s });
}

constexpr Migration kMigrations[] = {
    { 1, "accounts, devices, direct messages and inboxes", &createCoreSchema },
    { 2, "groups, contacts, presence and the conversation index", &addGroupsContactsConversations },
    { 3, "sequence counters kept by the writer", &dropCounters },
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
