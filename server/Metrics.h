// Counters and gauges the server exposes on /metrics (Prometheus text format). Lock-free: any
// thread may count.
#pragma once

#include <QByteArray>

#include <array>
#include <atomic>
#include <functional>

namespace confab {

// A latency histogram with fixed buckets in seconds.
class Histogram
{
public:
    static constexpr std::array<double, 12> kBounds { 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02,
                                                      0.05,   0.1,   0.25,  0.5,   1.0,  5.0 };
    void observe(double seconds);
    void render(QByteArray &out, const char *name, const char *help) const;

private:
    std::array<std::atomic<quint64>, kBounds.size() + 1> m_buckets {};
    std::atomic<quint64> m_count { 0 };
    std::atomic<quint64> m_sumMicros { 0 };
};

// Why a request or connection was refused by a limit (docs/security.md).
enum class Refusal {
    LoginUser,
    LoginAddress,
    RegisterAddress,
    Send,
    SendAbuse, // closed with 4008
    ConnectionsTotal,
    ConnectionsAddress,
    Devices,
    RequestTimeout, // slow HTTP request or idle keep-alive cut
    JsonNesting,
    WebSocketFrame, // a connection closed for a frame RFC 6455 or the size limit refuses
    Count_
};

struct Metrics
{
    std::atomic<qint64> connectionsOpen { 0 }; // TCP connections, HTTP or WebSocket
    std::atomic<qint64> sessionsOpen { 0 }; // WebSockets
    std::atomic<qint64> sessionsAuthenticated { 0 };
    std::atomic<quint64> httpRequests { 0 };
    std::atomic<quint64> httpErrors { 0 }; // 4xx and 5xx answers
    std::atomic<quint64> wsFrames { 0 };
    std::atomic<quint64> wsErrors { 0 }; // error events sent
    std::atomic<quint64> messagesStored { 0 };
    std::atomic<quint64> messagesDeduplicated { 0 };
    std::atomic<quint64> deliveries { 0 }; // msg events pushed to devices
    std::atomic<quint64> registrations { 0 };
    std::atomic<quint64> logins { 0 };
    std::atomic<quint64> loginFailures { 0 };
    std::array<std::atomic<quint64>, std::size_t(Refusal::Count_)> refusals {};
    Histogram sendSeconds; // from a send frame's arrival to its `sent` answer

    // Extra lines computed when scraped (store queue depths, commit statistics).
    std::function<void(QByteArray &)> renderExtra;

    void refuse(Refusal why) { ++refusals[std::size_t(why)]; }
    quint64 refused(Refusal why) const { return refusals[std::size_t(why)].load(); }

    QByteArray render() const;
};

// Appends one metric with its HELP and TYPE lines.
void renderMetric(QByteArray &out, const char *name, const char *type, const char *help,
                  double value);

} // namespace confab
