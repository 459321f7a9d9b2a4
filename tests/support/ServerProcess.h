// A real confabd process for integration tests: started on a free loopback port with a temporary
// data directory, stopped with SIGTERM (or killed), restartable on the same data. Tests register
// many users and send quickly from one address, so the rate limits are off (--rate-limits off)
// unless a test asks for RateLimits::On (and sets the limits it tests with small values).
#pragma once

#include <QProcess>
#include <QStringList>
#include <QTemporaryDir>
#include <QUrl>

#include <memory>

namespace confab::test {

class ServerProcess
{
public:
    enum class RateLimits { Off, On };

    explicit ServerProcess(QStringList extraArguments = {},
                           RateLimits rateLimits = RateLimits::Off);
    ~ServerProcess();

    // Starts confabd and waits until it listens. False (with the reason in errorString) if not.
    bool start();
    // SIGTERM and wait for a clean exit; the exit code (or -1 on a crash or timeout).
    int stop();
    void kill();
    bool restart() { return stop() == 0 && start(); }

    quint16 port() const { return m_port; }
    QUrl httpUrl(const QString &path) const;
    QUrl wsUrl() const;
    QString dataDir() const { return m_dataDir.path(); }
    QString errorString() const { return m_error; }
    QProcess &process() { return *m_process; }

    static QString executable();

private:
    QStringList m_extraArguments;
    RateLimits m_rateLimits;
    QTemporaryDir m_dataDir;
    std::unique_ptr<QProcess> m_process;
    quint16 m_port = 0;
    QString m_error;
};

} // namespace confab::test
