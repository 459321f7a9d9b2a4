// A real confabd process for integration tests: started on a free loopback port with a temporary
// data directory, stopped with SIGTERM (or killed), restartable on the same data.
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
    explicit ServerProcess(QStringList extraArguments = {});
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
    QTemporaryDir m_dataDir;
    std::unique_ptr<QProcess> m_process;
    quint16 m_port = 0;
    QString m_error;
};

} // namespace confab::test
