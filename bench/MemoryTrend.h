// The server's memory over a soak: resident size sampled at times, read as the size at the end of
// the warm-up, at the end, the growth between them and the least-squares slope over the samples
// after the warm-up (less sensitive to where one sample happens to fall than end minus start).
#pragma once

#include <QJsonObject>

#include <vector>

namespace confab::bench {

struct RssSample
{
    double seconds = 0; // since the start of the steady load
    qint64 kib = 0;
};

// {"rss_at_warmup_end_kib","rss_at_end_kib","growth_after_warmup_kib",
//  "growth_slope_kib_per_min","samples_after_warmup"}; the slope is 0 with fewer than two samples.
QJsonObject memoryTrend(const std::vector<RssSample> &samples, double warmupSeconds);

} // namespace confab::bench
