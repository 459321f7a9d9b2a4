// The list models, each under QAbstractItemModelTester in every scenario. The conversation list
// and a conversation's messages run on a real cache, with the sync engine and the outbox over a
// connection that is never started: the tests store into the cache and emit the signals those
// parts emit, then check the rows and the exact model signals. History from the server, read
// markers, live sends and the device list run against a real confabd.
#include "client/Cache.h"
#include "client/Connection.h"
#include "client/Outbox.h"
#include "client/ServerApi.h"
#include "client/SyncEngine.h"
#include "client/models/ConversationListModel.h"
#include "client/models/DeviceListModel.h"
#include "client/models/MessageListModel.h"
#include "tests/support/Accounts.h"
#include "tests/support/WsClient.h"

#include <QAbstractItemModelTester>
#include <QDateTime>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <memory>

using namespace Qt::StringLiterals;
using namespace confab;
using namespace confab::client;
using namespace confab::test;

using Tester = QAbstractItemModelTester;
using ConvRoles = ConversationListModel::Role;
using MsgRoles = MessageListModel::Role;

namespace {

constexpr int kTimeoutMs = 20'000;
const QString kOwn = u"alice"_s;
const QString kBob = u"user:bob"_s;
const QString kCarol = u"user:carol"_s;
const QString kGroup = u"group:7"_s;

// Local time, so that calendar days in the tests are the local days the model groups by.
qint64 at(int dayOffset, int hour, int minute)
{
    return QDateTime(QDate(2024, 5, 1).addDays(dayOffset), QTime(hour, minute)).toMSecsSinceEpoch();
}
const qint64 kBase = at(0, 8, 0);

Message message(const QString &conv, qint64 convSeq, const QString &from, const QString &body,
                qint64 ts, const QString &clientId = {})
{
    static qint64 nextId = 1'000;
    return Message { ++nextId,
                     conv,
                     from,
                     body,
                     ts,
                     convSeq,
                     clientId.isEmpty() ? u"c%1"_s.arg(nextId) : clientId };
}

// What the queued refreshes of the models do, done now: no waiting on time.
void settle()
{
    QCoreApplication::sendPostedEvents();
}

QList<int> sorted(QList<int> roles)
{
    std::sort(roles.begin(), roles.end());
    return roles;
}

// The structural and data signals of one model, counted and kept.
struct ModelSpies
{
    explicit ModelSpies(QAbstractItemModel *model)
        : inserted(model, &QAbstractItemModel::rowsInserted)
        , removed(model, &QAbstractItemModel::rowsRemoved)
        , moved(model, &QAbstractItemModel::rowsMoved)
        , changed(model, &QAbstractItemModel::dataChanged)
        , reset(model, &QAbstractItemModel::modelReset)
        , layout(model, &QAbstractItemModel::layoutChanged)
    { }
    void clear()
    {
        for (QSignalSpy *spy : { &inserted, &removed, &moved, &changed, &reset, &layout })
            spy->clear();
    }
    // Readable in a failing QCOMPARE.
    QString counts() const
    {
        return u"inserted %1, removed %2, moved %3, changed %4, reset %5"_s.arg(inserted.size())
            .arg(removed.size())
            .arg(moved.size())
            .arg(changed.size())
            .arg(reset.size() + layout.size());
    }
    // The (first, last) rows of one rowsInserted / rowsRemoved.
    static QPair<int, int> range(const QSignalSpy &spy, int i)
    {
        return { spy.at(i).at(1).toInt(), spy.at(i).at(2).toInt() };
    }
    int changedRow(int i) const { return changed.at(i).at(0).toModelIndex().row(); }
    // The roles of one dataChanged ({-1} if it spans more than one row).
    QList<int> changedRoles(int i) const
    {
        if (changed.at(i).at(0).toModelIndex() != changed.at(i).at(1).toModelIndex())
            return { -1 };
        return sorted(changed.at(i).at(2).value<QList<int>>());
    }
    // The roles of the dataChanged for `row`, or nothing when there was none (two: an error).
    std::optional<QList<int>> rolesOfRow(int row) const
    {
        std::optional<QList<int>> roles;
        for (int i = 0; i < changed.size(); ++i) {
            if (changedRow(i) != row)
                continue;
            if (roles)
                return QList<int> { -1 };
            roles = changedRoles(i);
        }
        return roles;
    }

    QSignalSpy inserted;
    QSignalSpy removed;
    QSignalSpy moved;
    QSignalSpy changed;
    QSignalSpy reset;
    QSignalSpy layout;
};

QString counts(int inserted, int removed, int moved, int changed, int reset)
{
    return u"inserted %1, removed %2, moved %3, changed %4, reset %5"_s.arg(inserted)
        .arg(removed)
        .arg(moved)
        .arg(changed)
        .arg(reset);
}

QVariant value(const QAbstractItemModel &model, int row, int role)
{
    return model.data(model.index(row, 0), role);
}

QStringList column(const QAbstractItemModel &model, int role)
{
    QStringList values;
    for (int row = 0; row < model.rowCount(); ++row)
        values.append(value(model, row, role).toString());
    return values;
}

// "TFT": a boolean role down the rows.
QString flags(const QAbstractItemModel &model, int role)
{
    QString text;
    for (int row = 0; row < model.rowCount(); ++row)
        text.append(value(model, row, role).toBool() ? u'T' : u'F');
    return text;
}

// One account's client parts without a network: a cache in a temporary directory, and the sync
// engine and outbox over a connection that is never started.
struct LocalClient
{
    LocalClient()
    {
        if (!dir.isValid())
            return;
        auto opened = Cache::open(dir.filePath(u"cache.sqlite3"_s), kOwn);
        if (!opened)
            return;
        cache = std::move(opened).value();
        sync = std::make_unique<SyncEngine>(connection, *cache);
        outbox = std::make_unique<Outbox>(connection, *cache, *sync);
    }
    bool ok() const { return cache && sync && outbox; }

    // Messages from the server, stored and signalled as the sync engine does.
    void receive(const QList<Message> &messages)
    {
        cache->storeMessages(messages);
        QStringList convs;
        for (const Message &m : messages) {
            if (!convs.contains(m.conv))
                convs.append(m.conv);
        }
        for (const QString &conv : std::as_const(convs))
            Q_EMIT sync->messagesChanged(conv);
        Q_EMIT sync->conversationsChanged();
    }
    // An own message answered `sent`, as the outbox reports it.
    void sent(const Message &m)
    {
        receive({ m });
        Q_EMIT outbox->messageChanged(m.conv, m.clientId);
    }
    // `count` messages in `conv` (conv_seq 1..count), one a minute from 08:00; every third one
    // is the account's own.
    void fill(const QString &conv, int count)
    {
        QList<Message> messages;
        for (int i = 1; i <= count; ++i) {
            messages.append(message(conv, i, i % 3 == 0 ? kOwn : u"bob"_s, u"m%1"_s.arg(i),
                                    kBase + i * 60'000));
        }
        receive(messages);
    }

    QTemporaryDir dir;
    std::unique_ptr<Cache> cache;
    Connection connection;
    std::unique_ptr<SyncEngine> sync;
    std::unique_ptr<Outbox> outbox;
};

// One device of a real account: cache, connection, sync engine and outbox, started.
struct OnlineClient
{
    OnlineClient(const QString &cachePath, const TestDevice &device, const QUrl &url)
    {
        auto opened = Cache::open(cachePath, device.username);
        if (!opened)
            return;
        cache = std::move(opened).value();
        connection.setUrl(url);
        connection.setToken(device.token);
        connection.setBackoff({ 100, 1'000, 2.0, 0.0, 5'000 });
        sync = std::make_unique<SyncEngine>(connection, *cache);
        outbox = std::make_unique<Outbox>(connection, *cache, *sync);
        connection.start();
    }
    ~OnlineClient()
    {
        connection.stop();
        outbox.reset();
        sync.reset();
    }
    bool online() const { return connection.state() == Connection::State::Online; }

    Connection connection;
    std::unique_ptr<Cache> cache;
    std::unique_ptr<SyncEngine> sync;
    std::unique_ptr<Outbox> outbox;
};

// The three conversations most tests start from, most recent first: group:7 (joined, no
// message), user:bob (alice wrote last), user:carol (carol wrote last, unread).
void threeConversations(LocalClient &local)
{
    local.receive({ message(kCarol, 1, u"carol"_s, u"hi alice"_s, kBase + 1'000),
                    message(kBob, 1, kOwn, u"see you"_s, kBase + 2'000) });
    local.cache->storeConversations(
        { ConversationSummary { kGroup, std::nullopt, 0, 0, kBase + 3'000 } });
}

} // namespace

class TestModels : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    // ConversationListModel
    void conversationRowsAndRoles();
    void newMessageMovesConversationToTop_data();
    void newMessageMovesConversationToTop();
    void messageInTopConversationChangesRolesOnly();
    void newConversationIsInserted();
    void readMarkerChangesUnreadAndReadSeq();
    void titlesFedByTheApp();
    void filter_data();
    void filter();
    void filteredRowsFollowChanges();

    // MessageListModel
    void newestPageThenOlderPagesPrepend();
    void showSenderAndDayBreak_data();
    void showSenderAndDayBreak();
    void pendingBecomesSentInPlace();
    void newMessageInsertedBeforeUnsent();
    void unsentSentOutOfOrderMoves();
    void failedThenDiscarded();
    void otherConversationsAreIgnored();
    void switchingConversationResets();
    void gapInCacheAsksServer();

    // Against a real confabd
    void historyFromServerLiveSendAndMarkRead();
    void devices();

private:
    ServerProcess m_server;
    HttpClient m_http;
    QTemporaryDir m_dir;
};

void TestModels::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY2(m_server.start(), qPrintable(m_server.errorString()));
}

void TestModels::cleanupTestCase()
{
    QCOMPARE(m_server.stop(), 0);
}

void TestModels::conversationRowsAndRoles()
{
    LocalClient local;
    QVERIFY(local.ok());
    threeConversations(local);
    ConversationListModel model(*local.cache, *local.sync, *local.outbox, kOwn);
    Tester tester(&model, Tester::FailureReportingMode::QtTest);

    QCOMPARE(model.property("count").toInt(), 3);
    QCOMPARE(column(model, ConvRoles::ConvRole), QStringList({ kGroup, kBob, kCarol }));
    QCOMPARE(column(model, ConvRoles::TitleRole),
             QStringList({ u"Group 7"_s, u"bob"_s, u"carol"_s }));
    QCOMPARE(column(model, ConvRoles::PeerRole), QStringList({ QString(), u"bob"_s, u"carol"_s }));
    QCOMPARE(flags(model, ConvRoles::IsGroupRole), u"TFF"_s);
    QCOMPARE(column(model, ConvRoles::LastBodyRole),
             QStringList({ QString(), u"see you"_s, u"hi alice"_s }));
    QCOMPARE(column(model, ConvRoles::LastFromRole), QStringList({ QString(), kOwn, u"carol"_s }));
    QCOMPARE(flags(model, ConvRoles::LastIsOwnRole), u"FTF"_s);
    QCOMPARE(value(model, 0, ConvRoles::LastTsRole).toLongLong(), kBase + 3'000); // joined
    QCOMPARE(value(model, 1, ConvRoles::LastTsRole).toLongLong(), kBase + 2'000);
    QCOMPARE(column(model, ConvRoles::UnreadRole), QStringList({ u"0"_s, u"0"_s, u"1"_s }));
    QCOMPARE(value(model, 2, ConvRoles::ReadSeqRole).toLongLong(), 0);

    const QHash<int, QByteArray> names = model.roleNames();
    for (const char *name : { "conv", "title", "isGroup", "lastBody", "lastFrom", "lastIsOwn",
                              "lastTs", "unread", "readSeq", "peer" })
        QVERIFY2(names.values().contains(QByteArray(name)), name);
}

void TestModels::newMessageMovesConversationToTop_data()
{
    QTest::addColumn<QString>("from");
    QTest::addColumn<QList<int>>("roles");
    QTest::addColumn<bool>("own");
    QTest::addColumn<int>("unread");

    QTest::newRow("from the other party")
        << u"carol"_s
        << QList<int> { ConvRoles::LastBodyRole, ConvRoles::LastTsRole, ConvRoles::UnreadRole }
        << false << 2;
    QTest::newRow("own, from another device")
        << kOwn
        << QList<int> { ConvRoles::LastBodyRole, ConvRoles::LastFromRole, ConvRoles::LastIsOwnRole,
                        ConvRoles::LastTsRole }
        << true << 1;
}

void TestModels::newMessageMovesConversationToTop()
{
    QFETCH(QString, from);
    QFETCH(QList<int>, roles);
    QFETCH(bool, own);
    QFETCH(int, unread);

    LocalClient local;
    QVERIFY(local.ok());
    threeConversations(local);
    ConversationListModel model(*local.cache, *local.sync, *local.outbox, kOwn);
    Tester tester(&model, Tester::FailureReportingMode::QtTest);
    ModelSpies spies(&model);

    local.receive({ message(kCarol, 2, from, u"news"_s, kBase + 4'000) });
    QCOMPARE(spies.counts(), counts(0, 0, 0, 0, 0)); // not before the burst is over
    settle();

    QCOMPARE(spies.counts(), counts(0, 0, 1, 1, 0));
    QCOMPARE(spies.moved.first().at(1).toInt(), 2); // first
    QCOMPARE(spies.moved.first().at(2).toInt(), 2); // last
    QCOMPARE(spies.moved.first().at(4).toInt(), 0); // destination
    QCOMPARE(spies.changedRow(0), 0);
    QCOMPARE(spies.changedRoles(0), sorted(roles));
    QCOMPARE(column(model, ConvRoles::ConvRole), QStringList({ kCarol, kGroup, kBob }));
    QCOMPARE(value(model, 0, ConvRoles::LastBodyRole).toString(), u"news"_s);
    QCOMPARE(value(model, 0, ConvRoles::LastIsOwnRole).toBool(), own);
    QCOMPARE(value(model, 0, ConvRoles::LastTsRole).toLongLong(), kBase + 4'000);
    QCOMPARE(value(model, 0, ConvRoles::UnreadRole).toInt(), unread);
}

void TestModels::messageInTopConversationChangesRolesOnly()
{
    LocalClient local;
    QVERIFY(local.ok());
    threeConversations(local);
    ConversationListModel model(*local.cache, *local.sync, *local.outbox, kOwn);
    Tester tester(&model, Tester::FailureReportingMode::QtTest);
    ModelSpies spies(&model);

    local.receive({ message(kGroup, 1, u"dave"_s, u"welcome"_s, kBase + 4'000) });
    settle();
    QCOMPARE(spies.counts(), counts(0, 0, 0, 1, 0));
    QCOMPARE(spies.changedRow(0), 0);
    QCOMPARE(spies.changedRoles(0),
             sorted({ ConvRoles::LastBodyRole, ConvRoles::LastFromRole, ConvRoles::LastTsRole,
                      ConvRoles::UnreadRole }));
    QCOMPARE(value(model, 0, ConvRoles::LastFromRole).toString(), u"dave"_s);

    // The same signals again, nothing new in the cache: nothing to tell.
    spies.clear();
    Q_EMIT local.sync->conversationsChanged();
    Q_EMIT local.sync->messagesChanged(kGroup);
    settle();
    QCOMPARE(spies.counts(), counts(0, 0, 0, 0, 0));
}

void TestModels::newConversationIsInserted()
{
    LocalClient local;
    QVERIFY(local.ok());
    threeConversations(local);
    ConversationListModel model(*local.cache, *local.sync, *local.outbox, kOwn);
    Tester tester(&model, Tester::FailureReportingMode::QtTest);
    ModelSpies spies(&model);
    QSignalSpy countChanged(&model, &ConversationListModel::countChanged);

    local.receive({ message(u"user:erin"_s, 1, u"erin"_s, u"hello?"_s, kBase + 5'000) });
    settle();
    QCOMPARE(spies.counts(), counts(1, 0, 0, 0, 0));
    QCOMPARE(ModelSpies::range(spies.inserted, 0), qMakePair(0, 0));
    QCOMPARE(countChanged.size(), 1);
    QCOMPARE(model.rowCount(), 4);
    QCOMPARE(column(model, ConvRoles::ConvRole),
             QStringList({ u"user:erin"_s, kGroup, kBob, kCarol }));
}

void TestModels::readMarkerChangesUnreadAndReadSeq()
{
    LocalClient local;
    QVERIFY(local.ok());
    threeConversations(local);
    ConversationListModel model(*local.cache, *local.sync, *local.outbox, kOwn);
    Tester tester(&model, Tester::FailureReportingMode::QtTest);
    ModelSpies spies(&model);

    // As the sync engine applies a read marker from another device.
    QVERIFY(local.cache->setReadSeq(kCarol, 1));
    Q_EMIT local.sync->conversationsChanged();
    settle();
    QCOMPARE(spies.counts(), counts(0, 0, 0, 1, 0));
    QCOMPARE(spies.changedRow(0), 2);
    QCOMPARE(spies.changedRoles(0), sorted({ ConvRoles::UnreadRole, ConvRoles::ReadSeqRole }));
    QCOMPARE(value(model, 2, ConvRoles::UnreadRole).toInt(), 0);
    QCOMPARE(value(model, 2, ConvRoles::ReadSeqRole).toInt(), 1);
}

void TestModels::titlesFedByTheApp()
{
    LocalClient local;
    QVERIFY(local.ok());
    threeConversations(local);
    ConversationListModel model(*local.cache, *local.sync, *local.outbox, kOwn);
    Tester tester(&model, Tester::FailureReportingMode::QtTest);
    ModelSpies spies(&model);

    model.setTitle(kGroup, u"Team"_s);
    model.setTitle(kBob, u"Bob Builder"_s);
    QCOMPARE(spies.counts(), counts(0, 0, 0, 2, 0));
    QCOMPARE(spies.changedRow(0), 0);
    QCOMPARE(spies.changedRoles(0), QList<int> { ConvRoles::TitleRole });
    QCOMPARE(spies.changedRow(1), 1);
    QCOMPARE(spies.changedRoles(1), QList<int> { ConvRoles::TitleRole });
    QCOMPARE(column(model, ConvRoles::TitleRole),
             QStringList({ u"Team"_s, u"Bob Builder"_s, u"carol"_s }));

    spies.clear();
    model.setTitle(kBob, u"Bob Builder"_s); // unchanged
    model.setTitle(u"user:nobody"_s, u"Nobody"_s); // not listed (yet)
    QCOMPARE(spies.counts(), counts(0, 0, 0, 0, 0));
    model.setTitle(kBob, QString()); // back to the default
    QCOMPARE(spies.counts(), counts(0, 0, 0, 1, 0));
    QCOMPARE(value(model, 1, ConvRoles::TitleRole).toString(), u"bob"_s);
    // The title stays through refreshes.
    local.receive({ message(kGroup, 1, u"dave"_s, u"hi team"_s, kBase + 4'000) });
    settle();
    QCOMPARE(value(model, 0, ConvRoles::TitleRole).toString(), u"Team"_s);
}

void TestModels::filter_data()
{
    QTest::addColumn<QString>("groupTitle"); // fed by the app; empty: the default
    QTest::addColumn<QString>("filter");
    QTest::addColumn<QStringList>("convs");

    QTest::newRow("empty: all") << QString() << QString() << QStringList { kGroup, kBob, kCarol };
    QTest::newRow("title, any case") << QString() << u"BOB"_s << QStringList { kBob };
    QTest::newRow("default group title") << QString() << u"group"_s << QStringList { kGroup };
    QTest::newRow("last message") << QString() << u"Hi ALICE"_s << QStringList { kCarol };
    QTest::newRow("in every title") << QString() << u"o"_s << QStringList { kGroup, kBob, kCarol };
    QTest::newRow("fed title") << u"Team"_s << u"TEAM"_s << QStringList { kGroup };
    QTest::newRow("default title replaced") << u"Team"_s << u"group"_s << QStringList {};
    QTest::newRow("nothing") << QString() << u"zebra"_s << QStringList {};
}

void TestModels::filter()
{
    QFETCH(QString, groupTitle);
    QFETCH(QString, filter);
    QFETCH(QStringList, convs);

    LocalClient local;
    QVERIFY(local.ok());
    threeConversations(local);
    ConversationListModel model(*local.cache, *local.sync, *local.outbox, kOwn);
    Tester tester(&model, Tester::FailureReportingMode::QtTest);
    model.setTitle(kGroup, groupTitle);
    ModelSpies spies(&model);
    QSignalSpy filterChanged(&model, &ConversationListModel::filterChanged);

    model.setProperty("filter", filter);
    QCOMPARE(filterChanged.size(), filter.isEmpty() ? 0 : 1);
    QCOMPARE(model.filter(), filter);
    QCOMPARE(column(model, ConvRoles::ConvRole), convs);
    QCOMPARE(spies.reset.size(), 0);
    QCOMPARE(spies.inserted.size(), 0);

    model.setFilter(QString()); // all rows back, in order
    QCOMPARE(column(model, ConvRoles::ConvRole), QStringList({ kGroup, kBob, kCarol }));
}

void TestModels::filteredRowsFollowChanges()
{
    LocalClient local;
    QVERIFY(local.ok());
    threeConversations(local);
    ConversationListModel model(*local.cache, *local.sync, *local.outbox, kOwn);
    Tester tester(&model, Tester::FailureReportingMode::QtTest);
    model.setFilter(u"news"_s);
    QCOMPARE(model.rowCount(), 0);
    ModelSpies spies(&model);

    local.receive({ message(kCarol, 2, u"carol"_s, u"Big News"_s, kBase + 4'000) });
    settle();
    QCOMPARE(spies.counts(), counts(1, 0, 0, 0, 0));
    QCOMPARE(column(model, ConvRoles::ConvRole), QStringList { kCarol });

    spies.clear();
    local.receive({ message(kCarol, 3, u"carol"_s, u"never mind"_s, kBase + 5'000) });
    settle();
    QCOMPARE(spies.counts(), counts(0, 1, 0, 0, 0));
    QCOMPARE(model.rowCount(), 0);
}

void TestModels::newestPageThenOlderPagesPrepend()
{
    LocalClient local;
    QVERIFY(local.ok());
    local.fill(kBob, 120);
    const auto pending = local.outbox->send(kBob, u"still pending"_s);
    QVERIFY(pending);
    MessageListModel model(*local.cache, *local.sync, *local.outbox, kOwn);
    Tester tester(&model, Tester::FailureReportingMode::QtTest);
    ModelSpies spies(&model);
    QSignalSpy convChanged(&model, &MessageListModel::convChanged);
    QSignalSpy atStartChanged(&model, &MessageListModel::atStartChanged);
    QSignalSpy loadingChanged(&model, &MessageListModel::loadingOlderChanged);

    model.setProperty("conv", kBob);
    QCOMPARE(convChanged.size(), 1);
    QCOMPARE(spies.reset.size(), 1);
    QCOMPARE(model.rowCount(), MessageListModel::kPageSize + 1);
    QCOMPARE(value(model, 0, MsgRoles::ConvSeqRole).toInt(), 71);
    QCOMPARE(value(model, 49, MsgRoles::ConvSeqRole).toInt(), 120);
    QCOMPARE(value(model, 50, MsgRoles::StateRole).toString(), u"pending"_s);
    QCOMPARE(value(model, 50, MsgRoles::MessageIdRole).toString(), QString());
    QCOMPARE(value(model, 50, MsgRoles::ConvSeqRole).toInt(), 0);
    QCOMPARE(value(model, 50, MsgRoles::LocalIdRole).toLongLong(), pending->localId);
    QCOMPARE(value(model, 50, MsgRoles::ClientIdRole).toString(), pending->clientId);
    QCOMPARE(value(model, 49, MsgRoles::StateRole).toString(), u"sent"_s);
    QCOMPARE(value(model, 49, MsgRoles::BodyRole).toString(), u"m120"_s);
    QCOMPARE(value(model, 49, MsgRoles::FromRole).toString(), kOwn);
    QCOMPARE(value(model, 49, MsgRoles::IsOwnRole).toBool(), true);
    QCOMPARE(value(model, 48, MsgRoles::IsOwnRole).toBool(), false);
    QCOMPARE(value(model, 49, MsgRoles::TsRole).toLongLong(), kBase + 120 * 60'000);
    QCOMPARE(value(model, 49, MsgRoles::ConvRole).toString(), kBob);
    QVERIFY(!value(model, 49, MsgRoles::MessageIdRole).toString().isEmpty());
    QVERIFY(!model.atStart());

    // The cache holds the older pages: prepended at once, never a reset. Row 71 (bob's) now
    // follows row 70 (bob's, the same day): its sender and day are not shown again.
    spies.clear();
    model.loadOlder();
    QCOMPARE(spies.counts(), counts(1, 0, 0, 1, 0));
    QCOMPARE(ModelSpies::range(spies.inserted, 0), qMakePair(0, 49));
    QCOMPARE(spies.changedRow(0), 50);
    QCOMPARE(spies.changedRoles(0), sorted({ MsgRoles::ShowSenderRole, MsgRoles::DayBreakRole }));
    QCOMPARE(value(model, 0, MsgRoles::ConvSeqRole).toInt(), 21);
    QCOMPARE(value(model, 50, MsgRoles::ConvSeqRole).toInt(), 71);
    QVERIFY(!model.atStart());

    // The last page holds conv_seq 1: the start, known without asking the server. Row 21 is
    // alice's after bob's: only its day break goes.
    spies.clear();
    model.loadOlder();
    QCOMPARE(spies.counts(), counts(1, 0, 0, 1, 0));
    QCOMPARE(ModelSpies::range(spies.inserted, 0), qMakePair(0, 19));
    QCOMPARE(spies.changedRow(0), 20);
    QCOMPARE(spies.changedRoles(0), QList<int> { MsgRoles::DayBreakRole });
    QCOMPARE(model.rowCount(), 121);
    QCOMPARE(value(model, 0, MsgRoles::ConvSeqRole).toInt(), 1);
    QVERIFY(model.atStart());
    QCOMPARE(atStartChanged.size(), 1);

    spies.clear();
    model.loadOlder(); // nothing older
    settle();
    QCOMPARE(spies.counts(), counts(0, 0, 0, 0, 0));
    QCOMPARE(loadingChanged.size(), 0); // the server was never asked

    // A refresh keeps all loaded pages. The new message (bob's) goes before the unsent one
    // (alice's), which now follows another sender.
    local.receive({ message(kBob, 121, u"bob"_s, u"m121"_s, kBase + 121 * 60'000) });
    settle();
    QCOMPARE(spies.counts(), counts(1, 0, 0, 1, 0));
    QCOMPARE(ModelSpies::range(spies.inserted, 0), qMakePair(120, 120));
    QCOMPARE(spies.changedRow(0), 121);
    QCOMPARE(spies.changedRoles(0), QList<int> { MsgRoles::ShowSenderRole });
    QCOMPARE(model.rowCount(), 122);
    QCOMPARE(value(model, 0, MsgRoles::ConvSeqRole).toInt(), 1);
}

void TestModels::showSenderAndDayBreak_data()
{
    QTest::addColumn<QStringList>("senders");
    QTest::addColumn<QList<qint64>>("times");
    QTest::addColumn<QString>("showSender");
    QTest::addColumn<QString>("dayBreak");

    QTest::newRow("one sender, one day")
        << QStringList { u"bob"_s, u"bob"_s, u"bob"_s }
        << QList<qint64> { at(0, 8, 0), at(0, 8, 1), at(0, 17, 0) } << u"TFF"_s << u"TFF"_s;
    QTest::newRow("senders alternate")
        << QStringList { u"bob"_s, kOwn, u"bob"_s }
        << QList<qint64> { at(0, 8, 0), at(0, 8, 1), at(0, 8, 2) } << u"TTT"_s << u"TFF"_s;
    QTest::newRow("across midnight")
        << QStringList { u"bob"_s, u"bob"_s } << QList<qint64> { at(0, 23, 59), at(1, 0, 1) }
        << u"TF"_s << u"TT"_s;
    QTest::newRow("days apart, senders grouped")
        << QStringList { kOwn, kOwn, u"bob"_s, u"bob"_s, kOwn }
        << QList<qint64> { at(0, 9, 0), at(3, 9, 0), at(3, 9, 5), at(3, 23, 0), at(4, 1, 0) }
        << u"TFTFT"_s << u"TTFFT"_s;
}

void TestModels::showSenderAndDayBreak()
{
    QFETCH(QStringList, senders);
    QFETCH(QList<qint64>, times);
    QFETCH(QString, showSender);
    QFETCH(QString, dayBreak);

    LocalClient local;
    QVERIFY(local.ok());
    QList<Message> messages;
    for (int i = 0; i < senders.size(); ++i)
        messages.append(message(kBob, i + 1, senders.at(i), u"x"_s, times.at(i)));
    local.receive(messages);
    MessageListModel model(*local.cache, *local.sync, *local.outbox, kOwn);
    Tester tester(&model, Tester::FailureReportingMode::QtTest);
    model.setConv(kBob);

    QCOMPARE(flags(model, MsgRoles::ShowSenderRole), showSender);
    QCOMPARE(flags(model, MsgRoles::DayBreakRole), dayBreak);
}

void TestModels::pendingBecomesSentInPlace()
{
    LocalClient local;
    QVERIFY(local.ok());
    local.receive({ message(kBob, 1, u"bob"_s, u"one"_s, kBase),
                    message(kBob, 2, u"bob"_s, u"two"_s, kBase + 60'000) });
    MessageListModel model(*local.cache, *local.sync, *local.outbox, kOwn);
    Tester tester(&model, Tester::FailureReportingMode::QtTest);
    model.setConv(kBob);
    ModelSpies spies(&model);

    const auto pending = local.outbox->send(kBob, u"on its way"_s);
    QVERIFY(pending);
    settle();
    QCOMPARE(spies.counts(), counts(1, 0, 0, 0, 0));
    QCOMPARE(ModelSpies::range(spies.inserted, 0), qMakePair(2, 2));
    QCOMPARE(value(model, 2, MsgRoles::StateRole).toString(), u"pending"_s);
    QCOMPARE(value(model, 2, MsgRoles::IsOwnRole).toBool(), true);
    QCOMPARE(value(model, 2, MsgRoles::ShowSenderRole).toBool(), true);
    QCOMPARE(value(model, 2, MsgRoles::DayBreakRole).toBool(), true); // written today, not 2024

    spies.clear();
    Message sent = message(kBob, 3, kOwn, u"on its way"_s, pending->ts + 1, pending->clientId);
    local.sent(sent);
    settle();
    QCOMPARE(spies.counts(), counts(0, 0, 0, 1, 0));
    QCOMPARE(spies.changedRow(0), 2);
    QCOMPARE(spies.changedRoles(0),
             sorted({ MsgRoles::StateRole, MsgRoles::MessageIdRole, MsgRoles::ConvSeqRole,
                      MsgRoles::TsRole }));
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(value(model, 2, MsgRoles::LocalIdRole).toLongLong(), pending->localId);
    QCOMPARE(value(model, 2, MsgRoles::StateRole).toString(), u"sent"_s);
    QCOMPARE(value(model, 2, MsgRoles::MessageIdRole).toString(), QString::number(sent.id));
    QCOMPARE(value(model, 2, MsgRoles::ConvSeqRole).toLongLong(), 3);
    QCOMPARE(value(model, 2, MsgRoles::TsRole).toLongLong(), pending->ts + 1);
}

void TestModels::newMessageInsertedBeforeUnsent()
{
    LocalClient local;
    QVERIFY(local.ok());
    local.receive({ message(kBob, 1, kOwn, u"from my laptop"_s, kBase) });
    MessageListModel model(*local.cache, *local.sync, *local.outbox, kOwn);
    Tester tester(&model, Tester::FailureReportingMode::QtTest);
    model.setConv(kBob);
    QVERIFY(local.outbox->send(kBob, u"and from here"_s));
    settle();
    QCOMPARE(flags(model, MsgRoles::ShowSenderRole), u"TF"_s);
    ModelSpies spies(&model);

    // bob's message goes between: the unsent one now follows another sender.
    local.receive({ message(kBob, 2, u"bob"_s, u"hi"_s, kBase + 60'000) });
    settle();
    QCOMPARE(spies.counts(), counts(1, 0, 0, 1, 0));
    QCOMPARE(ModelSpies::range(spies.inserted, 0), qMakePair(1, 1));
    QCOMPARE(spies.changedRow(0), 2);
    QCOMPARE(spies.changedRoles(0), QList<int> { MsgRoles::ShowSenderRole });
    QCOMPARE(column(model, MsgRoles::BodyRole),
             QStringList({ u"from my laptop"_s, u"hi"_s, u"and from here"_s }));
    QCOMPARE(flags(model, MsgRoles::ShowSenderRole), u"TTT"_s);
}

void TestModels::unsentSentOutOfOrderMoves()
{
    LocalClient local;
    QVERIFY(local.ok());
    local.receive({ message(kBob, 1, u"bob"_s, u"hi"_s, kBase) });
    MessageListModel model(*local.cache, *local.sync, *local.outbox, kOwn);
    Tester tester(&model, Tester::FailureReportingMode::QtTest);
    model.setConv(kBob);
    const auto first = local.outbox->send(kBob, u"first"_s);
    const auto second = local.outbox->send(kBob, u"second"_s);
    QVERIFY(first && second);
    settle();
    QCOMPARE(column(model, MsgRoles::BodyRole), QStringList({ u"hi"_s, u"first"_s, u"second"_s }));
    const QString showSenderBefore = flags(model, MsgRoles::ShowSenderRole);
    const QString dayBreakBefore = flags(model, MsgRoles::DayBreakRole);
    ModelSpies spies(&model);

    // "second" reaches the server first: sent messages come before unsent ones.
    const Message sent = message(kBob, 2, kOwn, u"second"_s, second->ts + 1, second->clientId);
    local.sent(sent);
    settle();
    QCOMPARE(spies.moved.size(), 1);
    QCOMPARE(spies.moved.first().at(1).toInt(), 2);
    QCOMPARE(spies.moved.first().at(4).toInt(), 1);
    QCOMPARE(spies.inserted.size() + spies.removed.size() + spies.reset.size(), 0);
    QCOMPARE(column(model, MsgRoles::BodyRole), QStringList({ u"hi"_s, u"second"_s, u"first"_s }));
    QCOMPARE(showSenderBefore, u"TTF"_s);
    QCOMPARE(flags(model, MsgRoles::ShowSenderRole), u"TTF"_s);
    // Each moved row's grouping roles are in its dataChanged exactly when they changed (the
    // day breaks depend on today's date against 2024's).
    const QString dayBreakAfter = flags(model, MsgRoles::DayBreakRole);
    QList<int> secondRoles { MsgRoles::StateRole, MsgRoles::MessageIdRole, MsgRoles::ConvSeqRole,
                             MsgRoles::TsRole, MsgRoles::ShowSenderRole };
    if (dayBreakBefore.at(2) != dayBreakAfter.at(1))
        secondRoles.append(MsgRoles::DayBreakRole);
    QList<int> firstRoles { MsgRoles::ShowSenderRole };
    if (dayBreakBefore.at(1) != dayBreakAfter.at(2))
        firstRoles.append(MsgRoles::DayBreakRole);
    QCOMPARE(spies.rolesOfRow(1), sorted(secondRoles));
    QCOMPARE(spies.rolesOfRow(2), sorted(firstRoles));
    QCOMPARE(spies.changed.size(), 2);
}

void TestModels::failedThenDiscarded()
{
    LocalClient local;
    QVERIFY(local.ok());
    local.receive({ message(kBob, 1, u"bob"_s, u"hi"_s, kBase) });
    MessageListModel model(*local.cache, *local.sync, *local.outbox, kOwn);
    Tester tester(&model, Tester::FailureReportingMode::QtTest);
    model.setConv(kBob);
    const auto pending = local.outbox->send(kBob, u"too much"_s);
    QVERIFY(pending);
    settle();
    ModelSpies spies(&model);

    // As the outbox reports a permanent error.
    QVERIFY(local.cache->markFailed(pending->clientId, u"too large"_s));
    Q_EMIT local.outbox->messageChanged(kBob, pending->clientId);
    settle();
    QCOMPARE(spies.counts(), counts(0, 0, 0, 1, 0));
    QCOMPARE(spies.changedRow(0), 1);
    QCOMPARE(spies.changedRoles(0), sorted({ MsgRoles::StateRole, MsgRoles::ErrorRole }));
    QCOMPARE(value(model, 1, MsgRoles::StateRole).toString(), u"failed"_s);
    QCOMPARE(value(model, 1, MsgRoles::ErrorRole).toString(), u"too large"_s);

    spies.clear();
    QSignalSpy countChanged(&model, &MessageListModel::countChanged);
    QVERIFY(local.outbox->discard(pending->clientId));
    settle();
    QCOMPARE(spies.counts(), counts(0, 1, 0, 0, 0));
    QCOMPARE(ModelSpies::range(spies.removed, 0), qMakePair(1, 1));
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(countChanged.size(), 1);
}

void TestModels::otherConversationsAreIgnored()
{
    LocalClient local;
    QVERIFY(local.ok());
    local.fill(kBob, 3);
    MessageListModel model(*local.cache, *local.sync, *local.outbox, kOwn);
    Tester tester(&model, Tester::FailureReportingMode::QtTest);
    model.setConv(kBob);
    ModelSpies spies(&model);

    local.receive({ message(kCarol, 1, u"carol"_s, u"elsewhere"_s, kBase) });
    QVERIFY(local.outbox->send(kCarol, u"also elsewhere"_s));
    Q_EMIT local.sync->historyLoaded(kCarol, true, false);
    settle();
    QCOMPARE(spies.counts(), counts(0, 0, 0, 0, 0));
    QCOMPARE(model.rowCount(), 3);
    QVERIFY(!model.loadingOlder());
}

void TestModels::switchingConversationResets()
{
    LocalClient local;
    QVERIFY(local.ok());
    local.fill(kBob, 3);
    local.receive({ message(kCarol, 1, u"carol"_s, u"hey"_s, kBase) });
    MessageListModel model(*local.cache, *local.sync, *local.outbox, kOwn);
    Tester tester(&model, Tester::FailureReportingMode::QtTest);
    ModelSpies spies(&model);
    QSignalSpy convChanged(&model, &MessageListModel::convChanged);

    model.setConv(kBob);
    model.setConv(kBob);
    QCOMPARE(spies.reset.size(), 1);
    QCOMPARE(model.rowCount(), 3);
    QVERIFY(model.atStart()); // conv_seq 1 is loaded

    model.setConv(kCarol);
    QCOMPARE(spies.reset.size(), 2);
    QCOMPARE(convChanged.size(), 2);
    QCOMPARE(column(model, MsgRoles::BodyRole), QStringList { u"hey"_s });

    model.setConv(QString());
    QCOMPARE(model.rowCount(), 0);
    model.loadOlder(); // no conversation: nothing to do
    QVERIFY(!model.loadingOlder());
}

void TestModels::gapInCacheAsksServer()
{
    // conv_seq 1..10 and 40..45 cached (history rejoined after a gap): the gap is fetched, not
    // skipped.
    LocalClient local;
    QVERIFY(local.ok());
    QList<Message> cached;
    for (int seq : { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 40, 41, 42, 43, 44, 45 })
        cached.append(message(kBob, seq, u"bob"_s, u"m%1"_s.arg(seq), kBase + seq * 60'000));
    local.receive(cached);
    MessageListModel model(*local.cache, *local.sync, *local.outbox, kOwn);
    Tester tester(&model, Tester::FailureReportingMode::QtTest);
    model.setConv(kBob);
    QCOMPARE(model.rowCount(), 6);
    QCOMPARE(value(model, 0, MsgRoles::ConvSeqRole).toInt(), 40);
    QVERIFY(!model.atStart());
    ModelSpies spies(&model);

    // Offline: the request fails, and nothing changes but loadingOlder, on and off again.
    QSignalSpy loading(&model, &MessageListModel::loadingOlderChanged);
    model.loadOlder();
    QVERIFY(model.loadingOlder());
    settle(); // the connection's "offline" answer
    QVERIFY(!model.loadingOlder());
    QCOMPARE(loading.size(), 2);
    QCOMPARE(spies.counts(), counts(0, 0, 0, 0, 0));

    // The sync engine answers with the gap filled (as it would online): prepended in one go.
    model.loadOlder();
    QVERIFY(model.loadingOlder());
    QList<Message> gap;
    for (int seq = 11; seq < 40; ++seq)
        gap.append(message(kBob, seq, u"bob"_s, u"m%1"_s.arg(seq), kBase + seq * 60'000));
    local.cache->storeMessages(gap);
    Q_EMIT local.sync->messagesChanged(kBob);
    Q_EMIT local.sync->historyLoaded(kBob, true, true);
    QVERIFY(!model.loadingOlder());
    QCOMPARE(spies.inserted.size(), 1);
    QCOMPARE(ModelSpies::range(spies.inserted, 0), qMakePair(0, 38));
    QCOMPARE(model.rowCount(), 45);
    QVERIFY(model.atStart()); // conv_seq 1 came with it
    // The offline answer to that second request, later, changes nothing.
    spies.clear();
    settle();
    QCOMPARE(spies.counts(), counts(0, 0, 0, 0, 0));
}

void TestModels::historyFromServerLiveSendAndMarkRead()
{
    const TestDevice alice = makeDevice(m_http, m_server, u"hana"_s);
    const TestDevice bob = makeDevice(m_http, m_server, u"ivan"_s);
    QVERIFY(alice.ok() && bob.ok());
    const QString conv = u"user:ivan"_s;
    WsClient ivan;
    QVERIFY(ivan.login(m_server.wsUrl(), bob.token));
    for (int i = 1; i <= 70; ++i) {
        const auto sent = ivan.request({ { "type"_L1, "send"_L1 },
                                         { "client_id"_L1, u"h%1"_s.arg(i) },
                                         { "to"_L1, "user:hana"_L1 },
                                         { "body"_L1, u"m%1"_s.arg(i) } });
        QVERIFY(sent);
        QCOMPARE(sent->value("type"_L1).toString(), u"sent"_s);
    }

    // A new device: the conversation list and the last message only.
    OnlineClient hana(m_dir.filePath(u"history/cache.sqlite3"_s), alice, m_server.wsUrl());
    QVERIFY(hana.cache);
    QTRY_VERIFY_WITH_TIMEOUT(!hana.cache->conversations().isEmpty(), kTimeoutMs);
    ConversationListModel conversations(*hana.cache, *hana.sync, *hana.outbox, u"hana"_s);
    Tester conversationsTester(&conversations, Tester::FailureReportingMode::QtTest);
    QCOMPARE(value(conversations, 0, ConvRoles::UnreadRole).toInt(), 70);
    MessageListModel model(*hana.cache, *hana.sync, *hana.outbox, u"hana"_s);
    Tester tester(&model, Tester::FailureReportingMode::QtTest);
    model.setConv(conv);
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(value(model, 0, MsgRoles::ConvSeqRole).toInt(), 70);
    ModelSpies spies(&model);

    model.loadOlder();
    QVERIFY(model.loadingOlder());
    QTRY_VERIFY_WITH_TIMEOUT(!model.loadingOlder(), kTimeoutMs);
    QCOMPARE(spies.inserted.size(), 1);
    QCOMPARE(ModelSpies::range(spies.inserted, 0), qMakePair(0, 49));
    QCOMPARE(spies.reset.size(), 0);
    QCOMPARE(value(model, 0, MsgRoles::ConvSeqRole).toInt(), 20);
    QVERIFY(!model.atStart());

    model.loadOlder();
    QTRY_VERIFY_WITH_TIMEOUT(!model.loadingOlder(), kTimeoutMs);
    QCOMPARE(spies.inserted.size(), 2);
    QCOMPARE(ModelSpies::range(spies.inserted, 1), qMakePair(0, 18));
    QCOMPARE(model.rowCount(), 70);
    QCOMPARE(value(model, 0, MsgRoles::BodyRole).toString(), u"m1"_s);
    QVERIFY(model.atStart());
    QCOMPARE(spies.reset.size(), 0);

    // Read on this device: the server tells every device, this one included.
    settle(); // the list's refresh after the history pages
    QSignalSpy conversationChanges(&conversations, &QAbstractItemModel::dataChanged);
    model.markRead();
    QTRY_COMPARE_WITH_TIMEOUT(value(conversations, 0, ConvRoles::UnreadRole).toInt(), 0,
                              kTimeoutMs);
    QCOMPARE(value(conversations, 0, ConvRoles::ReadSeqRole).toInt(), 70);
    QCOMPARE(conversationChanges.size(), 1);
    QCOMPARE(sorted(conversationChanges.first().at(2).value<QList<int>>()),
             sorted({ ConvRoles::UnreadRole, ConvRoles::ReadSeqRole }));

    // A live message from the other party is appended.
    spies.clear();
    QVERIFY(ivan.request({ { "type"_L1, "send"_L1 },
                           { "client_id"_L1, u"h71"_s },
                           { "to"_L1, "user:hana"_L1 },
                           { "body"_L1, u"m71"_s } }));
    QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 71, kTimeoutMs);
    QCOMPARE(ModelSpies::range(spies.inserted, 0), qMakePair(70, 70));

    // An own message: a pending row, then sent in place.
    spies.clear();
    QVERIFY(hana.online());
    const auto pending = hana.outbox->send(conv, u"reply"_s);
    QVERIFY(pending);
    QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 72, kTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(value(model, 71, MsgRoles::StateRole).toString(), u"sent"_s,
                              kTimeoutMs);
    QCOMPARE(spies.inserted.size(), 1);
    QCOMPARE(ModelSpies::range(spies.inserted, 0), qMakePair(71, 71));
    QCOMPARE(spies.removed.size() + spies.moved.size() + spies.reset.size(), 0);
    QCOMPARE(value(model, 71, MsgRoles::LocalIdRole).toLongLong(), pending->localId);
    QCOMPARE(value(model, 71, MsgRoles::ConvSeqRole).toInt(), 72);
    // The pending row may have been inserted already sent (the answer came before the model
    // looked); else one dataChanged with no more than the roles that sending changes.
    QVERIFY(spies.changed.size() <= 1);
    if (spies.changed.size() == 1) {
        QCOMPARE(spies.changedRow(0), 71);
        const QList<int> roles = spies.changedRoles(0);
        for (int role : roles) {
            QVERIFY(QList<int>({ MsgRoles::StateRole, MsgRoles::MessageIdRole,
                                 MsgRoles::ConvSeqRole, MsgRoles::TsRole })
                        .contains(role));
        }
        QVERIFY(roles.contains(MsgRoles::StateRole));
    }
    // The conversation list shows it as the account's own.
    QTRY_VERIFY_WITH_TIMEOUT(value(conversations, 0, ConvRoles::LastIsOwnRole).toBool(),
                             kTimeoutMs);
    QCOMPARE(value(conversations, 0, ConvRoles::LastBodyRole).toString(), u"reply"_s);
}

void TestModels::devices()
{
    const TestDevice laptop = makeDevice(m_http, m_server, u"dora"_s, true, u"laptop"_s);
    const TestDevice phone = makeDevice(m_http, m_server, u"dora"_s, false, u"phone"_s);
    QVERIFY(laptop.ok() && phone.ok());
    ServerApi api(m_server.httpUrl(QString()));
    api.setToken(laptop.token);
    DeviceListModel model(api);
    Tester tester(&model, Tester::FailureReportingMode::QtTest);
    ModelSpies spies(&model);
    QSignalSpy busyChanged(&model, &DeviceListModel::busyChanged);
    model.setProperty("currentDeviceId", laptop.deviceId);

    model.refresh();
    QVERIFY(model.busy());
    QTRY_VERIFY_WITH_TIMEOUT(!model.busy(), kTimeoutMs);
    QCOMPARE(busyChanged.size(), 2);
    QCOMPARE(model.error(), QString());
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(spies.counts(), counts(1, 0, 0, 0, 0));
    QCOMPARE(ModelSpies::range(spies.inserted, 0), qMakePair(0, 1));
    const QStringList ids = column(model, DeviceListModel::DeviceIdRole);
    const int laptopRow = int(ids.indexOf(laptop.deviceId));
    const int phoneRow = int(ids.indexOf(phone.deviceId));
    QVERIFY(laptopRow >= 0 && phoneRow >= 0);
    QCOMPARE(value(model, laptopRow, DeviceListModel::NameRole).toString(), u"laptop"_s);
    QCOMPARE(value(model, phoneRow, DeviceListModel::NameRole).toString(), u"phone"_s);
    QVERIFY(value(model, laptopRow, DeviceListModel::IsCurrentRole).toBool());
    QVERIFY(!value(model, phoneRow, DeviceListModel::IsCurrentRole).toBool());
    QVERIFY(value(model, phoneRow, DeviceListModel::CreatedAtRole).toLongLong() > 0);
    QCOMPARE(value(model, phoneRow, DeviceListModel::LastSeenAtRole).toLongLong(), 0);
    QVERIFY(!value(model, phoneRow, DeviceListModel::OnlineRole).toBool());

    // The phone comes online: its row changes in place.
    WsClient phoneSocket;
    QVERIFY(phoneSocket.login(m_server.wsUrl(), phone.token));
    spies.clear();
    model.refresh();
    QTRY_VERIFY_WITH_TIMEOUT(!model.busy(), kTimeoutMs);
    QCOMPARE(spies.inserted.size() + spies.removed.size() + spies.moved.size(), 0);
    QCOMPARE(spies.reset.size(), 0);
    const auto phoneRoles = spies.rolesOfRow(phoneRow);
    QVERIFY(phoneRoles);
    QVERIFY(phoneRoles->contains(DeviceListModel::OnlineRole));
    QVERIFY(!phoneRoles->contains(DeviceListModel::NameRole));
    QVERIFY(value(model, phoneRow, DeviceListModel::OnlineRole).toBool());

    // Another device marked as this one.
    spies.clear();
    model.setCurrentDeviceId(phone.deviceId);
    QCOMPARE(spies.counts(), counts(0, 0, 0, 2, 0));
    QCOMPARE(spies.changedRoles(0), QList<int> { DeviceListModel::IsCurrentRole });
    QVERIFY(value(model, phoneRow, DeviceListModel::IsCurrentRole).toBool());
    model.setCurrentDeviceId(laptop.deviceId);

    // Removing the phone signs it out, and its row goes.
    spies.clear();
    model.remove(phone.deviceId);
    QVERIFY(model.busy());
    QTRY_VERIFY_WITH_TIMEOUT(!model.busy(), kTimeoutMs);
    QCOMPARE(model.error(), QString());
    QCOMPARE(spies.removed.size(), 1);
    QCOMPARE(spies.inserted.size() + spies.moved.size() + spies.reset.size(), 0);
    QCOMPARE(ModelSpies::range(spies.removed, 0), qMakePair(phoneRow, phoneRow));
    QCOMPARE(column(model, DeviceListModel::DeviceIdRole), QStringList { laptop.deviceId });
    QVERIFY(phoneSocket.waitForClosed());
    QCOMPARE(phoneSocket.closeCode(), 4003);

    // Failures leave the list alone and say why.
    spies.clear();
    QSignalSpy errorChanged(&model, &DeviceListModel::errorChanged);
    model.remove(phone.deviceId); // gone already
    QTRY_VERIFY_WITH_TIMEOUT(!model.busy(), kTimeoutMs);
    QVERIFY(!model.error().isEmpty());
    QCOMPARE(errorChanged.size(), 1);
    model.remove(u"not-a-number"_s);
    QVERIFY(!model.busy());
    QVERIFY(model.error().contains(u"not-a-number"_s));
    QCOMPARE(spies.counts(), counts(0, 0, 0, 0, 0));
    model.refresh(); // a success clears the error
    QTRY_VERIFY_WITH_TIMEOUT(!model.busy(), kTimeoutMs);
    QCOMPARE(model.error(), QString());
    QCOMPARE(model.rowCount(), 1);
}

QTEST_GUILESS_MAIN(TestModels)
#include "tst_models.moc"
