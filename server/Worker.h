// One event loop thread that owns a share of the connections: it builds each accepted socket on
// its own thread (a QWebSocket cannot move threads once it exists), reads HTTP requests, upgrades
// /ws to WebSocket sessions, and delivers what the Router hands it.
#pragma once

#include "server/ServerContext.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>

#include <atomic>
#include <functional>

QT_BEGIN_NAMESPACE
class QTcpSocket;
class QTimer;
class QWebSocketServer;
QT_END_NAMESPACE

namespace confab {

class Session;

class Worker : public QObject
{
    Q_OBJECT
public:
    Worker(int index, ServerContext &context);
    ~Worker() override;

    // Thread-safe: queue `fn` to run on this worker's thread.
    void post(std::function<void()> fn);

    // A function any thread may call; it runs `method` on `object` in this worker's thread, if the
    // object still exists by then.
    template<typename Obj, typename... Args>
    std::function<void(Args...)> bind(Obj *object, void (Obj::*method)(Args...))
    {
        return [this, guard = QPointer<Obj>(object), method](Args... args) {
            post([guard, method, ... args = std::move(args)]() mutable {
                if (guard)
                    (guard.data()->*method)(std::move(args)...);
            });
        };
    }

    // Thread-safe entry points (they post to the worker thread).
    void accept(qintptr descriptor);
    void deliver(quint64 sessionId, const QString &frame);
    void disconnect(quint64 sessionId, int code, const QString &reason);

    // On the worker thread.
    void start();
    void handOver(QTcpSocket *socket); // a WebSocket handshake, not yet read
    // Shutdown, in two steps: stop taking requests and connections; then (once storage answered
    // what it had) close every session with 1001 and every HTTP connection.
    void stopTakingRequests();
    void beginShutdown();
    // Last step: cut whatever did not finish its close handshake.
    void abortAll();
    int liveConnections() const { return m_live.load(); }
    int index() const { return m_index; }
    ServerContext &context() { return m_context; }

private:
    void onWebSocket();
    void sweep();
    void forget(Session *session);

    int m_index;
    ServerContext &m_context;
    QWebSocketServer *m_webSockets = nullptr;
    QTimer *m_sweepTimer = nullptr;
    QHash<quint64, Session *> m_sessions;
    QList<QPointer<QTcpSocket>> m_handshaking;
    quint64 m_nextSessionId = 1;
    bool m_shuttingDown = false;
    std::atomic<int> m_live { 0 };
};

} // namespace confab
