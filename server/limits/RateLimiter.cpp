#include "server/limits/RateLimiter.h"

#include <QDeadlineTimer>

namespace confab::limits {

namespace {
qint64 monotonicMs()
{
    return QDeadlineTimer::current().deadline();
}
} // namespace

RateLimiter::RateLimiter(Rate rate)
    : m_rate(rate)
{ }

bool RateLimiter::tryTake(const QString &key)
{
    if (!m_rate.enabled())
        return true;
    const qint64 now = monotonicMs();
    Shard &shard = m_shards[qHash(key) % kShards];
    QMutexLocker lock(&shard.mutex);
    if (++shard.takesSinceSweep >= kSweepEvery)
        sweep(shard, now);
    auto it = shard.buckets.find(key);
    if (it == shard.buckets.end()) {
        it = shard.buckets.insert(key, TokenBucket(m_rate, now));
        m_tracked.fetch_add(1, std::memory_order_relaxed);
    }
    return it->tryTake(m_rate, now);
}

void RateLimiter::sweep(Shard &shard, qint64 nowMs)
{
    shard.takesSinceSweep = 0;
    const qsizetype before = shard.buckets.size();
    shard.buckets.removeIf(
        [&](QHash<QString, TokenBucket>::iterator it) { return it->isFull(m_rate, nowMs); });
    m_tracked.fetch_sub(before - shard.buckets.size(), std::memory_order_relaxed);
}

} // namespace confab::limits
