// The storage layer without the network: group commit, gap-free sequences under concurrent
// writers, idempotent sends, failures that stay inside their own job, and restarts.
#include "server/store/Accounts.h"
#include "server/store/Conversations.h"
#include "server/store/Inbox.h"
#include "server/store/Migrations.h"
#include "server/store/QueryPool.h"
#include "server/store/Writer.h"

#include <QFileInfo>
#include <QMutex>
#include <QTemporaryDir>
#include <QTest>

#include <thread>

using namespace Qt::StringLiterals;
using namespace confab;
using namespace confab::store;

class TestStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void messageClockNeverGoesBack();
    void concurrentSendersGetGapFreeSequences();
    void repeatedClientIdReturnsTheOriginal();
    void failedJobDoesNotDisturbItsBatch_data();
    void failedJobDoesNotDisturbItsBatch();
    void brokenJobWithoutSavepointFailsItsBatch();
    void rolledBackJobLeavesNoSeqBehind();
    void syncAndHistoryPage();
    void ackMovesForwardOnly();
    void restartContinuesIdsAndSequences();
    void conversationPagesNeverSplitATie();
    void checkpointsKeepTheLogBounded();

private:
    Sender makeUser(const QString &name);
    Result<StoredMessage> send(const Sender &from, const QString &to, const QString &clientId,
                               const QString &body = u"hello"_s);
    Result<SyncPage> sync(qint64 userId, qint64 after, int limit);
    void startStore();
    void stopStore();

    std::unique_ptr<QTemporaryDir> m_dir;
    DatabaseConfig m_config;
    std::unique_ptr<Writer> m_writer;
    std::unique_ptr<QueryPool> m_reads;
};

void TestStore::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    // NORMAL keeps the test fast; durability across power loss is not what is tested here.
    m_config = DatabaseConfig { m_dir->filePath(u"test.sqlite3"_s), false };
    {
        auto db = openConnection(m_config, u"migrate"_s);
        QVERIFY(db.ok());
        QVERIFY(migrate(db.value()).ok());
    }
    closeConnection(u"migrate"_s);
    startStore();
}

void TestStore::cleanup()
{
    stopStore();
    m_dir.reset();
}

void TestStore::startStore()
{
    m_writer = std::make_unique<Writer>(m_config);
    m_reads = std::make_unique<QueryPool>(m_config, 2, u"test-read"_s);
    QVERIFY(m_writer->start().ok());
    QVERIFY(m_reads->start().ok());
}

void TestStore::stopStore()
{
    if (m_reads)
        m_reads->stop();
    if (m_writer)
        m_writer->stop();
    m_reads.reset();
    m_writer.reset();
}

Sender TestStore::makeUser(const QString &name)
{
    const auto created = m_writer->run<UserInfo>(
        [name](WriteTxn &txn) { return accounts::createUser(txn, name, {}, "hash"); });
    if (!created)
        return {};
    std::promise<Result<Account>> promise;
    m_reads->run<Account>([name](Statements &sql) { return accounts::findAccount(sql, name); },
                          [&](Result<Account> account) { promise.set_value(std::move(account)); });
    const auto account = promise.get_future().get();
    return account ? Sender { account->userId, account->username } : Sender {};
}

Result<StoredMessage> TestStore::send(const Sender &from, const QString &to,
                                      const QString &clientId, const QString &body)
{
    return m_writer->run<StoredMessage>(
        [=](WriteTxn &txn) { return inbox::append(txn, from, ConvRef::user(to), clientId, body); });
}

Result<SyncPage> TestStore::sync(qint64 userId, qint64 after, int limit)
{
    std::promise<Result<SyncPage>> promise;
    m_reads->run<SyncPage>(
        [=](Statements &sql) { return inbox::syncPage(sql, userId, after, limit); },
        [&](Result<SyncPage> page) { promise.set_value(std::move(page)); });
    return promise.get_future().get();
}

void TestStore::messageClockNeverGoesBack()
{
    MessageClock clock;
    const auto a = clock.next(1'000);
    const auto b = clock.next(1'000);
    const auto c = clock.next(500); // the wall clock stepped back
    const auto d = clock.next(2'000);
    QVERIFY(b.id > a.id);
    QVERIFY(c.id > b.id);
    QVERIFY(c.ts >= b.ts);
    QVERIFY(d.id > c.id);
    QCOMPARE(d.ts, 2'000);

    MessageClock resumed;
    resumed.resumeAfter(d.id);
    QVERIFY(resumed.next(0).id > d.id);
}

void TestStore::concurrentSendersGetGapFreeSequences()
{
    constexpr int kSenders = 6;
    constexpr int kEach = 150;
    const Sender recipient = makeUser(u"rcpt"_s);
    QVERIFY(recipient.userId > 0);
    QList<Sender> senders;
    for (int i = 0; i < kSenders; ++i) {
        senders.append(makeUser(u"sender%1"_s.arg(i)));
        QVERIFY(senders.last().userId > 0);
    }

    // Each sender's results, in the order its sends were submitted.
    QMutex mutex;
    QList<QList<qint64>> senderSeqs(kSenders);
    QList<QList<qint64>> convSeqs(kSenders);
    QList<QList<qint64>> submitted(kSenders);
    int failures = 0;
    std::vector<std::thread> threads;
    for (int s = 0; s < kSenders; ++s) {
        threads.emplace_back([&, s] {
            for (int i = 0; i < kEach; ++i) {
                const Sender from = senders[s];
                m_writer->submit<StoredMessage>(
                    [from, i](WriteTxn &txn) {
                        return inbox::append(txn, from, ConvRef::user(u"rcpt"_s), u"c%1"_s.arg(i),
                                             u"m%1"_s.arg(i));
                    },
                    [&, s](Result<StoredMessage> stored) {
                        QMutexLocker lock(&mutex);
                        if (!stored) {
                            ++failures;
                            return;
                        }
                        senderSeqs[s].append(stored->senderSeq);
                        convSeqs[s].append(stored->message.convSeq);
                    });
            }
        });
    }
    for (std::thread &thread : threads)
        thread.join();
    m_writer->flush();

    QCOMPARE(failures, 0);
    for (int s = 0; s < kSenders; ++s) {
        QCOMPARE(senderSeqs[s].size(), kEach);
        for (int i = 0; i < kEach; ++i) {
            // One sender's own inbox and its conversation: 1..kEach in submission order.
            QCOMPARE(senderSeqs[s][i], qint64(i + 1));
            QCOMPARE(convSeqs[s][i], qint64(i + 1));
        }
    }

    // The recipient's inbox: every message once, seq 1..N without a gap.
    QList<InboxEntry> entries;
    qint64 after = 0;
    for (;;) {
        const auto page = sync(recipient.userId, after, 97);
        QVERIFY(page.ok());
        entries += page->entries;
        if (!page->entries.isEmpty())
            after = page->entries.last().seq;
        if (!page->more)
            break;
    }
    QCOMPARE(entries.size(), kSenders * kEach);
    QSet<qint64> ids;
    for (qsizetype i = 0; i < entries.size(); ++i) {
        QCOMPARE(entries[i].seq, qint64(i + 1));
        ids.insert(entries[i].message.id);
        if (i > 0)
            QVERIFY(entries[i].message.id > entries[i - 1].message.id);
    }
    QCOMPARE(ids.size(), entries.size());

    const WriterStats stats = m_writer->stats();
    // Group commit: far fewer transactions than jobs under concurrent load.
    QVERIFY2(stats.transactions < stats.jobs,
             qPrintable(u"%1 transactions for %2 jobs"_s.arg(stats.transactions).arg(stats.jobs)));
}

void TestStore::repeatedClientIdReturnsTheOriginal()
{
    const Sender alice = makeUser(u"alice"_s);
    const Sender bob = makeUser(u"bob"_s);
    const auto first = send(alice, u"bob"_s, u"same"_s, u"first"_s);
    QVERIFY(first.ok());
    QVERIFY(!first->duplicate);
    QCOMPARE(first->copies.size(), 2);

    const auto again = send(alice, u"bob"_s, u"same"_s, u"a different body"_s);
    QVERIFY(again.ok());
    QVERIFY(again->duplicate);
    QVERIFY(again->copies.isEmpty());
    QCOMPARE(again->senderSeq, first->senderSeq);
    QCOMPARE(again->message, first->message);

    // The same key from another user is another message.
    const auto bobs = send(bob, u"alice"_s, u"same"_s);
    QVERIFY(bobs.ok());
    QVERIFY(!bobs->duplicate);
    QVERIFY(bobs->message.id != first->message.id);

    const auto page = sync(bob.userId, 0, 100);
    QVERIFY(page.ok());
    QCOMPARE(page->entries.size(), 2);
}

void TestStore::failedJobDoesNotDisturbItsBatch_data()
{
    QTest::addColumn<Isolation>("isolation");
    QTest::newRow("savepoint") << Isolation::Savepoint;
    QTest::newRow("checks first") << Isolation::ChecksFirst;
}

void TestStore::failedJobDoesNotDisturbItsBatch()
{
    QFETCH(Isolation, isolation);
    const Sender alice = makeUser(u"alice"_s);
    makeUser(u"bob"_s);
    QList<Result<StoredMessage>> results;
    QMutex mutex;
    const QStringList recipients { u"bob"_s, u"nobody"_s, u"bob"_s, u"nobody"_s, u"bob"_s };
    for (int i = 0; i < recipients.size(); ++i) {
        const QString to = recipients[i];
        m_writer->submit<StoredMessage>(
            [=](WriteTxn &txn) {
                return inbox::append(txn, alice, ConvRef::user(to), u"k%1"_s.arg(i), u"x"_s);
            },
            [&](Result<StoredMessage> stored) {
                QMutexLocker lock(&mutex);
                results.append(std::move(stored));
            },
            isolation);
    }
    m_writer->flush();
    QCOMPARE(results.size(), 5);
    QCOMPARE(results[1].error().code, ErrorCode::NotFound);
    QCOMPARE(results[3].error().code, ErrorCode::NotFound);
    QCOMPARE(results[0]->senderSeq, 1);
    QCOMPARE(results[2]->senderSeq, 2);
    QCOMPARE(results[4]->senderSeq, 3);
    QCOMPARE(results[4]->message.convSeq, 3);
}

void TestStore::brokenJobWithoutSavepointFailsItsBatch()
{
    // A job without a savepoint that fails with `internal` may have written half of its work:
    // its whole batch is rolled back and every job in it fails.
    const Sender alice = makeUser(u"alice"_s);
    const Sender bob = makeUser(u"bob"_s);
    std::promise<void> started;
    std::promise<void> gate;
    auto opened = gate.get_future().share();
    // Holds the writer inside a transaction while the next batch queues up behind it.
    m_writer->submit<Done>(
        [&started, opened](WriteTxn &) -> Result<Done> {
            started.set_value();
            opened.wait();
            return Done {};
        },
        [](Result<Done>) {});
    started.get_future().wait();
    QList<Result<StoredMessage>> results;
    QMutex mutex;
    const auto collect = [&](Result<StoredMessage> stored) {
        QMutexLocker lock(&mutex);
        results.append(std::move(stored));
    };
    const auto sendJob = [alice](const QString &clientId, bool breakAfterwards) {
        return [=](WriteTxn &txn) -> Result<StoredMessage> {
            auto stored = inbox::append(txn, alice, ConvRef::user(u"bob"_s), clientId, u"x"_s);
            if (breakAfterwards)
                return Error { ErrorCode::Internal, u"broken after writing"_s };
            return stored;
        };
    };
    m_writer->submit<StoredMessage>(sendJob(u"a"_s, false), collect, Isolation::ChecksFirst);
    m_writer->submit<StoredMessage>(sendJob(u"b"_s, true), collect, Isolation::ChecksFirst);
    m_writer->submit<StoredMessage>(sendJob(u"c"_s, false), collect, Isolation::ChecksFirst);
    gate.set_value();
    m_writer->flush();
    QCOMPARE(results.size(), 3);
    for (const auto &result : std::as_const(results)) {
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code, ErrorCode::Internal);
    }
    const auto page = sync(bob.userId, 0, 100);
    QVERIFY(page.ok());
    QVERIFY(page->entries.isEmpty());
    // Nothing of that batch is left: the next send is the first of both inboxes.
    const auto next = send(alice, u"bob"_s, u"a"_s);
    QVERIFY(next.ok());
    QVERIFY(!next->duplicate);
    QCOMPARE(next->senderSeq, 1);
    QCOMPARE(next->message.convSeq, 1);
}

void TestStore::rolledBackJobLeavesNoSeqBehind()
{
    // The writer counts inbox seqs in memory: a job rolled back to its savepoint after it took
    // seqs must not leave them taken.
    const Sender alice = makeUser(u"alice"_s);
    const Sender bob = makeUser(u"bob"_s);
    QVERIFY(send(alice, u"bob"_s, u"first"_s).ok());
    const auto refused = m_writer->run<StoredMessage>([alice](WriteTxn &txn) {
        auto stored = inbox::append(txn, alice, ConvRef::user(u"bob"_s), u"undone"_s, u"x"_s);
        if (!stored)
            return stored;
        return Result<StoredMessage>(Error { ErrorCode::BadRequest, u"refused after writing"_s });
    });
    QCOMPARE(refused.error().code, ErrorCode::BadRequest);
    const auto next = send(alice, u"bob"_s, u"second"_s);
    QVERIFY(next.ok());
    QCOMPARE(next->senderSeq, 2);
    QCOMPARE(next->message.convSeq, 2);
    const auto page = sync(bob.userId, 0, 100);
    QVERIFY(page.ok());
    QCOMPARE(page->entries.size(), 2);
    QCOMPARE(page->entries[1].seq, 2);
    QCOMPARE(page->entries[1].message.clientId, u"second"_s);
}

void TestStore::syncAndHistoryPage()
{
    const Sender alice = makeUser(u"alice"_s);
    const Sender bob = makeUser(u"bob"_s);
    for (int i = 1; i <= 12; ++i)
        QVERIFY(send(i % 2 ? alice : bob, i % 2 ? u"bob"_s : u"alice"_s, u"h%1"_s.arg(i),
                     u"%1"_s.arg(i))
                    .ok());

    std::promise<Result<HistoryPage>> newest;
    m_reads->run<HistoryPage>(
        [&](Statements &sql) {
            return inbox::historyPage(sql, bob, ConvRef::user(u"alice"_s), std::nullopt, 5);
        },
        [&](Result<HistoryPage> page) { newest.set_value(std::move(page)); });
    const auto page = newest.get_future().get();
    QVERIFY(page.ok());
    QVERIFY(page->more);
    QCOMPARE(page->messages.size(), 5);
    QCOMPARE(page->messages.first().convSeq, 8);
    QCOMPARE(page->messages.last().convSeq, 12);
    QCOMPARE(page->messages.last().conv, u"user:alice"_s);

    std::promise<Result<HistoryPage>> oldest;
    m_reads->run<HistoryPage>(
        [&](Statements &sql) {
            return inbox::historyPage(sql, alice, ConvRef::user(u"bob"_s), 3, 5);
        },
        [&](Result<HistoryPage> p) { oldest.set_value(std::move(p)); });
    const auto first = oldest.get_future().get();
    QVERIFY(first.ok());
    QVERIFY(!first->more);
    QCOMPARE(first->messages.size(), 2);
    QCOMPARE(first->messages.first().body, u"1"_s);
    QCOMPARE(first->messages.first().conv, u"user:bob"_s);

    const auto entries = sync(alice.userId, 10, 100);
    QVERIFY(entries.ok());
    QCOMPARE(entries->entries.size(), 2);
    QCOMPARE(entries->entries.first().seq, 11);
    QVERIFY(!entries->more);
}

void TestStore::ackMovesForwardOnly()
{
    const Sender alice = makeUser(u"alice"_s);
    makeUser(u"bob"_s);
    for (int i = 0; i < 3; ++i)
        QVERIFY(send(alice, u"bob"_s, u"a%1"_s.arg(i)).ok());
    const auto device = m_writer->run<qint64>([&](WriteTxn &txn) {
        return accounts::createDevice(txn, alice.userId, u"phone"_s, "token-hash");
    });
    QVERIFY(device.ok());
    auto ack = [&](qint64 seq) {
        return m_writer->run<Done>(
            [&](WriteTxn &txn) { return inbox::ack(txn, alice.userId, *device, seq); });
    };
    QVERIFY(ack(2).ok());
    QVERIFY(ack(1).ok()); // ignored, not an error
    QCOMPARE(ack(4).error().code, ErrorCode::BadRequest);

    std::promise<Result<DeviceAuth>> found;
    m_reads->run<DeviceAuth>(
        [](Statements &sql) { return accounts::deviceByToken(sql, "token-hash"); },
        [&](Result<DeviceAuth> auth) { found.set_value(std::move(auth)); });
    const auto auth = found.get_future().get();
    QVERIFY(auth.ok());
    QCOMPARE(auth->ackedSeq, 2);
}

void TestStore::restartContinuesIdsAndSequences()
{
    const Sender alice = makeUser(u"alice"_s);
    makeUser(u"bob"_s);
    const auto before = send(alice, u"bob"_s, u"r1"_s);
    QVERIFY(before.ok());
    stopStore();
    startStore();
    const auto after = send(alice, u"bob"_s, u"r2"_s);
    QVERIFY(after.ok());
    QVERIFY(after->message.id > before->message.id);
    QCOMPARE(after->senderSeq, before->senderSeq + 1);
    QCOMPARE(after->message.convSeq, before->message.convSeq + 1);
    // The key survives the restart too.
    const auto repeat = send(alice, u"bob"_s, u"r1"_s);
    QVERIFY(repeat.ok());
    QVERIFY(repeat->duplicate);
    QCOMPARE(repeat->message.id, before->message.id);
}

void TestStore::conversationPagesNeverSplitATie()
{
    const Sender alice = makeUser(u"alice"_s);
    QList<Sender> friends;
    for (int i = 0; i < 6; ++i)
        friends.append(makeUser(u"friend%1"_s.arg(i)));
    // Two older conversations, then six whose last messages share one timestamp (one
    // transaction reads the clock once).
    QVERIFY(send(friends[0], u"alice"_s, u"old0"_s).ok());
    QVERIFY(send(friends[1], u"alice"_s, u"old1"_s).ok());
    const Sender carol = makeUser(u"carol"_s);
    const Sender dave = makeUser(u"dave"_s);
    QVERIFY(send(carol, u"alice"_s, u"c"_s).ok());
    QVERIFY(send(dave, u"alice"_s, u"d"_s).ok());
    const auto tied = m_writer->run<Done>([&](WriteTxn &txn) -> Result<Done> {
        for (int i = 0; i < 6; ++i) {
            const auto stored = inbox::append(txn, friends[i], ConvRef::user(u"alice"_s),
                                              u"tie%1"_s.arg(i), u"t"_s);
            if (!stored)
                return stored.error();
        }
        return Done {};
    });
    QVERIFY(tied.ok());

    auto page = [&](std::optional<qint64> before, int limit) {
        std::promise<Result<ConversationsPage>> promise;
        m_reads->run<ConversationsPage>(
            [&](Statements &sql) { return conversations::page(sql, alice.userId, before, limit); },
            [&](Result<ConversationsPage> p) { promise.set_value(std::move(p)); });
        return promise.get_future().get();
    };
    // Page through with a limit smaller than the tie.
    QList<ConversationSummary> all;
    std::optional<qint64> before;
    int pages = 0;
    for (;;) {
        const auto current = page(before, 4);
        QVERIFY(current.ok());
        ++pages;
        if (pages == 1) {
            // The six tied conversations come whole, though the limit is four.
            QVERIFY(current->conversations.size() >= 6);
        }
        for (const ConversationSummary &summary : current->conversations) {
            // Nothing a later page holds may be as recent as what an earlier one ended with.
            if (before)
                QVERIFY(summary.activityTs < *before);
        }
        all += current->conversations;
        if (!current->more)
            break;
        before = current->conversations.last().activityTs;
        QVERIFY(pages < 10);
    }
    QSet<QString> seen;
    for (const ConversationSummary &summary : std::as_const(all))
        seen.insert(summary.conv);
    QCOMPARE(all.size(), 8);
    QCOMPARE(seen.size(), 8);
    for (qsizetype i = 1; i < all.size(); ++i)
        QVERIFY(all[i].activityTs <= all[i - 1].activityTs);
}

QTEST_GUILESS_MAIN(TestStore)
#include "tst_store.moc"

void TestStore::checkpointsKeepTheLogBounded()
{
    // The log is copied back and started over (every 4,000 pages, ~16 MB): 40 MB of bodies
    // written in 2,000 transactions (over 100 MB of log without checkpoints) must leave a log
    // smaller than that.
    const Sender alice = makeUser(u"alice"_s);
    makeUser(u"bob"_s);
    const QString body(20'000, u'x');
    for (int i = 0; i < 2000; ++i)
        QVERIFY(send(alice, u"bob"_s, u"c%1"_s.arg(i), body).ok());
    QCOMPARE_GT(m_writer->stats().checkpoints, quint64(0));
    const QFileInfo log(m_config.path + u"-wal"_s);
    QVERIFY(log.exists());
    QVERIFY2(log.size() < 40'000'000, qPrintable(QString::number(log.size())));
    const auto page = sync(alice.userId, 1999, 10);
    QVERIFY(page.ok());
    QCOMPARE(page->entries.size(), 1);
    QCOMPARE(page->entries.first().message.body, body);
}
