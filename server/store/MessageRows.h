// SQL shared by the readers and writers of messages: the columns that make a Message as one
// viewer sees it, and small lookups.
#pragma once

#include "common/Message.h"
#include "common/Result.h"
#include "server/store/Statements.h"

#include <QString>

namespace confab::store {

// "m.id, …, <conv as the viewer sees it>": bind the viewer's user id first. Needs kMessageJoins.
extern const QString kMessageColumns;
// Joins users s (sender), convs c, users lo and hi (a direct conversation's two parties).
extern const QString kMessageJoins;
// Reads a message whose kMessageColumns start at column `first`.
Message readMessage(const Statement &query, int first);

Error storageError();

// not_found for an unknown username.
Result<qint64> userIdByName(Statements &sql, const QString &username);

} // namespace confab::store
