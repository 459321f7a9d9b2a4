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
#include <QList>
#include <QObject>
#include <QPointer>
#include <QSslConfiguration>
#include <QTimer>
#include <QUrl>
#include <QWebSocket>

#include <functional>
#include <optional>

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
    // TLS settings for wss:// (e.g. a CA to trust); default: the system's.
    void setSslConfiguration(const QSslConfiguration &ssl) { m_ssl = ssl; }

    // Connects, and stays connected (reconnecting after any loss) until stop().
    void start();
    void stop();
    // Tries at once instead of waiting for the scheduled retry (the UI's "Retry now").
    void reconnectNow();

    State state() const { return m_state; }
    QDateTime nextRetryAt() const { return m_nextRetryAt; }
    // The wait chosen (backoff and jitter) before the scheduled retry; 0 when none is scheduled.
    int retryDelayMs() const { return m_retryDelayMs; }
    QString lastError() const { return m_lastError; }
    // The last welcome (valid while Online).
    const WelcomeEvent &welcome() const { return m_welcome; }

    // Sends a request with a fresh id. `reply` gets the reply frame, or the server's error, or
    // Unavailable if the connection goes before the reply comes (or it is not Online now).
    // A Connection destroyed with requests pending drops their callbacks without calling them.
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
    using Reply = std::function<void(Result<QJsonObject>)>;
    // Counts a socket signal being handled (see m_socketCallbacks).
    class SocketCallback;

    void connectNow();
    void onConnected();
    void onText(const QString &text);
    void onSocketError(QAbstractSocket::SocketError error);
    // Runs onDisconnected() once the socket has said all it has to say, if `attempt` is still
    // the current one.
    void endAttemptLater(quint64 attempt);
    void onDisconnected();
    void onWelcome(const QJsonObject &frame);
    // Ends the current attempt: Offline with `reason`, and a retry unless stopped.
    void fail(const QString &reason);
    // The server refused the token: Offline, and no retries until start().
    void reject(int closeCode, const QString &reason);
    void scheduleRetry();
    void sendFrame(const QJsonObject &frame);
    // Unhooks the current socket from this object and hands it over; null when there is none.
    QWebSocket *takeSocket();
    // Both take a socket from takeSocket(): discard() drops it at once, closeGracefully() lets
    // it finish the close handshake first.
    void discard(QWebSocket *socket);
    void closeGracefully(QWebSocket *socket);
    QHash<QString, Reply> takePending();
    static void failPending(const QHash<QString, Reply> &pending);

    // One socket per attempt (none while Offline), so nothing from an abandoned attempt can
    // reach the next one. It has no parent: see ~Connection.
    QWebSocket *m_socket = nullptr;
    // Sockets on their way out (discarded, or closing after stop() or start()): they go by
    // themselves; ~Connection deletes those still there.
    QList<QPointer<QWebSocket>> m_closing;
    // How many socket signals are being handled right now (a slot may delete this meanwhile).
    int m_socketCallbacks = 0;
    quint64 m_attemptSerial = 0;
    QString m_socketError; // the socket's last error during this attempt
    bool m_serverClosed = false; // the server sent a close frame during this attempt

    QUrl m_url;
    std::optional<QSslConfiguration> m_ssl;
    QString m_token;
    Backoff m_backoff;
    bool m_started = false;
    int m_failures = 0; // consecutive failed attempts, the backoff exponent
    State m_state = State::Offline;
    QDateTime m_nextRetryAt;
    int m_retryDelayMs = 0;
    QString m_lastError;
    WelcomeEvent m_welcome;

    quint64 m_nextRequestId = 1;
    QHash<QString, Reply> m_pending;

    QTimer m_retryTimer;
    QTimer m_connectTimer; // an attempt that is not welcomed in time is abandoned
    QTimer m_pingTimer; // the heartbeat
    QTimer m_silenceTimer; // restarted by every frame; fires when the server went quiet
};

} // namespace confab::client
