// One TCP connection while it speaks HTTP: reads requests (keep-alive, one at a time), hands each
// to the HttpApi and writes its answer. A request must arrive whole within the request timeout
// (else 408, or a plain close if nothing came), an idle keep-alive connection is closed after the
// idle timeout. A WebSocket handshake on /ws is answered here, and the connection becomes a
// Session of its worker.
#pragma once

#include "server/http/HttpParser.h"

#include <QHostAddress>
#include <QObject>

QT_BEGIN_NAMESPACE
class QTcpSocket;
class QTimer;
QT_END_NAMESPACE

namespace confab {

class Worker;

class HttpConnection : public QObject
{
    Q_OBJECT
public:
    HttpConnection(QTcpSocket *socket, Worker *worker);
    // Shutdown: close now, or right after the answer in progress.
    void closeWhenIdle();
    void abort();

private:
    void onReadyRead();
    void onResponse(http::HttpResponse response);
    void upgrade();
    void fail(int status, const QString &message);
    // Answers an error and closes (after a short linger).
    void refuse(const http::HttpResponse &response);
    void write(const http::HttpResponse &response, bool keepAlive);
    void lingerAndClose();
    void onTimeout();
    // The peer, or behind the trusted proxy the client it names in X-Forwarded-For.
    QHostAddress clientAddress() const;

    QTcpSocket *m_socket;
    Worker *m_worker;
    QTimer *m_idleTimer;
    http::HttpParser m_parser;
    bool m_busy = false; // a request is being answered
    bool m_keepAlive = true;
    bool m_lingering = false; // answered an error; discarding input until closed
    bool m_idle = false; // answered; waiting for the next request on a keep-alive connection
    int m_answered = 0;
};

} // namespace confab
