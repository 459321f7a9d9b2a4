#include "server/limits/RateLimiter.h"

#include <QDeadlineTimer>

namespace confab::limits {

namespace {
qint64 monotonicMs()
{
    return QDeadlineTimer::current().deadline();
}
} // namespace

QString addressKey(const QHostAddress &address)
{
    bool isV4 = false;
    const quint32 v4 = address.toIPv4Address(&isV4);
    if (isV4)
        return QHostAddress(v4).toString();
    if (address.protocol() != QAbstractSocket::IPv6Protocol)
        return address.toString();
    Q_IPV6ADDR bytes = address.toIPv6Address();
    for (int i = 8; i < 16; ++i)
        bytes[i] = 0;
    return QHostAddress(bytes).toString() + QStringLiteral("/64");
}

RateLimiter::RateLimiter(Rate rate)
    : m_rate(rate)
{ }

bool RateLimiter::tryTake(const QString &key, qint64 *retryAfterMs)
{
    return tryTakeAt(key, monotonicMs(), retryAfterMs);
}

bool RateLimiter::tryTakeAt(const QString &key, qint64 now, qint64 *retryAfterMs)
{
    if (!m_rate.enabled())
        return true;
    Shard &shard = m_shards[qHash(key) % kShards];
    QMutexLocker lock(&shard.mutex);
    if (++shard.takesSinceSweep >= kSweepEvery)
        sweep(shard, now);
    auto it = shard.buckets.find(key);
    if (it == shard.buckets.end()) {
        it = shard.buckets.insert(key, TokenBucket(m_rate, now));
        m_tracked.fetch_add(1, std::memory_order_relaxed);
    }
    if (it->tryTake(m_rate, now))
        return true;
    if (retryAfterMs)
        *retryAfterMs = it->msUntilToken(m_rate);
    return false;
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
