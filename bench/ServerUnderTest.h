// The confabd being measured: started by the generator (a copy of the fixture's data, a free
// port, extra arguments passed through) or already running elsewhere; its memory and CPU are
// read from /proc.
#pragma once

#include <QProcess>
#include <QString>
#include <QStringList>

#include <memory>

namespace confab::bench {

class ServerUnderTest
{
public:
    // `cleanEnvironment`: confabd does not inherit the generator's QT_NO_GLIB.
    explicit ServerUnderTest(bool cleanEnvironment = true)
        : m_cleanEnvironment(cleanEnvironment)
    { }
    ~ServerUnderTest();

    // Starts `confabd` on `dataDir` at 127.0.0.1 with a kernel-chosen port.
    bool start(const QString &confabd, const QString &dataDir, const QStringList &extraArguments);
    // SIGTERM and wait; the exit code, -1 on a crash or timeout.
    int stop();

    QString host() const { return m_host; }
    quint16 port() const { return m_port; }
    qint64 pid() const { return m_pid; }
    QString errorString() const { return m_error; }

    // The arguments confabd gets beyond --listen and --data: `--rate-limits off` when this
    // confabd has that option (it would refuse the load otherwise), then the user's own.
    static QStringList defaultArguments(const QString &confabd);

    // Resident memory in KiB, from /proc/<pid>/status (VmRSS); -1 if unknown.
    static qint64 rssKiB(qint64 pid);
    // CPU time used so far (user + system), in seconds, from /proc/<pid>/stat; -1 if unknown.
    static double cpuSeconds(qint64 pid);

private:
    std::unique_ptr<QProcess> m_process;
    QString m_host = QStringLiteral("127.0.0.1");
    quint16 m_port = 0;
    qint64 m_pid = 0;
    QString m_error;
    bool m_cleanEnvironment;
};

} // namespace confab::bench
