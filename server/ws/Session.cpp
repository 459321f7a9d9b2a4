#include "server/ws/Session.h"

#include "common/Events.h"
#include "common/JsonNesting.h"
#include "common/Limits.h"
#include "common/Requests.h"
#include "server/Config.h"
#include "server/Credentials.h"
#include "server/Logging.h"
#include "server/Metrics.h"
#include "server/Presence.h"
#include "server/Router.h"
#include "server/Worker.h"
#include "server/limits/AbuseLimits.h"
#include "server/store/QueryPool.h"
#include "server/store/Writer.h"
#include "server/ws/FrameWriter.h"
#include "server/ws/Request.h"

#include <QDateTime>
#include <QTcpSocket>

namespace confab {

using namespace Qt::StringLiterals;

namespace {
// Requests a client may send behind its auth before the welcome is out.
constexpr qsizetype kMaxWaitingRequests = 64;
// How long a close handshake may take before the connection is cut.
constexpr qint64 kCloseGraceMs = 3000;

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

} // namespace

Session::Session(QTcpSocket *socket, quint64 id, Worker *worker)
    : QObject(worker)
    , m_tcp(socket)
    , m_reader(limits::kMaxFrameBytes)
    , m_id(id)
    , m_worker(worker)
    , m_context(worker->context())
{
    m_tcp->setParent(this);
    connect(m_tcp, &QTcpSocket::readyRead, this, &Session::onReadyRead);
    connect(m_tcp, &QTcpSocket::disconnected, this, &Session::onDisconnected);
    m_lastActivityMs = nowMs();
    m_authDeadlineMs = m_lastActivityMs + m_context.config.authTimeoutMs;
    ++m_context.metrics.sessionsOpen;
    // Frames a client sent right behind its handshake.
    if (m_tcp->bytesAvailable() > 0)
        QMetaObject::invokeMethod(this, &Session::onReadyRead, Qt::QueuedConnection);
}

Session::~Session()
{
    if (m_online)
        m_context.presence.deviceOffline(m_device.userId);
    if (m_attached) {
        m_context.router.detach(m_device.userId, m_id, m_worker);
        --m_context.metrics.sessionsAuthenticated;
    }
    --m_context.metrics.sessionsOpen;
}

void Session::touch()
{
    m_lastActivityMs = nowMs();
}

void Session::onReadyRead()
{
    // Every byte is activity, WebSocket pings and pongs included.
    touch();
    if (m_reader.failed()) {
        m_tcp->readAll(); // closing: what follows a broken frame means nothing
        return;
    }
    m_reader.append(m_tcp->readAll());
    while (std::optional<ws::ClientMessage> message = m_reader.next()) {
        if (!onMessage(*message))
            return;
    }
    if (m_reader.failed()) {
        qCDebug(lcSession, "closing a connection: %s", qUtf8Printable(m_reader.failureReason()));
        m_context.metrics.refuse(Refusal::WebSocketFrame);
        // A failed connection is closed at once, without waiting for the peer's close frame.
        close(m_reader.failureCode(), m_reader.failureReason());
        m_tcp->disconnectFromHost();
    }
}

bool Session::onMessage(ws::ClientMessage &message)
{
    using Kind = ws::ClientMessage::Kind;
    switch (message.kind) {
    case Kind::Text:
        ++m_context.metrics.wsFrames;
        handleFrame(message.payload);
        break;
    case Kind::Binary:
        ++m_context.metrics.wsFrames;
        onBinary();
        break;
    case Kind::Ping:
        if (canWriteFrames()) {
            QByteArray pong;
            ws::appendControlFrame(pong, ws::Opcode::Pong, message.payload);
            writeFrames(pong);
        }
        break;
    case Kind::Pong:
        break;
    case Kind::Close:
        onCloseFrame(message);
        return false;
    }
    return m_tcp->state() == QAbstractSocket::ConnectedState;
}

void Session::onCloseFrame(const ws::ClientMessage &message)
{
    // The peer's half of the close handshake: answered with its own code (when ours did not go
    // first), then the server closes the TCP connection (RFC 6455 §7.1.1).
    close(message.closeCode == ws::close::kNoStatus ? ws::close::kNormal : message.closeCode,
          QString());
    m_tcp->disconnectFromHost();
}

void Session::sendClose(int code, const QString &reason)
{
    if (!canWriteFrames())
        return;
    QByteArray frame;
    ws::appendControlFrame(frame, ws::Opcode::Close, ws::closePayload(code, reason));
    writeFrames(frame);
    m_closeSent = true;
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
    // A direct call rather than a signal: one connection less to keep for every session.
    m_worker->forget(this);
}

void Session::close(int code, const QString &reason)
{
    if (m_state == State::Closing)
        return;
    m_state = State::Closing;
    m_closingSinceMs = nowMs();
    sendClose(code, reason);
    if (!m_closeSent)
        m_tcp->disconnectFromHost(); // no close frame could go out
}

void Session::abort()
{
    m_state = State::Closing;
    m_tcp->abort();
}

void Session::checkDeadlines(qint64 now)
{
    switch (m_state) {
    case State::AwaitingAuth:
        if (now >= m_authDeadlineMs)
            close(ws::close::kAuthTimeout, u"no auth within the deadline"_s);
        break;
    case State::Authenticating:
    case State::Welcoming:
        break;
    case State::Active:
        if (now - m_lastActivityMs > 2 * qint64(m_context.config.heartbeatSeconds) * 1000) {
            qCInfo(lcSession, "dropping silent device %lld of %s", m_device.deviceId,
                   qUtf8Printable(m_device.username));
            close(ws::close::kHeartbeatTimeout, u"heartbeat timeout"_s);
        }
        break;
    case State::Closing:
        // A peer that never answers the close handshake is cut off.
        if (now - m_closingSinceMs > kCloseGraceMs)
            m_tcp->abort();
        break;
    }
}

void Session::sendJson(const QJsonObject &json)
{
    sendFrame(encodeFrame(json));
}

void Session::sendError(const QJsonValue &requestId, const Error &error)
{
    sendErrorFrame(encodeFrame(ErrorEvent { requestId, error.code, error.message }.toJson()));
}

void Session::sendErrorFrame(const QByteArray &utf8)
{
    ++m_context.metrics.wsErrors;
    sendFrame(utf8);
}

void Session::sendFrame(const QByteArray &utf8)
{
    if (!canWriteFrames())
        return;
    if (m_corked) {
        ws::appendTextMessage(m_corkedFrames, utf8);
        return;
    }
    ws::writeTextMessage(*m_tcp, utf8);
    m_tcp->flush(); // now, rather than on the next turn of the event loop
}

void Session::writeFrames(const QByteArray &frames)
{
    if (m_corked) {
        m_corkedFrames.append(frames);
        return;
    }
    m_tcp->write(frames);
    m_tcp->flush();
}

bool Session::canWriteFrames() const
{
    return !m_closeSent && m_tcp->state() == QAbstractSocket::ConnectedState;
}

void Session::uncork()
{
    m_corked = false;
    // Released, not kept: an idle connection holds no buffer.
    const QByteArray frames = std::exchange(m_corkedFrames, {});
    // A close frame may be among them: only the socket's state matters here.
    if (frames.isEmpty() || m_tcp->state() != QAbstractSocket::ConnectedState)
        return;
    m_tcp->write(frames);
    m_tcp->flush();
}

void Session::deliver(const QByteArray &frame)
{
    if (m_state == State::Welcoming) {
        m_held.append(frame);
    } else if (m_state == State::Active) {
        sendFrame(frame);
    }
}

void Session::onBinary()
{
    sendError(QJsonValue::Undefined,
              Error { ErrorCode::BadRequest, u"frames must be text (one JSON object)"_s });
}

void Session::handleFrame(const QByteArray &utf8)
{
    if (!m_takingRequests || m_state == State::Closing)
        return;
    if (m_state == State::Authenticating || m_state == State::Welcoming) {
        // A client may send requests right behind its auth; they wait for the welcome.
        if (m_waiting.size() >= kMaxWaitingRequests) {
            sendError(QJsonValue::Undefined,
                      Error { ErrorCode::BadRequest, u"too many requests before the welcome"_s });
            return;
        }
        m_waiting.append(utf8);
        return;
    }
    if (jsonNestingDepth(QByteArrayView(utf8)) > limits::kMaxJsonNesting) {
        m_context.metrics.refuse(Refusal::JsonNesting);
        sendError(QJsonValue::Undefined,
                  Error { ErrorCode::BadRequest,
                          u"JSON nested deeper than %1 levels"_s.arg(limits::kMaxJsonNesting) });
        return;
    }
    const Envelope envelope = Envelope::parse(utf8);
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
    m_context.presence.activity(m_device.userId);
    if (type == PingRequest::kType) {
        sendJson(PongEvent { envelope.requestId() }.toJson());
        return;
    }
    if (type == SendRequest::kType && !admitSend(envelope))
        return;
    const RequestHandler handler = requestHandlers().value(type);
    if (!handler) {
        sendError(envelope.id, Error { ErrorCode::BadRequest, u"unknown type '%1'"_s.arg(type) });
        return;
    }
    handler(Request { { m_device.userId, m_device.username },
                      m_device.deviceId,
                      envelope.object,
                      Reply(m_worker, m_id, envelope.id),
                      m_context });
}

bool Session::admitSend(const Envelope &envelope)
{
    AbuseLimits &abuse = m_context.limits;
    const QString device = QString::number(m_device.deviceId);
    qint64 retryAfterMs = 0;
    if (abuse.sendsPerDevice.tryTake(device, &retryAfterMs))
        return true;
    if (!abuse.refusedSendsPerDevice.tryTake(device)) {
        m_context.metrics.refuse(Refusal::SendAbuse);
        qCInfo(lcSession, "closing device %lld of %s: sends far over the rate limit",
               m_device.deviceId, qUtf8Printable(m_device.username));
        close(ws::close::kRateLimit, u"rate limit"_s);
        return false;
    }
    m_context.metrics.refuse(Refusal::Send);
    sendError(
        envelope.id,
        Error { ErrorCode::RateLimited, u"too many sends; retry in %1 ms"_s.arg(retryAfterMs) });
    return false;
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
        close(unauthorized ? ws::close::kUnauthorized : ws::close::kInternal,
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
        close(ws::close::kInternal, latestSeq.error().message);
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
    m_context.presence.deviceOnline(m_device.userId, m_device.username);
    m_online = true;
    touch();
    qCDebug(lcSession, "device %lld of %s is online", m_device.deviceId,
            qUtf8Printable(m_device.username));
    const QList<QByteArray> held = std::exchange(m_held, {});
    for (const QByteArray &frame : held)
        sendFrame(frame);
    const QList<QByteArray> waiting = std::exchange(m_waiting, {});
    for (const QByteArray &utf8 : waiting)
        handleFrame(utf8);
}

} // namespace confab
