// Storage of groups and their members (PROTOCOL.md §3.2): at most 100 members, an owner who alone
// adds and removes, ownership passed to the longest-standing member when the owner leaves, and
// former members who may still read what was posted while they were in.
#pragma once

#include "common/Groups.h"
#include "common/Result.h"
#include "server/store/Inbox.h"
#include "server/store/Statements.h"
#include "server/store/Writer.h"

#include <QList>

#include <optional>

namespace confab::store {

// What a user may do with a group.
struct GroupAccess
{
    qint64 convId = 0;
    qint64 ownerId = 0;
    bool member = false; // a current member
    std::optional<qint64> visibleUntil; // a former member: may read conv_seq up to this
};

// The result of a change, for the notifications that follow its commit.
struct GroupChange
{
    GroupInfo group; // after the change
    QList<qint64> memberIds; // current members: each of their devices gets group.updated
    QList<qint64> removedIds; // left or removed: their devices get group.removed
    bool closed = false; // the last member left
};

namespace groups {

// not_found for a group that does not exist or was closed.
Result<GroupAccess> access(Statements &sql, qint64 userId, qint64 groupId);
Result<QList<qint64>> activeMemberIds(Statements &sql, qint64 groupId);

// group_full above the limit; not_found for an unknown user; nothing is stored on any error.
Result<GroupChange> create(WriteTxn &txn, const Sender &owner, const QString &name,
                           const QStringList &members);
Result<GroupChange> add(WriteTxn &txn, const Sender &actor, qint64 groupId,
                        const QStringList &members);
Result<GroupChange> remove(WriteTxn &txn, const Sender &actor, qint64 groupId,
                           const QString &member);
Result<GroupChange> leave(WriteTxn &txn, const Sender &actor, qint64 groupId);
Result<GroupChange> rename(WriteTxn &txn, const Sender &actor, qint64 groupId, const QString &name);

// The groups the user is a current member of.
Result<QList<GroupInfo>> groupsOf(Statements &sql, qint64 userId);

} // namespace groups
} // namespace confab::store
