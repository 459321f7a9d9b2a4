// Storage of messages and inboxes: appending a message to every inbox it belongs in (and to each
// owner's conversation index), and reading inboxes (sync) and conversations (history) back.
#pragma once

#include "common/ConvRef.h"
#include "common/Events.h"
#include "common/Message.h"
#include "common/Result.h"
#include "server/store/Statements.h"
#include "server/store/Writer.h"

#include <QList>

namespace confab::store {

// Who is asking: the account behind an authenticated device.
struct Sender
{
    qint64 userId = 0;
    QString username;
};

// One inbox entry a stored message produced, with the conversation as that inbox's owner sees it.
struct InboxCopy
{
    qint64 userId = 0;
    qint64 seq = 0;
    QString conv;
};

struct StoredMessage
{
    Message message; // as the sender sees it
    qint64 senderSeq = 0;
    bool duplicate = false; // an earlier send with the same client_id; nothing new was stored
    QList<InboxCopy> copies; // every inbox entry, the sender's included (empty for a duplicate)
};

namespace inbox {

// Stores a message to a user or a group: not_found for an unknown user or group, forbidden for a
// group the sender is not a member of. Gives every inbox its next seq and the conversation its
// next conv_seq; a repeated client_id returns the original and stores nothing. Every refusal
// comes before the first write (Isolation::ChecksFirst); after it, only `internal`.
Result<StoredMessage> append(WriteTxn &txn, const Sender &sender, const ConvRef &to,
                             const QString &clientId, const QString &body);

// Moves the device's acked_seq forward (a lower value is ignored; above the inbox's newest entry
// is bad_request, checked before the write).
Result<Done> ack(WriteTxn &txn, qint64 userId, qint64 deviceId, qint64 seq);

Result<qint64> latestSeq(Statements &sql, qint64 userId);

// Inbox entries after `after`, in seq order, at most `limit`.
Result<SyncPage> syncPage(Statements &sql, qint64 userId, qint64 after, int limit);

// Messages of one conversation below `before` (exclusive conv_seq; none: the newest), newest page
// first, returned ascending. not_found for an unknown user or group; forbidden for a group the
// viewer never belonged to; a former member sees what was posted until it left.
Result<HistoryPage> historyPage(Statements &sql, const Sender &viewer, const ConvRef &conv,
                                std::optional<qint64> before, int limit);

} // namespace inbox
} // namespace confab::store
