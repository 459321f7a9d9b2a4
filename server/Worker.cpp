#include "server/Worker.h"

#include "server/Config.h"
#include "server/Logging.h"
#include "server/Metrics.h"
#include "server/http/HttpConnection.h"
#include "server/ws/Session.h"

#include <QDateTime>
#include <QTcpSocket>
#include <QTimer>
#include <QWebSocket>
#include <QWebSocketServer>

#include <unistd.h>

namespace confab {

using namespace Qt::StringLiterals;

namespace {
// Counts a connection for as long as its socket exists. A child object rather than a connection
// to destroyed(): QWebSocket disconnects every signal of the socket it upgrades.
class ConnectionCount : public QObject
{
public:
    ConnectionCount(QTcpSocket *socket, std::atomic<int> &live, std::atomic<qint64> &open)
        : QObject(socket)
        , m_live(live)
        , m_open(open)
    {
        ++m_live;
        ++m_open;
    }
    ~ConnectionCount() override
    {
        --m_live;
        --m_open;
    }

private:
    std::atomic<int> &m_live;
    std::atomic<qint64> &m_open;
};
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
    m_webSockets = new QWebSocketServer(u"confabd"_s, QWebSocketServer::NonSecureMode, this);
    m_webSockets->setHandshakeTimeout(std::chrono::milliseconds(m_context.config.authTimeoutMs));
    connect(m_webSockets, &QWebSocketServer::newConnection, this, &Worker::onWebSocket);

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
        auto *socket = new QTcpSocket;
        if (!socket->setSocketDescriptor(descriptor)) {
            qCWarning(lcServer) << "cannot take a connection:" << socket->errorString();
            ::close(int(descriptor));
            delete socket;
            return;
        }
        new ConnectionCount(socket, m_live, m_context.metrics.connectionsOpen);
        new HttpConnection(socket, this);
    });
}

void Worker::handOver(QTcpSocket *socket)
{
    // QWebSocket does not take ownership of the socket it upgrades: the worker keeps it during
    // the handshake, then the session does (see Session). One that fails its handshake is
    // dropped when it disconnects.
    socket->setParent(this);
    connect(socket, &QTcpSocket::disconnected, this, [this, guard = QPointer(socket)] {
        if (guard && guard->parent() == this)
            guard->deleteLater();
    });
    m_handshaking.append(socket);
    m_webSockets->handleConnection(socket);
}

void Worker::onWebSocket()
{
    while (QWebSocket *socket = m_webSockets->nextPendingConnection()) {
        // Find the TCP socket under it (same peer), to see every byte as heartbeat activity,
        // WebSocket pings included, which QWebSocket answers without telling anyone.
        QTcpSocket *tcp = nullptr;
        m_handshaking.removeIf([](const QPointer<QTcpSocket> &s) { return s.isNull(); });
        for (qsizetype i = 0; i < m_handshaking.size(); ++i) {
            QTcpSocket *candidate = m_handshaking[i];
            if (candidate->peerPort() == socket->peerPort()
                && candidate->peerAddress() == socket->peerAddress()) {
                tcp = candidate;
                m_handshaking.removeAt(i);
                break;
            }
        }
        if (m_shuttingDown) {
            socket->close(QWebSocketProtocol::CloseCodeGoingAway, u"server shutting down"_s);
            socket->deleteLater();
            continue;
        }
        const quint64 id = m_nextSessionId++;
        auto *session = new Session(socket, tcp, id, this);
        m_sessions.insert(id, session);
        connect(session, &Session::finished, this, [this, session] { forget(session); });
    }
}

void Worker::forget(Session *session)
{
    m_sessions.remove(session->id());
    session->deleteLater();
}

void Worker::deliver(quint64 sessionId, const QString &frame)
{
    post([this, sessionId, frame] {
        if (Session *session = m_sessions.value(sessionId))
            session->deliver(frame);
    });
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
        session->close(QWebSocketProtocol::CloseCodeGoingAway, u"server shutting down"_s);
    const auto connections = findChildren<HttpConnection *>(Qt::FindDirectChildrenOnly);
    for (HttpConnection *connection : connections)
        connection->closeWhenIdle();
}

} // namespace confab
