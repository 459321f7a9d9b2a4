#include "server/Worker.h"

#include "server/Config.h"
#include "server/Logging.h"
#include "server/Metrics.h"
#include "server/SocketBuffers.h"
#include "server/http/HttpConnection.h"
#include "server/limits/AbuseLimits.h"
#include "server/ws/Session.h"
#include "server/ws/WebSocketProtocol.h"

#include <QDateTime>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTimer>
#include <QVarLengthArray>

#include <sys/socket.h>
#include <unistd.h>

namespace confab {

using namespace Qt::StringLiterals;

namespace {
// Counts a connection for as long as its socket exists, and holds its place under the
// connection caps. A child object rather than a connection to destroyed(): the socket passes from
// its HttpConnection to its Session, each of which disconnects what it connected.
class ConnectionCount : public QObject
{
public:
    ConnectionCount(QTcpSocket *socket, std::atomic<int> &live, std::atomic<qint64> &open,
                    limits::ConnectionCaps &caps, const QHostAddress &peer)
        : QObject(socket)
        , m_live(live)
        , m_open(open)
        , m_caps(caps)
        , m_peer(peer)
    {
        ++m_live;
        ++m_open;
    }
    ~ConnectionCount() override
    {
        --m_live;
        --m_open;
        m_caps.release(m_peer);
    }

private:
    std::atomic<int> &m_live;
    std::atomic<qint64> &m_open;
    limits::ConnectionCaps &m_caps;
    QHostAddress m_peer;
};

// The peer address of an accepted descriptor (as QTcpSocket would report it).
QHostAddress peerOf(qintptr descriptor)
{
    sockaddr_storage address {};
    socklen_t length = sizeof(address);
    if (::getpeername(int(descriptor), reinterpret_cast<sockaddr *>(&address), &length) != 0)
        return {};
    QHostAddress peer(reinterpret_cast<const sockaddr *>(&address));
    // As QTcpSocket does: an IPv4-mapped IPv6 peer on a dual-stack socket is the IPv4 address.
    bool isV4 = false;
    const quint32 v4 = peer.toIPv4Address(&isV4);
    if (isV4 && peer.protocol() == QAbstractSocket::IPv6Protocol)
        peer = QHostAddress(v4);
    return peer;
}

// Answers a connection over a cap and closes it (a TLS one is just closed: no handshake for it).
void refuse(qintptr descriptor, bool plain)
{
    if (plain) {
        static const QByteArray answer = []() -> QByteArray {
            const QByteArray body = QByteArrayLiteral(
                R"({"error":{"code":"unavailable","message":"too many connections, try later"}})");
            return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                   "Retry-After: 5\r\nConnection: close\r\nContent-Length: "
                + QByteArray::number(body.size()) + "\r\n\r\n" + body;
        }();
        [[maybe_unused]] const auto written =
            ::write(int(descriptor), answer.constData(), size_t(answer.size()));
    }
    ::close(int(descriptor));
}
} // namespace

Worker::Worker(int index, ServerContext &context)
    : m_index(index)
    , m_context(context)
{ }

Worker::~Worker() = default;

void Worker::post(std::function<void()> fn)
{
    QMetaObject::invokeMethod(this, std::move(fn), Qt::QueuedConnection);
}

void Worker::start()
{
    // One coarse timer checks every session's deadlines, rather than a timer per connection.
    m_sweepTimer = new QTimer(this);
    const int heartbeatMs = m_context.config.heartbeatSeconds * 1000;
    m_sweepTimer->setInterval(
        qBound(50, qMin(heartbeatMs, m_context.config.authTimeoutMs) / 4, 1000));
    connect(m_sweepTimer, &QTimer::timeout, this, &Worker::sweep);
    m_sweepTimer->start();
}

void Worker::accept(qintptr descriptor)
{
    post([this, descriptor] {
        if (m_shuttingDown) {
            ::close(int(descriptor));
            return;
        }
        using Admission = limits::ConnectionCaps::Admission;
        const QHostAddress peer = peerOf(descriptor);
        const Admission admission = m_context.limits.connections.admit(peer);
        if (admission != Admission::Admitted) {
            m_context.metrics.refuse(admission == Admission::TotalFull
                                         ? Refusal::ConnectionsTotal
                                         : Refusal::ConnectionsAddress);
            qCInfo(lcServer, "refused a connection from %s: too many connections%s",
                   qUtf8Printable(peer.toString()),
                   admission == Admission::TotalFull ? "" : " from this address");
            refuse(descriptor, !m_context.tls);
            return;
        }
        QTcpSocket *socket = m_context.tls ? new QSslSocket : new QTcpSocket;
        if (!socket->setSocketDescriptor(descriptor)) {
            qCWarning(lcServer) << "cannot take a connection:" << socket->errorString();
            m_context.limits.connections.release(peer);
            ::close(int(descriptor));
            delete socket;
            return;
        }
        if (!m_context.tls)
            releaseIdleSocketBuffers(socket);
        new ConnectionCount(socket, m_live, m_context.metrics.connectionsOpen,
                            m_context.limits.connections, peer);
        if (auto *ssl = qobject_cast<QSslSocket *>(socket)) {
            ssl->setSslConfiguration(*m_context.tls);
            connect(ssl, &QSslSocket::sslErrors, ssl, [ssl](const QList<QSslError> &errors) {
                qCDebug(lcServer) << "TLS errors from" << ssl->peerAddress() << errors;
            });
            ssl->startServerEncryption();
        }
        new HttpConnection(socket, this);
    });
}

void Worker::startSession(QTcpSocket *socket)
{
    const quint64 id = m_nextSessionId++;
    auto *session = new Session(socket, id, this);
    m_sessions.insert(id, session);
    if (m_shuttingDown)
        session->close(ws::close::kGoingAway, u"server shutting down"_s);
}

void Worker::forget(Session *session)
{
    m_sessions.remove(session->id());
    session->deleteLater();
}

void Worker::handOff(quint64 sessionId, Frame kind, QByteArray frame)
{
    bool wasEmpty = false;
    {
        QMutexLocker lock(&m_handOffMutex);
        wasEmpty = m_handedOff.empty();
        m_handedOff.push_back(HandedOff { sessionId, kind, std::move(frame) });
    }
    // One drain per batch: a drain is already queued whenever the queue is not empty.
    if (wasEmpty)
        QMetaObject::invokeMethod(this, &Worker::drain, Qt::QueuedConnection);
}

void Worker::drain()
{
    {
        QMutexLocker lock(&m_handOffMutex);
        m_draining.swap(m_handedOff);
    }
    // Every session's frames of this batch go out in one write.
    QVarLengthArray<Session *, 64> corked;
    for (HandedOff &item : m_draining) {
        Session *session = m_sessions.value(item.sessionId);
        if (!session)
            continue;
        if (!session->corked()) {
            session->cork();
            corked.append(session);
        }
        switch (item.kind) {
        case Frame::Delivery:
            session->deliver(item.frame);
            break;
        case Frame::Reply:
            session->sendFrame(item.frame);
            break;
        case Frame::Error:
            session->sendErrorFrame(item.frame);
            break;
        }
    }
    for (Session *session : corked)
        session->uncork();
    m_draining.clear();
}

void Worker::disconnect(quint64 sessionId, int code, const QString &reason)
{
    post([this, sessionId, code, reason] {
        if (Session *session = m_sessions.value(sessionId))
            session->close(code, reason);
    });
}

void Worker::sweep()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    // Copy: checking a session may close it.
    const auto sessions = m_sessions.values();
    for (Session *session : sessions)
        session->checkDeadlines(now);
}

void Worker::stopTakingRequests()
{
    m_shuttingDown = true;
    for (Session *session : std::as_const(m_sessions))
        session->stopTakingRequests();
}

void Worker::abortAll()
{
    const auto sessions = m_sessions.values();
    for (Session *session : sessions)
        session->abort();
    const auto connections = findChildren<HttpConnection *>(Qt::FindDirectChildrenOnly);
    for (HttpConnection *connection : connections)
        connection->abort();
}

void Worker::beginShutdown()
{
    const auto sessions = m_sessions.values();
    for (Session *session : sessions)
        session->close(ws::close::kGoingAway, u"server shutting down"_s);
    const auto connections = findChildren<HttpConnection *>(Qt::FindDirectChildrenOnly);
    for (HttpConnection *connection : connections)
        connection->closeWhenIdle();
}

} // namespace confab
