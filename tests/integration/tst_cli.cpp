// confabd's command line and environment: --help, --version, bad options, CONFAB_* variables.
#include "tests/support/ServerProcess.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace confab::test;

namespace {
constexpr int kTimeoutMs = 30'000;

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
};

Run runConfabd(const QStringList &arguments,
               const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment())
{
    QProcess process;
    process.setProcessEnvironment(env);
    process.start(ServerProcess::executable(), arguments);
    if (!process.waitForFinished(kTimeoutMs)) {
        process.kill();
        process.waitForFinished();
    }
    return { process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
             QString::fromUtf8(process.readAllStandardOutput()),
             QString::fromUtf8(process.readAllStandardError()) };
}
} // namespace

class TestCli : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void help();
    void version();
    void badArguments_data();
    void badArguments();
    void environmentConfigures();
    void unusableDataDirectory();
};

void TestCli::help()
{
    const Run run = runConfabd({ u"--help"_s });
    QCOMPARE(run.exitCode, 0);
    for (const char *option : { "--listen", "--data", "--log-level", "--version", "CONFAB_LISTEN" })
        QVERIFY2(run.out.contains(QLatin1StringView(option)), option);
}

void TestCli::version()
{
    const Run run = runConfabd({ u"--version"_s });
    QCOMPARE(run.exitCode, 0);
    QVERIFY2(run.out.startsWith(u"confabd "_s), qPrintable(run.out));
    QVERIFY(run.out.trimmed().size() > 8);
}

void TestCli::badArguments_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("complaint");
    QTest::newRow("unknown option") << QStringList { u"--frobnicate"_s } << u"frobnicate"_s;
    QTest::newRow("listen without port")
        << QStringList { u"--listen"_s, u"localhost"_s } << u"--listen"_s;
    QTest::newRow("listen bad port")
        << QStringList { u"--listen"_s, u"127.0.0.1:99999"_s } << u"--listen"_s;
    QTest::newRow("listen bad host")
        << QStringList { u"--listen"_s, u"not a host:80"_s } << u"--listen"_s;
    QTest::newRow("log level") << QStringList { u"--log-level"_s, u"loud"_s } << u"--log-level"_s;
    QTest::newRow("workers") << QStringList { u"--workers"_s, u"0"_s } << u"--workers"_s;
    QTest::newRow("heartbeat") << QStringList { u"--heartbeat"_s, u"x"_s } << u"--heartbeat"_s;
    QTest::newRow("positional") << QStringList { u"extra"_s } << u"extra"_s;
}

void TestCli::badArguments()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, complaint);
    const Run run = runConfabd(arguments);
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.err.contains(complaint), qPrintable(run.err));
}

void TestCli::environmentConfigures()
{
    QTemporaryDir data;
    QVERIFY(data.isValid());
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"CONFAB_LISTEN"_s, u"127.0.0.1:0"_s);
    env.insert(u"CONFAB_DATA"_s, data.path());
    env.insert(u"CONFAB_LOG_LEVEL"_s, u"warning"_s);

    QProcess process;
    process.setProcessEnvironment(env);
    process.start(ServerProcess::executable(), QStringList {});
    QByteArray out;
    QVERIFY(QTest::qWaitFor(
        [&] {
            out += process.readAllStandardOutput();
            return out.contains("listening on 127.0.0.1:")
                || process.state() == QProcess::NotRunning;
        },
        kTimeoutMs));
    QVERIFY2(out.contains("listening on 127.0.0.1:"), out.constData());
    QVERIFY(QFile::exists(data.filePath(u"confab.sqlite3"_s)));
    process.terminate();
    QVERIFY(process.waitForFinished(kTimeoutMs));
    QCOMPARE(process.exitCode(), 0);
    // --log-level warning silences the info lines.
    QVERIFY(!process.readAllStandardError().contains("confab.server: listening"));
}

void TestCli::unusableDataDirectory()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath(u"a-file"_s);
    QFile touch(file);
    QVERIFY(touch.open(QIODevice::WriteOnly));
    touch.close();
    const Run run =
        runConfabd({ u"--listen"_s, u"127.0.0.1:0"_s, u"--data"_s, file + u"/below-a-file"_s });
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains(u"below-a-file"_s), qPrintable(run.err));
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
