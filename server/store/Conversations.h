// The per-user conversation index: what `conversations` answers from, without scanning any
// inbox, and the read markers that drive unread counts.
#pragma once

#include "common/Conversations.h"
#include "common/Result.h"
#include "server/store/Statements.h"
#include "server/store/Writer.h"

#include <optional>

namespace confab::store::conversations {

// Most recent activity first (equal times: the newer last message first), below `beforeTs`
// (exclusive). A page never splits conversations with the same activity time, so paging by the
// last one's time loses none (it holds more than `limit` when they tie at its end).
Result<ConversationsPage> page(Statements &sql, qint64 userId, std::optional<qint64> beforeTs,
                               int limit);

// Moves the user's read marker forward (clamped to the newest message the user can see; a lower
// value changes nothing) and recounts unread. The marker now in force; not_found for a
// conversation the user is not in.
Result<qint64> markRead(WriteTxn &txn, qint64 userId, const ConvRef &conv, qint64 convSeq);

} // namespace confab::store::conversations
