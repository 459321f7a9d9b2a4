// The listening socket. It only accepts: each descriptor goes straight to a worker thread, which
// builds the socket there (see Worker).
#pragma once

#include <QList>
#include <QTcpServer>

namespace confab {

class Worker;

class Listener : public QTcpServer
{
    Q_OBJECT
public:
    static constexpr int kListenBacklog = 4096;

    explicit Listener(QList<Worker *> workers, QObject *parent = nullptr);

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    QList<Worker *> m_workers;
};

} // namespace confab
