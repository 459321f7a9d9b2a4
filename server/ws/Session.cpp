#include "server/ws/Session.h"

#include "common/Events.h"
#include "common/Limits.h"
#include "common/Requests.h"
#include "server/Config.h"
#include "server/Credentials.h"
#include "server/Delivery.h"
#include "server/Logging.h"
#include "server/Metrics.h"
#include "server/Router.h"
#include "server/Worker.h"
#include "server/store/QueryPool.h"
#include "server/store/Writer.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QTcpSocket>
#include <QWebSocket>

namespace confab {

using namespace Qt::StringLiterals;

namespace {
// Close codes of PROTOCOL.md §4 and our extension for a silent device.
constexpr int kCloseUnauthorized = 4001;
constexpr int kCloseAuthTimeout = 4002;
constexpr int kCloseHeartbeatTimeout = 4000;
// How long a close handshake may take before the connection is cut.
constexpr qint64 kCloseGraceMs = 3000;

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

qint64 monotonicNs()
{
    static QElapsedTimer clock = [] {
        QElapsedTimer t;
        t.start();
        return t;
    }();
    return clock.nsecsElapsed();
}

int pageLimit(int requested, int fallback, int cap)
{
    return requested <= 0 ? fallback : qMin(requested, cap);
}
} // namespace

Session::Session(QWebSocket *socket, QTcpSocket *tcp, quint64 id, Worker *worker)
    : QObject(worker)
    , m_socket(socket)
    , m_tcp(tcp)
    , m_id(id)
    , m_worker(worker)
    , m_context(worker->context())
{
    m_socket->setParent(this);
    if (m_tcp)
        m_tcp->setParent(this);
    m_socket->setMaxAllowedIncomingMessageSize(limits::kMaxFrameBytes);
    m_socket->setMaxAllowedIncomingFrameSize(limits::kMaxFrameBytes);
    connect(m_socket, &QWebSocket::textMessageReceived, this, &Session::onText);
    connect(m_socket, &QWebSocket::binaryMessageReceived, this, &Session::onBinary);
    connect(m_socket, &QWebSocket::disconnected, this, &Session::onDisconnected);
    connect(m_socket, &QWebSocket::pong, this, &Session::touch);
    if (m_tcp)
        connect(m_tcp, &QTcpSocket::readyRead, this, &Session::touch);
    m_lastActivityMs = nowMs();
    m_authDeadlineMs = m_lastActivityMs + m_context.config.authTimeoutMs;
    ++m_context.metrics.sessionsOpen;
}

Session::~Session()
{
    if (m_attached) {
        m_context.router.detach(m_device.userId, m_id, m_worker);
        --m_context.metrics.sessionsAuthenticated;
    }
    --m_context.metrics.sessionsOpen;
    // The QWebSocket first (it uses its TCP socket to the end), then the TCP socket, which
    // QWebSocket leaves behind.
    delete m_socket;
    delete m_tcp.data();
}

void Session::touch()
{
    m_lastActivityMs = nowMs();
}

void Session::onDisconnected()
{
    if (m_attached) {
        const qint64 deviceId = m_device.deviceId;
        m_context.writer.submit<Done>(
            [deviceId](store::WriteTxn &txn) {
                return store::accounts::touchDevice(txn, deviceId);
            },
            [](Result<Done>) {});
    }
    m_state = State::Closing;
    Q_EMIT finished();
}

void Session::close(int code, const QString &reason)
{
    if (m_state == State::Closing)
        return;
    m_state = State::Closing;
    m_closingSinceMs = nowMs();
    m_socket->close(QWebSocketProtocol::CloseCode(code), reason);
}

void Session::abort()
{
    m_state = State::Closing;
    m_socket->abort();
}

void Session::checkDeadlines(qint64 now)
{
    switch (m_state) {
    case State::AwaitingAuth:
        if (now >= m_authDeadlineMs)
            close(kCloseAuthTimeout, u"no auth within the deadline"_s);
        break;
    case State::Authenticating:
    case State::Welcoming:
        break;
    case State::Active:
        if (now - m_lastActivityMs > 2 * qint64(m_context.config.heartbeatSeconds) * 1000) {
            qCInfo(lcSession, "dropping silent device %lld of %s", m_device.deviceId,
                   qUtf8Printable(m_device.username));
            close(kCloseHeartbeatTimeout, u"heartbeat timeout"_s);
        }
        break;
    case State::Closing:
        // A peer that never answers the close handshake is cut off.
        if (now - m_closingSinceMs > kCloseGraceMs)
            m_socket->abort();
        break;
    }
}

void Session::sendJson(const QJsonObject &json)
{
    m_socket->sendTextMessage(
        QString::fromUtf8(QJsonDocument(json).toJson(QJsonDocument::Compact)));
}

void Session::sendError(const QJsonValue &requestId, const Error &error)
{
    ++m_context.metrics.wsErrors;
    sendJson(ErrorEvent { requestId, error.code, error.message }.toJson());
}

void Session::deliver(const QString &frame)
{
    if (m_state == State::Welcoming) {
        m_held.append(frame);
    } else if (m_state == State::Active) {
        m_socket->sendTextMessage(frame);
    }
}

void Session::onBinary(const QByteArray &)
{
    touch();
    ++m_context.metrics.wsFrames;
    sendError(QJsonValue::Undefined,
              Error { ErrorCode::BadRequest, u"frames must be text (one JSON object)"_s });
}

void Session::onText(const QString &text)
{
    touch();
    ++m_context.metrics.wsFrames;
    if (!m_takingRequests || m_state == State::Closing)
        return;
    const Envelope envelope = Envelope::parse(text);
    if (envelope.error) {
        sendError(envelope.id, *envelope.error);
        return;
    }
    dispatch(envelope);
}

void Session::dispatch(const Envelope &envelope)
{
    const QString &type = envelope.type;
    if (type == AuthRequest::kType) {
        handleAuth(envelope);
        return;
    }
    if (m_state != State::Active) {
        sendError(envelope.id, Error { ErrorCode::Unauthorized, u"authenticate first"_s });
        return;
    }
    if (type == SendRequest::kType)
        handleSend(envelope);
    else if (type == SyncRequest::kType)
        handleSync(envelope);
    else if (type == AckRequest::kType)
        handleAck(envelope);
    else if (type == HistoryRequest::kType)
        handleHistory(envelope);
    else if (type == PingRequest::kType)
        sendJson(PongEvent { envelope.requestId() }.toJson());
    else
        sendError(envelope.id, Error { ErrorCode::BadRequest, u"unknown type '%1'"_s.arg(type) });
}

void Session::handleAuth(const Envelope &envelope)
{
    if (m_state != State::AwaitingAuth) {
        sendError(envelope.id, Error { ErrorCode::BadRequest, u"already authenticated"_s });
        return;
    }
    auto request = AuthRequest::fromJson(envelope.object);
    if (!request) {
        sendError(envelope.id, request.error());
        return;
    }
    m_state = State::Authenticating;
    const QByteArray hash = credentials::tokenHash(request->token);
    m_context.queries.run<store::DeviceAuth>(
        [hash](store::Statements &sql) { return store::accounts::deviceByToken(sql, hash); },
        m_worker->bind(this, &Session::onTokenChecked));
}

void Session::onTokenChecked(Result<store::DeviceAuth> device)
{
    if (m_state != State::Authenticating)
        return;
    if (device && !m_context.router.attach(device->userId, { m_worker, m_id, device->deviceId }))
        device = Error { ErrorCode::Unauthorized, u"the device was logged out"_s };
    if (!device) {
        const bool unauthorized = device.error().code == ErrorCode::Unauthorized;
        sendError(QJsonValue::Undefined, device.error());
        close(unauthorized ? kCloseUnauthorized
                           : int(QWebSocketProtocol::CloseCodeAbnormalDisconnection),
              device.error().message);
        return;
    }
    m_device = device.value();
    m_attached = true;
    ++m_context.metrics.sessionsAuthenticated;
    // Attached first, then the inbox read: an entry committed in between is either in latest_seq
    // or pushed live, never neither.
    m_state = State::Welcoming;
    const qint64 userId = m_device.userId;
    m_context.queries.run<qint64>(
        [userId](store::Statements &sql) { return store::inbox::latestSeq(sql, userId); },
        m_worker->bind(this, &Session::onWelcome));
    const qint64 deviceId = m_device.deviceId;
    m_context.writer.submit<Done>(
        [deviceId](store::WriteTxn &txn) { return store::accounts::touchDevice(txn, deviceId); },
        [](Result<Done>) {});
}

void Session::onWelcome(Result<qint64> latestSeq)
{
    if (m_state != State::Welcoming)
        return;
    if (!latestSeq) {
        sendError(QJsonValue::Undefined, latestSeq.error());
        close(QWebSocketProtocol::CloseCodeAbnormalDisconnection, latestSeq.error().message);
        return;
    }
    WelcomeEvent welcome;
    welcome.username = m_device.username;
    welcome.deviceId = m_device.deviceId;
    welcome.heartbeatS = m_context.config.heartbeatSeconds;
    welcome.latestSeq = *latestSeq;
    welcome.ackedSeq = m_device.ackedSeq;
    welcome.maxBodyChars = limits::kMaxBodyCodePoints;
    welcome.maxGroupMembers = limits::kMaxGroupMembers;
    sendJson(welcome.toJson());
    m_state = State::Active;
    touch();
    qCDebug(lcSession, "device %lld of %s is online", m_device.deviceId,
            qUtf8Printable(m_device.username));
    const QStringList held = std::exchange(m_held, {});
    for (const QString &frame : held)
        m_socket->sendTextMessage(frame);
}

void Session::handleSend(const Envelope &envelope)
{
    const qint64 started = monotonicNs();
    auto request = SendRequest::fromJson(envelope.object);
    if (!request) {
        sendError(envelope.id, request.error());
        return;
    }
    if (!request->to.isUser()) {
        // Groups arrive with their own issue; until then no group exists.
        sendError(envelope.id, Error { ErrorCode::NotFound, u"no such group"_s });
        return;
    }
    const store::Sender from = sender();
    const qint64 deviceId = m_device.deviceId;
    Router &router = m_context.router;
    Metrics &metrics = m_context.metrics;
    auto reply = m_worker->bind(this, &Session::onSent);
    m_context.writer.submit<store::StoredMessage>(
        [from, request = std::move(request).value()](store::WriteTxn &txn) {
            return store::inbox::appendDirect(txn, from, request.to.username, request.clientId,
                                              request.body);
        },
        [&router, &metrics, from, deviceId, reply, id = envelope.id,
         started](Result<store::StoredMessage> stored) {
            // After the commit: the message is durable, so it may now be shown to anyone.
            if (stored && !stored->duplicate) {
                ++metrics.messagesStored;
                fanOut(router, metrics, *stored, from.userId, deviceId);
            } else if (stored) {
                ++metrics.messagesDeduplicated;
            }
            reply(id, std::move(stored), started);
        });
}

void Session::onSent(QJsonValue requestId, Result<store::StoredMessage> stored, qint64 startedNs)
{
    if (!stored) {
        sendError(requestId, stored.error());
        return;
    }
    SentEvent sent { Envelope::requestIdOf(requestId), stored->senderSeq, stored->message };
    sendJson(sent.toJson());
    m_context.metrics.sendSeconds.observe((monotonicNs() - startedNs) / 1e9);
}

void Session::handleSync(const Envelope &envelope)
{
    auto request = SyncRequest::fromJson(envelope.object);
    if (!request) {
        sendError(envelope.id, request.error());
        return;
    }
    const qint64 userId = m_device.userId;
    const qint64 after = request->after;
    const int limit = pageLimit(request->limit, limits::kDefaultSyncLimit, limits::kMaxSyncLimit);
    auto reply = m_worker->bind(this, &Session::onSyncPage);
    m_context.queries.run<SyncPage>(
        [userId, after, limit](store::Statements &sql) {
            return store::inbox::syncPage(sql, userId, after, limit);
        },
        [reply, id = envelope.id](Result<SyncPage> page) { reply(id, std::move(page)); });
}

void Session::onSyncPage(QJsonValue requestId, Result<SyncPage> page)
{
    if (!page) {
        sendError(requestId, page.error());
        return;
    }
    page->requestId = Envelope::requestIdOf(requestId);
    sendJson(page->toJson());
}

void Session::handleAck(const Envelope &envelope)
{
    auto request = AckRequest::fromJson(envelope.object);
    if (!request) {
        sendError(envelope.id, request.error());
        return;
    }
    const qint64 userId = m_device.userId;
    const qint64 deviceId = m_device.deviceId;
    const qint64 seq = request->seq;
    m_context.writer.submit<Done>(
        [userId, deviceId, seq](store::WriteTxn &txn) {
            return store::inbox::ack(txn, userId, deviceId, seq);
        },
        m_worker->bind(this, &Session::onAcked));
}

void Session::onAcked(Result<Done> acked)
{
    // ack has no reply, only an error.
    if (!acked)
        sendError(QJsonValue::Undefined, acked.error());
}

void Session::handleHistory(const Envelope &envelope)
{
    auto request = HistoryRequest::fromJson(envelope.object);
    if (!request) {
        sendError(envelope.id, request.error());
        return;
    }
    const store::Sender viewer = sender();
    const int limit =
        pageLimit(request->limit, limits::kDefaultHistoryLimit, limits::kMaxHistoryLimit);
    auto reply = m_worker->bind(this, &Session::onHistoryPage);
    m_context.queries.run<HistoryPage>(
        [viewer, request = std::move(request).value(), limit](store::Statements &sql) {
            return store::inbox::historyPage(sql, viewer, request.conv, request.before, limit);
        },
        [reply, id = envelope.id](Result<HistoryPage> page) { reply(id, std::move(page)); });
}

void Session::onHistoryPage(QJsonValue requestId, Result<HistoryPage> page)
{
    if (!page) {
        sendError(requestId, page.error());
        return;
    }
    page->requestId = Envelope::requestIdOf(requestId);
    sendJson(page->toJson());
}

} // namespace confab
