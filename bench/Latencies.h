// Latency samples from many threads, summarised as percentiles in milliseconds.
#pragma once

#include <QJsonObject>

#include <mutex>
#include <vector>

namespace confab::bench {

class Latencies
{
public:
    void add(qint64 nanoseconds);
    qsizetype count() const;
    // {"count","p50_ms","p99_ms","max_ms"}; sorts the samples.
    QJsonObject summary();
    void clear();

private:
    mutable std::mutex m_mutex;
    std::vector<qint64> m_samples;
};

// Nanoseconds on one steady clock shared by every thread of the generator.
qint64 nowNs();

} // namespace confab::bench
