#include "tests/support/Metrics.h"

namespace confab::test {

std::optional<double> metric(const ServerProcess &server, const QByteArray &series)
{
    const QByteArray answer = HttpClient::raw(
        server.port(), "GET /metrics HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
    const qsizetype headEnd = answer.indexOf("\r\n\r\n");
    if (!answer.startsWith("HTTP/1.1 200") || headEnd < 0)
        return std::nullopt;
    const QList<QByteArray> lines = answer.sliced(headEnd + 4).split('\n');
    for (const QByteArray &line : lines) {
        if (line.startsWith(series) && line.size() > series.size() && line[series.size()] == ' ') {
            bool ok = false;
            const double value = line.sliced(series.size() + 1).trimmed().toDouble(&ok);
            if (ok)
                return value;
        }
    }
    return std::nullopt;
}

std::optional<double> refusals(const ServerProcess &server, const char *limit)
{
    return metric(server,
                  QByteArray("confab_limit_refusals_total{limit=\"") + limit + QByteArray("\"}"));
}

} // namespace confab::test
