#include "bench/Latencies.h"

#include <QElapsedTimer>

#include <algorithm>

namespace confab::bench {

using namespace Qt::StringLiterals;

qint64 nowNs()
{
    static const QElapsedTimer clock = [] {
        QElapsedTimer timer;
        timer.start();
        return timer;
    }();
    return clock.nsecsElapsed();
}

void Latencies::add(qint64 nanoseconds)
{
    std::lock_guard lock(m_mutex);
    m_samples.push_back(nanoseconds);
}

qsizetype Latencies::count() const
{
    std::lock_guard lock(m_mutex);
    return qsizetype(m_samples.size());
}

void Latencies::clear()
{
    std::lock_guard lock(m_mutex);
    m_samples.clear();
}

QJsonObject Latencies::summary()
{
    std::lock_guard lock(m_mutex);
    std::sort(m_samples.begin(), m_samples.end());
    const auto at = [this](double fraction) {
        if (m_samples.empty())
            return 0.0;
        const auto index = std::size_t(fraction * double(m_samples.size() - 1) + 0.5);
        return double(m_samples[index]) / 1e6;
    };
    const auto round2 = [](double ms) {
        return std::round(ms * 100) / 100;
    };
    return { { u"count"_s, qint64(m_samples.size()) },
             { u"p50_ms"_s, round2(at(0.50)) },
             { u"p99_ms"_s, round2(at(0.99)) },
             { u"max_ms"_s, round2(at(1.0)) } };
}

} // namespace confab::bench
