#include "server/store/Inbox.h"

#include "server/store/Groups.h"
#include "server/store/MessageRows.h"

#include <QSqlQuery>
#include <QVariant>

namespace confab::store::inbox {

using namespace Qt::StringLiterals;

namespace {

constexpr int kDirect = 0;

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

// One owner's copy: the inbox entry and the conversation index row.
Result<qint64> appendCopy(WriteTxn &txn, qint64 owner, qint64 convId, qint64 messageId, qint64 ts,
                          bool fromOwner)
{
    const auto seq = nextInboxSeq(txn, owner);
    if (!seq)
        return seq;
    {
        auto insert =
            txn.sql.get(u"INSERT INTO inbox (user_id, seq, message_id) VALUES (?, ?, ?)"_s);
        insert->addBindValue(owner);
        insert->addBindValue(*seq);
        insert->addBindValue(messageId);
        if (!insert.run())
            return storageError();
    }
    auto index = txn.sql.get(
        u"INSERT INTO user_convs (user_id, conv_id, last_message_id, activity_ts, unread) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id, conv_id) DO UPDATE SET "
        "last_message_id = excluded.last_message_id, activity_ts = excluded.activity_ts, "
        "unread = unread + excluded.unread"_s);
    index->addBindValue(owner);
    index->addBindValue(convId);
    index->addBindValue(messageId);
    index->addBindValue(ts);
    index->addBindValue(fromOwner ? 0 : 1);
    if (!index.run())
        return storageError();
    return seq;
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

Result<qint64> nextConvSeq(WriteTxn &txn, qint64 convId)
{
    auto update =
        txn.sql.get(u"UPDATE convs SET last_seq = last_seq + 1 WHERE id = ? RETURNING last_seq"_s);
    update->addBindValue(convId);
    if (!update.run() || !update->next())
        return storageError();
    return update->value(0).toLongLong();
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

struct Owner
{
    qint64 userId;
    QString conv; // the conversation as this owner sees it
};

// Stores the message once and gives each owner its inbox entry and index row.
Result<StoredMessage> store(WriteTxn &txn, const Sender &sender, qint64 convId, qint64 convSeq,
                            const QList<Owner> &owners, const QString &clientId,
                            const QString &body)
{
    const auto stamp = txn.clock.next(txn.now);
    StoredMessage stored;
    stored.copies.reserve(owners.size());
    for (const Owner &owner : owners) {
        const auto seq = appendCopy(txn, owner.userId, convId, stamp.id, stamp.ts,
                                    owner.userId == sender.userId);
        if (!seq)
            return seq.error();
        stored.copies.append(InboxCopy { owner.userId, *seq, owner.conv });
        if (owner.userId == sender.userId) {
            stored.senderSeq = *seq;
            stored.message = Message { stamp.id, owner.conv, sender.username, body,
                                       stamp.ts, convSeq,    clientId };
        }
    }
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
    const auto recipientId = userIdByName(txn.sql, recipient);
    if (!recipientId)
        return recipientId.error();
    const auto conv = nextDirectConvSeq(txn, sender.userId, *recipientId);
    if (!conv)
        return conv.error();
    QList<Owner> owners { { sender.userId, u"user:"_s + recipient } };
    if (*recipientId != sender.userId)
        owners.append({ *recipientId, u"user:"_s + sender.username });
    return store(txn, sender, conv->first, conv->second, owners, clientId, body);
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
    const auto members = groups::activeMemberIds(txn.sql, groupId);
    if (!members)
        return members.error();
    const QString conv = ConvRef::group(groupId).toString();
    QList<Owner> owners;
    owners.reserve(members->size());
    for (qint64 member : *members)
        owners.append({ member, conv });
    return store(txn, sender, access->convId, *convSeq, owners, clientId, body);
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
