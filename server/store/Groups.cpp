#include "server/store/Groups.h"

#include "common/Limits.h"
#include "server/store/MessageRows.h"

#include <QVariant>

namespace confab::store::groups {

using namespace Qt::StringLiterals;

namespace {

constexpr int kGroupConv = 1;

Error groupFull()
{
    return Error { ErrorCode::GroupFull,
                   u"a group has at most %1 members"_s.arg(limits::kMaxGroupMembers) };
}

Error notAMember()
{
    return Error { ErrorCode::Forbidden, u"not a member of this group"_s };
}

// The group as the protocol shows it, with its current members in join order.
Result<GroupChange> describe(Statements &sql, qint64 groupId)
{
    GroupChange change;
    {
        auto group = sql.get(u"SELECT g.name, o.username, g.created_at FROM groups g "
                             "JOIN users o ON o.id = g.owner_id WHERE g.id = ?"_s);
        group->addBindValue(groupId);
        if (!group.run() || !group->next())
            return storageError();
        change.group = GroupInfo { groupId,
                                   group->value(0).toString(),
                                   group->value(1).toString(),
                                   {},
                                   group->value(2).toLongLong() };
    }
    auto members = sql.get(u"SELECT u.id, u.username FROM group_members gm "
                           "JOIN users u ON u.id = gm.user_id "
                           "WHERE gm.group_id = ? AND gm.active = 1 ORDER BY gm.join_order"_s);
    members->addBindValue(groupId);
    if (!members.run())
        return storageError();
    while (members->next()) {
        change.memberIds.append(members->value(0).toLongLong());
        change.group.members.append(members->value(1).toString());
    }
    return change;
}

// Ids of the named users, in order; not_found names the first unknown one.
Result<QList<qint64>> userIds(Statements &sql, const QStringList &names)
{
    QList<qint64> ids;
    for (const QString &name : names) {
        const auto id = userIdByName(sql, name);
        if (!id)
            return id.error();
        ids.append(*id);
    }
    return ids;
}

qint64 lastMessageTs(Statements &sql, qint64 convId)
{
    auto query =
        sql.get(u"SELECT ts FROM messages WHERE conv_id = ? ORDER BY conv_seq DESC LIMIT 1"_s);
    query->addBindValue(convId);
    if (query.run() && query->next())
        return query->value(0).toLongLong();
    return 0;
}

// Makes `userId` a current member (new, or back again: then it sees the whole history) and gives
// it a row in its conversation list.
Result<Done> admit(WriteTxn &txn, qint64 groupId, qint64 convId, qint64 userId)
{
    {
        auto order = txn.sql.get(
            u"UPDATE groups SET next_join = next_join + 1 WHERE id = ? RETURNING next_join"_s);
        order->addBindValue(groupId);
        if (!order.run() || !order->next())
            return storageError();
        const qint64 joinOrder = order->value(0).toLongLong();
        auto member = txn.sql.get(
            u"INSERT INTO group_members (group_id, user_id, active, join_order, joined_at) "
            "VALUES (?, ?, 1, ?, ?) ON CONFLICT (group_id, user_id) DO UPDATE SET active = 1, "
            "join_order = excluded.join_order, joined_at = excluded.joined_at, "
            "visible_until = NULL"_s);
        member->addBindValue(groupId);
        member->addBindValue(userId);
        member->addBindValue(joinOrder);
        member->addBindValue(txn.now);
        if (!member.run())
            return storageError();
    }
    const qint64 lastTs = lastMessageTs(txn.sql, convId);
    auto index = txn.sql.get(
        u"INSERT INTO user_convs (user_id, conv_id, last_message_id, activity_ts, unread) "
        "VALUES (?, ?, (SELECT id FROM messages WHERE conv_id = ? "
        "ORDER BY conv_seq DESC LIMIT 1), ?, "
        "(SELECT COUNT(*) FROM messages WHERE conv_id = ? AND sender_id != ?)) "
        "ON CONFLICT (user_id, conv_id) DO UPDATE SET last_message_id = excluded.last_message_id, "
        "activity_ts = excluded.activity_ts, unread = (SELECT COUNT(*) FROM messages "
        "WHERE conv_id = ? AND sender_id != ? AND conv_seq > user_convs.read_seq)"_s);
    for (const qint64 value :
         { userId, convId, convId, lastTs > 0 ? lastTs : txn.now, convId, userId, convId, userId })
        index->addBindValue(value);
    if (!index.run())
        return storageError();
    return Done {};
}

// A current member stops being one; it keeps reading what was posted until now.
Result<Done> dismiss(WriteTxn &txn, qint64 groupId, qint64 convId, qint64 userId)
{
    auto update = txn.sql.get(u"UPDATE group_members SET active = 0, "
                              "visible_until = (SELECT COALESCE(MAX(conv_seq), 0) "
                              "FROM messages WHERE conv_id = ?) "
                              "WHERE group_id = ? AND user_id = ?"_s);
    update->addBindValue(convId);
    update->addBindValue(groupId);
    update->addBindValue(userId);
    if (!update.run())
        return storageError();
    return Done {};
}

// The caller's access when it is a current member (and, with `ownerOnly`, the owner).
Result<GroupAccess> memberAccess(Statements &sql, qint64 userId, qint64 groupId,
                                 const char *ownerOnly = nullptr)
{
    auto group = access(sql, userId, groupId);
    if (group && !group->member)
        return notAMember();
    if (group && ownerOnly && group->ownerId != userId)
        return Error { ErrorCode::Forbidden, QString::fromLatin1(ownerOnly) };
    return group;
}

} // namespace

Result<GroupAccess> access(Statements &sql, qint64 userId, qint64 groupId)
{
    auto query = sql.get(u"SELECT c.id, g.owner_id, gm.active, gm.visible_until FROM groups g "
                         "JOIN convs c ON c.group_id = g.id "
                         "LEFT JOIN group_members gm ON gm.group_id = g.id AND gm.user_id = ? "
                         "WHERE g.id = ? AND g.closed_at IS NULL"_s);
    query->addBindValue(userId);
    query->addBindValue(groupId);
    if (!query.run())
        return storageError();
    if (!query->next())
        return Error { ErrorCode::NotFound, u"no such group"_s };
    GroupAccess access;
    access.convId = query->value(0).toLongLong();
    access.ownerId = query->value(1).toLongLong();
    access.member = query->value(2).toInt() == 1;
    if (!access.member && !query->value(3).isNull())
        access.visibleUntil = query->value(3).toLongLong();
    return access;
}

Result<QList<qint64>> activeMemberIds(Statements &sql, qint64 groupId)
{
    auto query = sql.get(
        u"SELECT user_id FROM group_members WHERE group_id = ? AND active = 1 ORDER BY join_order"_s);
    query->addBindValue(groupId);
    if (!query.run())
        return storageError();
    QList<qint64> ids;
    while (query->next())
        ids.append(query->value(0).toLongLong());
    return ids;
}

Result<GroupChange> create(WriteTxn &txn, const Sender &owner, const QString &name,
                           const QStringList &members)
{
    QStringList everyone { owner.username };
    for (const QString &member : members) {
        if (!everyone.contains(member))
            everyone.append(member);
    }
    const auto ids = userIds(txn.sql, everyone);
    if (!ids)
        return ids.error();
    if (everyone.size() > limits::kMaxGroupMembers)
        return groupFull();

    qint64 groupId = 0;
    {
        auto insert =
            txn.sql.get(u"INSERT INTO groups (name, owner_id, created_at) VALUES (?, ?, ?)"_s);
        insert->addBindValue(name);
        insert->addBindValue(owner.userId);
        insert->addBindValue(txn.now);
        if (!insert.run())
            return storageError();
        groupId = insert->lastInsertId().toLongLong();
    }
    qint64 convId = 0;
    {
        auto insert = txn.sql.get(u"INSERT INTO convs (kind, group_id) VALUES (?, ?)"_s);
        insert->addBindValue(kGroupConv);
        insert->addBindValue(groupId);
        if (!insert.run())
            return storageError();
        convId = insert->lastInsertId().toLongLong();
    }
    for (qint64 id : *ids) {
        if (auto admitted = admit(txn, groupId, convId, id); !admitted)
            return admitted.error();
    }
    return describe(txn.sql, groupId);
}

Result<GroupChange> add(WriteTxn &txn, const Sender &actor, qint64 groupId,
                        const QStringList &members)
{
    const auto group = memberAccess(txn.sql, actor.userId, groupId, "only the owner adds members");
    if (!group)
        return group.error();
    const auto ids = userIds(txn.sql, members);
    if (!ids)
        return ids.error();
    const auto current = activeMemberIds(txn.sql, groupId);
    if (!current)
        return current.error();
    QList<qint64> newcomers;
    for (qint64 id : *ids) {
        if (!current->contains(id) && !newcomers.contains(id))
            newcomers.append(id);
    }
    if (current->size() + newcomers.size() > limits::kMaxGroupMembers)
        return groupFull();
    for (qint64 id : std::as_const(newcomers)) {
        if (auto admitted = admit(txn, groupId, group->convId, id); !admitted)
            return admitted.error();
    }
    return describe(txn.sql, groupId);
}

Result<GroupChange> remove(WriteTxn &txn, const Sender &actor, qint64 groupId,
                           const QString &member)
{
    const auto group =
        memberAccess(txn.sql, actor.userId, groupId, "only the owner removes members");
    if (!group)
        return group.error();
    const auto target = userIdByName(txn.sql, member);
    if (!target)
        return target.error();
    if (*target == actor.userId)
        return Error { ErrorCode::BadRequest, u"the owner leaves with group.leave"_s };
    const auto current = activeMemberIds(txn.sql, groupId);
    if (!current)
        return current.error();
    if (!current->contains(*target))
        return Error { ErrorCode::NotFound, u"%1 is not a member"_s.arg(member) };
    if (auto dismissed = dismiss(txn, groupId, group->convId, *target); !dismissed)
        return dismissed.error();
    auto change = describe(txn.sql, groupId);
    if (change)
        change->removedIds.append(*target);
    return change;
}

Result<GroupChange> leave(WriteTxn &txn, const Sender &actor, qint64 groupId)
{
    const auto group = memberAccess(txn.sql, actor.userId, groupId);
    if (!group)
        return group.error();
    if (auto dismissed = dismiss(txn, groupId, group->convId, actor.userId); !dismissed)
        return dismissed.error();
    const auto remaining = activeMemberIds(txn.sql, groupId);
    if (!remaining)
        return remaining.error();
    if (remaining->isEmpty()) {
        auto close = txn.sql.get(u"UPDATE groups SET closed_at = ? WHERE id = ?"_s);
        close->addBindValue(txn.now);
        close->addBindValue(groupId);
        if (!close.run())
            return storageError();
    } else if (group->ownerId == actor.userId) {
        // The longest-standing member (the lowest join order) takes over.
        auto handOver = txn.sql.get(u"UPDATE groups SET owner_id = ? WHERE id = ?"_s);
        handOver->addBindValue(remaining->constFirst());
        handOver->addBindValue(groupId);
        if (!handOver.run())
            return storageError();
    }
    auto change = describe(txn.sql, groupId);
    if (change) {
        change->removedIds.append(actor.userId);
        change->closed = remaining->isEmpty();
    }
    return change;
}

Result<GroupChange> rename(WriteTxn &txn, const Sender &actor, qint64 groupId, const QString &name)
{
    const auto group = memberAccess(txn.sql, actor.userId, groupId);
    if (!group)
        return group.error();
    auto update = txn.sql.get(u"UPDATE groups SET name = ? WHERE id = ?"_s);
    update->addBindValue(name);
    update->addBindValue(groupId);
    if (!update.run())
        return storageError();
    return describe(txn.sql, groupId);
}

Result<QList<GroupInfo>> groupsOf(Statements &sql, qint64 userId)
{
    QList<qint64> ids;
    {
        auto query = sql.get(u"SELECT gm.group_id FROM group_members gm "
                             "JOIN groups g ON g.id = gm.group_id "
                             "WHERE gm.user_id = ? AND gm.active = 1 AND g.closed_at IS NULL "
                             "ORDER BY gm.group_id"_s);
        query->addBindValue(userId);
        if (!query.run())
            return storageError();
        while (query->next())
            ids.append(query->value(0).toLongLong());
    }
    QList<GroupInfo> groups;
    for (qint64 id : std::as_const(ids)) {
        auto change = describe(sql, id);
        if (!change)
            return change.error();
        groups.append(change->group);
    }
    return groups;
}

} // namespace confab::store::groups
