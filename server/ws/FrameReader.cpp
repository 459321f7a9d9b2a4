#include "server/ws/FrameReader.h"

#include <cstring>

namespace confab::ws {

using namespace Qt::StringLiterals;

namespace {
constexpr quint8 kFin = 0x80;
constexpr quint8 kReservedBits = 0x70;
constexpr quint8 kOpcodeBits = 0x0f;
constexpr quint8 kMasked = 0x80;
constexpr qsizetype kMaxControlPayload = 125;

// XORs `size` bytes at `data` with the 4-byte `key` (RFC 6455 §5.3), eight bytes at a time.
void unmask(char *data, qsizetype size, const char key[4])
{
    quint64 wide;
    char pattern[8];
    for (int i = 0; i < 8; ++i)
        pattern[i] = key[i % 4];
    std::memcpy(&wide, pattern, 8);
    qsizetype i = 0;
    for (; i + 8 <= size; i += 8) {
        quint64 word;
        std::memcpy(&word, data + i, 8);
        word ^= wide;
        std::memcpy(data + i, &word, 8);
    }
    for (; i < size; ++i)
        data[i] = char(data[i] ^ key[i % 4]);
}

std::optional<ClientMessage::Kind> dataKind(quint8 opcode)
{
    switch (Opcode(opcode)) {
    case Opcode::Text:
        return ClientMessage::Kind::Text;
    case Opcode::Binary:
        return ClientMessage::Kind::Binary;
    default:
        return std::nullopt;
    }
}
} // namespace

void FrameReader::append(QByteArray bytes)
{
    if (failed() || bytes.isEmpty())
        return;
    if (m_offset == m_buffer.size()) {
        m_buffer = std::move(bytes);
        m_offset = 0;
        return;
    }
    if (m_offset > 0) {
        m_buffer.remove(0, m_offset);
        m_offset = 0;
    }
    m_buffer.append(bytes);
}

void FrameReader::consume(qsizetype bytes)
{
    m_offset += bytes;
    if (m_offset == m_buffer.size()) {
        m_buffer = QByteArray(); // released: an idle connection holds no buffer
        m_offset = 0;
    }
}

std::optional<ClientMessage> FrameReader::fail(int code, const QString &reason)
{
    m_failureCode = code;
    m_failureReason = reason;
    m_buffer = QByteArray();
    m_offset = 0;
    m_fragments = QByteArray();
    m_fragmented.reset();
    return std::nullopt;
}

std::optional<ClientMessage> FrameReader::next()
{
    while (!failed()) {
        const qsizetype available = m_buffer.size() - m_offset;
        if (available < 2)
            return std::nullopt;
        const auto *head = reinterpret_cast<const quint8 *>(m_buffer.constData() + m_offset);
        const bool final = head[0] & kFin;
        const quint8 opcode = head[0] & kOpcodeBits;
        if (head[0] & kReservedBits)
            return fail(close::kProtocolError, u"reserved bits set: no extension was agreed"_s);
        if (!(head[1] & kMasked))
            return fail(close::kProtocolError, u"a client's frames must be masked"_s);
        const bool control = isControl(Opcode(opcode));
        if (control && opcode > quint8(Opcode::Pong))
            return fail(close::kProtocolError, u"unknown opcode %1"_s.arg(opcode));
        if (!control && opcode > quint8(Opcode::Binary))
            return fail(close::kProtocolError, u"unknown opcode %1"_s.arg(opcode));

        quint64 length = head[1] & 0x7f;
        qsizetype headerSize = 2;
        if (length == 126) {
            if (available < 4)
                return std::nullopt;
            length = (quint64(head[2]) << 8) | head[3];
            headerSize = 4;
        } else if (length == 127) {
            if (available < 10)
                return std::nullopt;
            length = 0;
            for (int i = 0; i < 8; ++i)
                length = (length << 8) | head[2 + i];
            headerSize = 10;
            if (length >> 63)
                return fail(close::kProtocolError, u"payload length out of range"_s);
        }
        if (control && (!final || length > quint64(kMaxControlPayload)))
            return fail(close::kProtocolError,
                        u"control frames are single frames of at most 125 bytes"_s);
        if (!control) {
            if (opcode == quint8(Opcode::Continuation) && !m_fragmented)
                return fail(close::kProtocolError, u"a continuation frame without a message"_s);
            if (opcode != quint8(Opcode::Continuation) && m_fragmented)
                return fail(close::kProtocolError,
                            u"a new message before the last one's final frame"_s);
            if (length > quint64(m_maxMessageBytes - m_fragments.size()))
                return fail(close::kTooBig,
                            u"message larger than %1 bytes"_s.arg(m_maxMessageBytes));
        }
        const qsizetype frameSize = headerSize + 4 + qsizetype(length);
        if (available < frameSize)
            return std::nullopt;

        const char *key = m_buffer.constData() + m_offset + headerSize;
        QByteArray payload(key + 4, qsizetype(length));
        unmask(payload.data(), payload.size(), key);
        consume(frameSize);

        if (control) {
            ClientMessage message;
            switch (Opcode(opcode)) {
            case Opcode::Ping:
                message.kind = ClientMessage::Kind::Ping;
                break;
            case Opcode::Pong:
                message.kind = ClientMessage::Kind::Pong;
                break;
            default:
                message.kind = ClientMessage::Kind::Close;
                if (payload.size() == 1)
                    return fail(close::kProtocolError, u"a close frame with half a code"_s);
                if (payload.size() >= 2) {
                    message.closeCode = (quint8(payload.at(0)) << 8) | quint8(payload.at(1));
                    if (!close::isValidOnTheWire(message.closeCode))
                        return fail(close::kProtocolError,
                                    u"close code %1 may not be sent"_s.arg(message.closeCode));
                    payload.remove(0, 2);
                    if (!QByteArrayView(payload).isValidUtf8())
                        return fail(close::kBadData, u"a close reason that is not UTF-8"_s);
                }
                break;
            }
            message.payload = std::move(payload);
            return message;
        }

        ClientMessage message;
        if (opcode == quint8(Opcode::Continuation)) {
            m_fragments.append(payload);
            if (!final)
                continue;
            message.kind = *m_fragmented;
            message.payload = std::exchange(m_fragments, QByteArray());
            m_fragmented.reset();
        } else if (!final) {
            m_fragmented = dataKind(opcode);
            m_fragments = std::move(payload);
            continue;
        } else {
            message.kind = *dataKind(opcode);
            message.payload = std::move(payload);
        }
        if (message.kind == ClientMessage::Kind::Text
            && !QByteArrayView(message.payload).isValidUtf8())
            return fail(close::kBadData, u"a text message that is not UTF-8"_s);
        return message;
    }
    return std::nullopt;
}

} // namespace confab::ws
