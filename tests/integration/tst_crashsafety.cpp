// Crash safety against a real confabd: several clients send continuously (pipelined, each message
// with its own client_id) while the server is killed with SIGKILL at a random moment, restarted
// on the same data, and sent everything that was not answered again. Afterwards every message
// answered `sent` exists exactly once, under the id it was answered with, in the sender's and
// the recipient's inbox (sync) and in the conversation (history); nothing exists twice. A SIGTERM
// under the same load drains: every client is closed with 1001 and nothing answered is lost
// (tst_badinput covers the idle case).
#include "tests/support/Accounts.h"
#include "tests/support/Json.h"
#include "tests/support/MessageStream.h"
#include "tests/support/Paging.h"
#include "tests/support/WsClient.h"

#include <QHash>
#include <QRandomGenerator>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace confab::test;

namespace {

const QStringList kServerArguments { u"--log-level"_s, u"warning"_s };
constexpr int kUsers = 3;
constexpr int kWindow = 8;
constexpr int kRounds = 4;
constexpr int kCloseGoingAway = 1001;
constexpr int kLongMs = 120'000;

// One user sending to the next one.
struct Sender
{
    TestDevice device;
    QString peer;
    std::unique_ptr<WsClient> client;
    std::unique_ptr<MessageStream> stream;
};

} // namespace

class TestCrashSafety : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void killAtRandomMomentsLosesAndDuplicatesNothing();
    void sigtermUnderLoadDrains();

private:
    bool makeSenders(ServerProcess &server, const QString &prefix);
    bool connectAll(ServerProcess &server);
    qsizetype answeredTotal() const;
    // Checks every inbox and conversation against what the streams were answered.
    void verifyStore(ServerProcess &server);

    HttpClient m_http;
    std::vector<Sender> m_senders;
};

bool TestCrashSafety::makeSenders(ServerProcess &server, const QString &prefix)
{
    m_senders.clear();
    for (int i = 0; i < kUsers; ++i) {
        Sender sender;
        sender.device = makeDevice(m_http, server, u"%1%2"_s.arg(prefix).arg(i));
        if (!sender.device.ok())
            return false;
        sender.peer = u"%1%2"_s.arg(prefix).arg((i + 1) % kUsers);
        sender.stream = std::make_unique<MessageStream>(u"user:"_s + sender.peer,
                                                        u"%1%2"_s.arg(prefix).arg(i), kWindow);
        m_senders.push_back(std::move(sender));
    }
    return true;
}

bool TestCrashSafety::connectAll(ServerProcess &server)
{
    for (Sender &sender : m_senders) {
        sender.stream->detach();
        sender.client = std::make_unique<WsClient>();
        if (!sender.client->login(server.wsUrl(), sender.device.token))
            return false;
    }
    return true;
}

qsizetype TestCrashSafety::answeredTotal() const
{
    qsizetype total = 0;
    for (const Sender &sender : m_senders)
        total += sender.stream->answered().size();
    return total;
}

void TestCrashSafety::verifyStore(ServerProcess &server)
{
    QVERIFY(connectAll(server));
    // client_id -> message id over all streams; every id sent was answered by now.
    QHash<QString, QString> expected;
    for (const Sender &sender : m_senders) {
        QVERIFY2(sender.stream->problems().isEmpty(),
                 qPrintable(sender.stream->problems().join(u'\n')));
        QCOMPARE(sender.stream->unansweredCount(), 0);
        for (auto it = sender.stream->answered().cbegin(); it != sender.stream->answered().cend();
             ++it)
            expected.insert(it.key(), it.value());
    }

    for (Sender &sender : m_senders) {
        const QString me = sender.device.username;
        const auto inbox = syncAll(*sender.client);
        QVERIFY(inbox);
        const auto conversation = historyAll(*sender.client, u"user:"_s + sender.peer);
        QVERIFY(conversation);
        // What this user sent and what it received, each once.
        for (const auto &[what, messages] :
             { std::pair { "sync", *inbox }, std::pair { "history", *conversation } }) {
            QHash<QString, int> seen;
            QSet<QString> ids;
            for (const QJsonObject &message : messages) {
                const QString clientId = message.value("client_id"_L1).toString();
                const QString from = message.value("from"_L1).toString();
                QVERIFY2(from == me || from == sender.peer || std::string_view(what) == "sync",
                         qPrintable(dump(message)));
                QVERIFY2(
                    !ids.contains(message.value("id"_L1).toString()),
                    qPrintable(u"%1: id twice: "_s.arg(QLatin1StringView(what)) + dump(message)));
                ids.insert(message.value("id"_L1).toString());
                QVERIFY2(expected.contains(clientId),
                         qPrintable(u"%1: never answered: "_s.arg(QLatin1StringView(what))
                                    + dump(message)));
                QCOMPARE(message.value("id"_L1).toString(), expected.value(clientId));
                QCOMPARE(message.value("body"_L1).toString(), MessageStream::bodyOf(clientId));
                ++seen[clientId];
            }
            for (const Sender &other : m_senders) {
                const bool mine = other.device.username == me;
                const bool toMe = other.peer == me;
                const bool inHistory = (mine && other.peer == sender.peer)
                    || (toMe && other.device.username == sender.peer);
                const bool inInbox = mine || toMe;
                if (!(std::string_view(what) == "sync" ? inInbox : inHistory))
                    continue;
                for (const QString &clientId : other.stream->sentIds()) {
                    QVERIFY2(seen.value(clientId) == 1,
                             qPrintable(u"%1 of %2: %3 seen %4 times"_s
                                            .arg(QLatin1StringView(what), me, clientId)
                                            .arg(seen.value(clientId))));
                }
            }
        }
    }
}

void TestCrashSafety::killAtRandomMomentsLosesAndDuplicatesNothing()
{
    ServerProcess server(kServerArguments);
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    QVERIFY(makeSenders(server, u"crash"_s));
    QVERIFY(connectAll(server));
    auto *random = QRandomGenerator::global();

    qsizetype resentAnswered = 0;
    for (int round = 0; round < kRounds; ++round) {
        // Send, and SIGKILL the server right after a random number of answers, with requests
        // in flight in every stage (received, waiting for the group commit, answered).
        const qsizetype killAt = answeredTotal() + 10 + random->bounded(150);
        bool killed = false;
        QList<QMetaObject::Connection> watches;
        for (Sender &sender : m_senders) {
            watches.append(connect(sender.stream.get(), &MessageStream::answeredOne, this, [&] {
                if (!killed && answeredTotal() >= killAt) {
                    killed = true;
                    server.process().kill();
                }
            }));
            sender.stream->start(sender.client.get());
        }
        QTRY_VERIFY_WITH_TIMEOUT(killed, kLongMs);
        for (const auto &watch : std::as_const(watches))
            disconnect(watch);
        server.kill(); // waits for the process to end
        for (Sender &sender : m_senders) {
            QVERIFY(sender.client->waitForClosed());
            sender.stream->stop();
        }
        qsizetype unanswered = 0;
        for (const Sender &sender : m_senders)
            unanswered += sender.stream->unansweredCount();
        qInfo("round %d: killed at %lld answers; %lld answered in all, %lld unanswered", round,
              qlonglong(killAt), qlonglong(answeredTotal()), qlonglong(unanswered));

        // Restart on the same data; resend what was not answered, and a few that were.
        QVERIFY2(server.start(), qPrintable(server.errorString()));
        QVERIFY(connectAll(server));
        for (Sender &sender : m_senders) {
            sender.stream->start(sender.client.get(), MessageStream::Mode::ResendOnly);
            const QStringList &sent = sender.stream->sentIds();
            for (int i = 0; i < 3; ++i) {
                const QString clientId = sent.at(random->bounded(int(sent.size())));
                if (sender.stream->answered().contains(clientId)) {
                    sender.stream->resend(clientId);
                    ++resentAnswered;
                }
            }
        }
        for (Sender &sender : m_senders)
            QTRY_COMPARE_WITH_TIMEOUT(sender.stream->inFlight(), 0, kLongMs);
        for (const Sender &sender : m_senders)
            QCOMPARE(sender.stream->unansweredCount(), 0);
    }
    QVERIFY(resentAnswered > 0);
    verifyStore(server);
    QCOMPARE(server.stop(), 0);
}

void TestCrashSafety::sigtermUnderLoadDrains()
{
    ServerProcess server(kServerArguments);
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    QVERIFY(makeSenders(server, u"drain"_s));
    QVERIFY(connectAll(server));
    for (Sender &sender : m_senders)
        sender.stream->start(sender.client.get());
    QTRY_VERIFY_WITH_TIMEOUT(answeredTotal() >= 60, kLongMs);

    // SIGTERM while sends are in flight: every client is closed with 1001.
    server.process().terminate();
    for (Sender &sender : m_senders) {
        QVERIFY(sender.client->waitForClosed(kLongMs));
        QCOMPARE(sender.client->closeCode(), kCloseGoingAway);
        sender.stream->stop();
    }
    QCOMPARE(server.stop(), 0);

    // Everything answered is there once; the rest goes out again after the restart.
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    QVERIFY(connectAll(server));
    for (Sender &sender : m_senders)
        sender.stream->start(sender.client.get(), MessageStream::Mode::ResendOnly);
    for (Sender &sender : m_senders)
        QTRY_COMPARE_WITH_TIMEOUT(sender.stream->inFlight(), 0, kLongMs);
    verifyStore(server);
    QCOMPARE(server.stop(), 0);
}

QTEST_GUILESS_MAIN(TestCrashSafety)
#include "tst_crashsafety.moc"
