#include "bench/ServerUnderTest.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QRegularExpression>

#include <unistd.h>

namespace confab::bench {

using namespace Qt::StringLiterals;

ServerUnderTest::~ServerUnderTest()
{
    stop();
}

bool ServerUnderTest::start(const QString &confabd, const QString &dataDir,
                            const QStringList &extraArguments)
{
    m_process = std::make_unique<QProcess>();
    m_process->setProcessChannelMode(QProcess::SeparateChannels);
    m_process->setReadChannel(QProcess::StandardOutput);
    // Its log goes to our standard error: warnings under load are worth seeing.
    m_process->setProcessChannelMode(QProcess::ForwardedErrorChannel);
    if (m_cleanEnvironment) {
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.remove(u"QT_NO_GLIB"_s);
        m_process->setProcessEnvironment(environment);
    }
    m_process->start(confabd,
                     QStringList { u"--listen"_s, u"127.0.0.1:0"_s, u"--data"_s, dataDir,
                                   u"--log-level"_s, u"warning"_s }
                         + extraArguments);
    if (!m_process->waitForStarted(10'000)) {
        m_error = u"cannot start %1: %2"_s.arg(confabd, m_process->errorString());
        return false;
    }
    static const QRegularExpression listening(u"listening on ([^ ]+):(\\d+)"_s);
    QByteArray output;
    const QDeadlineTimer deadline(30'000);
    while (!deadline.hasExpired()) {
        if (!m_process->waitForReadyRead(int(qMax<qint64>(1, deadline.remainingTime()))))
            break;
        output += m_process->readAllStandardOutput();
        const auto match = listening.match(QString::fromUtf8(output));
        if (match.hasMatch()) {
            m_port = quint16(match.captured(2).toUInt());
            m_pid = m_process->processId();
            return true;
        }
    }
    m_error = u"confabd did not start listening: %1"_s.arg(QString::fromUtf8(output));
    m_process->kill();
    m_process->waitForFinished();
    return false;
}

int ServerUnderTest::stop()
{
    if (!m_process || m_process->state() == QProcess::NotRunning)
        return m_process ? m_process->exitCode() : 0;
    m_process->terminate();
    if (!m_process->waitForFinished(60'000)) {
        m_process->kill();
        m_process->waitForFinished();
        return -1;
    }
    return m_process->exitStatus() == QProcess::NormalExit ? m_process->exitCode() : -1;
}

QStringList ServerUnderTest::defaultArguments(const QString &confabd)
{
    QProcess help;
    help.start(confabd, { u"--help"_s });
    help.waitForFinished(10'000);
    if (help.readAllStandardOutput().contains("--rate-limits"))
        return { u"--rate-limits"_s, u"off"_s };
    return {};
}

qint64 ServerUnderTest::rssKiB(qint64 pid)
{
    QFile file(u"/proc/%1/status"_s.arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : file.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

double ServerUnderTest::cpuSeconds(qint64 pid)
{
    QFile file(u"/proc/%1/stat"_s.arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray stat = file.readAll();
    // Fields after the command name (which may hold spaces) start at the last ')'.
    const QList<QByteArray> fields = stat.mid(stat.lastIndexOf(')') + 2).split(' ');
    if (fields.size() < 13)
        return -1;
    // utime and stime are fields 14 and 15 of the whole line: 11 and 12 after the name.
    const double ticks = double(fields[11].toLongLong() + fields[12].toLongLong());
    return ticks / double(::sysconf(_SC_CLK_TCK));
}

} // namespace confab::bench
