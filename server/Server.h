// A whole confabd: storage, workers, router and listener, composed and started in order and shut
// down so that nothing acknowledged is lost.
#pragma once

#include "common/Result.h"
#include "server/Config.h"
#include "server/Metrics.h"
#include "server/Router.h"
#include "server/http/HttpApi.h"
#include "server/limits/AbuseLimits.h"

#include <QList>
#include <QObject>
#include <QSslConfiguration>

#include <memory>

QT_BEGIN_NAMESPACE
class QThread;
QT_END_NAMESPACE

namespace confab {

class Listener;
class Presence;
class Worker;
struct ServerContext;

namespace store {
class Writer;
class QueryPool;
} // namespace store

class Server : public QObject
{
    Q_OBJECT
public:
    explicit Server(ServerConfig config, QObject *parent = nullptr);
    ~Server() override;

    // Opens (and migrates) the database, starts the threads and listens.
    Result<Done> start();
    quint16 port() const;

    // Stops listening, answers what was already accepted for storage, closes every session with
    // 1001, and stops the threads. Blocks until done.
    void shutdown();

private:
    void waitForConnectionsToClose(int timeoutMs);

    ServerConfig m_config;
    Metrics m_metrics;
    Router m_router;
    HttpApi m_api;
    AbuseLimits m_limits { m_config };
    QSslConfiguration m_tls;
    std::unique_ptr<store::Writer> m_writer;
    std::unique_ptr<store::QueryPool> m_queries;
    std::unique_ptr<store::QueryPool> m_accounts;
    std::unique_ptr<Presence> m_presence;
    std::unique_ptr<ServerContext> m_context;
    QList<QThread *> m_threads;
    QList<Worker *> m_workers;
    Listener *m_listener = nullptr;
    bool m_running = false;
};

} // namespace confab
