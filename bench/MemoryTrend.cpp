#include "bench/MemoryTrend.h"

#include <cmath>

namespace confab::bench {

using namespace Qt::StringLiterals;

QJsonObject memoryTrend(const std::vector<RssSample> &samples, double warmupSeconds)
{
    std::vector<RssSample> steady;
    for (const RssSample &sample : samples) {
        if (sample.seconds >= warmupSeconds)
            steady.push_back(sample);
    }
    const qint64 atWarmup = steady.empty() ? -1 : steady.front().kib;
    const qint64 atEnd = samples.empty() ? -1 : samples.back().kib;
    double slope = 0;
    if (steady.size() >= 2) {
        double meanT = 0;
        double meanKib = 0;
        for (const RssSample &sample : steady) {
            meanT += sample.seconds;
            meanKib += double(sample.kib);
        }
        meanT /= double(steady.size());
        meanKib /= double(steady.size());
        double covariance = 0;
        double variance = 0;
        for (const RssSample &sample : steady) {
            covariance += (sample.seconds - meanT) * (double(sample.kib) - meanKib);
            variance += (sample.seconds - meanT) * (sample.seconds - meanT);
        }
        slope = variance > 0 ? covariance / variance * 60 : 0;
    }
    return { { u"rss_at_warmup_end_kib"_s, atWarmup },
             { u"rss_at_end_kib"_s, atEnd },
             { u"growth_after_warmup_kib"_s, atWarmup < 0 ? 0 : atEnd - atWarmup },
             { u"growth_slope_kib_per_min"_s, std::round(slope * 10) / 10 },
             { u"samples_after_warmup"_s, qint64(steady.size()) } };
}

} // namespace confab::bench
