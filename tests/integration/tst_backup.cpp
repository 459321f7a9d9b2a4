// `confabd backup` against a real confabd: a backup taken while clients are sending holds every
// message answered `sent` before it began, and a new confabd started on the restored file serves
// them (sync and history) under the same ids, to the same device tokens. Failures (an existing
// target, a missing directory, no database, no --to) exit non-zero with a clear message.
#include "tests/support/Accounts.h"
#include "tests/support/Json.h"
#include "tests/support/MessageStream.h"
#include "tests/support/Paging.h"
#include "tests/support/WsClient.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace confab::test;

namespace {

const QStringList kServerArguments { u"--log-level"_s, u"warning"_s };
constexpr int kLongMs = 120'000;

struct Run
{
    int exitCode = -1;
    QString output; // stdout and stderr
};

// Starts `confabd backup ...` without waiting.
std::unique_ptr<QProcess> startBackup(const QStringList &arguments)
{
    auto process = std::make_unique<QProcess>();
    process->setProcessChannelMode(QProcess::MergedChannels);
    process->start(ServerProcess::executable(), QStringList { u"backup"_s } + arguments);
    return process;
}

Run finish(QProcess &process)
{
    // Waits with the event loop running, so that the test's clients keep sending meanwhile.
    if (!QTest::qWaitFor([&] { return process.state() == QProcess::NotRunning; }, kLongMs))
        return {};
    return { process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
             QString::fromUtf8(process.readAll()) };
}

Run backup(const QStringList &arguments)
{
    auto process = startBackup(arguments);
    return finish(*process);
}

} // namespace

class TestBackup : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void backupWhileSendingRestores();
    void failuresAreReported();

private:
    QTemporaryDir m_backups;
};

void TestBackup::backupWhileSendingRestores()
{
    ServerProcess server(kServerArguments);
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    HttpClient http;
    const TestDevice alice = makeDevice(http, server, u"bk_alice"_s);
    const TestDevice bob = makeDevice(http, server, u"bk_bob"_s);
    QVERIFY(alice.ok() && bob.ok());
    WsClient a;
    QVERIFY(a.login(server.wsUrl(), alice.token));

    MessageStream stream(u"user:bk_bob"_s, u"bk"_s, 8);
    stream.start(&a);
    QTRY_VERIFY_WITH_TIMEOUT(stream.answered().size() >= 50, kLongMs);

    // The backup starts while messages are in flight; what was answered by then must be in it.
    const QHash<QString, QString> answeredBefore = stream.answered();
    const QString file = m_backups.filePath(u"confab-backup.sqlite3"_s);
    const Run run = backup({ u"--to"_s, file, u"--data"_s, server.dataDir() });
    QVERIFY2(run.exitCode == 0, qPrintable(run.output));
    QVERIFY2(run.output.contains(file), qPrintable(run.output));
    QVERIFY(QFile::exists(file));
    QVERIFY(!QFile::exists(file + u".partial"_s));
    // The server kept answering during and after the backup.
    QTRY_VERIFY_WITH_TIMEOUT(stream.answered().size() > answeredBefore.size() + 20, kLongMs);
    stream.stop();
    QTRY_COMPARE_WITH_TIMEOUT(stream.inFlight(), 0, kLongMs);
    QVERIFY2(stream.problems().isEmpty(), qPrintable(stream.problems().join(u'\n')));
    QCOMPARE(server.stop(), 0);

    // Restore: a new data directory holding only the backup file.
    ServerProcess restored(kServerArguments);
    QVERIFY(QFile::copy(file, QDir(restored.dataDir()).filePath(u"confab.sqlite3"_s)));
    QVERIFY2(restored.start(), qPrintable(restored.errorString()));

    WsClient a2;
    QVERIFY(a2.login(restored.wsUrl(), alice.token));
    WsClient b2;
    QVERIFY(b2.login(restored.wsUrl(), bob.token));
    const auto inbox = syncAll(a2);
    QVERIFY(inbox);
    const auto bobsInbox = syncAll(b2);
    QVERIFY(bobsInbox);
    const auto conversation = historyAll(b2, u"user:bk_alice"_s);
    QVERIFY(conversation);
    for (const auto *messages : { &*inbox, &*bobsInbox, &*conversation }) {
        QHash<QString, QString> found; // client_id -> id
        for (const QJsonObject &message : *messages) {
            const QString clientId = message.value("client_id"_L1).toString();
            QVERIFY2(!found.contains(clientId), qPrintable(u"twice: "_s + dump(message)));
            QVERIFY2(stream.sentIds().contains(clientId), qPrintable(dump(message)));
            found.insert(clientId, message.value("id"_L1).toString());
        }
        for (auto it = answeredBefore.cbegin(); it != answeredBefore.cend(); ++it) {
            QVERIFY2(found.contains(it.key()), qPrintable(u"missing "_s + it.key()));
            QCOMPARE(found.value(it.key()), it.value());
        }
        // The restored file also holds what was answered after the backup began, up to its
        // snapshot: a prefix of the answered messages, no more than were answered.
        QVERIFY(found.size() <= stream.answered().size());
    }
    QCOMPARE(restored.stop(), 0);
}

void TestBackup::failuresAreReported()
{
    ServerProcess server(kServerArguments);
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    const QString file = m_backups.filePath(u"twice.sqlite3"_s);
    const QStringList data { u"--data"_s, server.dataDir() };

    QCOMPARE(backup(QStringList { u"--to"_s, file } + data).exitCode, 0);
    const QByteArray first = [&] {
        QFile f(file);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }();
    QVERIFY(!first.isEmpty());

    // An existing file is never overwritten.
    Run run = backup(QStringList { u"--to"_s, file } + data);
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.output.contains(u"already exists"_s), qPrintable(run.output));
    QFile again(file);
    QVERIFY(again.open(QIODevice::ReadOnly));
    QCOMPARE(again.readAll(), first);

    run = backup(QStringList { u"--to"_s, m_backups.filePath(u"no/such/dir/x.sqlite3"_s) } + data);
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.output.contains(u"no directory"_s), qPrintable(run.output));

    // A directory nobody can create files in (not even root).
    run = backup(QStringList { u"--to"_s, u"/proc/confab-backup.sqlite3"_s } + data);
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.output.contains(u"cannot write /proc/confab-backup.sqlite3"_s),
             qPrintable(run.output));

    // A directory cannot be written as a file.
    run = backup(QStringList { u"--to"_s, m_backups.path() } + data);
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.output.contains(u"already exists"_s), qPrintable(run.output));

    QTemporaryDir empty;
    run = backup({ u"--to"_s, m_backups.filePath(u"none.sqlite3"_s), u"--data"_s, empty.path() });
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.output.contains(u"no database"_s), qPrintable(run.output));
    QVERIFY(!QFile::exists(m_backups.filePath(u"none.sqlite3"_s)));

    run = backup(data);
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.output.contains(u"--to"_s), qPrintable(run.output));
    run = backup({ u"--help"_s });
    QCOMPARE(run.exitCode, 0);
    QVERIFY2(run.output.contains(u"--to <file>"_s), qPrintable(run.output));

    // The data directory may come from the environment, as for the server.
    {
        QProcess process;
        process.setProcessChannelMode(QProcess::MergedChannels);
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(u"CONFAB_DATA"_s, server.dataDir());
        process.setProcessEnvironment(environment);
        const QString fromEnvironment = m_backups.filePath(u"from-env.sqlite3"_s);
        process.start(ServerProcess::executable(), { u"backup"_s, u"--to"_s, fromEnvironment });
        const Run done = finish(process);
        QVERIFY2(done.exitCode == 0, qPrintable(done.output));
        QVERIFY(QFile::exists(fromEnvironment));
    }

    // The server was not disturbed.
    HttpClient http;
    QCOMPARE(http.get(server.httpUrl(u"/healthz"_s)).status, 200);
    QCOMPARE(server.stop(), 0);
}

QTEST_GUILESS_MAIN(TestBackup)
#include "tst_backup.moc"
