// WebSocket text frames written by the server itself (RFC 6455 §5.2), so that a frame that is
// already UTF-8 goes on the socket as it is: FIN + opcode 0x1 (continuation frames 0x0 past
// the fragment size), never masked, with a 7-bit, 16-bit or 64-bit payload length.
#pragma once

#include <QByteArray>

QT_BEGIN_NAMESPACE
class QIODevice;
QT_END_NAMESPACE

namespace confab::ws {

// The header of one server frame: `opcode` (0x1 text, 0x0 continuation), FIN when `final`.
QByteArray frameHeader(quint8 opcode, bool final, quint64 payloadLength);

// Appends `utf8` to `out` as one text message: one frame, or frames of at most `maxFrameBytes`
// (as QWebSocket fragments its own). An empty message is one empty frame.
void appendTextMessage(QByteArray &out, const QByteArray &utf8, qsizetype maxFrameBytes);

// Writes `utf8` as one text message, in one write.
void writeTextMessage(QIODevice &device, const QByteArray &utf8, qsizetype maxFrameBytes);

} // namespace confab::ws
