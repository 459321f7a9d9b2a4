// Storage of contacts (per account, shared by its devices) and of last activity, and the
// questions presence asks: who watches whom, and whose presence a user may see.
#pragma once

#include "common/Result.h"
#include "server/store/Statements.h"
#include "server/store/Writer.h"

#include <QHash>
#include <QList>
#include <QSet>
#include <QString>

namespace confab::store {

struct ContactRow
{
    qint64 userId = 0;
    QString username;
    QString displayName;
    qint64 lastActiveAt = 0; // 0: never connected
};

namespace contacts {

// The contact's id; not_found for an unknown user, bad_request for oneself.
Result<qint64> add(WriteTxn &txn, qint64 userId, const QString &contact);
// The contact's id (also when it was not a contact); not_found for an unknown user.
Result<qint64> remove(WriteTxn &txn, qint64 userId, const QString &contact);
Result<QList<ContactRow>> list(Statements &sql, qint64 userId);

// Every contact relation: contact id -> the users who have it as a contact (its watchers).
Result<QHash<qint64, QSet<qint64>>> allWatchers(Statements &sql);

// Of `usernames`, those the user may see the presence of (itself, its contacts, users who share
// a group with it), with their ids and stored last activity.
Result<QList<ContactRow>> visibleTo(Statements &sql, qint64 userId, const QStringList &usernames);

Result<Done> setLastActive(WriteTxn &txn, const QHash<qint64, qint64> &lastActiveByUser);

} // namespace contacts
} // namespace confab::store
