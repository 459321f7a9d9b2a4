#include "client/Cache.h"

#include "client/Logging.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <atomic>

namespace confab::client {

using namespace Qt::StringLiterals;

namespace {

constexpr int kSent = 0;
constexpr int kPending = 1;
constexpr int kFailed = 2;

const QString kColumns =
    u"local_id, conv, server_id, conv_seq, sender, body, ts, client_id, state, error"_s;

CachedMessage readRow(const QSqlQuery &query, int first = 0)
{
    CachedMessage m;
    m.localId = query.value(first).toLongLong();
    m.conv = query.value(first + 1).toString();
    m.id = query.value(first + 2).toLongLong();
    m.convSeq = query.value(first + 3).toLongLong();
    m.from = query.value(first + 4).toString();
    m.body = query.value(first + 5).toString();
    m.ts = query.value(first + 6).toLongLong();
    m.clientId = query.value(first + 7).toString();
    const int state = query.value(first + 8).toInt();
    m.state = state == kPending ? CachedMessage::State::Pending
        : state == kFailed      ? CachedMessage::State::Failed
                                : CachedMessage::State::Sent;
    m.error = query.value(first + 9).toString();
    return m;
}

bool run(QSqlQuery &query)
{
    if (query.exec())
        return true;
    qCWarning(lcClientCache) << "cache statement failed:" << query.lastQuery()
                             << query.lastError().text();
    return false;
}

} // namespace

Result<std::unique_ptr<Cache>> Cache::open(const QString &path, const QString &owner)
{
    static std::atomic<int> counter { 0 };
    const QString connection = u"confab-cache-%1"_s.arg(++counter);
    QDir().mkpath(QFileInfo(path).absolutePath());
    QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, connection);
    db.setDatabaseName(path);
    if (!db.open()) {
        const QString message = db.lastError().text();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(connection);
        return Error { ErrorCode::Internal, u"cannot open the cache %1: %2"_s.arg(path, message) };
    }
    for (const QString &pragma : { u"PRAGMA journal_mode=WAL"_s, u"PRAGMA synchronous=NORMAL"_s }) {
        QSqlQuery query(db);
        query.exec(pragma);
    }
    if (auto migrated = cacheschema::migrate(db); !migrated) {
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(connection);
        return migrated.error();
    }
    return std::unique_ptr<Cache>(new Cache(db, connection, owner));
}

Cache::Cache(QSqlDatabase db, QString connection, QString owner)
    : m_db(std::move(db))
    , m_connection(std::move(connection))
    , m_owner(std::move(owner))
{ }

Cache::~Cache()
{
    m_db.close();
    m_db = QSqlDatabase();
    QSqlDatabase::removeDatabase(m_connection);
}

qint64 Cache::cursor() const
{
    QSqlQuery query(m_db);
    query.prepare(u"SELECT value FROM meta WHERE key = 'cursor'"_s);
    if (run(query) && query.next())
        return query.value(0).toLongLong();
    return 0;
}

bool Cache::setCursor(qint64 seq)
{
    QSqlQuery query(m_db);
    query.prepare(u"INSERT INTO meta (key, value) VALUES ('cursor', ?) "
                  "ON CONFLICT (key) DO UPDATE SET value = excluded.value"_s);
    query.addBindValue(seq);
    return run(query);
}

QList<CachedMessage> Cache::storeMessages(const QList<Message> &messages)
{
    QList<CachedMessage> changed;
    m_db.transaction();
    for (const Message &m : messages) {
        if (auto stored = storeOne(m))
            changed.append(*stored);
    }
    m_db.commit();
    return changed;
}

std::optional<CachedMessage> Cache::storeOne(const Message &m)
{
    if (localIdOf(m.id))
        return std::nullopt; // already here: delivery is at-least-once, display exactly-once

    // An own message takes the place of its unsent copy; anything else is inserted.
    QSqlQuery upsert(m_db);
    upsert.prepare(u"INSERT INTO messages (conv, server_id, conv_seq, sender, body, ts, "
                   "client_id, state) VALUES (?, ?, ?, ?, ?, ?, ?, 0) "
                   "ON CONFLICT (sender, client_id) DO UPDATE SET conv = excluded.conv, "
                   "server_id = excluded.server_id, conv_seq = excluded.conv_seq, "
                   "ts = excluded.ts, state = 0, error = NULL WHERE server_id IS NULL "
                   "RETURNING "_s
                   + kColumns);
    upsert.addBindValue(m.conv);
    upsert.addBindValue(m.id);
    upsert.addBindValue(m.convSeq);
    upsert.addBindValue(m.from);
    upsert.addBindValue(m.body);
    upsert.addBindValue(m.ts);
    upsert.addBindValue(m.clientId);
    if (!run(upsert) || !upsert.next())
        return std::nullopt;
    const CachedMessage stored = readRow(upsert);
    upsert.finish();
    touchConversation(stored);
    return stored;
}

std::optional<qint64> Cache::localIdOf(qint64 serverId) const
{
    QSqlQuery query(m_db);
    query.prepare(u"SELECT local_id FROM messages WHERE server_id = ?"_s);
    query.addBindValue(serverId);
    if (run(query) && query.next())
        return query.value(0).toLongLong();
    return std::nullopt;
}

void Cache::touchConversation(const CachedMessage &message)
{
    // The newest sent message is the conversation's last; a message of others after the read
    // marker is unread.
    QSqlQuery query(m_db);
    query.prepare(
        u"INSERT INTO conversations (conv, last_local_id, unread, activity_ts) "
        "VALUES (:conv, :local, :others, :ts) ON CONFLICT (conv) DO UPDATE SET "
        "last_local_id = CASE WHEN last_local_id IS NULL OR :seq >= COALESCE((SELECT conv_seq "
        "FROM messages WHERE local_id = conversations.last_local_id), 0) THEN :local "
        "ELSE last_local_id END, "
        // Only a message newer than the last one counts: older history loaded later was
        // counted (or not) by the server's list already.
        "unread = unread + CASE WHEN :others = 1 AND :seq > read_seq AND :seq > COALESCE(("
        "SELECT conv_seq FROM messages WHERE local_id = conversations.last_local_id), 0) "
        "THEN 1 ELSE 0 END, "
        "activity_ts = MAX(activity_ts, :ts)"_s);
    query.bindValue(u":conv"_s, message.conv);
    query.bindValue(u":local"_s, message.localId);
    query.bindValue(u":others"_s, message.from != m_owner ? 1 : 0);
    query.bindValue(u":ts"_s, message.ts);
    query.bindValue(u":seq"_s, message.convSeq);
    run(query);
}

std::optional<CachedMessage> Cache::addPending(const QString &conv, const QString &body,
                                               const QString &clientId, qint64 now)
{
    QSqlQuery query(m_db);
    query.prepare(u"INSERT INTO messages (conv, sender, body, ts, client_id, state) "
                  "VALUES (?, ?, ?, ?, ?, 1) RETURNING "_s
                  + kColumns);
    query.addBindValue(conv);
    query.addBindValue(m_owner);
    query.addBindValue(body);
    query.addBindValue(now);
    query.addBindValue(clientId);
    if (!run(query) || !query.next())
        return std::nullopt;
    return readRow(query);
}

QList<CachedMessage> Cache::outbox(int limit) const
{
    QSqlQuery query(m_db);
    query.prepare(u"SELECT "_s + kColumns
                  + u" FROM messages WHERE state = 1 ORDER BY local_id LIMIT ?"_s);
    query.addBindValue(limit); // SQLite: a negative LIMIT is no limit
    QList<CachedMessage> pending;
    if (run(query)) {
        while (query.next())
            pending.append(readRow(query));
    }
    return pending;
}

bool Cache::markFailed(const QString &clientId, const QString &error)
{
    QSqlQuery query(m_db);
    query.prepare(u"UPDATE messages SET state = 2, error = ? "
                  "WHERE sender = ? AND client_id = ? AND server_id IS NULL"_s);
    query.addBindValue(error);
    query.addBindValue(m_owner);
    query.addBindValue(clientId);
    return run(query) && query.numRowsAffected() == 1;
}

bool Cache::markPending(const QString &clientId)
{
    QSqlQuery query(m_db);
    query.prepare(u"UPDATE messages SET state = 1, error = NULL "
                  "WHERE sender = ? AND client_id = ? AND state = 2"_s);
    query.addBindValue(m_owner);
    query.addBindValue(clientId);
    return run(query) && query.numRowsAffected() == 1;
}

bool Cache::removeUnsent(const QString &clientId)
{
    QSqlQuery query(m_db);
    query.prepare(
        u"DELETE FROM messages WHERE sender = ? AND client_id = ? AND server_id IS NULL"_s);
    query.addBindValue(m_owner);
    query.addBindValue(clientId);
    return run(query) && query.numRowsAffected() == 1;
}

std::optional<CachedMessage> Cache::message(const QString &clientId) const
{
    QSqlQuery query(m_db);
    query.prepare(u"SELECT "_s + kColumns + u" FROM messages WHERE sender = ? AND client_id = ?"_s);
    query.addBindValue(m_owner);
    query.addBindValue(clientId);
    if (run(query) && query.next())
        return readRow(query);
    return std::nullopt;
}

QList<CachedMessage> Cache::messages(const QString &conv, std::optional<qint64> beforeConvSeq,
                                     int limit) const
{
    QList<CachedMessage> result;
    QSqlQuery sent(m_db);
    sent.prepare(u"SELECT "_s + kColumns
                 + u" FROM messages WHERE conv = ? AND server_id IS NOT NULL AND conv_seq < ? "
                   "ORDER BY conv_seq DESC LIMIT ?"_s);
    sent.addBindValue(conv);
    sent.addBindValue(beforeConvSeq.value_or(std::numeric_limits<qint64>::max()));
    sent.addBindValue(limit);
    if (run(sent)) {
        while (sent.next())
            result.prepend(readRow(sent));
    }
    if (beforeConvSeq)
        return result;
    QSqlQuery unsent(m_db);
    unsent.prepare(u"SELECT "_s + kColumns
                   + u" FROM messages WHERE conv = ? AND server_id IS NULL ORDER BY local_id"_s);
    unsent.addBindValue(conv);
    if (run(unsent)) {
        while (unsent.next())
            result.append(readRow(unsent));
    }
    return result;
}

bool Cache::storeConversations(const QList<ConversationSummary> &summaries)
{
    m_db.transaction();
    for (const ConversationSummary &summary : summaries) {
        qint64 lastLocalId = 0;
        if (summary.last) {
            storeOne(*summary.last);
            lastLocalId = localIdOf(summary.last->id).value_or(0);
        }
        // The server's counts are the truth for what the cache may not hold.
        QSqlQuery query(m_db);
        query.prepare(u"INSERT INTO conversations (conv, last_local_id, unread, read_seq, "
                      "activity_ts) VALUES (?, NULLIF(?, 0), ?, ?, ?) ON CONFLICT (conv) DO UPDATE "
                      "SET last_local_id = COALESCE(excluded.last_local_id, last_local_id), "
                      "unread = excluded.unread, read_seq = MAX(read_seq, excluded.read_seq), "
                      "activity_ts = MAX(activity_ts, excluded.activity_ts)"_s);
        query.addBindValue(summary.conv);
        query.addBindValue(lastLocalId);
        query.addBindValue(summary.unread);
        query.addBindValue(summary.readSeq);
        query.addBindValue(summary.activityTs);
        if (!run(query)) {
            m_db.rollback();
            return false;
        }
    }
    return m_db.commit();
}

QList<CachedConversation> Cache::conversations() const
{
    QSqlQuery query(m_db);
    query.prepare(u"SELECT c.conv, c.unread, c.read_seq, c.activity_ts, m.local_id IS NOT NULL, "_s
                  + u"m.local_id, m.conv, m.server_id, m.conv_seq, m.sender, m.body, m.ts, "
                    "m.client_id, m.state, m.error FROM conversations c "
                    "LEFT JOIN messages m ON m.local_id = c.last_local_id "
                    "ORDER BY c.activity_ts DESC, m.server_id DESC"_s);
    QList<CachedConversation> list;
    if (!run(query))
        return list;
    while (query.next()) {
        CachedConversation c;
        c.conv = query.value(0).toString();
        c.unread = query.value(1).toLongLong();
        c.readSeq = query.value(2).toLongLong();
        c.activityTs = query.value(3).toLongLong();
        if (query.value(4).toBool())
            c.last = readRow(query, 5);
        list.append(std::move(c));
    }
    return list;
}

bool Cache::setReadSeq(const QString &conv, qint64 readSeq)
{
    // Recounted from the cache when it holds every message after the marker (its sent messages
    // of the conversation run without a gap up to the newest); else what was unread, less what
    // the marker passed over.
    QSqlQuery query(m_db);
    query.prepare(u"UPDATE conversations SET unread = CASE "
                  "WHEN (SELECT COUNT(*) FROM messages WHERE conv = :conv AND conv_seq > :read) "
                  "= COALESCE((SELECT MAX(conv_seq) FROM messages WHERE conv = :conv), 0) - :read "
                  "THEN (SELECT COUNT(*) FROM messages WHERE conv = :conv AND conv_seq > :read "
                  "AND sender != :owner) "
                  "ELSE MAX(0, unread - (SELECT COUNT(*) FROM messages WHERE conv = :conv "
                  "AND sender != :owner AND conv_seq > read_seq AND conv_seq <= :read)) END, "
                  "read_seq = :read WHERE conv = :conv AND read_seq < :read"_s);
    query.bindValue(u":conv"_s, conv);
    query.bindValue(u":read"_s, readSeq);
    query.bindValue(u":owner"_s, m_owner);
    return run(query);
}

bool Cache::storeContacts(const QList<ContactInfo> &contacts)
{
    m_db.transaction();
    QSqlQuery clear(m_db);
    clear.prepare(u"DELETE FROM contacts"_s);
    bool ok = run(clear);
    for (const ContactInfo &contact : contacts) {
        QSqlQuery insert(m_db);
        insert.prepare(u"INSERT INTO contacts (username, display_name, status, last_active_at) "
                       "VALUES (?, ?, ?, ?)"_s);
        insert.addBindValue(contact.presence.username);
        insert.addBindValue(contact.displayName);
        insert.addBindValue(presenceStatusName(contact.presence.status));
        insert.addBindValue(contact.presence.lastActiveAt);
        ok = ok && run(insert);
    }
    if (!ok) {
        m_db.rollback();
        return false;
    }
    return m_db.commit();
}

bool Cache::updatePresence(const PresenceInfo &presence)
{
    QSqlQuery query(m_db);
    query.prepare(u"UPDATE contacts SET status = ?, last_active_at = MAX(last_active_at, ?) "
                  "WHERE username = ?"_s);
    query.addBindValue(presenceStatusName(presence.status));
    query.addBindValue(presence.lastActiveAt);
    query.addBindValue(presence.username);
    return run(query) && query.numRowsAffected() == 1;
}

QList<ContactInfo> Cache::contacts() const
{
    QSqlQuery query(m_db);
    query.prepare(u"SELECT username, display_name, status, last_active_at FROM contacts "
                  "ORDER BY username"_s);
    QList<ContactInfo> list;
    if (!run(query))
        return list;
    while (query.next()) {
        list.append(ContactInfo {
            query.value(1).toString(),
            PresenceInfo {
                query.value(0).toString(),
                presenceStatusFromName(query.value(2).toString()).value_or(PresenceStatus::Unknown),
                query.value(3).toLongLong() } });
    }
    return list;
}

bool Cache::storeGroups(const QList<GroupInfo> &groups)
{
    m_db.transaction();
    QSqlQuery clear(m_db);
    clear.prepare(u"DELETE FROM groups"_s);
    bool ok = run(clear);
    for (const GroupInfo &group : groups)
        ok = ok && storeGroup(group);
    if (!ok) {
        m_db.rollback();
        return false;
    }
    return m_db.commit();
}

bool Cache::storeGroup(const GroupInfo &group)
{
    QSqlQuery query(m_db);
    query.prepare(
        u"INSERT INTO groups (id, name, owner, members, created_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (id) DO UPDATE SET name = excluded.name, owner = excluded.owner, "
        "members = excluded.members"_s);
    query.addBindValue(group.id);
    query.addBindValue(group.name);
    query.addBindValue(group.owner);
    query.addBindValue(QString::fromUtf8(
        QJsonDocument(QJsonArray::fromStringList(group.members)).toJson(QJsonDocument::Compact)));
    query.addBindValue(group.createdAt);
    return run(query);
}

bool Cache::removeGroup(qint64 id)
{
    QSqlQuery query(m_db);
    query.prepare(u"DELETE FROM groups WHERE id = ?"_s);
    query.addBindValue(id);
    return run(query);
}

namespace {
GroupInfo readGroup(const QSqlQuery &query)
{
    QStringList members;
    const QJsonArray array = QJsonDocument::fromJson(query.value(3).toString().toUtf8()).array();
    for (const QJsonValue &member : array)
        members.append(member.toString());
    return GroupInfo { query.value(0).toLongLong(), query.value(1).toString(),
                       query.value(2).toString(), members, query.value(4).toLongLong() };
}
} // namespace

QList<GroupInfo> Cache::groups() const
{
    QSqlQuery query(m_db);
    query.prepare(u"SELECT id, name, owner, members, created_at FROM groups ORDER BY id"_s);
    QList<GroupInfo> list;
    if (run(query)) {
        while (query.next())
            list.append(readGroup(query));
    }
    return list;
}

std::optional<GroupInfo> Cache::group(qint64 id) const
{
    QSqlQuery query(m_db);
    query.prepare(u"SELECT id, name, owner, members, created_at FROM groups WHERE id = ?"_s);
    query.addBindValue(id);
    if (run(query) && query.next())
        return readGroup(query);
    return std::nullopt;
}

} // namespace confab::client
