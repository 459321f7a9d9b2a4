#include "server/store/Conversations.h"

#include "server/store/MessageRows.h"

#include <QVariant>

namespace confab::store::conversations {

using namespace Qt::StringLiterals;

namespace {
// The activity time of the last entry a page of `limit` may end with; nothing when everything
// below `before` fits.
Result<std::optional<qint64>> pageBoundary(Statements &sql, qint64 userId, qint64 before, int limit)
{
    auto query = sql.get(u"SELECT activity_ts FROM user_convs WHERE user_id = ? "
                         "AND activity_ts < ? ORDER BY activity_ts DESC LIMIT 1 OFFSET ?"_s);
    query->addBindValue(userId);
    query->addBindValue(before);
    query->addBindValue(limit - 1);
    if (!query.run())
        return storageError();
    if (!query->next())
        return std::optional<qint64>();
    return std::optional<qint64>(query->value(0).toLongLong());
}

Result<bool> anyOlderThan(Statements &sql, qint64 userId, qint64 ts)
{
    auto query = sql.get(u"SELECT EXISTS (SELECT 1 FROM user_convs WHERE user_id = ? "
                         "AND activity_ts < ?)"_s);
    query->addBindValue(userId);
    query->addBindValue(ts);
    if (!query.run() || !query->next())
        return storageError();
    return query->value(0).toBool();
}
} // namespace

Result<ConversationsPage> page(Statements &sql, qint64 userId, std::optional<qint64> beforeTs,
                               int limit)
{
    // The page ends at the limit's activity time and takes every entry of that time, so that
    // paging on it (exclusive) skips none.
    const qint64 before = beforeTs.value_or(std::numeric_limits<qint64>::max());
    const auto boundary = pageBoundary(sql, userId, before, limit);
    if (!boundary)
        return boundary.error();
    const qint64 from = boundary->value_or(std::numeric_limits<qint64>::min());

    auto query = sql.get(
        u"SELECT uc.activity_ts, uc.read_seq, uc.unread, uc.last_message_id IS NOT NULL, "
        "CASE WHEN c.kind = 1 THEN 'group:' || c.group_id "
        "WHEN c.user_lo = ? THEN 'user:' || hi.username ELSE 'user:' || lo.username END, "_s
        + kMessageColumns
        + u" FROM user_convs uc JOIN convs c ON c.id = uc.conv_id "
          "LEFT JOIN users lo ON lo.id = c.user_lo LEFT JOIN users hi ON hi.id = c.user_hi "
          "LEFT JOIN messages m ON m.id = uc.last_message_id "
          "LEFT JOIN users s ON s.id = m.sender_id "
          "WHERE uc.user_id = ? AND uc.activity_ts < ? AND uc.activity_ts >= ? "
          // Among equal times, the newer message first (ids are time-ordered).
          "ORDER BY uc.activity_ts DESC, uc.last_message_id DESC NULLS LAST, uc.conv_id DESC"_s);
    for (const qint64 value : { userId, userId, userId, before, from })
        query->addBindValue(value);
    if (!query.run())
        return storageError();
    ConversationsPage page;
    while (query->next()) {
        ConversationSummary summary;
        summary.activityTs = query->value(0).toLongLong();
        summary.readSeq = query->value(1).toLongLong();
        summary.unread = query->value(2).toLongLong();
        summary.conv = query->value(4).toString();
        if (query->value(3).toBool())
            summary.last = readMessage(*query, 5);
        page.conversations.append(std::move(summary));
    }
    if (*boundary) {
        const auto more = anyOlderThan(sql, userId, **boundary);
        if (!more)
            return more.error();
        page.more = *more;
    }
    return page;
}

Result<qint64> markRead(WriteTxn &txn, qint64 userId, const ConvRef &conv, qint64 convSeq)
{
    // The conversation, and the newest conv_seq this user can see in it.
    qint64 convId = 0;
    qint64 newest = 0;
    if (conv.isUser()) {
        const auto peer = userIdByName(txn.sql, conv.username);
        if (!peer)
            return peer.error();
        auto find = txn.sql.get(u"SELECT c.id, (SELECT COALESCE(MAX(conv_seq), 0) FROM messages "
                                "WHERE conv_id = c.id) FROM convs c JOIN user_convs uc "
                                "ON uc.conv_id = c.id AND uc.user_id = ? "
                                "WHERE c.user_lo = ? AND c.user_hi = ?"_s);
        find->addBindValue(userId);
        find->addBindValue(qMin(userId, *peer));
        find->addBindValue(qMax(userId, *peer));
        if (!find.run())
            return storageError();
        if (find->next()) {
            convId = find->value(0).toLongLong();
            newest = find->value(1).toLongLong();
        }
    } else {
        auto find = txn.sql.get(
            u"SELECT c.id, CASE WHEN gm.active = 1 THEN (SELECT COALESCE(MAX(conv_seq), 0) "
            "FROM messages WHERE conv_id = c.id) ELSE gm.visible_until END "
            "FROM convs c JOIN groups g ON g.id = c.group_id AND g.closed_at IS NULL "
            "JOIN group_members gm ON gm.group_id = g.id AND gm.user_id = ? WHERE g.id = ?"_s);
        find->addBindValue(userId);
        find->addBindValue(conv.groupId);
        if (!find.run())
            return storageError();
        if (find->next()) {
            convId = find->value(0).toLongLong();
            newest = find->value(1).toLongLong();
        }
    }
    if (convId == 0)
        return Error { ErrorCode::NotFound, u"no such conversation"_s };

    auto apply = txn.sql.get(
        u"UPDATE user_convs SET read_seq = MAX(read_seq, ?) WHERE user_id = ? AND conv_id = ? "
        "RETURNING read_seq"_s);
    apply->addBindValue(qMin(convSeq, newest));
    apply->addBindValue(userId);
    apply->addBindValue(convId);
    if (!apply.run() || !apply->next())
        return storageError();
    const qint64 readSeq = apply->value(0).toLongLong();
    auto recount = txn.sql.get(
        u"UPDATE user_convs SET unread = (SELECT COUNT(*) FROM messages WHERE conv_id = ? "
        "AND sender_id != ? AND conv_seq > ? AND conv_seq <= ?) WHERE user_id = ? AND conv_id = ?"_s);
    for (const qint64 value : { convId, userId, readSeq, newest, userId, convId })
        recount->addBindValue(value);
    if (!recount.run())
        return storageError();
    return readSeq;
}

} // namespace confab::store::conversations
