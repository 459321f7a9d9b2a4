// The WebSocket connection to a Confab server (PROTOCOL.md §3): authenticates, keeps the
// heartbeat, reconnects with capped exponential backoff and jitter, and matches replies to
// requests. It shows the UI where it stands: online, connecting, or offline with the reason and
// the time of the next try.
#pragma once

#include "common/Events.h"
#include "common/Result.h"

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QTimer>
#include <QUrl>
#include <QWebSocket>

#include <functional>

namespace confab::client {

class Connection : public QObject
{
    Q_OBJECT
    Q_PROPERTY(State state READ state NOTIFY stateChanged)
    Q_PROPERTY(QDateTime nextRetryAt READ nextRetryAt NOTIFY stateChanged)
    Q_PROPERTY(QString lastError READ lastError NOTIFY stateChanged)
public:
    enum class State {
        Offline, // not connected; a retry may be scheduled (nextRetryAt) unless stopped
        Connecting, // opening the socket or waiting for the welcome
        Online, // welcomed: requests go out
    };
    Q_ENUM(State)

    struct Backoff
    {
        int initialMs = 500;
        int maxMs = 30'000;
        double factor = 2.0;
        double jitter = 0.25; // each delay is scaled by a random factor in [1 - j, 1 + j]
        int connectTimeoutMs = 10'000; // an attempt that is not welcomed by then is abandoned
    };

    explicit Connection(QObject *parent = nullptr);
    ~Connection() override;

    void setUrl(const QUrl &webSocketUrl);
    void setToken(const QString &token);
    void setBackoff(const Backoff &backoff);

    // Connects, and stays connected (reconnecting after any loss) until stop().
    void start();
    void stop();
    // Tries at once instead of waiting for the scheduled retry (the UI's "Retry now").
    void reconnectNow();

    State state() const { return m_state; }
    QDateTime nextRetryAt() const { return m_nextRetryAt; }
    QString lastError() const { return m_lastError; }
    // The last welcome (valid while Online).
    const WelcomeEvent &welcome() const { return m_welcome; }

    // Sends a request with a fresh id. `reply` gets the reply frame, or the server's error, or
    // Unavailable if the connection goes before the reply comes (or it is not Online now).
    void request(QJsonObject frame, std::function<void(Result<QJsonObject>)> reply);
    // Sends a frame that has no reply (ack, read). False when not Online.
    bool send(const QJsonObject &frame);

Q_SIGNALS:
    void stateChanged();
    void welcomed(const confab::WelcomeEvent &welcome);
    // Pushed frames (msg, read, presence, group.updated, group.removed, ...) and errors that
    // answer no pending request.
    void eventReceived(const QJsonObject &frame);
    // The server refused the token (close 4001) or logged this device out (4003): no more
    // retries until start() is called again with a new token.
    void tokenRejected(int closeCode, const QString &reason);

private:
    // (implementation state: add what you need)
    QWebSocket m_socket;
    QUrl m_url;
    QString m_token;
    Backoff m_backoff;
    State m_state = State::Offline;
    QDateTime m_nextRetryAt;
    QString m_lastError;
    WelcomeEvent m_welcome;
};

} // namespace confab::client
