#include "server/Metrics.h"

namespace confab {

void renderMetric(QByteArray &out, const char *name, const char *type, const char *help,
                  double value)
{
    out.append("# HELP ").append(name).append(' ').append(help);
    out.append("\n# TYPE ").append(name).append(' ').append(type).append('\n');
    out.append(name).append(' ').append(QByteArray::number(value, 'g', 15)).append('\n');
}

void Histogram::observe(double seconds)
{
    std::size_t bucket = 0;
    while (bucket < kBounds.size() && seconds > kBounds[bucket])
        ++bucket;
    m_buckets[bucket].fetch_add(1, std::memory_order_relaxed);
    m_count.fetch_add(1, std::memory_order_relaxed);
    m_sumMicros.fetch_add(quint64(seconds * 1e6), std::memory_order_relaxed);
}

void Histogram::render(QByteArray &out, const char *name, const char *help) const
{
    out.append("# HELP ").append(name).append(' ').append(help);
    out.append("\n# TYPE ").append(name).append(" histogram\n");
    quint64 cumulative = 0;
    for (std::size_t i = 0; i <= kBounds.size(); ++i) {
        cumulative += m_buckets[i].load(std::memory_order_relaxed);
        const QByteArray le = i < kBounds.size() ? QByteArray::number(kBounds[i]) : "+Inf";
        out.append(name).append("_bucket{le=\"").append(le).append("\"} ");
        out.append(QByteArray::number(cumulative)).append('\n');
    }
    out.append(name).append("_sum ").append(QByteArray::number(m_sumMicros.load() / 1e6));
    out.append('\n').append(name).append("_count ").append(QByteArray::number(m_count.load()));
    out.append('\n');
}

QByteArray Metrics::render() const
{
    QByteArray out;
    auto gauge = [&](const char *name, const char *help, double value) {
        renderMetric(out, name, "gauge", help, value);
    };
    auto counter = [&](const char *name, const char *help, double value) {
        renderMetric(out, name, "counter", help, value);
    };
    gauge("confab_connections_open", "Open TCP connections (HTTP and WebSocket).",
          connectionsOpen.load());
    gauge("confab_sessions_open", "Open WebSocket sessions.", sessionsOpen.load());
    gauge("confab_sessions_authenticated", "Authenticated WebSocket sessions (devices online).",
          sessionsAuthenticated.load());
    counter("confab_http_requests_total", "HTTP requests answered.", httpRequests.load());
    counter("confab_http_errors_total", "HTTP requests answered with 4xx or 5xx.",
            httpErrors.load());
    counter("confab_ws_frames_total", "WebSocket frames received.", wsFrames.load());
    counter("confab_ws_errors_total", "WebSocket error events sent.", wsErrors.load());
    counter("confab_messages_stored_total", "Messages durably stored.", messagesStored.load());
    counter("confab_messages_deduplicated_total",
            "Sends answered with an earlier message of the same client_id.",
            messagesDeduplicated.load());
    counter("confab_deliveries_total", "Live msg events pushed to devices.", deliveries.load());
    counter("confab_registrations_total", "Accounts registered.", registrations.load());
    counter("confab_logins_total", "Successful logins (devices created).", logins.load());
    counter("confab_login_failures_total", "Failed logins.", loginFailures.load());
    out.append("# HELP confab_limit_refusals_total Requests, frames and connections refused by "
               "a limit.\n# TYPE confab_limit_refusals_total counter\n");
    static constexpr const char *kRefusalNames[] = {
        "login_user",       "login_address",     "register_address",    "send",
        "send_abuse_close", "connections_total", "connections_address", "devices",
        "request_timeout",  "json_nesting",      "websocket_frame",
    };
    static_assert(std::size(kRefusalNames) == std::size_t(Refusal::Count_));
    for (std::size_t i = 0; i < std::size(kRefusalNames); ++i) {
        out.append("confab_limit_refusals_total{limit=\"").append(kRefusalNames[i]).append("\"} ");
        out.append(QByteArray::number(refusals[i].load())).append('\n');
    }
    sendSeconds.render(out, "confab_send_seconds",
                       "Time from a send frame's arrival to its durable `sent` answer.");
    if (renderExtra)
        renderExtra(out);
    return out;
}

} // namespace confab
