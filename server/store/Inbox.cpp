#include "server/store/Inbox.h"

#include "server/store/Groups.h"
#include "server/store/MessageRows.h"

#include <QVariant>

namespace confab::store::inbox {

using namespace Qt::StringLiterals;

namespace {

constexpr int kDirect = 0;

// Who gets a copy of a message, as an SQL set of user ids and the values it binds: the two
// users of a direct conversation (one, for a note to self) or a group's current members. Every
// copy is written by a few statements over the whole set, not a few statements per owner: a
// post to a 100-member group costs as many statements as a direct message.
struct Owners
{
    QString set; // "(?, ?)" or "(SELECT user_id FROM group_members WHERE ...)"
    QVariantList values;

    void bindTo(Statement &query) const
    {
        for (const QVariant &value : values)
            query.addBindValue(value);
    }
};

Owners directOwners(qint64 a, qint64 b)
{
    return Owners { u"(?, ?)"_s, { a, b } };
}

Owners groupOwners(qint64 groupId)
{
    return Owners { u"(SELECT user_id FROM group_members WHERE group_id = ? AND active = 1)"_s,
                    { groupId } };
}

// Gives every owner its next inbox seq (the counter lives on the user row).
Result<QList<std::pair<qint64, qint64>>> nextInboxSeqs(WriteTxn &txn, const Owners &owners)
{
    auto update = txn.sql.get(u"UPDATE users SET inbox_seq = inbox_seq + 1 WHERE id IN "_s
                              + owners.set + u" RETURNING id, inbox_seq"_s);
    owners.bindTo(*update);
    if (!update.run())
        return storageError();
    QList<std::pair<qint64, qint64>> seqs; // (owner, seq)
    while (update->next())
        seqs.append({ update->value(0).toLongLong(), update->value(1).toLongLong() });
    return seqs;
}

// Every owner's inbox entry (at the seq nextInboxSeqs just gave it) and conversation index row.
Result<Done> appendCopies(WriteTxn &txn, const Owners &owners, qint64 convId, qint64 messageId,
                          qint64 ts, qint64 senderId)
{
    {
        auto insert = txn.sql.get(u"INSERT INTO inbox (user_id, seq, message_id) "
                                  "SELECT id, inbox_seq, ? FROM users WHERE id IN "_s
                                  + owners.set);
        insert->addBindValue(messageId);
        owners.bindTo(*insert);
        if (!insert.run())
            return storageError();
    }
    auto index = txn.sql.get(
        u"INSERT INTO user_convs (user_id, conv_id, last_message_id, activity_ts, unread) "
        "SELECT id, ?, ?, ?, id != ? FROM users WHERE id IN "_s
        + owners.set
        + u" ON CONFLICT (user_id, conv_id) DO UPDATE SET "
          "last_message_id = excluded.last_message_id, activity_ts = excluded.activity_ts, "
          "unread = unread + excluded.unread"_s);
    index->addBindValue(convId);
    index->addBindValue(messageId);
    index->addBindValue(ts);
    index->addBindValue(senderId);
    owners.bindTo(*index);
    if (!index.run())
        return storageError();
    return Done {};
}

// A user's id, from the writer's cache when it was resolved before.
Result<qint64> cachedUserId(WriteTxn &txn, const QString &username)
{
    if (const auto it = txn.userIds.constFind(username); it != txn.userIds.constEnd())
        return *it;
    auto id = userIdByName(txn.sql, username);
    if (id)
        txn.userIds.insert(username, *id);
    return id;
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
    if (const auto copies = appendCopies(txn, owners, convId, stamp.id, stamp.ts, sender.userId);
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
    const QString conv = ConvRef::group(groupId).toString();
    return store(
        txn, sender, access->convId, *convSeq, groupOwners(groupId), [&](qint64) { return conv; },
        clientId, body);
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
