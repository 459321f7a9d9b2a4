#include "tests/support/ServerProcess.h"

#include <QRegularExpression>
#include <QTest>

#include <csignal>
#include <sys/prctl.h>

namespace confab::test {

using namespace Qt::StringLiterals;

namespace {
constexpr int kStartTimeoutMs = 30'000;
constexpr int kStopTimeoutMs = 30'000;
} // namespace

ServerProcess::ServerProcess(QStringList extraArguments, RateLimits rateLimits)
    : m_extraArguments(std::move(extraArguments))
    , m_rateLimits(rateLimits)
{ }

ServerProcess::~ServerProcess()
{
    if (m_process && m_process->state() != QProcess::NotRunning)
        stop();
}

QString ServerProcess::executable()
{
    return QString::fromUtf8(CONFABD_PATH);
}

bool ServerProcess::start()
{
    m_process = std::make_unique<QProcess>();
    m_process->setProcessChannelMode(QProcess::SeparateChannels);
    // The server's log goes to the test's stderr, so a failing test shows what the server saw.
    m_process->setProcessChannelMode(QProcess::ForwardedErrorChannel);
    QStringList arguments { u"--listen"_s, u"127.0.0.1:0"_s, u"--data"_s, m_dataDir.path() };
    if (m_rateLimits == RateLimits::Off)
        arguments += QStringList { u"--rate-limits"_s, u"off"_s };
    arguments += m_extraArguments;
    // A test that crashes must not leave its server running (and holding the test's output open).
    m_process->setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
    m_process->start(executable(), arguments);
    if (!m_process->waitForStarted(kStartTimeoutMs)) {
        m_error = u"confabd did not start: "_s + m_process->errorString();
        return false;
    }
    static const QRegularExpression ready(u"confabd listening on [^ ]+:(\\d+)"_s);
    QByteArray output;
    const bool listening = QTest::qWaitFor(
        [&] {
            output += m_process->readAllStandardOutput();
            const auto match = ready.match(QString::fromUtf8(output));
            if (match.hasMatch())
                m_port = quint16(match.captured(1).toUInt());
            return match.hasMatch() || m_process->state() == QProcess::NotRunning;
        },
        kStartTimeoutMs);
    if (!listening || m_port == 0) {
        m_error = u"confabd did not report its port; output: "_s + QString::fromUtf8(output);
        return false;
    }
    return true;
}

int ServerProcess::stop()
{
    if (!m_process || m_process->state() == QProcess::NotRunning)
        return m_process ? m_process->exitCode() : -1;
    m_process->terminate();
    if (!m_process->waitForFinished(kStopTimeoutMs)) {
        m_process->kill();
        m_process->waitForFinished();
        return -1;
    }
    return m_process->exitStatus() == QProcess::NormalExit ? m_process->exitCode() : -1;
}

void ServerProcess::kill()
{
    if (!m_process)
        return;
    m_process->kill();
    m_process->waitForFinished();
}

QUrl ServerProcess::httpUrl(const QString &path) const
{
    return QUrl(u"http://127.0.0.1:%1%2"_s.arg(m_port).arg(path));
}

QUrl ServerProcess::wsUrl() const
{
    return QUrl(u"ws://127.0.0.1:%1/ws"_s.arg(m_port));
}

} // namespace confab::test
