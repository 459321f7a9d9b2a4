#include "bench/WsConnection.h"

#include <QJsonDocument>
#include <QRandomGenerator>

#include <cstring>

namespace confab::bench {

using namespace Qt::StringLiterals;

namespace {
constexpr quint8 kText = 0x1;
constexpr quint8 kClose = 0x8;
constexpr quint8 kPing = 0x9;
constexpr quint8 kPong = 0xA;
} // namespace

WsConnection::WsConnection(QString host, quint16 port, QString token, QObject *parent)
    : QObject(parent)
    , m_socket(this)
    , m_host(std::move(host))
    , m_port(port)
    , m_token(std::move(token))
{
    connect(&m_socket, &QTcpSocket::connected, this, [this] {
        m_state = State::Handshaking;
        quint32 key[4];
        QRandomGenerator::global()->fillRange(key);
        const QByteArray nonce =
            QByteArray(reinterpret_cast<const char *>(key), sizeof key).toBase64();
        m_socket.write("GET /ws HTTP/1.1\r\nHost: " + m_host.toLatin1() + ':'
                       + QByteArray::number(m_port)
                       + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
                       + nonce + "\r\nSec-WebSocket-Version: 13\r\n\r\n");
    });
    connect(&m_socket, &QTcpSocket::readyRead, this, &WsConnection::onReadyRead);
    connect(&m_socket, &QTcpSocket::disconnected, this, [this] { finish(0); });
    connect(&m_socket, &QTcpSocket::errorOccurred, this, [this] {
        if (m_state == State::Connecting)
            finish(0);
    });
}

void WsConnection::open()
{
    m_buffer.clear();
    m_message.clear();
    m_welcome = {};
    m_state = State::Connecting;
    if (!m_source.isNull())
        m_socket.bind(m_source);
    m_socket.connectToHost(m_host, m_port);
}

void WsConnection::abort()
{
    m_state = State::Closed;
    m_socket.abort();
}

void WsConnection::sendJson(const QJsonObject &frame)
{
    sendText(QJsonDocument(frame).toJson(QJsonDocument::Compact));
}

void WsConnection::sendText(const QByteArray &utf8)
{
    writeFrame(kText, utf8);
}

void WsConnection::sendPing()
{
    writeFrame(kPing, {});
}

void WsConnection::writeFrame(quint8 opcode, QByteArrayView payload)
{
    if (m_socket.state() != QAbstractSocket::ConnectedState)
        return;
    const qsizetype size = payload.size();
    QByteArray frame;
    frame.reserve(size + 14);
    frame.append(char(0x80 | opcode));
    if (size < 126) {
        frame.append(char(0x80 | size));
    } else if (size < 65536) {
        frame.append(char(0x80 | 126));
        frame.append(char(size >> 8));
        frame.append(char(size & 0xff));
    } else {
        frame.append(char(0x80 | 127));
        for (int shift = 56; shift >= 0; shift -= 8)
            frame.append(char((quint64(size) >> shift) & 0xff));
    }
    // Clients must mask; the key needs no cryptographic strength against our own server.
    const quint32 key = QRandomGenerator::global()->generate();
    char mask[4];
    std::memcpy(mask, &key, 4);
    frame.append(mask, 4);
    const qsizetype start = frame.size();
    frame.append(payload.data(), size);
    char *data = frame.data() + start;
    for (qsizetype i = 0; i < size; ++i)
        data[i] = char(data[i] ^ mask[i & 3]);
    m_socket.write(frame);
}

void WsConnection::onReadyRead()
{
    m_buffer.append(m_socket.readAll());
    if (m_state == State::Handshaking && !readHandshake())
        return;
    readFrames();
}

bool WsConnection::readHandshake()
{
    const qsizetype end = m_buffer.indexOf("\r\n\r\n");
    if (end < 0)
        return false;
    if (!m_buffer.startsWith("HTTP/1.1 101")) {
        m_socket.abort();
        finish(0);
        return false;
    }
    m_buffer.remove(0, end + 4);
    m_state = State::Authenticating;
    sendJson(QJsonObject { { u"type"_s, u"auth"_s }, { u"token"_s, m_token } });
    return true;
}

void WsConnection::readFrames()
{
    qsizetype pos = 0;
    const auto *bytes = reinterpret_cast<const uchar *>(m_buffer.constData());
    while (m_state != State::Closed && m_buffer.size() - pos >= 2) {
        const bool fin = bytes[pos] & 0x80;
        const quint8 opcode = bytes[pos] & 0x0f;
        quint64 length = bytes[pos + 1] & 0x7f;
        qsizetype header = 2;
        if (length == 126) {
            if (m_buffer.size() - pos < 4)
                break;
            length = (quint64(bytes[pos + 2]) << 8) | bytes[pos + 3];
            header = 4;
        } else if (length == 127) {
            if (m_buffer.size() - pos < 10)
                break;
            length = 0;
            for (int i = 0; i < 8; ++i)
                length = (length << 8) | bytes[pos + 2 + i];
            header = 10;
        }
        if (quint64(m_buffer.size() - pos - header) < length)
            break;
        const QByteArray payload = m_buffer.mid(pos + header, qsizetype(length));
        pos += header + qsizetype(length);
        switch (opcode) {
        case kPing:
            writeFrame(kPong, payload);
            break;
        case kClose: {
            const int code = payload.size() >= 2
                ? (int(quint8(payload[0])) << 8) | int(quint8(payload[1]))
                : 1005;
            m_socket.abort();
            finish(code);
            return;
        }
        case kPong:
            break;
        default: // text, or a continuation of it
            m_message.append(payload);
            if (fin) {
                handleText(m_message);
                m_message.clear();
            }
        }
    }
    m_buffer.remove(0, pos);
}

void WsConnection::handleText(const QByteArray &payload)
{
    if (m_state == State::Authenticating) {
        const QJsonObject frame = QJsonDocument::fromJson(payload).object();
        if (frame.value(u"type"_s).toString() == "welcome"_L1) {
            m_state = State::Ready;
            m_welcome = frame;
            if (onWelcome)
                onWelcome(frame);
            return;
        }
    }
    if (onText)
        onText(payload);
}

void WsConnection::finish(int code)
{
    const bool wasOpen = m_state != State::Closed && m_state != State::Idle;
    m_state = State::Closed;
    if (wasOpen && onClosed)
        onClosed(code);
}

} // namespace confab::bench
