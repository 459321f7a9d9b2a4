// The client's local cache: messages stored once, the outbox, the conversation list, read
// markers, the cursor, and everything surviving a restart of the app.
#include "client/Cache.h"

#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace confab;
using namespace confab::client;

namespace {
Message message(qint64 id, const QString &conv, const QString &from, qint64 convSeq,
                const QString &clientId, const QString &body = u"hi"_s)
{
    return Message { id, conv, from, body, 1'000 + convSeq, convSeq, clientId };
}
} // namespace

class TestCache : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cursorSurvivesReopen();
    void pendingMessageBecomesSent();
    void messagesAreStoredOnce();
    void failedMessagesRetryAndDelete();
    void historyPagesByConvSeq();
    void conversationListFollowsMessages();
    void readMarkerRecountsUnread();
    void serverListSeedsNewDevice();
    void outboxSurvivesRestart();
    void refusesNewerSchema();
    void upgradesFromEveryVersion_data();
    void upgradesFromEveryVersion();
    void contactsAndGroups();

private:
    std::unique_ptr<Cache> open();
    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestCache::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

std::unique_ptr<Cache> TestCache::open()
{
    auto cache = Cache::open(m_dir->filePath(u"alice/cache.sqlite3"_s), u"alice"_s);
    return cache ? std::move(cache).value() : nullptr;
}

void TestCache::cursorSurvivesReopen()
{
    {
        auto cache = open();
        QVERIFY(cache);
        QCOMPARE(cache->cursor(), 0);
        QVERIFY(cache->setCursor(42));
        QCOMPARE(cache->cursor(), 42);
    }
    auto again = open();
    QVERIFY(again);
    QCOMPARE(again->cursor(), 42);
}

void TestCache::pendingMessageBecomesSent()
{
    auto cache = open();
    QVERIFY(cache);
    const auto pending = cache->addPending(u"user:bob"_s, u"hello"_s, u"c1"_s, 500);
    QVERIFY(pending);
    QCOMPARE(pending->state, CachedMessage::State::Pending);
    QCOMPARE(cache->outbox().size(), 1);
    QCOMPARE(cache->messages(u"user:bob"_s, std::nullopt, 50).size(), 1);

    const auto changed =
        cache->storeMessages({ message(900, u"user:bob"_s, u"alice"_s, 1, u"c1"_s, u"hello"_s) });
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed.first().localId, pending->localId); // the same row, now sent
    QCOMPARE(changed.first().state, CachedMessage::State::Sent);
    QCOMPARE(changed.first().id, 900);
    QVERIFY(cache->outbox().isEmpty());
    const auto shown = cache->messages(u"user:bob"_s, std::nullopt, 50);
    QCOMPARE(shown.size(), 1);
    QCOMPARE(shown.first().convSeq, 1);
    const auto list = cache->conversations();
    QCOMPARE(list.size(), 1);
    QCOMPARE(list.first().unread, 0); // own messages are never unread
    QCOMPARE(list.first().last->id, 900);
}

void TestCache::messagesAreStoredOnce()
{
    auto cache = open();
    QVERIFY(cache);
    const Message incoming = message(7, u"user:bob"_s, u"bob"_s, 1, u"b1"_s);
    QCOMPARE(cache->storeMessages({ incoming }).size(), 1);
    QCOMPARE(cache->storeMessages({ incoming }).size(), 0);
    QCOMPARE(cache->storeMessages({ incoming, incoming }).size(), 0);
    QCOMPARE(cache->messages(u"user:bob"_s, std::nullopt, 50).size(), 1);
    QCOMPARE(cache->conversations().first().unread, 1);
    // Another user may use the same client_id: a different message.
    QCOMPARE(cache->storeMessages({ message(8, u"user:carol"_s, u"carol"_s, 1, u"b1"_s) }).size(),
             1);
}

void TestCache::failedMessagesRetryAndDelete()
{
    auto cache = open();
    QVERIFY(cache);
    QVERIFY(cache->addPending(u"user:bob"_s, u"x"_s, u"f1"_s, 1));
    QVERIFY(cache->addPending(u"user:bob"_s, u"y"_s, u"f2"_s, 2));
    QVERIFY(cache->markFailed(u"f1"_s, u"too_large"_s));
    QCOMPARE(cache->message(u"f1"_s)->state, CachedMessage::State::Failed);
    QCOMPARE(cache->message(u"f1"_s)->error, u"too_large"_s);
    QCOMPARE(cache->outbox().size(), 1); // only f2 still goes out
    QVERIFY(cache->markPending(u"f1"_s));
    QCOMPARE(cache->outbox().size(), 2);
    QCOMPARE(cache->outbox().first().clientId, u"f1"_s); // oldest first
    QVERIFY(cache->removeUnsent(u"f2"_s));
    QVERIFY(!cache->message(u"f2"_s));
    // A sent message cannot be deleted as unsent.
    cache->storeMessages({ message(5, u"user:bob"_s, u"alice"_s, 1, u"f1"_s, u"x"_s) });
    QVERIFY(!cache->removeUnsent(u"f1"_s));
    QVERIFY(!cache->markFailed(u"f1"_s, u"late"_s));
}

void TestCache::historyPagesByConvSeq()
{
    auto cache = open();
    QVERIFY(cache);
    QList<Message> all;
    for (int i = 1; i <= 30; ++i)
        all.append(
            message(100 + i, u"user:bob"_s, i % 2 ? u"bob"_s : u"alice"_s, i, u"h%1"_s.arg(i)));
    // Out of order and twice: the cache sorts and keeps one of each.
    std::reverse(all.begin(), all.end());
    cache->storeMessages(all);
    cache->storeMessages(all.mid(0, 5));
    QVERIFY(cache->addPending(u"user:bob"_s, u"typing"_s, u"p1"_s, 5'000));

    const auto newest = cache->messages(u"user:bob"_s, std::nullopt, 10);
    QCOMPARE(newest.size(), 11); // ten sent and the pending one after them
    QCOMPARE(newest.first().convSeq, 21);
    QCOMPARE(newest[9].convSeq, 30);
    QCOMPARE(newest.last().state, CachedMessage::State::Pending);
    const auto older = cache->messages(u"user:bob"_s, 21, 10);
    QCOMPARE(older.size(), 10);
    QCOMPARE(older.first().convSeq, 11);
    QCOMPARE(older.last().convSeq, 20);
    QCOMPARE(cache->messages(u"user:bob"_s, 1, 10).size(), 0);
}

void TestCache::conversationListFollowsMessages()
{
    auto cache = open();
    QVERIFY(cache);
    cache->storeMessages({ message(1, u"user:bob"_s, u"bob"_s, 1, u"a"_s) });
    cache->storeMessages({ message(2, u"user:carol"_s, u"carol"_s, 1, u"b"_s) });
    auto list = cache->conversations();
    QCOMPARE(list.size(), 2);
    QCOMPARE(list.first().conv, u"user:carol"_s); // most recent first
    cache->storeMessages({ message(3, u"user:bob"_s, u"bob"_s, 2, u"c"_s) });
    list = cache->conversations();
    QCOMPARE(list.first().conv, u"user:bob"_s);
    QCOMPARE(list.first().unread, 2);
    QCOMPARE(list.first().last->convSeq, 2);
    // An older message arriving late (history) does not replace the last one.
    cache->storeMessages({ message(0, u"user:bob"_s, u"bob"_s, 0, u"z"_s) });
    QCOMPARE(cache->conversations().first().last->convSeq, 2);
}

void TestCache::readMarkerRecountsUnread()
{
    auto cache = open();
    QVERIFY(cache);
    for (int i = 1; i <= 5; ++i)
        cache->storeMessages(
            { message(i, u"user:bob"_s, i == 3 ? u"alice"_s : u"bob"_s, i, u"r%1"_s.arg(i)) });
    QCOMPARE(cache->conversations().first().unread, 4);
    QVERIFY(cache->setReadSeq(u"user:bob"_s, 3));
    auto bob = cache->conversations().first();
    QCOMPARE(bob.readSeq, 3);
    QCOMPARE(bob.unread, 2); // 4 and 5
    QVERIFY(cache->setReadSeq(u"user:bob"_s, 2)); // backwards: ignored
    QCOMPARE(cache->conversations().first().readSeq, 3);
    QVERIFY(cache->setReadSeq(u"user:bob"_s, 5));
    QCOMPARE(cache->conversations().first().unread, 0);
}

void TestCache::serverListSeedsNewDevice()
{
    auto cache = open();
    QVERIFY(cache);
    ConversationSummary bob { u"user:bob"_s, message(50, u"user:bob"_s, u"bob"_s, 9, u"s"_s), 5, 4,
                              1'009 };
    ConversationSummary team { u"group:3"_s, std::nullopt, 0, 0, 2'000 };
    QVERIFY(cache->storeConversations({ bob, team }));
    const auto list = cache->conversations();
    QCOMPARE(list.size(), 2);
    QCOMPARE(list.first().conv, u"group:3"_s);
    QVERIFY(!list.first().last);
    QCOMPARE(list.last().unread, 5); // the server's count: the cache holds one message of nine
    QCOMPARE(list.last().readSeq, 4);
    QCOMPARE(list.last().last->id, 50);
    // A marker short of the newest where the cache has gaps: unread drops only by the cached
    // messages it passed (none here); the server's next list corrects it.
    QVERIFY(cache->setReadSeq(u"user:bob"_s, 5));
    QCOMPARE(cache->conversations().last().unread, 5);
    // Older history arriving later does not count as unread again.
    QList<Message> older;
    for (int i = 1; i <= 8; ++i)
        older.append(message(40 + i, u"user:bob"_s, u"bob"_s, i, u"o%1"_s.arg(i)));
    QCOMPARE(cache->storeMessages(older).size(), 8);
    QCOMPARE(cache->conversations().last().unread, 5);
    QCOMPARE(cache->conversations().last().last->convSeq, 9);
    // Now the cache holds the whole conversation: a marker recounts exactly.
    QVERIFY(cache->setReadSeq(u"user:bob"_s, 7));
    QCOMPARE(cache->conversations().last().unread, 2);
    // Read up to the newest: nothing is unread, whatever the cache holds.
    QVERIFY(cache->setReadSeq(u"user:bob"_s, 9));
    QCOMPARE(cache->conversations().last().unread, 0);
}

void TestCache::outboxSurvivesRestart()
{
    {
        auto cache = open();
        QVERIFY(cache);
        QVERIFY(cache->addPending(u"user:bob"_s, u"written offline"_s, u"o1"_s, 10));
        QVERIFY(cache->addPending(u"group:1"_s, u"also"_s, u"o2"_s, 11));
    }
    auto again = open();
    QVERIFY(again);
    const auto outbox = again->outbox();
    QCOMPARE(outbox.size(), 2);
    QCOMPARE(outbox.first().body, u"written offline"_s);
    QCOMPARE(outbox.last().conv, u"group:1"_s);
}

void TestCache::refusesNewerSchema()
{
    const QString path = m_dir->filePath(u"newer.sqlite3"_s);
    {
        auto cache = Cache::open(path, u"alice"_s);
        QVERIFY(cache.ok());
    }
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"poke"_s);
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QSqlQuery query(db);
        QVERIFY(query.exec(u"PRAGMA user_version = %1"_s.arg(cacheschema::latestVersion() + 1)));
        db.close();
    }
    QSqlDatabase::removeDatabase(u"poke"_s);
    QVERIFY(!Cache::open(path, u"alice"_s).ok());
}

void TestCache::upgradesFromEveryVersion_data()
{
    QTest::addColumn<int>("from");
    for (int version = 0; version < cacheschema::latestVersion(); ++version)
        QTest::addRow("from v%d", version) << version;
}

void TestCache::upgradesFromEveryVersion()
{
    QFETCH(int, from);
    auto schemaOf = [](QSqlDatabase &db) {
        QSqlQuery query(db);
        QStringList statements;
        query.exec(u"SELECT type, name, sql FROM sqlite_master ORDER BY type, name"_s);
        while (query.next())
            statements.append(query.value(2).toString().simplified());
        return statements;
    };
    const QString oldPath = m_dir->filePath(u"old.sqlite3"_s);
    const QString freshPath = m_dir->filePath(u"fresh.sqlite3"_s);
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"old"_s);
        db.setDatabaseName(oldPath);
        QVERIFY(db.open());
        QVERIFY(cacheschema::migrate(db, from).ok());
        if (from >= 1) {
            QSqlQuery insert(db);
            QVERIFY(insert.exec(u"INSERT INTO messages (conv, server_id, conv_seq, sender, body, "
                                "ts, client_id, state) VALUES ('user:bob', 1, 1, 'bob', 'kept', "
                                "1, 'k', 0)"_s));
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(u"old"_s);
    {
        auto upgraded = Cache::open(oldPath, u"alice"_s);
        QVERIFY(upgraded.ok());
        if (from >= 1)
            QCOMPARE(upgraded.value()->messages(u"user:bob"_s, std::nullopt, 10).first().body,
                     u"kept"_s);
        auto fresh = Cache::open(freshPath, u"alice"_s);
        QVERIFY(fresh.ok());
    }
    QStringList schemas[2];
    int i = 0;
    for (const QString &path : { oldPath, freshPath }) {
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"look"_s);
            db.setDatabaseName(path);
            QVERIFY(db.open());
            schemas[i++] = schemaOf(db);
            db.close();
        }
        QSqlDatabase::removeDatabase(u"look"_s);
    }
    QCOMPARE(schemas[0], schemas[1]);
}

void TestCache::contactsAndGroups()
{
    auto cache = open();
    QVERIFY(cache);
    QVERIFY(cache->storeContacts(
        { ContactInfo { u"Bob B"_s, { u"bob"_s, PresenceStatus::Offline, 5 } },
          ContactInfo { u"Carol"_s, { u"carol"_s, PresenceStatus::Online, 9 } } }));
    QCOMPARE(cache->contacts().size(), 2);
    QVERIFY(cache->updatePresence({ u"bob"_s, PresenceStatus::Online, 20 }));
    QVERIFY(!cache->updatePresence({ u"stranger"_s, PresenceStatus::Online, 20 }));
    QCOMPARE(cache->contacts().first().presence.status, PresenceStatus::Online);
    QCOMPARE(cache->contacts().first().presence.lastActiveAt, 20);
    QCOMPARE(cache->contacts().first().displayName, u"Bob B"_s);

    const GroupInfo team { 7, u"Team"_s, u"alice"_s, { u"alice"_s, u"bob"_s }, 100 };
    QVERIFY(cache->storeGroups({ team }));
    QCOMPARE(cache->group(7), team);
    GroupInfo renamed = team;
    renamed.name = u"Crew"_s;
    renamed.members.append(u"carol"_s);
    QVERIFY(cache->storeGroup(renamed));
    QCOMPARE(cache->groups(), QList<GroupInfo> { renamed });
    QVERIFY(cache->removeGroup(7));
    QVERIFY(!cache->group(7));
}

QTEST_GUILESS_MAIN(TestCache)
#include "tst_cache.moc"
