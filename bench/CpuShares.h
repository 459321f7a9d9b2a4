// The CPU the server and the generator each took over an interval, in % of one core (user +
// system time from /proc/<pid>/stat). Both run on the same machine's cores, so a reader of the
// server's figure needs the generator's next to it.
#pragma once

#include <QJsonObject>

namespace confab::bench {

class CpuShares
{
public:
    // Starts the first interval now.
    explicit CpuShares(qint64 serverPid);

    // Starts a new interval now.
    void restart();
    // {"server_cpu_percent","generator_cpu_percent"} since the last restart.
    QJsonObject figures() const;

private:
    qint64 m_serverPid;
    qint64 m_start = 0;
    double m_server = 0;
    double m_generator = 0;
};

} // namespace confab::bench
