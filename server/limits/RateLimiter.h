// Token buckets by key (a username, an address), shared by threads: the keys are spread over
// shards, each with its own mutex held only for a hash lookup. Full buckets are forgotten, so
// memory is bounded by the keys active within one period.
#pragma once

#include "server/limits/TokenBucket.h"

#include <QHash>
#include <QHostAddress>
#include <QMutex>
#include <QString>

#include <array>
#include <atomic>

namespace confab::limits {

// The key a client address is limited by: an IPv4 address, or the /64 network of an IPv6 one
// (one subscriber usually has a whole /64).
QString addressKey(const QHostAddress &address);

class RateLimiter
{
public:
    explicit RateLimiter(Rate rate = {});

    Rate rate() const { return m_rate; }
    // Takes one token for `key`: false when the key is over its rate (always true when off),
    // with the milliseconds until a token is back in `retryAfterMs`.
    bool tryTake(const QString &key, qint64 *retryAfterMs = nullptr);
    // The same at a given time of the monotonic clock (ms), for tests.
    bool tryTakeAt(const QString &key, qint64 nowMs, qint64 *retryAfterMs = nullptr);
    // Keys currently tracked (for /metrics).
    qint64 trackedKeys() const { return m_tracked.load(std::memory_order_relaxed); }

private:
    static constexpr std::size_t kShards = 16;
    // A shard sweeps its full buckets after this many takes.
    static constexpr int kSweepEvery = 256;

    struct Shard
    {
        QMutex mutex;
        QHash<QString, TokenBucket> buckets;
        int takesSinceSweep = 0;
    };

    void sweep(Shard &shard, qint64 nowMs);

    Rate m_rate;
    std::array<Shard, kShards> m_shards;
    std::atomic<qint64> m_tracked { 0 };
};

} // namespace confab::limits
