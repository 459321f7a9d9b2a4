// One TCP connection while it speaks HTTP: reads requests (keep-alive, one at a time), hands each
// to the HttpApi and writes its answer. A WebSocket handshake on /ws is handed, unread, to the
// worker's QWebSocketServer.
#pragma once

#include "server/http/HttpParser.h"

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
    void fail(int status, const QString &message);
    void write(const http::HttpResponse &response, bool keepAlive);
    void lingerAndClose();

    QTcpSocket *m_socket;
    Worker *m_worker;
    QTimer *m_idleTimer;
    http::HttpParser m_parser;
    bool m_busy = false; // a request is being answered
    bool m_keepAlive = true;
    bool m_lingering = false; // answered an error; discarding input until closed
};

} // namespace confab
