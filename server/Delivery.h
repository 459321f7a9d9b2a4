// Live delivery: pushed events are encoded once and shared by every device they go to. A stored
// message's inbox copies become msg frames, encoded once per conversation view (a direct message
// reads "user:bob" for alice and "user:alice" for bob).
#pragma once

#include "server/store/Inbox.h"

#include <QJsonObject>

namespace confab {

class Router;
struct Metrics;

// The frame of a pushed event or reply (UTF-8).
QByteArray encodeFrame(const QJsonObject &json);

// The msg frame for one inbox entry (UTF-8), around an already encoded message.
QByteArray msgFrame(qint64 seq, const QByteArray &messageJson);

// Hands every copy to the Router; the sending device (exceptDevice) is skipped.
void fanOut(Router &router, Metrics &metrics, const store::StoredMessage &stored,
            qint64 senderUserId, qint64 exceptDevice);

} // namespace confab
