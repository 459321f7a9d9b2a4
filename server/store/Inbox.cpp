#include "server/store/Inbox.h"

#include <QSqlQuery>
#include <QVariant>

namespace confab::store::inbox {

using namespace Qt::StringLiterals;

namespace {

constexpr int kDirect = 0;

Error storageError()
{
    return Error { ErrorCode::Internal, u"storage error"_s };
}

Result<qint64> userId(Statements &sql, const QString &username)
{
    auto query = sql.get(u"SELECT id FROM users WHERE username = ?"_s);
    query->addBindValue(username);
    if (!query.run())
        return storageError();
    if (!query->next())
        return Error { ErrorCode::NotFound, u"no such user"_s };
    return query->value(0).toLongLong();
}

// The next seq of a user's inbox; the counter lives on the user row so allocation is one update.
Result<qint64> nextInboxSeq(WriteTxn &txn, qint64 user)
{
    auto update = txn.sql.get(
        u"UPDATE users SET inbox_seq = inbox_seq + 1 WHERE id = ? RETURNING inbox_seq"_s);
    update->addBindValue(user);
    if (!update.run() || !update->next())
        return storageError();
    return update->value(0).toLongLong();
}

Result<Done> appendToInbox(WriteTxn &txn, qint64 user, qint64 seq, qint64 messageId)
{
    auto insert = txn.sql.get(u"INSERT INTO inbox (user_id, seq, message_id) VALUES (?, ?, ?)"_s);
    insert->addBindValue(user);
    insert->addBindValue(seq);
    insert->addBindValue(messageId);
    if (!insert.run())
        return storageError();
    return Done {};
}

// The direct conversation of two users (created on first use) and its next conv_seq.
Result<std::pair<qint64, qint64>> nextDirectConvSeq(WriteTxn &txn, qint64 a, qint64 b)
{
    const qint64 lo = qMin(a, b);
    const qint64 hi = qMax(a, b);
    {
        auto update = txn.sql.get(u"UPDATE convs SET last_seq = last_seq + 1 "
                                  "WHERE user_lo = ? AND user_hi = ? RETURNING id, last_seq"_s);
        update->addBindValue(lo);
        update->addBindValue(hi);
        if (!update.run())
            return storageError();
        if (update->next())
            return std::pair { update->value(0).toLongLong(), update->value(1).toLongLong() };
    }
    auto insert =
        txn.sql.get(u"INSERT INTO convs (kind, user_lo, user_hi, last_seq) VALUES (?, ?, ?, 1)"_s);
    insert->addBindValue(kDirect);
    insert->addBindValue(lo);
    insert->addBindValue(hi);
    if (!insert.run())
        return storageError();
    return std::pair { insert->lastInsertId().toLongLong(), qint64(1) };
}

// A message the sender stored earlier under the same client_id, as the sender sees it.
std::optional<Result<StoredMessage>> findDuplicate(WriteTxn &txn, const Sender &sender,
                                                   const QString &clientId)
{
    auto query = txn.sql.get(
        u"SELECT m.id, m.conv_seq, m.sender_seq, m.body, m.ts, "
        "CASE WHEN c.user_lo = ? THEN hi.username ELSE lo.username END "
        "FROM messages m JOIN convs c ON c.id = m.conv_id "
        "LEFT JOIN users lo ON lo.id = c.user_lo LEFT JOIN users hi ON hi.id = c.user_hi "
        "WHERE m.sender_id = ? AND m.client_id = ?"_s);
    query->addBindValue(sender.userId);
    query->addBindValue(sender.userId);
    query->addBindValue(clientId);
    if (!query.run())
        return Result<StoredMessage>(storageError());
    if (!query->next())
        return std::nullopt;
    StoredMessage stored;
    stored.duplicate = true;
    stored.senderSeq = query->value(2).toLongLong();
    stored.message = Message { query->value(0).toLongLong(),
                               u"user:"_s + query->value(5).toString(),
                               sender.username,
                               query->value(3).toString(),
                               query->value(4).toLongLong(),
                               query->value(1).toLongLong(),
                               clientId };
    return Result<StoredMessage>(std::move(stored));
}

// Columns shared by sync and history: the message as the viewer (bound first) sees it.
const QString kMessageColumns = u"m.id, m.conv_seq, m.client_id, m.body, m.ts, s.username, "
                                "CASE WHEN c.user_lo = ? THEN hi.username ELSE lo.username END"_s;
const QString kMessageJoins = u"JOIN users s ON s.id = m.sender_id "
                              "JOIN convs c ON c.id = m.conv_id "
                              "LEFT JOIN users lo ON lo.id = c.user_lo "
                              "LEFT JOIN users hi ON hi.id = c.user_hi"_s;

Message readMessage(const QSqlQuery &query, int first)
{
    return Message {
        query.value(first).toLongLong(),     u"user:"_s + query.value(first + 6).toString(),
        query.value(first + 5).toString(),   query.value(first + 3).toString(),
        query.value(first + 4).toLongLong(), query.value(first + 1).toLongLong(),
        query.value(first + 2).toString()
    };
}

} // namespace

Result<StoredMessage> appendDirect(WriteTxn &txn, const Sender &sender, const QString &recipient,
                                   const QString &clientId, const QString &body)
{
    if (auto duplicate = findDuplicate(txn, sender, clientId))
        return std::move(*duplicate);

    const auto recipientId = userId(txn.sql, recipient);
    if (!recipientId)
        return recipientId.error();
    const auto conv = nextDirectConvSeq(txn, sender.userId, *recipientId);
    if (!conv)
        return conv.error();
    const auto senderSeq = nextInboxSeq(txn, sender.userId);
    if (!senderSeq)
        return senderSeq.error();

    const auto stamp = txn.clock.next(txn.now);
    {
        auto insert =
            txn.sql.get(u"INSERT INTO messages (id, conv_id, conv_seq, sender_id, "
                        "sender_seq, client_id, body, ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"_s);
        insert->addBindValue(stamp.id);
        insert->addBindValue(conv->first);
        insert->addBindValue(conv->second);
        insert->addBindValue(sender.userId);
        insert->addBindValue(*senderSeq);
        insert->addBindValue(clientId);
        insert->addBindValue(body);
        insert->addBindValue(stamp.ts);
        if (!insert.run())
            return storageError();
    }

    StoredMessage stored;
    stored.senderSeq = *senderSeq;
    stored.message = Message { stamp.id, u"user:"_s + recipient, sender.username, body,
                               stamp.ts, conv->second,           clientId };
    if (auto done = appendToInbox(txn, sender.userId, *senderSeq, stamp.id); !done)
        return done.error();
    stored.copies.append(InboxCopy { sender.userId, *senderSeq, stored.message.conv });

    if (*recipientId != sender.userId) {
        const auto recipientSeq = nextInboxSeq(txn, *recipientId);
        if (!recipientSeq)
            return recipientSeq.error();
        if (auto done = appendToInbox(txn, *recipientId, *recipientSeq, stamp.id); !done)
            return done.error();
        stored.copies.append(
            InboxCopy { *recipientId, *recipientSeq, u"user:"_s + sender.username });
    }
    return stored;
}

Result<Done> ack(WriteTxn &txn, qint64 userId, qint64 deviceId, qint64 seq)
{
    {
        auto latest = txn.sql.get(u"SELECT inbox_seq FROM users WHERE id = ?"_s);
        latest->addBindValue(userId);
        if (!latest.run() || !latest->next())
            return storageError();
        if (seq > latest->value(0).toLongLong()) {
            return Error { ErrorCode::BadRequest,
                           u"cannot ack %1: the newest inbox entry is %2"_s.arg(seq).arg(
                               latest->value(0).toLongLong()) };
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
    auto query = sql.get(u"SELECT inbox_seq FROM users WHERE id = ?"_s);
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
    HistoryPage page;
    page.conv = conv.toString();
    if (!conv.isUser())
        return Error { ErrorCode::NotFound, u"no such conversation"_s };
    const auto peer = userId(sql, conv.username);
    if (!peer)
        return peer.error();

    auto query = sql.get(u"SELECT "_s + kMessageColumns + u" FROM messages m "_s + kMessageJoins
                         + u" WHERE c.user_lo = ? AND c.user_hi = ? AND m.conv_seq < ? "
                           "ORDER BY m.conv_seq DESC LIMIT ?"_s);
    query->addBindValue(viewer.userId);
    query->addBindValue(qMin(viewer.userId, *peer));
    query->addBindValue(qMax(viewer.userId, *peer));
    query->addBindValue(before.value_or(std::numeric_limits<qint64>::max()));
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
