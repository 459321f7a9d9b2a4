// The client library against a real confabd: two clients chatting, the outbox across a server
// outage and an app restart, a cold start from the cache with the server down, a new device, and
// a gap in seq filled, and sends refused by the server's rate limit that go out again.
#include "client/Cache.h"
#include "client/Connection.h"
#include "client/Outbox.h"
#include "client/SyncEngine.h"
#include "tests/support/Accounts.h"
#include "tests/support/Metrics.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace confab;
using namespace confab::client;
using namespace confab::test;

namespace {
constexpr int kTimeoutMs = 20'000;

// One device of the app: its cache, connection, sync engine and outbox.
struct ClientStack
{
    ClientStack(const QString &cachePath, const QString &username, const QUrl &url,
                const QString &token)
    {
        auto opened = Cache::open(cachePath, username);
        if (!opened)
            return;
        cache = std::move(opened).value();
        connection.setUrl(url);
        connection.setToken(token);
        connection.setBackoff({ 100, 1'000, 2.0, 0.0, 5'000 });
        sync = std::make_unique<SyncEngine>(connection, *cache);
        outbox = std::make_unique<Outbox>(connection, *cache, *sync);
    }
    ~ClientStack()
    {
        connection.stop();
        outbox.reset();
        sync.reset();
    }
    bool online() const { return connection.state() == Connection::State::Online; }
    QList<CachedMessage> messages(const QString &conv) const
    {
        return cache->messages(conv, std::nullopt, 1000);
    }
    int count(const QString &conv, const QString &body) const
    {
        int n = 0;
        for (const CachedMessage &m : messages(conv))
            n += m.body == body ? 1 : 0;
        return n;
    }

    Connection connection;
    std::unique_ptr<Cache> cache;
    std::unique_ptr<SyncEngine> sync;
    std::unique_ptr<Outbox> outbox;
};
} // namespace

class TestClientSync : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void twoClientsChat();
    void messageWrittenWhileServerDownArrivesOnce();
    void coldStartFromCacheWithServerDown();
    void outboxSurvivesAppRestart();
    void newDeviceGetsListHistoryAndLiveMessages();
    void gapInSeqIsFilled();
    void permanentErrorMarksFailed();
    void rateLimitedSendsGoOutLater();
    void longBacklogGoesOutAtTheServersPace();

private:
    std::unique_ptr<ClientStack> stack(const TestDevice &device, const QString &name);
    // A server with its rate limits on and the send rate per device at `rate`, e.g. "3/1".
    static ServerProcess sendRateLimited(const QString &rate);
    // A new account on `server` with one device, its cache in this test's directory.
    std::unique_ptr<ClientStack> deviceOf(ServerProcess &server, const QString &name);

    ServerProcess m_server;
    HttpClient m_http;
    QTemporaryDir m_dir;
    TestDevice m_alice;
    TestDevice m_bob;
};

void TestClientSync::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY2(m_server.start(), qPrintable(m_server.errorString()));
    m_alice = makeDevice(m_http, m_server, u"alice"_s);
    m_bob = makeDevice(m_http, m_server, u"bob"_s);
    QVERIFY(m_alice.ok() && m_bob.ok());
}

void TestClientSync::cleanupTestCase()
{
    QCOMPARE(m_server.stop(), 0);
}

std::unique_ptr<ClientStack> TestClientSync::stack(const TestDevice &device, const QString &name)
{
    auto s = std::make_unique<ClientStack>(m_dir.filePath(name + u"/cache.sqlite3"_s),
                                           device.username, m_server.wsUrl(), device.token);
    return s->cache ? std::move(s) : nullptr;
}

void TestClientSync::twoClientsChat()
{
    auto alice = stack(m_alice, u"chat-alice"_s);
    auto bob = stack(m_bob, u"chat-bob"_s);
    QVERIFY(alice && bob);
    alice->connection.start();
    bob->connection.start();
    QTRY_VERIFY_WITH_TIMEOUT(alice->online() && bob->online(), kTimeoutMs);

    const auto pending = alice->outbox->send(u"user:bob"_s, u"hello bob"_s);
    QVERIFY(pending);
    QCOMPARE(pending->state, CachedMessage::State::Pending);
    QTRY_COMPARE_WITH_TIMEOUT(bob->count(u"user:alice"_s, u"hello bob"_s), 1, kTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(alice->cache->message(pending->clientId)->state,
                              CachedMessage::State::Sent, kTimeoutMs);

    bob->outbox->send(u"user:alice"_s, u"hello alice"_s);
    QTRY_COMPARE_WITH_TIMEOUT(alice->count(u"user:bob"_s, u"hello alice"_s), 1, kTimeoutMs);
    const auto conversation = alice->cache->conversations().first();
    QCOMPARE(conversation.conv, u"user:bob"_s);
    QCOMPARE(conversation.last->body, u"hello alice"_s);
    QCOMPARE(conversation.unread, 1);
    // Both cursors reach the server's newest entry and nothing shows twice.
    QTRY_COMPARE_WITH_TIMEOUT(alice->cache->cursor(), 2, kTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(bob->cache->cursor(), 2, kTimeoutMs);
    QCOMPARE(alice->messages(u"user:bob"_s).size(), 2);
    QCOMPARE(bob->messages(u"user:alice"_s).size(), 2);
}

void TestClientSync::messageWrittenWhileServerDownArrivesOnce()
{
    auto alice = stack(m_alice, u"outage-alice"_s);
    auto bob = stack(m_bob, u"outage-bob"_s);
    QVERIFY(alice && bob);
    alice->connection.start();
    bob->connection.start();
    QTRY_VERIFY_WITH_TIMEOUT(alice->online() && bob->online(), kTimeoutMs);

    QCOMPARE(m_server.stop(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(!alice->online(), kTimeoutMs);
    QVERIFY(!alice->connection.lastError().isEmpty());
    const auto pending = alice->outbox->send(u"user:bob"_s, u"written offline"_s);
    QVERIFY(pending);
    QCOMPARE(alice->cache->outbox().size(), 1);

    QVERIFY(m_server.start()); // a new port: point the clients at it
    for (ClientStack *client : { alice.get(), bob.get() }) {
        client->connection.setUrl(m_server.wsUrl());
        client->connection.reconnectNow();
    }
    QTRY_VERIFY_WITH_TIMEOUT(alice->online() && bob->online(), kTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(bob->count(u"user:alice"_s, u"written offline"_s), 1, kTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(alice->cache->outbox().isEmpty(), kTimeoutMs);
    QCOMPARE(alice->count(u"user:bob"_s, u"written offline"_s), 1);
}

void TestClientSync::coldStartFromCacheWithServerDown()
{
    const QString name = u"cold-alice"_s;
    {
        auto alice = stack(m_alice, name);
        QVERIFY(alice);
        alice->connection.start();
        QTRY_VERIFY_WITH_TIMEOUT(alice->online(), kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(!alice->sync->syncing() && alice->cache->cursor() > 0, kTimeoutMs);
    }
    QCOMPARE(m_server.stop(), 0);
    auto again = stack(m_alice, name);
    QVERIFY(again);
    // Before any network answer (the server is down): the list and the messages are there.
    const auto list = again->cache->conversations();
    QVERIFY(!list.isEmpty());
    QCOMPARE(list.first().conv, u"user:bob"_s);
    QVERIFY(!again->messages(u"user:bob"_s).isEmpty());
    QVERIFY(m_server.start());
}

void TestClientSync::outboxSurvivesAppRestart()
{
    const QString name = u"restart-alice"_s;
    auto bob = stack(m_bob, u"restart-bob"_s);
    QVERIFY(bob);
    QCOMPARE(m_server.stop(), 0);
    {
        auto alice = stack(m_alice, name);
        QVERIFY(alice);
        alice->connection.start(); // no server: it keeps retrying
        QVERIFY(alice->outbox->send(u"user:bob"_s, u"survives a restart"_s));
    }
    QVERIFY(m_server.start());
    auto alice = stack(m_alice, name);
    QVERIFY(alice);
    QCOMPARE(alice->cache->outbox().size(), 1);
    alice->connection.setUrl(m_server.wsUrl());
    bob->connection.setUrl(m_server.wsUrl());
    alice->connection.start();
    bob->connection.start();
    QTRY_COMPARE_WITH_TIMEOUT(bob->count(u"user:alice"_s, u"survives a restart"_s), 1, kTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(alice->cache->outbox().isEmpty(), kTimeoutMs);
}

void TestClientSync::newDeviceGetsListHistoryAndLiveMessages()
{
    const TestDevice second = makeDevice(m_http, m_server, u"alice"_s, false, u"tablet"_s);
    QVERIFY(second.ok());
    auto tablet = stack(second, u"tablet-alice"_s);
    QVERIFY(tablet);
    QSignalSpy listed(tablet->sync.get(), &SyncEngine::conversationsChanged);
    tablet->connection.start();
    QTRY_VERIFY_WITH_TIMEOUT(!tablet->cache->conversations().isEmpty(), kTimeoutMs);
    const auto bobConv = tablet->cache->conversations().first();
    QCOMPARE(bobConv.conv, u"user:bob"_s);
    QVERIFY(bobConv.last);
    // The cursor starts at the server's newest entry instead of paging the whole inbox.
    QTRY_VERIFY_WITH_TIMEOUT(tablet->cache->cursor() > 0, kTimeoutMs);
    QVERIFY(tablet->messages(u"user:bob"_s).size() <= 1);

    QSignalSpy loaded(tablet->sync.get(), &SyncEngine::historyLoaded);
    tablet->sync->loadHistory(u"user:bob"_s, bobConv.last->convSeq);
    QTRY_COMPARE_WITH_TIMEOUT(loaded.size(), 1, kTimeoutMs);
    QVERIFY(loaded.first().at(1).toBool());
    QVERIFY(tablet->messages(u"user:bob"_s).size() > 1);

    auto bob = stack(m_bob, u"live-bob"_s);
    QVERIFY(bob);
    bob->connection.start();
    QTRY_VERIFY_WITH_TIMEOUT(bob->online(), kTimeoutMs);
    bob->outbox->send(u"user:alice"_s, u"to every device"_s);
    QTRY_COMPARE_WITH_TIMEOUT(tablet->count(u"user:bob"_s, u"to every device"_s), 1, kTimeoutMs);
}

void TestClientSync::gapInSeqIsFilled()
{
    auto alice = stack(m_alice, u"gap-alice"_s);
    auto bob = stack(m_bob, u"gap-bob"_s);
    QVERIFY(alice && bob);
    alice->connection.start();
    bob->connection.start();
    QTRY_VERIFY_WITH_TIMEOUT(alice->online() && bob->online(), kTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(!alice->sync->syncing() && alice->cache->cursor() > 3, kTimeoutMs);
    const qint64 cursor = alice->cache->cursor();
    // Forget three entries, as if they had never arrived; the next live message shows the gap.
    alice->cache->setCursor(cursor - 3);
    bob->outbox->send(u"user:alice"_s, u"after the gap"_s);
    QTRY_COMPARE_WITH_TIMEOUT(alice->cache->cursor(), cursor + 1, kTimeoutMs);
    QCOMPARE(alice->count(u"user:bob"_s, u"after the gap"_s), 1);
}

void TestClientSync::permanentErrorMarksFailed()
{
    auto alice = stack(m_alice, u"failed-alice"_s);
    QVERIFY(alice);
    alice->connection.start();
    QTRY_VERIFY_WITH_TIMEOUT(alice->online(), kTimeoutMs);
    const auto pending = alice->outbox->send(u"user:nobody_here"_s, u"lost?"_s);
    QVERIFY(pending);
    QTRY_COMPARE_WITH_TIMEOUT(alice->cache->message(pending->clientId)->state,
                              CachedMessage::State::Failed, kTimeoutMs);
    QVERIFY(!alice->cache->message(pending->clientId)->error.isEmpty());
    QVERIFY(alice->cache->outbox().isEmpty());
    QVERIFY(alice->outbox->retry(pending->clientId));
    QTRY_COMPARE_WITH_TIMEOUT(alice->cache->message(pending->clientId)->state,
                              CachedMessage::State::Failed, kTimeoutMs);
    QVERIFY(alice->outbox->discard(pending->clientId));
    QVERIFY(!alice->cache->message(pending->clientId));
}

ServerProcess TestClientSync::sendRateLimited(const QString &rate)
{
    return ServerProcess({ u"--log-level"_s, u"warning"_s, u"--send-rate-device"_s, rate },
                         ServerProcess::RateLimits::On);
}

std::unique_ptr<ClientStack> TestClientSync::deviceOf(ServerProcess &server, const QString &name)
{
    HttpClient http;
    const TestDevice device = makeDevice(http, server, name);
    if (!device.ok())
        return nullptr;
    return std::make_unique<ClientStack>(m_dir.filePath(name + u"/cache.sqlite3"_s),
                                         device.username, server.wsUrl(), device.token);
}

void TestClientSync::rateLimitedSendsGoOutLater()
{
    // A server that takes 3 sends at once and 3 a second: a burst of 5 gets 2 rate_limited
    // answers, and those go out again on the same connection.
    ServerProcess server = sendRateLimited(u"3/1"_s);
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    auto client = deviceOf(server, u"carol"_s);
    QVERIFY(client && client->cache);
    client->connection.start();
    QTRY_VERIFY_WITH_TIMEOUT(client->online(), kTimeoutMs);
    QSignalSpy stateChanges(&client->connection, &Connection::stateChanged);

    for (int i = 0; i < 5; ++i)
        QVERIFY(client->outbox->send(u"user:carol"_s, u"burst %1"_s.arg(i)));
    QTRY_VERIFY_WITH_TIMEOUT(client->cache->outbox().isEmpty(), kTimeoutMs);
    for (int i = 0; i < 5; ++i)
        QCOMPARE(client->count(u"user:carol"_s, u"burst %1"_s.arg(i)), 1);
    QCOMPARE(stateChanges.size(), 0); // no reconnect needed
    const auto refused = metric(server, "confab_limit_refusals_total{limit=\"send\"}");
    QVERIFY(refused && *refused >= 1);
}

void TestClientSync::longBacklogGoesOutAtTheServersPace()
{
    // 60 messages written offline against a server that takes 20 at once and 20 a second, and
    // closes a device with 4008 once more than 20 sends in a row were refused: the outbox keeps
    // to a window and pauses when refused, so everything arrives on one connection.
    ServerProcess server = sendRateLimited(u"20/1"_s);
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    auto client = deviceOf(server, u"dave"_s);
    QVERIFY(client && client->cache);
    constexpr int kBacklog = 60;
    for (int i = 0; i < kBacklog; ++i)
        QVERIFY(client->outbox->send(u"user:dave"_s, u"backlog %1"_s.arg(i)));
    QCOMPARE(client->cache->outbox().size(), kBacklog);

    client->connection.start();
    QTRY_VERIFY_WITH_TIMEOUT(client->online(), kTimeoutMs);
    QSignalSpy stateChanges(&client->connection, &Connection::stateChanged);
    QTRY_VERIFY_WITH_TIMEOUT(client->cache->outbox().isEmpty(), kTimeoutMs);
    for (int i = 0; i < kBacklog; ++i)
        QCOMPARE(client->count(u"user:dave"_s, u"backlog %1"_s.arg(i)), 1);
    QCOMPARE(stateChanges.size(), 0); // never closed with 4008
    const auto refused = metric(server, "confab_limit_refusals_total{limit=\"send\"}");
    QVERIFY(refused && *refused >= 1); // the server did push back
}

QTEST_GUILESS_MAIN(TestClientSync)
#include "tst_clientsync.moc"
