// The devices of one workload, spread round-robin over the shards: opening them with a bounded
// number of handshakes in flight, keeping them alive with pings, and sending at a fixed rate
// (open loop: the schedule does not wait for answers, so a slow server shows as latency).
#pragma once

#include "bench/Fixture.h"
#include "bench/Latencies.h"
#include "bench/Shards.h"
#include "bench/WsConnection.h"

#include <QStringList>

#include <atomic>
#include <functional>
#include <vector>

namespace confab::bench {

class Fleet
{
public:
    Fleet(const Shards &shards, const QString &host, quint16 port, QList<BenchDevice> devices);
    ~Fleet();
    Fleet(const Fleet &) = delete;
    Fleet &operator=(const Fleet &) = delete;

    int size() const { return int(m_devices.size()); }
    int shardOf(int index) const { return index % m_shards.count(); }
    const BenchDevice &device(int index) const { return m_devices[index]; }
    // Only to be used on the connection's own shard thread.
    WsConnection *connection(int index) const { return m_connections[std::size_t(index)]; }

    struct Opened
    {
        int ready = 0;
        int failed = 0;
        double seconds = 0; // from the first open to the last welcome (or failure)
    };
    // Opens every connection (again), at most `window` handshakes at once over all shards (0: all
    // at once), and waits until each is welcomed or failed, or `timeoutMs` passed. The time from
    // open to welcome goes to `auth`. `welcomed` runs on the shard thread after each welcome.
    Opened openAll(int window, Latencies &auth, int timeoutMs,
                   std::function<void(int index)> welcomed = {});
    // Drops every connection at once, without a close handshake.
    void abortAll();
    // The indices of each shard's connections, shard by shard.
    std::vector<std::vector<int>> indicesByShard() const;
    // Runs `work` for each connection, on its shard thread; returns when all ran.
    void forEach(const std::function<void(int index, WsConnection *connection)> &work) const;

    // Calls `send(shard, n)` on each shard's thread so that, together, `perSecond` calls a second
    // are made (n counts that shard's calls from 0), until stopPacing().
    void startPacing(double perSecond, std::function<void(int shard, qint64 n)> send);
    // Stops the calls; the number made in all.
    qint64 stopPacing();

private:
    const Shards &m_shards;
    QString m_host;
    quint16 m_port;
    QList<BenchDevice> m_devices;
    std::vector<WsConnection *> m_connections;
    std::vector<QObject *> m_timers; // per shard: the ping timer's parent, deleted with the fleet
    std::vector<QObject *> m_pacers;
    std::atomic<qint64> m_paced { 0 };
};

// Opens the whole fleet (at most `window` handshakes at once, 120 s in all); false, with a
// problem added, unless every device was welcomed.
bool openFleet(Fleet &fleet, int window, QStringList &problems);

// Polls `done` (the coordinator's thread only waits) until it holds or `timeoutMs` passed.
bool waitUntil(const std::function<bool()> &done, int timeoutMs);

} // namespace confab::bench
