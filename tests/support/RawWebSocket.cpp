#include "tests/support/RawWebSocket.h"

#include <QTest>

namespace confab::test {

using namespace Qt::StringLiterals;

int ServerFrame::closeCode() const
{
    if (opcode != 0x8 || payload.size() < 2)
        return -1;
    return (quint8(payload[0]) << 8) | quint8(payload[1]);
}

QByteArray clientFrame(quint8 opcode, const QByteArray &payload, bool final, bool masked)
{
    QByteArray frame;
    frame.append(char((final ? 0x80 : 0x00) | opcode));
    const char maskBit = masked ? char(0x80) : char(0);
    if (payload.size() < 126) {
        frame.append(char(maskBit | char(payload.size())));
    } else if (payload.size() <= 0xffff) {
        frame.append(char(maskBit | 126));
        frame.append(char(payload.size() >> 8));
        frame.append(char(payload.size() & 0xff));
    } else {
        frame.append(char(maskBit | 127));
        for (int i = 7; i >= 0; --i)
            frame.append(char((quint64(payload.size()) >> (8 * i)) & 0xff));
    }
    if (!masked)
        return frame + payload;
    const char mask[4] = { 0x12, 0x34, 0x56, 0x78 };
    frame.append(mask, 4);
    for (qsizetype i = 0; i < payload.size(); ++i)
        frame.append(char(payload[i] ^ mask[i % 4]));
    return frame;
}

QByteArray handshakeRequest()
{
    return "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
           "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
           "Sec-WebSocket-Version: 13\r\n\r\n";
}

bool RawWebSocket::open(quint16 port, const QByteArray &behindHandshake)
{
    m_socket.connectToHost(u"127.0.0.1"_s, port);
    if (!m_socket.waitForConnected(kTimeoutMs))
        return false;
    m_socket.write(handshakeRequest() + behindHandshake);
    const bool answered = QTest::qWaitFor(
        [this] {
            m_buffer += m_socket.readAll();
            return m_buffer.contains("\r\n\r\n")
                || m_socket.state() == QAbstractSocket::UnconnectedState;
        },
        kTimeoutMs);
    const qsizetype end = m_buffer.indexOf("\r\n\r\n");
    if (!answered || end < 0)
        return false;
    m_answer = m_buffer.left(end + 4);
    m_buffer.remove(0, end + 4);
    return m_answer.startsWith("HTTP/1.1 101");
}

std::optional<ServerFrame> RawWebSocket::takeFrame()
{
    if (m_buffer.size() < 2)
        return std::nullopt;
    const auto *head = reinterpret_cast<const quint8 *>(m_buffer.constData());
    quint64 length = head[1] & 0x7f;
    qsizetype header = 2;
    if (length == 126) {
        if (m_buffer.size() < 4)
            return std::nullopt;
        length = (quint64(head[2]) << 8) | head[3];
        header = 4;
    } else if (length == 127) {
        if (m_buffer.size() < 10)
            return std::nullopt;
        length = 0;
        for (int i = 0; i < 8; ++i)
            length = (length << 8) | head[2 + i];
        header = 10;
    }
    if (m_buffer.size() < header + qsizetype(length))
        return std::nullopt;
    ServerFrame frame;
    frame.opcode = head[0] & 0x0f;
    frame.final = head[0] & 0x80;
    frame.payload = m_buffer.mid(header, qsizetype(length));
    m_buffer.remove(0, header + qsizetype(length));
    return frame;
}

std::optional<ServerFrame> RawWebSocket::nextFrame(int timeoutMs)
{
    std::optional<ServerFrame> frame;
    [[maybe_unused]] const bool settled = QTest::qWaitFor(
        [&] {
            m_buffer += m_socket.readAll();
            frame = takeFrame();
            return frame.has_value() || m_socket.state() == QAbstractSocket::UnconnectedState;
        },
        timeoutMs);
    if (!frame) {
        m_buffer += m_socket.readAll();
        frame = takeFrame();
    }
    return frame;
}

std::optional<ServerFrame> RawWebSocket::nextControlFrame(int timeoutMs)
{
    while (auto frame = nextFrame(timeoutMs)) {
        if (frame->opcode & 0x8)
            return frame;
    }
    return std::nullopt;
}

bool RawWebSocket::waitForClosed(int timeoutMs)
{
    return QTest::qWaitFor(
        [this] {
            m_buffer += m_socket.readAll();
            return m_socket.state() == QAbstractSocket::UnconnectedState;
        },
        timeoutMs);
}

} // namespace confab::test
