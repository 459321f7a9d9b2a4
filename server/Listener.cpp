#include "server/Listener.h"

#include "server/Worker.h"

namespace confab {

Listener::Listener(QList<Worker *> workers, QObject *parent)
    : QTcpServer(parent)
    , m_workers(std::move(workers))
{ }

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
