#include "bench/Fleet.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QHostAddress>
#include <QThread>
#include <QTimer>

#include <memory>

namespace confab::bench {

namespace {
// Below the server's 2 × 30 s heartbeat deadline with room to spare.
constexpr int kPingIntervalMs = 20'000;
constexpr int kSourceAddresses = 64;
} // namespace

bool waitUntil(const std::function<bool()> &done, int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    while (!done()) {
        if (deadline.hasExpired())
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
        QThread::msleep(2);
    }
    return true;
}

Fleet::Fleet(const Shards &shards, const QString &host, quint16 port, QList<BenchDevice> devices)
    : m_shards(shards)
    , m_host(host)
    , m_port(port)
    , m_devices(std::move(devices))
    , m_connections(std::size_t(m_devices.size()), nullptr)
    , m_timers(std::size_t(shards.count()), nullptr)
    , m_pacers(std::size_t(shards.count()), nullptr)
{
    const bool loopback = QHostAddress(m_host) == QHostAddress(QHostAddress::LocalHost);
    m_shards.runEverywhere([this, loopback](int shard) {
        QObject *context = m_shards.context(shard);
        for (int i = shard; i < size(); i += m_shards.count()) {
            auto *connection = new WsConnection(m_host, m_port, m_devices[i].token, context);
            // One server address and port: spread the sources over 127.0.0.2.. so that Linux's
            // search for a free ephemeral port stays short (see docs/benchmarks.md).
            if (loopback)
                connection->setSource(QHostAddress(quint32(0x7f000002 + i % kSourceAddresses)));
            m_connections[std::size_t(i)] = connection;
        }
        auto *ping = new QTimer(context);
        m_timers[std::size_t(shard)] = ping;
        QObject::connect(ping, &QTimer::timeout, ping, [this, shard] {
            for (int i = shard; i < size(); i += m_shards.count()) {
                if (connection(i)->state() == WsConnection::State::Ready)
                    connection(i)->sendPing();
            }
        });
        ping->start(kPingIntervalMs);
    });
}

Fleet::~Fleet()
{
    stopPacing();
    m_shards.runEverywhere([this](int shard) {
        for (int i = shard; i < size(); i += m_shards.count())
            delete connection(i);
        delete m_timers[std::size_t(shard)];
    });
}

std::vector<std::vector<int>> Fleet::indicesByShard() const
{
    std::vector<std::vector<int>> indices(std::size_t(m_shards.count()));
    for (int i = 0; i < size(); ++i)
        indices[std::size_t(shardOf(i))].push_back(i);
    return indices;
}

bool openFleet(Fleet &fleet, int window, QStringList &problems)
{
    Latencies auth;
    const auto opened = fleet.openAll(window, auth, 120'000);
    if (opened.ready == fleet.size())
        return true;
    problems << QStringLiteral("%1 of %2 devices failed to connect")
                    .arg(fleet.size() - opened.ready)
                    .arg(fleet.size());
    return false;
}

void Fleet::forEach(const std::function<void(int, WsConnection *)> &work) const
{
    m_shards.runEverywhere([&](int shard) {
        for (int i = shard; i < size(); i += m_shards.count())
            work(i, connection(i));
    });
}

Fleet::Opened Fleet::openAll(int window, Latencies &auth, int timeoutMs,
                             std::function<void(int index)> welcomed)
{
    struct ShardOpening
    {
        std::vector<int> pending;
        std::size_t next = 0;
        int inFlight = 0;
        int window = 0;
    };
    std::atomic<int> ready { 0 };
    std::atomic<int> failed { 0 };
    std::atomic<qint64> lastDone { 0 };
    const int shards = m_shards.count();
    const int perShard = window <= 0 ? size() : qMax(1, window / shards);
    const qint64 start = nowNs();

    // Each shard opens its own connections; everything below runs on the shard thread.
    m_shards.runEverywhere([&, this](int shard) {
        auto opening = std::make_shared<ShardOpening>();
        opening->window = perShard;
        for (int i = shard; i < size(); i += shards)
            opening->pending.push_back(i);
        auto openMore = std::make_shared<std::function<void()>>();
        *openMore = [this, opening, &auth, &ready, &failed, &lastDone, welcomed,
                     weakOpenMore = std::weak_ptr(openMore)] {
            while (opening->inFlight < opening->window && opening->next < opening->pending.size()) {
                const int index = opening->pending[opening->next++];
                WsConnection *connection = this->connection(index);
                const qint64 began = nowNs();
                auto settled = std::make_shared<bool>(false);
                // The callbacks keep the opener alive; openAll() clears them when it returns.
                const auto settle = [opening, more = weakOpenMore.lock(), settled, &lastDone] {
                    *settled = true;
                    --opening->inFlight;
                    lastDone.store(nowNs());
                    (*more)();
                };
                connection->onWelcome = [=, &auth, &ready](const QJsonObject &) {
                    if (*settled)
                        return;
                    auth.add(nowNs() - began);
                    ++ready;
                    if (welcomed)
                        welcomed(index);
                    settle();
                };
                connection->onClosed = [=, &failed](int) {
                    if (*settled)
                        return;
                    ++failed;
                    settle();
                };
                ++opening->inFlight;
                connection->open();
            }
        };
        (*openMore)();
    });
    waitUntil([&] { return ready + failed == size(); }, timeoutMs);
    Opened opened { ready.load(), failed.load(), double(lastDone.load() - start) / 1e9 };
    // Forget the callbacks that point at this frame's counters.
    forEach([](int, WsConnection *connection) {
        connection->onWelcome = nullptr;
        connection->onClosed = nullptr;
    });
    return opened;
}

void Fleet::abortAll()
{
    forEach([](int, WsConnection *connection) { connection->abort(); });
}

void Fleet::startPacing(double perSecond, std::function<void(int, qint64)> send)
{
    m_paced = 0;
    const double perShard = perSecond / m_shards.count();
    m_shards.runEverywhere([&, this](int shard) {
        auto *timer = new QTimer(m_shards.context(shard));
        timer->setTimerType(Qt::PreciseTimer);
        const qint64 start = nowNs();
        auto made = std::make_shared<qint64>(0);
        QObject::connect(timer, &QTimer::timeout, timer, [=, this] {
            const auto due = qint64(perShard * double(nowNs() - start) / 1e9);
            while (*made < due) {
                send(shard, *made);
                ++*made;
                ++m_paced;
            }
        });
        timer->start(1);
        m_pacers[std::size_t(shard)] = timer;
    });
}

qint64 Fleet::stopPacing()
{
    m_shards.runEverywhere([this](int shard) {
        delete m_pacers[std::size_t(shard)];
        m_pacers[std::size_t(shard)] = nullptr;
    });
    return m_paced.load();
}

} // namespace confab::bench
