// Reads a client's WebSocket frames (RFC 6455 §5) from the bytes of its connection: unmasks them,
// joins fragmented messages, and hands out whole messages and control frames one at a time. It
// does no I/O. It refuses what the RFC and PROTOCOL.md §1 refuse, and stops at the first such
// frame with the close code to send: 1002 for a broken frame (unmasked, reserved bits or opcodes,
// a fragmented or oversized control frame, a stray continuation), 1009 for a message over the
// limit (seen in its frame header, before its payload is buffered), 1007 for a text message or
// close reason that is not UTF-8.
//
// An idle reader holds no memory: its buffers are released once everything in them was read.
#pragma once

#include "server/ws/WebSocketProtocol.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace confab::ws {

struct ClientMessage
{
    enum class Kind : quint8 { Text, Binary, Ping, Pong, Close };
    Kind kind = Kind::Text;
    QByteArray payload; // unmasked; a close frame's reason (UTF-8) without its code
    int closeCode = close::kNoStatus; // a close frame's code, if it had one
};

class FrameReader
{
public:
    explicit FrameReader(qsizetype maxMessageBytes)
        : m_maxMessageBytes(maxMessageBytes)
    { }

    // Bytes as they came off the connection.
    void append(QByteArray bytes);
    // The next whole message or control frame in what was appended, if there is one. Nothing
    // once the stream is broken (see failed()).
    std::optional<ClientMessage> next();

    bool failed() const { return m_failureCode != 0; }
    // The close code to answer a broken stream with, and why (for the close frame).
    int failureCode() const { return m_failureCode; }
    QString failureReason() const { return m_failureReason; }

private:
    std::optional<ClientMessage> fail(int code, const QString &reason);
    void consume(qsizetype bytes);

    qsizetype m_maxMessageBytes;
    QByteArray m_buffer; // received, not yet read; starts at m_offset
    qsizetype m_offset = 0;
    QByteArray m_fragments; // the message being joined from its frames
    std::optional<ClientMessage::Kind> m_fragmented; // the kind of that message
    int m_failureCode = 0;
    QString m_failureReason;
};

} // namespace confab::ws
