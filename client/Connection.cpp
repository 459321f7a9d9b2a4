#include "client/Connection.h"

#include "client/Logging.h"
#include "common/ErrorCode.h"
#include "common/Requests.h"

#include <QJsonDocument>
#include <QRandomGenerator>

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace confab::client {

using namespace Qt::StringLiterals;

namespace {
// Close codes of PROTOCOL.md §4 that mean "this token is no good": retrying cannot help.
constexpr int kCloseUnauthorized = 4001;
constexpr int kCloseLoggedOut = 4003;
// How long a socket closed by stop() or start() may take over its close handshake.
constexpr int kCloseGraceMs = 3000;
// Past this many failures the delay is at its cap anyway; stop counting before pow() overflows.
constexpr int kMaxFailureExponent = 62;

const QString &noAnswer()
{
    static const QString text = u"No answer from the server"_s;
    return text;
}
} // namespace

// Counts the socket signals being handled: a slot of ours may emit a signal whose receiver
// deletes this Connection, and ~Connection must not delete the socket under its own emission.
class Connection::SocketCallback
{
public:
    explicit SocketCallback(Connection *connection)
        : m_connection(connection)
    {
        ++connection->m_socketCallbacks;
    }
    ~SocketCallback()
    {
        if (m_connection)
            --m_connection->m_socketCallbacks;
    }
    Q_DISABLE_COPY_MOVE(SocketCallback)

private:
    QPointer<Connection> m_connection;
};

Connection::Connection(QObject *parent)
    : QObject(parent)
{
    m_retryTimer.setSingleShot(true);
    m_connectTimer.setSingleShot(true);
    m_silenceTimer.setSingleShot(true);
    connect(&m_retryTimer, &QTimer::timeout, this, [this] {
        if (m_started && m_state == State::Offline && !m_socket)
            connectNow();
    });
    connect(&m_connectTimer, &QTimer::timeout, this, [this] { fail(noAnswer()); });
    connect(&m_silenceTimer, &QTimer::timeout, this, [this] { fail(noAnswer()); });
    connect(&m_pingTimer, &QTimer::timeout, this, [this] {
        if (m_state == State::Online)
            sendFrame(PingRequest {}.toJson());
    });
}

Connection::~Connection()
{
    // Pending callbacks are dropped, not called: their owners may be going away with us.
    QList<QPointer<QWebSocket>> sockets = std::exchange(m_closing, {});
    if (m_socket)
        sockets.append(takeSocket());
    for (const QPointer<QWebSocket> &socket : std::as_const(sockets)) {
        if (!socket)
            continue;
        socket->disconnect(this);
        // Deleted in the middle of one of its own signals (a slot deleted us): later.
        if (m_socketCallbacks > 0)
            socket->deleteLater();
        else
            delete socket.data();
    }
}

void Connection::setUrl(const QUrl &webSocketUrl)
{
    m_url = webSocketUrl;
}

void Connection::setToken(const QString &token)
{
    m_token = token;
}

void Connection::setBackoff(const Backoff &backoff)
{
    m_backoff = backoff;
}

void Connection::start()
{
    m_started = true;
    m_failures = 0;
    m_lastError.clear();
    QHash<QString, Reply> pending;
    if (m_socket) {
        // Start again from scratch (typically with a new token).
        closeGracefully(takeSocket());
        pending = takePending();
    }
    connectNow();
    failPending(pending);
}

void Connection::stop()
{
    m_started = false;
    if (m_socket)
        closeGracefully(takeSocket());
    m_retryTimer.stop();
    const bool changed =
        m_state != State::Offline || m_nextRetryAt.isValid() || !m_lastError.isEmpty();
    m_state = State::Offline;
    m_nextRetryAt = QDateTime();
    m_retryDelayMs = 0;
    m_lastError.clear();
    const QHash<QString, Reply> pending = takePending();
    qCInfo(lcClientConnection) << "stopped";
    if (changed)
        Q_EMIT stateChanged();
    failPending(pending);
}

void Connection::reconnectNow()
{
    if (m_started && m_state == State::Offline && !m_socket)
        connectNow();
}

void Connection::request(QJsonObject frame, std::function<void(Result<QJsonObject>)> reply)
{
    if (m_state != State::Online) {
        // Queued, so the caller never sees its callback run inside its own call.
        QMetaObject::invokeMethod(
            this,
            [reply = std::move(reply)] {
                if (reply)
                    reply(Error { ErrorCode::Unavailable, u"offline"_s });
            },
            Qt::QueuedConnection);
        return;
    }
    const QString id = u"c%1"_s.arg(m_nextRequestId++);
    frame.insert("id"_L1, id);
    if (reply)
        m_pending.insert(id, std::move(reply));
    sendFrame(frame);
}

bool Connection::send(const QJsonObject &frame)
{
    if (m_state != State::Online)
        return false;
    sendFrame(frame);
    return true;
}

void Connection::connectNow()
{
    m_retryTimer.stop();
    m_nextRetryAt = QDateTime();
    m_retryDelayMs = 0;
    m_state = State::Connecting;
    m_socketError.clear();
    m_serverClosed = false;
    const quint64 attempt = ++m_attemptSerial;

    auto *socket = new QWebSocket;
    m_socket = socket;
    // The server is trusted, and a sync page of long messages is big: allow what QWebSocket can.
    socket->setMaxAllowedIncomingMessageSize(QWebSocket::maxIncomingMessageSize());
    socket->setMaxAllowedIncomingFrameSize(QWebSocket::maxIncomingFrameSize());
    if (m_ssl)
        socket->setSslConfiguration(*m_ssl);
    connect(socket, &QWebSocket::connected, this, [this] {
        SocketCallback scope(this);
        onConnected();
    });
    connect(socket, &QWebSocket::textMessageReceived, this, [this](const QString &text) {
        SocketCallback scope(this);
        onText(text);
    });
    connect(socket, &QWebSocket::binaryMessageReceived, this, [this] {
        // Still a sign of life; the protocol has no binary frames.
        if (m_state == State::Online)
            m_silenceTimer.start();
        qCWarning(lcClientConnection) << "ignoring a binary frame";
    });
    // Emitted before `disconnected` when the server starts the close handshake (we never close
    // a socket that is still hooked up), so the close code is the server's.
    connect(socket, &QWebSocket::aboutToClose, this, [this] { m_serverClosed = true; });
    connect(socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this,
            [this, attempt](QAbstractSocket::SocketError error) {
                onSocketError(error);
                // Some failures (a bad URL, a refused handshake) may end without `disconnected`.
                if (m_socket && m_socket->state() == QAbstractSocket::UnconnectedState)
                    endAttemptLater(attempt);
            });
    // Handled a moment later: a refused connection reports `disconnected` before the error
    // that says why.
    connect(socket, &QWebSocket::disconnected, this, [this, attempt] { endAttemptLater(attempt); });

    m_connectTimer.start(std::max(0, m_backoff.connectTimeoutMs));
    qCInfo(lcClientConnection) << "connecting to" << m_url.toDisplayString();
    socket->open(m_url);
    Q_EMIT stateChanged();
}

void Connection::onConnected()
{
    sendFrame(AuthRequest { m_token }.toJson());
}

void Connection::onText(const QString &text)
{
    if (m_state == State::Online)
        m_silenceTimer.start();
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(text.toUtf8(), &parseError);
    if (!document.isObject()) {
        qCWarning(lcClientConnection).noquote()
            << "ignoring a frame that is not a JSON object:" << text.left(80) << "-"
            << (parseError.error == QJsonParseError::NoError ? u"not an object"_s
                                                             : parseError.errorString());
        return;
    }
    const QJsonObject frame = document.object();
    const QString type = frame.value("type"_L1).toString();

    if (m_state == State::Connecting) {
        if (type == WelcomeEvent::kType) {
            onWelcome(frame);
            return;
        }
        // The server says why before it closes with 4001; take it at once.
        if (type == ErrorEvent::kType
            && frame.value("code"_L1).toString() == wireName(ErrorCode::Unauthorized)) {
            reject(kCloseUnauthorized, frame.value("message"_L1).toString());
            return;
        }
    }

    if (const QJsonValue id = frame.value("id"_L1); id.isString()) {
        const auto it = m_pending.find(id.toString());
        if (it != m_pending.end()) {
            const Reply reply = std::move(it.value());
            m_pending.erase(it);
            if (type != ErrorEvent::kType) {
                reply(frame);
                return;
            }
            const ErrorCode code = errorCodeFromWireName(frame.value("code"_L1).toString())
                                       .value_or(ErrorCode::Internal);
            reply(Error { code, frame.value("message"_L1).toString() });
            return;
        }
    }
    // The answer to a heartbeat: nobody else needs it.
    if (type == PongEvent::kType && !frame.contains("id"_L1))
        return;
    Q_EMIT eventReceived(frame);
}

void Connection::onSocketError(QAbstractSocket::SocketError error)
{
    if (!m_socket)
        return;
    m_socketError = m_socket->errorString();
    qCDebug(lcClientConnection) << "socket error" << error << m_socketError;
}

void Connection::endAttemptLater(quint64 attempt)
{
    QMetaObject::invokeMethod(
        this,
        [this, attempt] {
            if (m_socket && m_attemptSerial == attempt)
                onDisconnected();
        },
        Qt::QueuedConnection);
}

void Connection::onDisconnected()
{
    if (m_serverClosed) {
        const int code = int(m_socket->closeCode());
        const QString reason = m_socket->closeReason();
        if (code == kCloseUnauthorized || code == kCloseLoggedOut) {
            reject(code, reason);
            return;
        }
        fail(reason.isEmpty()
                 ? u"The server closed the connection (%1)"_s.arg(code)
                 : u"The server closed the connection (%1: %2)"_s.arg(code).arg(reason));
        return;
    }
    fail(m_socketError.isEmpty() ? u"The connection was lost"_s : m_socketError);
}

void Connection::onWelcome(const QJsonObject &frame)
{
    auto welcome = WelcomeEvent::fromJson(frame);
    if (!welcome) {
        fail(u"The server sent a bad welcome: "_s + welcome.error().message);
        return;
    }
    m_connectTimer.stop();
    m_welcome = std::move(welcome).value();
    m_state = State::Online;
    m_failures = 0;
    m_lastError.clear();
    m_nextRetryAt = QDateTime();
    m_retryDelayMs = 0;
    // The protocol asks for a ping at least every heartbeat_s; twice as often leaves room for
    // a late timer. The server drops a device silent for 2 × heartbeat_s, and we do the same
    // to a server, plus a margin for a slow answer.
    const int heartbeatMs = std::max(1, m_welcome.heartbeatS) * 1000;
    m_pingTimer.start(heartbeatMs / 2);
    m_silenceTimer.start(2 * heartbeatMs + std::max(1000, heartbeatMs / 2));
    qCInfo(lcClientConnection) << "online as" << m_welcome.username << "device"
                               << m_welcome.deviceId;

    const QPointer<Connection> self(this);
    Q_EMIT welcomed(m_welcome);
    // Last: whatever a slot did (stop, start, delete), stateChanged then tells the truth.
    if (self)
        Q_EMIT stateChanged();
}

void Connection::fail(const QString &reason)
{
    if (!m_socket)
        return;
    discard(takeSocket());
    m_state = State::Offline;
    m_lastError = reason.isEmpty() ? u"The connection failed"_s : reason;
    if (m_started)
        scheduleRetry();
    qCInfo(lcClientConnection).noquote() << "offline:" << m_lastError << "- next try at"
                                         << m_nextRetryAt.toString(Qt::ISODateWithMs);
    const QHash<QString, Reply> pending = takePending();
    Q_EMIT stateChanged();
    failPending(pending);
}

void Connection::reject(int closeCode, const QString &reason)
{
    if (!m_socket)
        return;
    discard(takeSocket());
    m_started = false;
    m_retryTimer.stop();
    m_state = State::Offline;
    m_nextRetryAt = QDateTime();
    m_retryDelayMs = 0;
    const QString what = closeCode == kCloseLoggedOut ? u"This device was logged out"_s
                                                      : u"The server refused the token"_s;
    m_lastError = reason.isEmpty() ? u"%1 (%2)"_s.arg(what).arg(closeCode)
                                   : u"%1 (%2: %3)"_s.arg(what).arg(closeCode).arg(reason);
    qCWarning(lcClientConnection).noquote() << m_lastError;
    const QHash<QString, Reply> pending = takePending();
    const QPointer<Connection> self(this);
    Q_EMIT tokenRejected(closeCode, reason);
    if (self)
        Q_EMIT stateChanged();
    failPending(pending);
}

void Connection::scheduleRetry()
{
    const double exponent = std::min(m_failures, kMaxFailureExponent);
    const double capped =
        std::min(double(m_backoff.maxMs),
                 double(m_backoff.initialMs) * std::pow(m_backoff.factor, exponent));
    const double jitter = std::clamp(m_backoff.jitter, 0.0, 1.0);
    const double scale = 1.0 - jitter + 2.0 * jitter * QRandomGenerator::global()->generateDouble();
    const int delayMs =
        int(std::clamp(capped * scale, 0.0, double(std::numeric_limits<int>::max())));
    m_failures = std::min(m_failures + 1, kMaxFailureExponent);
    m_retryTimer.start(delayMs);
    m_retryDelayMs = delayMs;
    m_nextRetryAt = QDateTime::currentDateTime().addMSecs(delayMs);
}

void Connection::sendFrame(const QJsonObject &frame)
{
    if (m_socket)
        m_socket->sendTextMessage(
            QString::fromUtf8(QJsonDocument(frame).toJson(QJsonDocument::Compact)));
}

QWebSocket *Connection::takeSocket()
{
    QWebSocket *socket = std::exchange(m_socket, nullptr);
    if (socket)
        socket->disconnect(this);
    m_connectTimer.stop();
    m_pingTimer.stop();
    m_silenceTimer.stop();
    return socket;
}

void Connection::discard(QWebSocket *socket)
{
    // Tracked so that ~Connection can delete what is still there (see there).
    m_closing.removeIf([](const QPointer<QWebSocket> &s) { return s.isNull(); });
    m_closing.append(socket);
    socket->abort();
    // Later: we may be inside one of its signals.
    socket->deleteLater();
}

void Connection::closeGracefully(QWebSocket *socket)
{
    if (socket->state() != QAbstractSocket::ConnectedState) {
        discard(socket);
        return;
    }
    m_closing.removeIf([](const QPointer<QWebSocket> &s) { return s.isNull(); });
    m_closing.append(socket);
    // The socket cleans up after itself (its own context), whatever happens to us meanwhile.
    connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
    QTimer::singleShot(kCloseGraceMs, socket, [socket] {
        socket->abort();
        socket->deleteLater();
    });
    socket->close(QWebSocketProtocol::CloseCodeNormal);
}

QHash<QString, Connection::Reply> Connection::takePending()
{
    return std::exchange(m_pending, {});
}

void Connection::failPending(const QHash<QString, Reply> &pending)
{
    // Static, and on a copy: a callback may delete the Connection.
    for (const Reply &reply : pending)
        reply(Error { ErrorCode::Unavailable, u"connection lost"_s });
}

} // namespace confab::client
