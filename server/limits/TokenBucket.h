// A token bucket: `capacity` tokens, refilled at capacity per `periodMs`. Not thread-safe; the
// keyed RateLimiter guards its buckets, a Session owns its own.
#pragma once

#include <QtGlobal>

namespace confab::limits {

// A rate as configured: `count` events per `periodMs`; count 0 means unlimited.
struct Rate
{
    int count = 0;
    qint64 periodMs = 1000;

    bool enabled() const { return count > 0; }
    friend bool operator==(const Rate &, const Rate &) = default;
};

class TokenBucket
{
public:
    TokenBucket() = default;
    TokenBucket(Rate rate, qint64 nowMs)
        : m_tokens(rate.count)
        , m_lastMs(nowMs)
    { }

    // Takes one token if there is one.
    bool tryTake(Rate rate, qint64 nowMs)
    {
        refill(rate, nowMs);
        if (m_tokens < 1.0)
            return false;
        m_tokens -= 1.0;
        return true;
    }

    // True if the bucket is full again (an idle entry that can be forgotten).
    bool isFull(Rate rate, qint64 nowMs)
    {
        refill(rate, nowMs);
        return m_tokens >= rate.count;
    }

    // Milliseconds until the next token, 0 when one is there.
    qint64 msUntilToken(Rate rate) const
    {
        if (m_tokens >= 1.0 || rate.count <= 0)
            return 0;
        return qint64((1.0 - m_tokens) * double(rate.periodMs) / rate.count) + 1;
    }

private:
    void refill(Rate rate, qint64 nowMs)
    {
        if (nowMs > m_lastMs && rate.count > 0) {
            m_tokens = qMin<double>(
                rate.count,
                m_tokens + double(nowMs - m_lastMs) * rate.count / double(rate.periodMs));
        }
        m_lastMs = qMax(m_lastMs, nowMs);
    }

    double m_tokens = 0;
    qint64 m_lastMs = 0;
};

} // namespace confab::limits
