// WebSocket frames written by the server (RFC 6455 §5.2), so that a message that is already UTF-8
// goes on the socket as it is: FIN + opcode, never masked, with a 7-bit, 16-bit or 64-bit payload
// length. Text messages are cut into continuation frames past a fragment size; control frames
// (close, ping, pong) are one frame of at most 125 bytes.
#pragma once

#include "server/ws/WebSocketProtocol.h"

#include <QByteArray>

QT_BEGIN_NAMESPACE
class QIODevice;
QT_END_NAMESPACE

namespace confab::ws {

// The size past which a text message is cut into frames (what QWebSocket does by default).
constexpr qsizetype kOutgoingFragmentBytes = 512 * 1024;

// The header of one server frame, FIN set when `final`.
QByteArray frameHeader(Opcode opcode, bool final, quint64 payloadLength);

// Appends `utf8` to `out` as one text message: one frame, or frames of at most `maxFrameBytes`.
// An empty message is one empty frame.
void appendTextMessage(QByteArray &out, const QByteArray &utf8,
                       qsizetype maxFrameBytes = kOutgoingFragmentBytes);

// Writes `utf8` as one text message, in one write.
void writeTextMessage(QIODevice &device, const QByteArray &utf8,
                      qsizetype maxFrameBytes = kOutgoingFragmentBytes);

// Appends one control frame; a payload over 125 bytes is cut to 125.
void appendControlFrame(QByteArray &out, Opcode opcode, QByteArrayView payload);

// The payload of a close frame: the code, then `reason` in UTF-8, cut (on a character boundary)
// to fit a control frame.
QByteArray closePayload(int code, const QString &reason);

} // namespace confab::ws
