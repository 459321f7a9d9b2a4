#include "bench/CpuShares.h"

#include "bench/Latencies.h"
#include "bench/ServerUnderTest.h"

#include <QCoreApplication>

#include <cmath>

namespace confab::bench {

using namespace Qt::StringLiterals;

namespace {
double generatorSeconds()
{
    return ServerUnderTest::cpuSeconds(QCoreApplication::applicationPid());
}
} // namespace

CpuShares::CpuShares(qint64 serverPid)
    : m_serverPid(serverPid)
{
    restart();
}

void CpuShares::restart()
{
    m_start = nowNs();
    m_server = ServerUnderTest::cpuSeconds(m_serverPid);
    m_generator = generatorSeconds();
}

QJsonObject CpuShares::figures() const
{
    const double seconds = qMax(double(nowNs() - m_start) / 1e9, 1e-9);
    const auto percent = [seconds](double before, double after) {
        return before < 0 || after < 0 ? -1.0 : std::round((after - before) / seconds * 100);
    };
    return { { u"server_cpu_percent"_s,
               percent(m_server, ServerUnderTest::cpuSeconds(m_serverPid)) },
             { u"generator_cpu_percent"_s, percent(m_generator, generatorSeconds()) } };
}

} // namespace confab::bench
