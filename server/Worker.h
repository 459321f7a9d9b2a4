// One event loop thread that owns a share of the connections: it builds each accepted socket on
// its own thread (a socket cannot move threads once it exists), reads HTTP requests, upgrades
// /ws to WebSocket sessions, and delivers what the Router hands it. Frames for its sessions
// (deliveries and replies) from other threads wait in one queue, drained in one go: one queued
// call per batch rather than per frame.
#pragma once

#include "server/ServerContext.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QMutex>
#include <QObject>
#include <QPointer>

#include <atomic>
#include <functional>
#include <vector>

QT_BEGIN_NAMESPACE
class QTcpSocket;
class QTimer;
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

    // What a handed-off frame is: a delivery (held until the welcome, dropped unless the session
    // is active), a reply, or an error reply (counted).
    enum class Frame : quint8 { Delivery, Reply, Error };

    // Thread-safe entry points (they post to the worker thread).
    void accept(qintptr descriptor);
    void deliver(quint64 sessionId, const QByteArray &frame)
    {
        handOff(sessionId, Frame::Delivery, frame);
    }
    // Queues a UTF-8 frame for a session, in order with every other frame handed to it; a frame
    // for a session that is gone by then is dropped.
    void handOff(quint64 sessionId, Frame kind, QByteArray frame);
    void disconnect(quint64 sessionId, int code, const QString &reason);

    // On the worker thread.
    void start();
    // A connection whose WebSocket handshake was answered becomes a session.
    void startSession(QTcpSocket *socket);
    // Shutdown, in two steps: stop taking requests and connections; then (once storage answered
    // what it had) close every session with 1001 and every HTTP connection.
    void stopTakingRequests();
    void beginShutdown();
    // Last step: cut whatever did not finish its close handshake.
    void abortAll();
    // A session that finished (closed or dropped): removed now, deleted later.
    void forget(Session *session);
    int liveConnections() const { return m_live.load(); }
    int index() const { return m_index; }
    ServerContext &context() { return m_context; }

private:
    void sweep();
    void drain();

    struct HandedOff
    {
        quint64 sessionId;
        Frame kind;
        QByteArray frame;
    };

    int m_index;
    ServerContext &m_context;
    QTimer *m_sweepTimer = nullptr;
    QHash<quint64, Session *> m_sessions;
    quint64 m_nextSessionId = 1;
    bool m_shuttingDown = false;
    std::atomic<int> m_live { 0 };
    QMutex m_handOffMutex; // held only to push or swap, never across I/O
    std::vector<HandedOff> m_handedOff; // under m_handOffMutex
    std::vector<HandedOff> m_draining; // worker thread only; keeps its capacity between batches
};

} // namespace confab
