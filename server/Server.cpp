#include "server/Server.h"

#include "server/Credentials.h"
#include "server/EpollDispatcher.h"
#include "server/Listener.h"
#include "server/Logging.h"
#include "server/Presence.h"
#include "server/ServerContext.h"
#include "server/Worker.h"
#include "server/store/Contacts.h"
#include "server/store/Migrations.h"
#include "server/store/QueryPool.h"
#include "server/store/Writer.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QSslCertificate>
#include <QSslKey>
#include <QSslSocket>
#include <QThread>

#include <future>

namespace confab {

using namespace Qt::StringLiterals;

namespace {
// Work that blocks (hashing, waiting for commits) is bounded by these threads, and so is the
// memory argon2id takes (64 MiB each).
constexpr int kAccountThreads = 2;
constexpr int kQueryThreads = 2;
// How long clients have to answer the close handshake at shutdown.
constexpr int kCloseHandshakeMs = 1000;
// The server side of TLS from PEM files: a certificate chain (leaf first) and its private key.
Result<QSslConfiguration> loadTls(const QString &certFile, const QString &keyFile)
{
    if (!QSslSocket::supportsSsl())
        return Error { ErrorCode::Internal, u"TLS is not available (no TLS backend)"_s };
    QFile cert(certFile);
    if (!cert.open(QIODevice::ReadOnly))
        return Error { ErrorCode::Internal,
                       u"cannot read %1: %2"_s.arg(certFile, cert.errorString()) };
    const QList<QSslCertificate> chain = QSslCertificate::fromDevice(&cert, QSsl::Pem);
    if (chain.isEmpty())
        return Error { ErrorCode::Internal, u"no PEM certificate in %1"_s.arg(certFile) };
    QFile keyData(keyFile);
    if (!keyData.open(QIODevice::ReadOnly))
        return Error { ErrorCode::Internal,
                       u"cannot read %1: %2"_s.arg(keyFile, keyData.errorString()) };
    const QByteArray pem = keyData.readAll();
    QSslKey key;
    for (QSsl::KeyAlgorithm algorithm : { QSsl::Rsa, QSsl::Ec, QSsl::Opaque }) {
        key = QSslKey(pem, algorithm, QSsl::Pem, QSsl::PrivateKey);
        if (!key.isNull())
            break;
    }
    if (key.isNull())
        return Error { ErrorCode::Internal, u"no usable PEM private key in %1"_s.arg(keyFile) };
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setLocalCertificateChain(chain);
    tls.setPrivateKey(key);
    tls.setPeerVerifyMode(QSslSocket::VerifyNone); // clients authenticate with tokens
    return tls;
}

} // namespace

Server::Server(ServerConfig config, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
{ }

Server::~Server()
{
    shutdown();
}

Result<Done> Server::start()
{
    if (!credentials::initialize())
        return Error { ErrorCode::Internal, u"libsodium cannot be initialised"_s };
    if (!QDir().mkpath(m_config.dataDir))
        return Error { ErrorCode::Internal, u"cannot create %1"_s.arg(m_config.dataDir) };

    if (m_config.tls()) {
        auto tls = loadTls(m_config.tlsCertFile, m_config.tlsKeyFile);
        if (!tls)
            return tls.error();
        m_tls = std::move(tls).value();
    }

    const store::DatabaseConfig database { m_config.databasePath(), m_config.synchronousFull };
    {
        const QString name = u"migrate"_s;
        auto db = store::openConnection(database, name);
        if (!db)
            return db.error();
        auto migrated = store::migrate(db.value());
        db.value() = QSqlDatabase();
        store::closeConnection(name);
        if (!migrated)
            return migrated;
    }

    m_writer = std::make_unique<store::Writer>(database);
    m_queries = std::make_unique<store::QueryPool>(database, kQueryThreads, u"query"_s);
    m_accounts = std::make_unique<store::QueryPool>(database, kAccountThreads, u"accounts"_s);
    for (auto result : { m_writer->start(), m_queries->start(), m_accounts->start() }) {
        if (!result)
            return result;
    }

    m_presence = std::make_unique<Presence>(m_config.presenceGraceMs, m_router, *m_writer);
    {
        std::promise<Result<QHash<qint64, QSet<qint64>>>> loaded;
        m_queries->run<QHash<qint64, QSet<qint64>>>(
            [](store::Statements &sql) { return store::contacts::allWatchers(sql); },
            [&](Result<QHash<qint64, QSet<qint64>>> watchers) {
                loaded.set_value(std::move(watchers));
            });
        auto watchers = loaded.get_future().get();
        if (!watchers)
            return watchers.error();
        m_presence->setWatchers(std::move(watchers).value());
    }
    m_context = std::make_unique<ServerContext>(
        ServerContext { m_config, *m_writer, *m_queries, *m_accounts, m_router, m_metrics, m_api,
                        *m_presence, m_limits, m_config.tls() ? &m_tls : nullptr });
    m_api.setContext(m_context.get());
    m_metrics.renderExtra = [writer = m_writer.get(), queries = m_queries.get(),
                             accounts = m_accounts.get(), router = &m_router,
                             limits = &m_limits](QByteArray &out) {
        const store::WriterStats stats = writer->stats();
        renderMetric(out, "confab_store_transactions_total", "counter",
                     "Write transactions committed or failed.", stats.transactions);
        renderMetric(out, "confab_store_jobs_total", "counter", "Write jobs run.", stats.jobs);
        renderMetric(out, "confab_store_failed_commits_total", "counter",
                     "Write transactions that failed to commit.", stats.failedCommits);
        renderMetric(out, "confab_store_commit_seconds_total", "counter",
                     "Time spent in write transactions.", stats.commitSecondsTotal);
        renderMetric(out, "confab_store_write_queue", "gauge", "Write jobs waiting.", stats.queued);
        renderMetric(out, "confab_store_checkpoints_total", "counter",
                     "WAL checkpoints run beside the writer.", stats.checkpoints);
        renderMetric(out, "confab_query_queue", "gauge", "Session reads waiting.",
                     queries->queued());
        renderMetric(out, "confab_accounts_queue", "gauge", "HTTP API jobs waiting.",
                     accounts->queued());
        renderMetric(out, "confab_users_online", "gauge", "Users with a connected device.",
                     router->onlineUsers());
        limits->render(out);
    };

    for (int i = 0; i < m_config.workerCount(); ++i) {
        auto *thread = new QThread;
        thread->setObjectName(u"worker-%1"_s.arg(i));
        thread->setEventDispatcher(new EpollDispatcher);
        auto *worker = new Worker(i, *m_context);
        worker->moveToThread(thread);
        connect(thread, &QThread::finished, worker, &QObject::deleteLater);
        thread->start();
        QMetaObject::invokeMethod(worker, &Worker::start, Qt::BlockingQueuedConnection);
        m_threads.append(thread);
        m_workers.append(worker);
    }

    m_listener = new Listener(m_workers, this);
    if (!m_listener->listen(m_config.host, m_config.port)) {
        const QString message = m_listener->errorString();
        shutdown();
        return Error { ErrorCode::Internal,
                       u"cannot listen on %1:%2: %3"_s.arg(m_config.host.toString())
                           .arg(m_config.port)
                           .arg(message) };
    }
    m_running = true;
    if (!m_config.rateLimits)
        qCInfo(lcServer, "per-address and per-device rate limits are off (--rate-limits off)");
    qCInfo(lcServer, "listening on %s:%d%s with %d workers, at most %d connections, data in %s",
           qUtf8Printable(m_config.host.toString()), port(), m_config.tls() ? " (TLS)" : "",
           int(m_workers.size()), m_config.connectionCap(),
           qUtf8Printable(m_config.databasePath()));
    return Done {};
}

quint16 Server::port() const
{
    return m_listener ? m_listener->serverPort() : 0;
}

void Server::waitForConnectionsToClose(int timeoutMs)
{
    // The workers count their connections atomically; this thread has nothing else to do.
    const QDeadlineTimer deadline(timeoutMs);
    for (Worker *worker : std::as_const(m_workers)) {
        while (worker->liveConnections() > 0 && !deadline.hasExpired())
            QThread::msleep(5);
    }
}

void Server::shutdown()
{
    if (m_listener)
        m_listener->close();

    // 1. Sessions stop taking requests; 2. what storage already accepted is committed and its
    // answers are queued to the workers; 3. the workers send them, then close with 1001.
    for (Worker *worker : std::as_const(m_workers)) {
        QMetaObject::invokeMethod(
            worker, [worker] { worker->stopTakingRequests(); }, Qt::BlockingQueuedConnection);
    }
    if (m_presence)
        m_presence->persistAll();
    if (m_writer)
        m_writer->flush();
    for (Worker *worker : std::as_const(m_workers)) {
        QMetaObject::invokeMethod(
            worker, [worker] { worker->beginShutdown(); }, Qt::BlockingQueuedConnection);
    }
    waitForConnectionsToClose(kCloseHandshakeMs);
    for (Worker *worker : std::as_const(m_workers))
        QMetaObject::invokeMethod(
            worker, [worker] { worker->abortAll(); }, Qt::BlockingQueuedConnection);
    waitForConnectionsToClose(kCloseHandshakeMs);
    for (QThread *thread : std::as_const(m_threads)) {
        thread->quit();
        thread->wait();
        delete thread;
    }
    m_threads.clear();
    m_workers.clear();
    if (m_running)
        qCInfo(lcServer, "stopped");
    m_running = false;

    if (m_accounts)
        m_accounts->stop();
    if (m_queries)
        m_queries->stop();
    if (m_writer)
        m_writer->stop();
}

} // namespace confab
