#include "server/http/HttpConnection.h"

#include "common/HttpTypes.h"
#include "server/Logging.h"
#include "server/Metrics.h"
#include "server/Worker.h"
#include "server/http/HttpApi.h"

#include <QJsonDocument>
#include <QTcpSocket>
#include <QTimer>

#include <sys/socket.h>

namespace confab {

using namespace Qt::StringLiterals;
using http::HttpParser;
using http::HttpResponse;

namespace {
// A request must arrive whole, and an idle keep-alive connection must be used, within this.
constexpr int kIdleTimeoutMs = 30'000;
// How long a refused client may go on sending before the connection is cut.
constexpr int kLingerMs = 2'000;

HttpResponse errorResponse(int status, ErrorCode code, const QString &message)
{
    HttpResponse response;
    response.status = status;
    response.body =
        QJsonDocument(apiErrorJson(Error { code, message })).toJson(QJsonDocument::Compact);
    return response;
}
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
    connect(m_idleTimer, &QTimer::timeout, this, [this] {
        if (!m_busy)
            m_socket->abort();
    });
    m_idleTimer->start(kIdleTimeoutMs);
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
    // Peek, not read: a WebSocket handshake must stay in the socket for QWebSocketServer.
    const QByteArray data = m_socket->peek(limits.maxHeadBytes + limits.maxBodyBytes);
    if (data.isEmpty())
        return;
    auto status = m_parser.parseHead(data);
    if (status == HttpParser::Status::HeadComplete && m_parser.request().isWebSocketUpgrade()) {
        if (m_parser.request().path != "/ws"_L1) {
            m_socket->read(data.size());
            fail(404, u"no WebSocket endpoint at %1; use /ws"_s.arg(m_parser.request().path));
            return;
        }
        m_idleTimer->stop();
        m_socket->disconnect(this);
        m_socket->setParent(nullptr);
        m_worker->handOver(m_socket);
        deleteLater();
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
    m_worker->context().api.handle(m_parser.request(), m_socket->peerAddress(),
                                   m_worker->bind(this, &HttpConnection::onResponse));
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
    write(response, m_keepAlive);
    if (m_keepAlive) {
        m_idleTimer->start(kIdleTimeoutMs);
        // A pipelined request may already be waiting.
        if (m_socket->bytesAvailable() > 0)
            onReadyRead();
    }
}

void HttpConnection::fail(int status, const QString &message)
{
    const ErrorCode code = status == 413 ? ErrorCode::TooLarge
        : status == 404                  ? ErrorCode::NotFound
                                         : ErrorCode::BadRequest;
    m_lingering = true;
    write(errorResponse(status, code, message), false);
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
