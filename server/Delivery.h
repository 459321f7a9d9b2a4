// Live delivery of a stored message: each inbox copy becomes one msg frame, encoded once per
// conversation view (a direct message reads "user:bob" for alice and "user:alice" for bob) and
// shared by every device of that inbox's owner.
#pragma once

#include "server/store/Inbox.h"

namespace confab {

class Router;
struct Metrics;

// The msg frame for one inbox entry (UTF-8), around an already encoded message.
QByteArray msgFrame(qint64 seq, const QByteArray &messageJson);

// Hands every copy to the Router; the sending device (exceptDevice) is skipped.
void fanOut(Router &router, Metrics &metrics, const store::StoredMessage &stored,
            qint64 senderUserId, qint64 exceptDevice);

} // namespace confab
