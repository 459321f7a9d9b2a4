// A scriptable WebSocket client for integration tests: sends JSON frames, keeps every frame it
// receives, and waits (on signals, with generous timeouts) for the one a test expects.
#pragma once

#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QUrl>
#include <QWebSocket>

#include <functional>
#include <optional>

namespace confab::test {

class WsClient : public QObject
{
    Q_OBJECT
public:
    static constexpr int kTimeoutMs = 20'000;

    WsClient();

    bool open(const QUrl &url);
    // Opens and authenticates; the welcome frame, or nothing.
    std::optional<QJsonObject> login(const QUrl &url, const QString &token);

    void send(const QJsonObject &frame);
    void sendText(const QString &text);
    // Sends `frame` with a fresh request id and waits for the reply carrying that id.
    std::optional<QJsonObject> request(QJsonObject frame, int timeoutMs = kTimeoutMs);

    // The first received frame (not yet taken) that matches; it is taken off the list.
    std::optional<QJsonObject> waitFor(const std::function<bool(const QJsonObject &)> &match,
                                       int timeoutMs = kTimeoutMs);
    std::optional<QJsonObject> waitForType(const QString &type, int timeoutMs = kTimeoutMs);
    // True if a frame of that type is waiting now (after a round trip that proves order, false
    // proves it never came).
    bool hasPending(const QString &type) const;
    QList<QJsonObject> takeAll(const QString &type);

    bool waitForClosed(int timeoutMs = kTimeoutMs);
    int closeCode() const { return m_closeCode; }
    bool isOpen() const { return m_socket.state() == QAbstractSocket::ConnectedState; }
    QWebSocket &socket() { return m_socket; }

private:
    QWebSocket m_socket;
    QList<QJsonObject> m_frames;
    int m_closeCode = -1;
    int m_nextId = 1;
};

} // namespace confab::test
