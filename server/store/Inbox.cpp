#include "server/store/Inbox.h"

#include "server/store/Groups.h"
#include "server/store/MessageRows.h"

#include <QVariant>

namespace confab::store::inbox {

using namespace Qt::StringLiterals;

namespace {

constexpr int kDirect = 0;

// Who gets a copy of a message: the two users of a direct conversation (one, for a note to
// self) or a group's current members.
using Owners = QList<qint64>;

Owners directOwners(qint64 a, qint64 b)
{
    return a == b ? Owners { a } : Owners { a, b };
}

Result<Owners> groupOwners(WriteTxn &txn, qint64 groupId)
{
    auto query =
        txn.sql.get(u"SELECT user_id FROM group_members WHERE group_id = ? AND active = 1"_s);
    query->addBindValue(groupId);
    if (!query.run())
        return storageError();
    Owners owners;
    while (query->next())
        owners.append(query->value(0).toLongLong());
    return owners;
}

// `count` rows of `row` for a VALUES list: "(?, ?), (?, ?)".
QString valueRows(qsizetype count, QStringView row)
{
    QString rows;
    rows.reserve(count * (row.size() + 2));
    for (qsizetype i = 0; i < count; ++i) {
        if (i > 0)
            rows += u", "_s;
        rows += row;
    }
    return rows;
}

// The seq of a user's newest inbox entry (0 for none): counted once from the inbox, then kept by
// the writer, which adds every entry.
Result<qint64> newestInboxSeq(WriteTxn &txn, qint64 userId)
{
    if (const auto it = txn.cache.newestInboxSeq.constFind(userId);
        it != txn.cache.newestInboxSeq.constEnd())
        return *it;
    auto query = txn.sql.get(u"SELECT COALESCE(MAX(seq), 0) FROM inbox WHERE user_id = ?"_s);
    query->addBindValue(userId);
    if (!query.run() || !query->next())
        return storageError();
    const qint64 newest = query->value(0).toLongLong();
    txn.cache.newestInboxSeq.insert(userId, newest);
    return newest;
}

// Gives every owner its next inbox seq: (owner, seq) in the order of `owners`.
Result<QList<std::pair<qint64, qint64>>> nextInboxSeqs(WriteTxn &txn, const Owners &owners)
{
    QList<std::pair<qint64, qint64>> seqs;
    seqs.reserve(owners.size());
    for (const qint64 owner : owners) {
        const auto newest = newestInboxSeq(txn, owner);
        if (!newest)
            return newest.error();
        seqs.append({ owner, *newest + 1 });
        txn.cache.newestInboxSeq.insert(owner, *newest + 1);
    }
    return seqs;
}

// Every owner's inbox entry (at the seq nextInboxSeqs gave it) and conversation index row: two
// statements, whatever the number of owners.
Result<Done> appendCopies(WriteTxn &txn, const QList<std::pair<qint64, qint64>> &seqs,
                          qint64 convId, qint64 messageId, qint64 ts, qint64 senderId)
{
    {
        auto insert = txn.sql.get(u"INSERT INTO inbox (user_id, seq, message_id) VALUES "_s
                                  + valueRows(seqs.size(), u"(?, ?, ?)"));
        for (const auto &[owner, seq] : seqs) {
            insert->addBindValue(owner);
            insert->addBindValue(seq);
            insert->addBindValue(messageId);
        }
        if (!insert.run())
            return storageError();
    }
    auto index = txn.sql.get(
        u"INSERT INTO user_convs (user_id, conv_id, last_message_id, activity_ts, unread) VALUES "_s
        + valueRows(seqs.size(), u"(?, ?, ?, ?, ?)")
        + u" ON CONFLICT (user_id, conv_id) DO UPDATE SET "
          "last_message_id = excluded.last_message_id, activity_ts = excluded.activity_ts, "
          "unread = unread + excluded.unread"_s);
    for (const auto &[owner, seq] : seqs) {
        index->addBindValue(owner);
        index->addBindValue(convId);
        index->addBindValue(messageId);
        index->addBindValue(ts);
        index->addBindValue(owner != senderId ? 1 : 0);
    }
    if (!index.run())
        return storageError();
    return Done {};
}

// A user's id, from the writer's cache when it was resolved before.
Result<qint64> cachedUserId(WriteTxn &txn, const QString &username)
{
    if (const auto it = txn.cache.userIds.constFind(username); it != txn.cache.userIds.constEnd())
        return *it;
    auto id = userIdByName(txn.sql, username);
    if (id)
        txn.cache.userIds.insert(username, *id);
    return id;
}

// A conversation's next conv_seq: counted once from its messages, then kept by the writer.
Result<qint64> nextConvSeq(WriteTxn &txn, qint64 convId)
{
    auto it = txn.cache.newestConvSeq.find(convId);
    if (it == txn.cache.newestConvSeq.end()) {
        auto query =
            txn.sql.get(u"SELECT COALESCE(MAX(conv_seq), 0) FROM messages WHERE conv_id = ?"_s);
        query->addBindValue(convId);
        if (!query.run() || !query->next())
            return storageError();
        it = txn.cache.newestConvSeq.insert(convId, query->value(0).toLongLong());
    }
    return ++*it;
}

// The direct conversation of two users (created on first use) and its next conv_seq.
Result<std::pair<qint64, qint64>> nextDirectConvSeq(WriteTxn &txn, qint64 a, qint64 b)
{
    const std::pair users { qMin(a, b), qMax(a, b) };
    qint64 convId = txn.cache.directConvs.value(users);
    if (convId == 0) {
        auto find = txn.sql.get(u"SELECT id FROM convs WHERE user_lo = ? AND user_hi = ?"_s);
        find->addBindValue(users.first);
        find->addBindValue(users.second);
        if (!find.run())
            return storageError();
        if (find->next()) {
            convId = find->value(0).toLongLong();
        } else {
            auto insert =
                txn.sql.get(u"INSERT INTO convs (kind, user_lo, user_hi) VALUES (?, ?, ?)"_s);
            insert->addBindValue(kDirect);
            insert->addBindValue(users.first);
            insert->addBindValue(users.second);
            if (!insert.run())
                return storageError();
            convId = insert->lastInsertId().toLongLong();
            txn.cache.newestConvSeq.insert(convId, 0);
        }
        txn.cache.directConvs.insert(users, convId);
    }
    const auto seq = nextConvSeq(txn, convId);
    if (!seq)
        return seq.error();
    return std::pair { convId, *seq };
}

// A message the sender stored earlier under the same client_id, as the sender sees it.
std::optional<Result<StoredMessage>> findDuplicate(WriteTxn &txn, const Sender &sender,
                                                   const QString &clientId)
{
    auto query = txn.sql.get(u"SELECT m.sender_seq, "_s + kMessageColumns + u" FROM messages m "_s
                             + kMessageJoins + u" WHERE m.sender_id = ? AND m.client_id = ?"_s);
    query->addBindValue(sender.userId);
    query->addBindValue(sender.userId);
    query->addBindValue(clientId);
    if (!query.run())
        return Result<StoredMessage>(storageError());
    if (!query->next())
        return std::nullopt;
    StoredMessage stored;
    stored.duplicate = true;
    stored.senderSeq = query->value(0).toLongLong();
    stored.message = readMessage(*query, 1);
    return Result<StoredMessage>(std::move(stored));
}

// Stores the message once and gives each owner its inbox entry and index row. convFor names the
// conversation as a given owner sees it.
template<typename ConvFor>
Result<StoredMessage> store(WriteTxn &txn, const Sender &sender, qint64 convId, qint64 convSeq,
                            const Owners &owners, ConvFor convFor, const QString &clientId,
                            const QString &body)
{
    const auto stamp = txn.clock.next(txn.now);
    const auto seqs = nextInboxSeqs(txn, owners);
    if (!seqs)
        return seqs.error();
    StoredMessage stored;
    stored.copies.reserve(seqs->size());
    for (const auto &[owner, seq] : *seqs) {
        stored.copies.append(InboxCopy { owner, seq, convFor(owner) });
        if (owner == sender.userId) {
            stored.senderSeq = seq;
            stored.message = Message { stamp.id,        stored.copies.constLast().conv,
                                       sender.username, body,
                                       stamp.ts,        convSeq,
                                       clientId };
        }
    }
    if (stored.senderSeq == 0)
        return storageError(); // the sender is always an owner
    if (const auto copies = appendCopies(txn, *seqs, convId, stamp.id, stamp.ts, sender.userId);
        !copies)
        return copies.error();
    auto insert = txn.sql.get(u"INSERT INTO messages (id, conv_id, conv_seq, sender_id, "
                              "sender_seq, client_id, body, ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"_s);
    insert->addBindValue(stamp.id);
    insert->addBindValue(convId);
    insert->addBindValue(convSeq);
    insert->addBindValue(sender.userId);
    insert->addBindValue(stored.senderSeq);
    insert->addBindValue(clientId);
    insert->addBindValue(body);
    insert->addBindValue(stamp.ts);
    if (!insert.run())
        return storageError();
    return stored;
}

Result<StoredMessage> appendDirect(WriteTxn &txn, const Sender &sender, const QString &recipient,
                                   const QString &clientId, const QString &body)
{
    const auto recipientId = cachedUserId(txn, recipient);
    if (!recipientId)
        return recipientId.error();
    const auto conv = nextDirectConvSeq(txn, sender.userId, *recipientId);
    if (!conv)
        return conv.error();
    const QString senderView = u"user:"_s + recipient;
    const QString recipientView = u"user:"_s + sender.username;
    return store(
        txn, sender, conv->first, conv->second, directOwners(sender.userId, *recipientId),
        [&](qint64 owner) { return owner == sender.userId ? senderView : recipientView; }, clientId,
        body);
}

Result<StoredMessage> appendGroup(WriteTxn &txn, const Sender &sender, qint64 groupId,
                                  const QString &clientId, const QString &body)
{
    const auto access = groups::access(txn.sql, sender.userId, groupId);
    if (!access)
        return access.error();
    if (!access->member)
        return Error { ErrorCode::Forbidden, u"not a member of this group"_s };
    const auto convSeq = nextConvSeq(txn, access->convId);
    if (!convSeq)
        return convSeq.error();
    const auto owners = groupOwners(txn, groupId);
    if (!owners)
        return owners.error();
    const QString conv = ConvRef::group(groupId).toString();
    return store(
        txn, sender, access->convId, *convSeq, *owners, [&](qint64) { return conv; }, clientId,
        body);
}

} // namespace

Result<StoredMessage> append(WriteTxn &txn, const Sender &sender, const ConvRef &to,
                             const QString &clientId, const QString &body)
{
    if (auto duplicate = findDuplicate(txn, sender, clientId))
        return std::move(*duplicate);
    return to.isUser() ? appendDirect(txn, sender, to.username, clientId, body)
                       : appendGroup(txn, sender, to.groupId, clientId, body);
}

Result<Done> ack(WriteTxn &txn, qint64 userId, qint64 deviceId, qint64 seq)
{
    {
        const auto newest = newestInboxSeq(txn, userId);
        if (!newest)
            return newest.error();
        if (seq > *newest) {
            return Error { ErrorCode::BadRequest,
                           u"cannot ack %1: the newest inbox entry is %2"_s.arg(seq).arg(*newest) };
        }
    }
    auto update = txn.sql.get(
        u"UPDATE devices SET acked_seq = ? WHERE id = ? AND user_id = ? AND acked_seq < ?"_s);
    update->addBindValue(seq);
    update->addBindValue(deviceId);
    update->addBindValue(userId);
    update->addBindValue(seq);
    if (!update.run())
        return storageError();
    return Done {};
}

Result<qint64> latestSeq(Statements &sql, qint64 userId)
{
    auto query = sql.get(u"SELECT (SELECT COALESCE(MAX(seq), 0) FROM inbox WHERE user_id = u.id) "
                         "FROM users u WHERE u.id = ?"_s);
    query->addBindValue(userId);
    if (!query.run())
        return storageError();
    if (!query->next())
        return Error { ErrorCode::NotFound, u"no such user"_s };
    return query->value(0).toLongLong();
}

Result<SyncPage> syncPage(Statements &sql, qint64 userId, qint64 after, int limit)
{
    auto query =
        sql.get(u"SELECT i.seq, "_s + kMessageColumns
                + u" FROM inbox i "
                  "JOIN messages m ON m.id = i.message_id "_s
                + kMessageJoins + u" WHERE i.user_id = ? AND i.seq > ? ORDER BY i.seq LIMIT ?"_s);
    query->addBindValue(userId);
    query->addBindValue(userId);
    query->addBindValue(after);
    query->addBindValue(limit + 1);
    if (!query.run())
        return storageError();
    SyncPage page;
    while (query->next()) {
        if (page.entries.size() == limit) {
            page.more = true;
            break;
        }
        page.entries.append(InboxEntry { query->value(0).toLongLong(), readMessage(*query, 1) });
    }
    return page;
}

Result<HistoryPage> historyPage(Statements &sql, const Sender &viewer, const ConvRef &conv,
                                std::optional<qint64> before, int limit)
{
    // Which conversation, and up to which conv_seq this viewer may read it.
    qint64 convId = 0;
    qint64 visibleUntil = std::numeric_limits<qint64>::max();
    if (conv.isUser()) {
        const auto peer = userIdByName(sql, conv.username);
        if (!peer)
            return peer.error();
        auto find = sql.get(u"SELECT id FROM convs WHERE user_lo = ? AND user_hi = ?"_s);
        find->addBindValue(qMin(viewer.userId, *peer));
        find->addBindValue(qMax(viewer.userId, *peer));
        if (!find.run())
            return storageError();
        if (find->next())
            convId = find->value(0).toLongLong();
    } else {
        const auto access = groups::access(sql, viewer.userId, conv.groupId);
        if (!access)
            return access.error();
        if (!access->member && !access->visibleUntil)
            return Error { ErrorCode::Forbidden, u"not a member of this group"_s };
        convId = access->convId;
        if (access->visibleUntil)
            visibleUntil = *access->visibleUntil;
    }

    HistoryPage page;
    page.conv = conv.toString();
    if (convId == 0)
        return page; // two users who never wrote to each other
    auto query = sql.get(u"SELECT "_s + kMessageColumns + u" FROM messages m "_s + kMessageJoins
                         + u" WHERE m.conv_id = ? AND m.conv_seq < ? AND m.conv_seq <= ? "
                           "ORDER BY m.conv_seq DESC LIMIT ?"_s);
    query->addBindValue(viewer.userId);
    query->addBindValue(convId);
    query->addBindValue(before.value_or(std::numeric_limits<qint64>::max()));
    query->addBindValue(visibleUntil);
    query->addBindValue(limit + 1);
    if (!query.run())
        return storageError();
    while (query->next()) {
        if (page.messages.size() == limit) {
            page.more = true;
            break;
        }
        page.messages.prepend(readMessage(*query, 0));
    }
    return page;
}

} // namespace confab::store::inbox
