// One benchmark device: a WebSocket client written on QTcpSocket (handshake, masked text frames,
// pings), far lighter than QWebSocket so one process can hold 19,000 of them. It authenticates
// with a token and hands every JSON frame after the welcome to its owner.
#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QJsonObject>
#include <QObject>
#include <QTcpSocket>

#include <functional>

namespace confab::bench {

class WsConnection : public QObject
{
    Q_OBJECT
public:
    enum class State { Idle, Connecting, Handshaking, Authenticating, Ready, Closed };

    WsConnection(QString host, quint16 port, QString token, QObject *parent = nullptr);

    // Connects (from `source` when set), upgrades to a WebSocket on /ws and sends `auth`.
    void open();
    void setSource(const QHostAddress &source) { m_source = source; }
    // Drops the TCP connection without a close handshake (a device going away).
    void abort();
    void sendJson(const QJsonObject &frame);
    void sendText(const QByteArray &utf8);
    void sendPing();

    State state() const { return m_state; }
    const QJsonObject &welcome() const { return m_welcome; }

    std::function<void(const QJsonObject &welcome)> onWelcome;
    // Every text frame after the welcome, as it came (workloads scan it or parse it).
    std::function<void(const QByteArray &frame)> onText;
    // The close code (0 for a dropped connection or a failed handshake).
    std::function<void(int code)> onClosed;

private:
    void onReadyRead();
    bool readHandshake();
    void readFrames();
    void handleText(const QByteArray &payload);
    void writeFrame(quint8 opcode, QByteArrayView payload);
    void finish(int code);

    QTcpSocket m_socket;
    QString m_host;
    quint16 m_port;
    QString m_token;
    QHostAddress m_source;
    State m_state = State::Idle;
    QByteArray m_buffer;
    QByteArray m_message; // a fragmented text message being reassembled
    QJsonObject m_welcome;
};

} // namespace confab::bench
