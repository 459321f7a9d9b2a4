#include "server/Listener.h"

#include "server/Worker.h"

namespace confab {

Listener::Listener(QList<Worker *> workers, QObject *parent)
    : QTcpServer(parent)
    , m_workers(std::move(workers))
{
    // Qt's default backlog of 50 overflows when a few hundred devices reconnect at once: the
    // kernel drops their SYNs and they retry only a second (then 3 s, 7 s) later. The kernel caps
    // this at net.core.somaxconn.
    setListenBacklogSize(kListenBacklog);
}

void Listener::incomingConnection(qintptr descriptor)
{
    // The worker with the fewest live connections.
    Worker *target = m_workers.constFirst();
    for (Worker *worker : std::as_const(m_workers)) {
        if (worker->liveConnections() < target->liveConnections())
            target = worker;
    }
    target->accept(descriptor);
}

} // namespace confab
