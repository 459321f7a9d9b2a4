#include "server/http/HttpConnection.h"

#include "server/Config.h"
#include "server/Logging.h"
#include "server/Metrics.h"
#include "server/Worker.h"
#include "server/http/HttpApi.h"
#include "server/ws/Handshake.h"

#include <QTcpSocket>
#include <QTimer>

#include <sys/socket.h>

namespace confab {

using namespace Qt::StringLiterals;
using http::HttpParser;
using http::HttpResponse;

namespace {
// How long a refused client may go on sending before the connection is cut.
constexpr int kLingerMs = 2'000;
} // namespace

HttpConnection::HttpConnection(QTcpSocket *socket, Worker *worker)
    : QObject(worker)
    , m_socket(socket)
    , m_worker(worker)
    , m_idleTimer(new QTimer(this))
    , m_parser(HttpApi::limits())
{
    m_socket->setParent(this);
    connect(m_socket, &QTcpSocket::readyRead, this, &HttpConnection::onReadyRead);
    connect(m_socket, &QTcpSocket::disconnected, this, &QObject::deleteLater);
    m_idleTimer->setSingleShot(true);
    connect(m_idleTimer, &QTimer::timeout, this, &HttpConnection::onTimeout);
    // A new connection has the request deadline for its first request (TLS handshake included).
    m_idleTimer->start(m_worker->context().config.requestTimeoutMs);
    if (m_socket->bytesAvailable() > 0)
        QMetaObject::invokeMethod(this, &HttpConnection::onReadyRead, Qt::QueuedConnection);
}

void HttpConnection::onReadyRead()
{
    if (m_lingering) {
        m_socket->readAll();
        return;
    }
    if (m_busy || m_socket->state() != QAbstractSocket::ConnectedState)
        return;
    const auto &limits = HttpApi::limits();
    // Peek, not read: a request is consumed once whole. Only what has arrived: peek() allocates
    // as much as it is asked for.
    const QByteArray data =
        m_socket->peek(qMin(m_socket->bytesAvailable(), limits.maxHeadBytes + limits.maxBodyBytes));
    if (data.isEmpty())
        return;
    if (m_idle) {
        // The first byte of the next request: it has the request deadline to arrive whole.
        m_idle = false;
        m_idleTimer->start(m_worker->context().config.requestTimeoutMs);
    }
    auto status = m_parser.parseHead(data);
    if (status == HttpParser::Status::HeadComplete && m_parser.request().isWebSocketUpgrade()) {
        if (m_parser.request().path != "/ws"_L1) {
            m_socket->read(data.size());
            fail(404, u"no WebSocket endpoint at %1; use /ws"_s.arg(m_parser.request().path));
            return;
        }
        upgrade();
        return;
    }
    if (status == HttpParser::Status::HeadComplete)
        status = m_parser.parse(data);

    switch (status) {
    case HttpParser::Status::NeedMore:
    case HttpParser::Status::HeadComplete:
        return;
    case HttpParser::Status::Complete:
        break;
    case HttpParser::Status::BadRequest:
        fail(400, m_parser.errorString());
        return;
    case HttpParser::Status::HeadTooLarge:
        fail(431, u"request head too large"_s);
        return;
    case HttpParser::Status::BodyTooLarge:
        fail(413, u"request body too large"_s);
        return;
    case HttpParser::Status::LengthRequired:
        fail(411, u"a body needs Content-Length"_s);
        return;
    case HttpParser::Status::VersionNotSupported:
        fail(505, u"only HTTP/1.x is spoken here"_s);
        return;
    }

    m_socket->read(m_parser.consumedBytes());
    m_busy = true;
    m_keepAlive = m_parser.request().keepAlive();
    m_idleTimer->stop();
    m_worker->context().api.handle(m_parser.request(), clientAddress(),
                                   m_worker->bind(this, &HttpConnection::onResponse));
}

QHostAddress HttpConnection::clientAddress() const
{
    // Behind a trusted reverse proxy, the client is the last address the proxy appended.
    const QHostAddress peer = m_socket->peerAddress();
    const QHostAddress &proxy = m_worker->context().config.trustedProxy;
    if (proxy.isNull() || !peer.isEqual(proxy, QHostAddress::TolerantConversion))
        return peer;
    const QByteArray forwarded = m_parser.request().header("X-Forwarded-For");
    if (forwarded.isEmpty())
        return peer;
    const QHostAddress client(QString::fromLatin1(forwarded.split(',').constLast().trimmed()));
    return client.isNull() ? peer : client;
}

void HttpConnection::onTimeout()
{
    if (m_busy || m_lingering) {
        if (m_lingering)
            m_socket->abort();
        return;
    }
    if (m_idle && m_answered > 0) {
        // An idle keep-alive connection: closed quietly.
        m_socket->disconnectFromHost();
        return;
    }
    m_worker->context().metrics.refuse(Refusal::RequestTimeout);
    if (m_socket->bytesAvailable() > 0) {
        qCDebug(lcHttp) << "request timeout from" << m_socket->peerAddress();
        fail(408, u"the request did not arrive in time"_s);
        return;
    }
    m_socket->abort();
}

void HttpConnection::closeWhenIdle()
{
    m_keepAlive = false;
    if (!m_busy)
        m_socket->disconnectFromHost();
}

void HttpConnection::abort()
{
    m_socket->abort();
}

void HttpConnection::onResponse(HttpResponse response)
{
    m_busy = false;
    ++m_answered;
    write(response, m_keepAlive);
    if (m_keepAlive) {
        m_idle = true;
        m_idleTimer->start(m_worker->context().config.idleTimeoutMs);
        // A pipelined request may already be waiting.
        if (m_socket->bytesAvailable() > 0)
            onReadyRead();
    }
}

void HttpConnection::upgrade()
{
    // The head only: frames a client sent right behind it stay in the socket for its session.
    m_socket->skip(m_parser.consumedBytes());
    const ws::HandshakeAnswer answer = ws::answerHandshake(m_parser.request());
    if (!answer.accepted) {
        refuse(answer.refusal);
        return;
    }
    m_idleTimer->stop();
    m_socket->write(answer.switchingProtocols);
    m_socket->flush();
    m_socket->disconnect(this);
    m_worker->startSession(m_socket);
    deleteLater();
}

void HttpConnection::fail(int status, const QString &message)
{
    const ErrorCode code = status == 413 ? ErrorCode::TooLarge
        : status == 404                  ? ErrorCode::NotFound
                                         : ErrorCode::BadRequest;
    refuse(http::errorResponse(status, Error { code, message }));
}

void HttpConnection::refuse(const HttpResponse &response)
{
    m_lingering = true;
    write(response, false);
    lingerAndClose();
}

void HttpConnection::lingerAndClose()
{
    // RFC 9112 §9.6: a client may still be sending (a body we refused). Closing at once would
    // make its TCP stack answer with a reset that can erase our answer before it is read. So:
    // flush the answer, half-close, and discard what still comes, for a short while.
    m_socket->readAll();
    auto halfClose = [this] {
        if (m_socket->bytesToWrite() == 0)
            ::shutdown(int(m_socket->socketDescriptor()), SHUT_WR);
    };
    connect(m_socket, &QTcpSocket::bytesWritten, this, halfClose);
    m_socket->flush();
    halfClose();
    m_idleTimer->start(kLingerMs);
}

void HttpConnection::write(const HttpResponse &response, bool keepAlive)
{
    auto &metrics = m_worker->context().metrics;
    ++metrics.httpRequests;
    if (response.status >= 400)
        ++metrics.httpErrors;
    m_socket->write(response.serialize(keepAlive));
    if (!keepAlive && !m_lingering)
        m_socket->disconnectFromHost();
}

} // namespace confab
