// The conversation list and read markers (PROTOCOL.md §3.1) against a real confabd: order by
// most recent activity with the newest message as `last`, groups listed from the moment the user
// joins, paging with before_ts, unread counts (messages from others after read_seq), read markers
// shared by all devices of a user (forward only, clamped to the newest message), not_found and
// bad_request for bad reads and pages, and the whole list in one request for a user with thousands
// of messages, also on a device that logs in afterwards.
#include "tests/support/Accounts.h"
#include "tests/support/Json.h"
#include "tests/support/WsClient.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace confab::test;

namespace {

const QStringList kServerArguments { u"--log-level"_s, u"warning"_s };

constexpr int kBulkMessages = 3000;
constexpr int kBulkTimeoutMs = 180'000;

// What is wrong with one entry of a conversation list, or nothing.
QString entryProblem(const QJsonObject &entry)
{
    if (!entry.value("conv"_L1).isString())
        return u"entry without a conv string: "_s + dump(entry);
    const QJsonValue unread = entry.value("unread"_L1);
    if (!unread.isDouble() || unread.toInteger(-1) < 0 || unread.toDouble() != unread.toInteger())
        return u"unread is not a non-negative integer: "_s + dump(entry);
    if (!isDecimal(entry.value("read_seq"_L1)))
        return u"read_seq is not a decimal string: "_s + dump(entry);
    if (entry.value("activity_ts"_L1).toInteger(-1) <= 0)
        return u"activity_ts is not a positive integer: "_s + dump(entry);
    if (entry.contains("last"_L1)) {
        const QJsonObject last = entry.value("last"_L1).toObject();
        if (!isDecimal(last.value("id"_L1)) || !isDecimal(last.value("conv_seq"_L1))
            || last.value("ts"_L1).toInteger(-1) <= 0)
            return u"last is not a message: "_s + dump(entry);
        if (last.value("conv"_L1) != entry.value("conv"_L1))
            return u"last belongs to another conversation: "_s + dump(entry);
        if (entry.value("activity_ts"_L1).toInteger() != last.value("ts"_L1).toInteger())
            return u"activity_ts is not the ts of last: "_s + dump(entry);
    }
    return {};
}

// What is wrong with a `conversations` reply, or nothing.
QString pageProblem(const QJsonObject &page)
{
    if (page.value("type"_L1).toString() != "conversations"_L1)
        return u"not a conversations reply: "_s + dump(page);
    if (!page.value("conversations"_L1).isArray() || !page.value("more"_L1).isBool())
        return u"conversations reply without conversations or more: "_s + dump(page);
    qint64 previous = std::numeric_limits<qint64>::max();
    for (const QJsonValue value : page.value("conversations"_L1).toArray()) {
        const QString problem = entryProblem(value.toObject());
        if (!problem.isEmpty())
            return problem;
        const qint64 activity = value.toObject().value("activity_ts"_L1).toInteger();
        if (activity > previous)
            return u"not most recent activity first: "_s + dump(page);
        previous = activity;
    }
    return {};
}

QJsonObject sendFrame(const QString &to, const QString &body, const QString &clientId)
{
    return {
        { "type"_L1, u"send"_s }, { "to"_L1, to }, { "body"_L1, body }, { "client_id"_L1, clientId }
    };
}

QJsonObject readFrame(const QString &conv, const QString &convSeq)
{
    return { { "type"_L1, u"read"_s }, { "conv"_L1, conv }, { "conv_seq"_L1, convSeq } };
}

QJsonObject pingFrame()
{
    return { { "type"_L1, u"ping"_s } };
}

QJsonArray entriesOf(const QJsonObject &page)
{
    return page.value("conversations"_L1).toArray();
}

QStringList convsOf(const QJsonArray &entries)
{
    QStringList convs;
    for (const QJsonValue entry : entries)
        convs.append(entry.toObject().value("conv"_L1).toString());
    return convs;
}

QJsonObject entryFor(const QJsonArray &entries, const QString &conv)
{
    for (const QJsonValue entry : entries) {
        if (entry.toObject().value("conv"_L1).toString() == conv)
            return entry.toObject();
    }
    return {};
}

// Timestamps have millisecond resolution, so two events in the same millisecond tie on
// activity_ts (and the order among ties is the server's choice). Where a test needs one event to
// be strictly later than another it waits until the clock (the server's clock: same machine) has
// passed the earlier one; that is at most a few milliseconds and not a synchronisation with the
// server.
bool clockPast(qint64 ts)
{
    return QTest::qWaitFor([ts] { return QDateTime::currentMSecsSinceEpoch() > ts; }, 5'000);
}

bool isReadFrame(const QJsonObject &frame, const QString &conv)
{
    return frame.value("type"_L1).toString() == "read"_L1
        && frame.value("conv"_L1).toString() == conv;
}

} // namespace

class TestConversations : public QObject
{
    Q_OBJECT

public:
    TestConversations()
        : m_server(kServerArguments)
    { }

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void listOrderedByRecentActivity();
    void lastIsTheNewestMessageFromEitherSide();
    void groupListedFromJoinWithoutLast();
    void pagingVisitsEveryConversationOnce();
    void pagingKeepsTiesTogether();
    void unreadCountsMessagesFromOthers();
    void ownMessagesNeverUnread();
    void readMarkerReachesEveryDevice();
    void readMarkerValue_data();
    void readMarkerValue();
    void unreadInGroups();
    void readUnknownConversation_data();
    void readUnknownConversation();
    void badRequest_data();
    void badRequest();
    void scaleWholeListInOneRequest();
    void newDeviceGetsSameList();

private:
    TestDevice account(const QString &username);
    std::unique_ptr<WsClient> connectDevice(const TestDevice &device);
    // The `sent` message of a send, or nothing when the reply is not `sent`.
    std::optional<QJsonObject> sendMessage(WsClient &ws, const QString &to, const QString &body);
    // The `conversations` reply, or nothing when the reply is something else.
    std::optional<QJsonObject> listConversations(WsClient &ws, QJsonObject request = {});
    // Round trip on `ws`: everything the server sent before the pong has arrived.
    bool roundTrip(WsClient &ws);
    void buildScaleScenario();

    ServerProcess m_server;
    HttpClient m_http;
    int m_nextClientId = 1;

    // Accounts shared by the rows of one data-driven test (registration is slow on purpose).
    TestDevice m_reader; // readMarkerValue
    TestDevice m_outsider; // readUnknownConversation
    TestDevice m_badInputUser; // badRequest

    // The scale scenario (built once, used by the two scale tests).
    bool m_scaleBuilt = false;
    TestDevice m_scaleSender;
    TestDevice m_scaleReceiver;
    QString m_scaleGroup;
    QString m_scaleLastId; // id of the message with conv_seq 3000
};

TestDevice TestConversations::account(const QString &username)
{
    return makeDevice(m_http, m_server, username);
}

std::unique_ptr<WsClient> TestConversations::connectDevice(const TestDevice &device)
{
    auto ws = std::make_unique<WsClient>();
    if (!device.ok() || !ws->login(m_server.wsUrl(), device.token))
        return nullptr;
    return ws;
}

std::optional<QJsonObject> TestConversations::sendMessage(WsClient &ws, const QString &to,
                                                          const QString &body)
{
    const auto reply = ws.request(sendFrame(to, body, u"conv-%1"_s.arg(m_nextClientId++)));
    if (!reply || reply->value("type"_L1).toString() != "sent"_L1) {
        qWarning("send to %s failed: %s", qPrintable(to),
                 reply ? qPrintable(dump(*reply)) : "no reply");
        return std::nullopt;
    }
    return reply->value("message"_L1).toObject();
}

std::optional<QJsonObject> TestConversations::listConversations(WsClient &ws, QJsonObject request)
{
    request.insert("type"_L1, u"conversations"_s);
    const auto reply = ws.request(request);
    if (!reply || reply->value("type"_L1).toString() != "conversations"_L1) {
        qWarning("conversations failed: %s", reply ? qPrintable(dump(*reply)) : "no reply");
        return std::nullopt;
    }
    return reply;
}

bool TestConversations::roundTrip(WsClient &ws)
{
    ws.send(pingFrame());
    return ws.waitForType(u"pong"_s).has_value();
}

void TestConversations::initTestCase()
{
    QVERIFY2(m_server.start(), qPrintable(m_server.errorString()));
}

void TestConversations::cleanupTestCase()
{
    QCOMPARE(m_server.stop(), 0);
}

// alice talks to bob, then to carol, then to bob again: bob first, carol second, each with the
// newest message of the conversation as alice sees it.
void TestConversations::listOrderedByRecentActivity()
{
    const TestDevice alice = account(u"or_alice"_s);
    const TestDevice bob = account(u"or_bob"_s);
    const TestDevice carol = account(u"or_carol"_s);
    auto a = connectDevice(alice);
    QVERIFY(a && bob.ok() && carol.ok());

    const auto first = sendMessage(*a, u"user:or_bob"_s, u"one"_s);
    QVERIFY(first);
    QVERIFY(clockPast(first->value("ts"_L1).toInteger()));
    const auto second = sendMessage(*a, u"user:or_carol"_s, u"two"_s);
    QVERIFY(second);
    QVERIFY(clockPast(second->value("ts"_L1).toInteger()));
    const auto third = sendMessage(*a, u"user:or_bob"_s, u"three"_s);
    QVERIFY(third);

    const auto page = listConversations(*a);
    QVERIFY(page);
    QVERIFY2(pageProblem(*page).isEmpty(), qPrintable(pageProblem(*page)));
    QCOMPARE(page->value("more"_L1).toBool(true), false);
    const QJsonArray entries = entriesOf(*page);
    QCOMPARE(convsOf(entries), QStringList({ u"user:or_bob"_s, u"user:or_carol"_s }));

    const QJsonObject bobLast = entries[0].toObject().value("last"_L1).toObject();
    QCOMPARE(bobLast.value("conv"_L1).toString(), u"user:or_bob"_s);
    QCOMPARE(bobLast.value("from"_L1).toString(), u"or_alice"_s);
    QCOMPARE(bobLast.value("body"_L1).toString(), u"three"_s);
    QCOMPARE(bobLast.value("conv_seq"_L1).toString(), u"2"_s);
    QCOMPARE(bobLast.value("id"_L1), third->value("id"_L1));
    QCOMPARE(bobLast.value("ts"_L1), third->value("ts"_L1));
    QCOMPARE(bobLast.value("client_id"_L1), third->value("client_id"_L1));
    QCOMPARE(entries[0].toObject().value("activity_ts"_L1), third->value("ts"_L1));

    const QJsonObject carolLast = entries[1].toObject().value("last"_L1).toObject();
    QCOMPARE(carolLast.value("conv"_L1).toString(), u"user:or_carol"_s);
    QCOMPARE(carolLast.value("from"_L1).toString(), u"or_alice"_s);
    QCOMPARE(carolLast.value("body"_L1).toString(), u"two"_s);
    QCOMPARE(carolLast.value("conv_seq"_L1).toString(), u"1"_s);
    QCOMPARE(carolLast.value("id"_L1), second->value("id"_L1));

    // bob's side: one conversation, with alice's newest message as bob sees it.
    auto b = connectDevice(bob);
    QVERIFY(b);
    const auto bobPage = listConversations(*b);
    QVERIFY(bobPage);
    QVERIFY2(pageProblem(*bobPage).isEmpty(), qPrintable(pageProblem(*bobPage)));
    const QJsonArray bobEntries = entriesOf(*bobPage);
    QCOMPARE(convsOf(bobEntries), QStringList({ u"user:or_alice"_s }));
    const QJsonObject bobCopy = bobEntries[0].toObject().value("last"_L1).toObject();
    QCOMPARE(bobCopy.value("conv"_L1).toString(), u"user:or_alice"_s);
    QCOMPARE(bobCopy.value("from"_L1).toString(), u"or_alice"_s);
    QCOMPARE(bobCopy.value("body"_L1).toString(), u"three"_s);
    QCOMPARE(bobCopy.value("conv_seq"_L1).toString(), u"2"_s);
    QCOMPARE(bobCopy.value("id"_L1), third->value("id"_L1));
}

// `last` is the newest message whoever sent it, and a reply moves nothing else.
void TestConversations::lastIsTheNewestMessageFromEitherSide()
{
    const TestDevice alice = account(u"la_alice"_s);
    const TestDevice bob = account(u"la_bob"_s);
    const TestDevice carol = account(u"la_carol"_s);
    auto a = connectDevice(alice);
    auto b = connectDevice(bob);
    QVERIFY(a && b && carol.ok());

    const auto toCarol = sendMessage(*a, u"user:la_carol"_s, u"to carol"_s);
    QVERIFY(toCarol);
    QVERIFY(clockPast(toCarol->value("ts"_L1).toInteger()));
    const auto toBob = sendMessage(*a, u"user:la_bob"_s, u"to bob"_s);
    QVERIFY(toBob);
    QVERIFY(clockPast(toBob->value("ts"_L1).toInteger()));
    const auto reply = sendMessage(*b, u"user:la_alice"_s, u"from bob"_s);
    QVERIFY(reply);

    const auto page = listConversations(*a);
    QVERIFY(page);
    QVERIFY2(pageProblem(*page).isEmpty(), qPrintable(pageProblem(*page)));
    const QJsonArray entries = entriesOf(*page);
    QCOMPARE(convsOf(entries), QStringList({ u"user:la_bob"_s, u"user:la_carol"_s }));
    const QJsonObject last = entries[0].toObject().value("last"_L1).toObject();
    QCOMPARE(last.value("conv"_L1).toString(), u"user:la_bob"_s); // as alice sees it
    QCOMPARE(last.value("from"_L1).toString(), u"la_bob"_s);
    QCOMPARE(last.value("body"_L1).toString(), u"from bob"_s);
    QCOMPARE(last.value("conv_seq"_L1).toString(), u"2"_s);
    QCOMPARE(last.value("id"_L1), reply->value("id"_L1));
    QCOMPARE(entries[0].toObject().value("unread"_L1).toInteger(), 1);
    QCOMPARE(entries[1].toObject().value("unread"_L1).toInteger(), 0);
}

// A group alice is in is listed from its creation, without `last`, at the time she joined; a
// member added later sees it at the time of joining; the first post brings it to the top.
void TestConversations::groupListedFromJoinWithoutLast()
{
    const TestDevice alice = account(u"gl_alice"_s);
    const TestDevice bob = account(u"gl_bob"_s);
    const TestDevice carol = account(u"gl_carol"_s);
    auto a = connectDevice(alice);
    auto b = connectDevice(bob);
    auto c = connectDevice(carol);
    QVERIFY(a && b && c);

    const auto hello = sendMessage(*a, u"user:gl_bob"_s, u"hello"_s);
    QVERIFY(hello);
    QVERIFY(clockPast(hello->value("ts"_L1).toInteger()));

    const auto created = a->request({ { "type"_L1, u"group.create"_s },
                                      { "name"_L1, u"Team"_s },
                                      { "members"_L1, QJsonArray { u"gl_carol"_s } } });
    QVERIFY(created);
    QCOMPARE(created->value("type"_L1).toString(), u"group"_s);
    const QJsonObject group = created->value("group"_L1).toObject();
    const QString conv = u"group:"_s + group.value("id"_L1).toString();
    const qint64 createdAt = group.value("created_at"_L1).toInteger();

    // alice: the new group first, without last, at the time she joined (its creation).
    {
        const auto page = listConversations(*a);
        QVERIFY(page);
        QVERIFY2(pageProblem(*page).isEmpty(), qPrintable(pageProblem(*page)));
        const QJsonArray entries = entriesOf(*page);
        QCOMPARE(convsOf(entries), QStringList({ conv, u"user:gl_bob"_s }));
        const QJsonObject entry = entries[0].toObject();
        QVERIFY2(!entry.contains("last"_L1), qPrintable(dump(entry)));
        QCOMPARE(entry.value("unread"_L1).toInteger(-1), 0);
        QCOMPARE(entry.value("read_seq"_L1).toString(), u"0"_s);
        QCOMPARE(entry.value("activity_ts"_L1).toInteger(), createdAt);
    }
    // carol, a member from the start: the same.
    {
        const auto page = listConversations(*c);
        QVERIFY(page);
        QVERIFY2(pageProblem(*page).isEmpty(), qPrintable(pageProblem(*page)));
        const QJsonArray entries = entriesOf(*page);
        QCOMPARE(convsOf(entries), QStringList({ conv }));
        QVERIFY(!entries[0].toObject().contains("last"_L1));
        QCOMPARE(entries[0].toObject().value("activity_ts"_L1).toInteger(), createdAt);
    }

    // alice talks to bob again: bob's conversation is now more recent than the empty group.
    QVERIFY(clockPast(createdAt));
    const auto again = sendMessage(*a, u"user:gl_bob"_s, u"again"_s);
    QVERIFY(again);
    {
        const auto page = listConversations(*a);
        QVERIFY(page);
        QVERIFY2(pageProblem(*page).isEmpty(), qPrintable(pageProblem(*page)));
        const QJsonArray entries = entriesOf(*page);
        QCOMPARE(convsOf(entries), QStringList({ u"user:gl_bob"_s, conv }));
        QVERIFY(!entries[1].toObject().contains("last"_L1));
        QCOMPARE(entries[1].toObject().value("activity_ts"_L1).toInteger(), createdAt);
    }

    // bob joins after alice's last message to him: for bob the group sorts by his join time,
    // so it comes before his conversation with alice.
    QVERIFY(clockPast(again->value("ts"_L1).toInteger()));
    const auto added = a->request({ { "type"_L1, u"group.add"_s },
                                    { "group"_L1, group.value("id"_L1) },
                                    { "members"_L1, QJsonArray { u"gl_bob"_s } } });
    QVERIFY(added);
    QCOMPARE(added->value("type"_L1).toString(), u"group"_s);
    qint64 bobJoined = 0;
    {
        const auto page = listConversations(*b);
        QVERIFY(page);
        QVERIFY2(pageProblem(*page).isEmpty(), qPrintable(pageProblem(*page)));
        const QJsonArray entries = entriesOf(*page);
        QCOMPARE(convsOf(entries), QStringList({ conv, u"user:gl_alice"_s }));
        const QJsonObject entry = entries[0].toObject();
        QVERIFY2(!entry.contains("last"_L1), qPrintable(dump(entry)));
        QCOMPARE(entry.value("unread"_L1).toInteger(-1), 0);
        bobJoined = entry.value("activity_ts"_L1).toInteger();
        QVERIFY(bobJoined > again->value("ts"_L1).toInteger());
        QVERIFY(bobJoined <= QDateTime::currentMSecsSinceEpoch());
    }

    // carol posts: the group moves to the top for alice, with that post as last.
    QVERIFY(clockPast(bobJoined));
    const auto post = sendMessage(*c, conv, u"first post"_s);
    QVERIFY(post);
    {
        const auto page = listConversations(*a);
        QVERIFY(page);
        QVERIFY2(pageProblem(*page).isEmpty(), qPrintable(pageProblem(*page)));
        const QJsonArray entries = entriesOf(*page);
        QCOMPARE(convsOf(entries), QStringList({ conv, u"user:gl_bob"_s }));
        const QJsonObject entry = entries[0].toObject();
        const QJsonObject last = entry.value("last"_L1).toObject();
        QCOMPARE(last.value("conv"_L1).toString(), conv);
        QCOMPARE(last.value("from"_L1).toString(), u"gl_carol"_s);
        QCOMPARE(last.value("body"_L1).toString(), u"first post"_s);
        QCOMPARE(last.value("conv_seq"_L1).toString(), u"1"_s);
        QCOMPARE(last.value("id"_L1), post->value("id"_L1));
        QCOMPARE(entry.value("activity_ts"_L1), post->value("ts"_L1));
        QCOMPARE(entry.value("unread"_L1).toInteger(), 1);
    }
    {
        const auto page = listConversations(*b);
        QVERIFY(page);
        const QJsonArray entries = entriesOf(*page);
        QCOMPARE(convsOf(entries), QStringList({ conv, u"user:gl_alice"_s }));
        QCOMPARE(entries[0].toObject().value("last"_L1).toObject().value("id"_L1),
                 post->value("id"_L1));
        QCOMPARE(entries[0].toObject().value("unread"_L1).toInteger(), 1);
    }
}

// 12 conversations, pages of 5 chained by before_ts: every conversation exactly once, most
// recent first, the last page says more=false.
void TestConversations::pagingVisitsEveryConversationOnce()
{
    const TestDevice main = account(u"pg_main"_s);
    const TestDevice p1 = account(u"pg_p1"_s);
    const TestDevice p2 = account(u"pg_p2"_s);
    const TestDevice p3 = account(u"pg_p3"_s);
    auto m = connectDevice(main);
    auto two = connectDevice(p2);
    QVERIFY(m && two && p1.ok() && p3.ok());

    QStringList created; // oldest first
    QVERIFY(sendMessage(*m, u"user:pg_p1"_s, u"hi p1"_s));
    created.append(u"user:pg_p1"_s);
    QVERIFY(sendMessage(*two, u"user:pg_main"_s, u"hi main"_s));
    created.append(u"user:pg_p2"_s);
    QVERIFY(sendMessage(*m, u"user:pg_p3"_s, u"hi p3"_s));
    created.append(u"user:pg_p3"_s);
    for (int i = 0; i < 9; ++i) {
        const auto group =
            m->request({ { "type"_L1, u"group.create"_s },
                         { "name"_L1, u"Paging %1"_s.arg(i) },
                         { "members"_L1, QJsonArray { u"pg_p%1"_s.arg(i % 3 + 1) } } });
        QVERIFY(group);
        QCOMPARE(group->value("type"_L1).toString(), u"group"_s);
        created.append(u"group:"_s + group->value("group"_L1).toObject().value("id"_L1).toString());
    }
    QCOMPARE(created.size(), 12);

    constexpr int kLimit = 5;
    QStringList seen;
    QList<qint64> activities;
    std::optional<qint64> beforeTs;
    int pages = 0;
    bool more = true;
    while (more) {
        QVERIFY2(++pages <= 12, "paging does not end");
        QJsonObject request { { "limit"_L1, kLimit } };
        if (beforeTs)
            request.insert("before_ts"_L1, *beforeTs);
        const auto page = listConversations(*m, request);
        QVERIFY(page);
        QVERIFY2(pageProblem(*page).isEmpty(), qPrintable(pageProblem(*page)));
        const QJsonArray entries = entriesOf(*page);
        more = page->value("more"_L1).toBool();
        QVERIFY2(!entries.isEmpty(), qPrintable(u"empty page: "_s + dump(*page)));
        // More than `limit` only to keep entries with the same activity_ts together.
        if (entries.size() > kLimit) {
            const qint64 boundary =
                entries[kLimit - 1].toObject().value("activity_ts"_L1).toInteger();
            for (qsizetype i = kLimit; i < entries.size(); ++i)
                QVERIFY2(entries[i].toObject().value("activity_ts"_L1).toInteger() == boundary,
                         qPrintable(u"page exceeds limit without a tie: "_s + dump(*page)));
        }
        for (const QJsonValue value : entries) {
            const QJsonObject entry = value.toObject();
            const qint64 activity = entry.value("activity_ts"_L1).toInteger();
            if (beforeTs)
                QVERIFY2(activity < *beforeTs,
                         qPrintable(u"entry not before before_ts: "_s + dump(entry)));
            seen.append(entry.value("conv"_L1).toString());
            activities.append(activity);
        }
        beforeTs = entries.last().toObject().value("activity_ts"_L1).toInteger();
    }
    QVERIFY2(pages >= 2, "12 conversations in pages of 5 fit one page");

    // Every conversation exactly once.
    QCOMPARE(seen.size(), created.size());
    QCOMPARE(QSet<QString>(seen.cbegin(), seen.cend()),
             QSet<QString>(created.cbegin(), created.cend()));
    // In order: most recent first; among different times, the later conversation comes first.
    for (qsizetype i = 1; i < seen.size(); ++i) {
        QVERIFY(activities[i] <= activities[i - 1]);
        if (activities[i] < activities[i - 1])
            QVERIFY2(created.indexOf(seen[i]) < created.indexOf(seen[i - 1]),
                     qPrintable(seen.join(u' ')));
    }
    // The chained pages are the unpaged list.
    const auto whole = listConversations(*m);
    QVERIFY(whole);
    QCOMPARE(whole->value("more"_L1).toBool(true), false);
    QCOMPARE(convsOf(entriesOf(*whole)), seen);
    // Nothing before the last page.
    const auto beyond =
        listConversations(*m, { { "limit"_L1, kLimit }, { "before_ts"_L1, *beforeTs } });
    QVERIFY(beyond);
    QVERIFY2(entriesOf(*beyond).isEmpty(), qPrintable(dump(*beyond)));
    QCOMPARE(beyond->value("more"_L1).toBool(true), false);
}

// Many conversations with the same activity_ts (150 groups created in one burst, which the
// server stores in a few transactions with one timestamp each), paged one at a time: a page
// never splits entries of one activity_ts, however many there are, so every conversation still
// appears exactly once.
void TestConversations::pagingKeepsTiesTogether()
{
    constexpr int kGroups = 150;
    const TestDevice user = account(u"tie_user"_s);
    auto ws = connectDevice(user);
    QVERIFY(ws);
    for (int i = 0; i < kGroups; ++i) {
        ws->send({ { "type"_L1, u"group.create"_s },
                   { "id"_L1, u"tie%1"_s.arg(i) },
                   { "name"_L1, u"Tie %1"_s.arg(i) } });
    }
    QList<QJsonObject> groups;
    const bool all = QTest::qWaitFor(
        [&] {
            groups += ws->takeAll(u"group"_s);
            return groups.size() >= kGroups || ws->hasPending(u"error"_s);
        },
        kBulkTimeoutMs);
    QVERIFY2(all && groups.size() == kGroups,
             qPrintable(u"%1 of %2 groups created"_s.arg(groups.size()).arg(kGroups)));
    QSet<QString> created;
    for (const QJsonObject &group : std::as_const(groups))
        created.insert(u"group:"_s + group.value("group"_L1).toObject().value("id"_L1).toString());
    QCOMPARE(created.size(), kGroups);

    const auto whole = listConversations(*ws, { { "limit"_L1, 500 } });
    QVERIFY(whole);
    QHash<qint64, int> ties;
    for (const QJsonValue entry : entriesOf(*whole))
        ++ties[entry.toObject().value("activity_ts"_L1).toInteger()];
    int largestTie = 0;
    for (const int count : std::as_const(ties))
        largestTie = qMax(largestTie, count);
    qInfo("%d conversations, %d distinct activity_ts, largest tie %d",
          int(entriesOf(*whole).size()), int(ties.size()), largestTie);

    QStringList seen;
    std::optional<qint64> beforeTs;
    bool more = true;
    int pages = 0;
    while (more) {
        QVERIFY2(++pages <= kGroups + 1, "paging does not end");
        QJsonObject request { { "limit"_L1, 1 } };
        if (beforeTs)
            request.insert("before_ts"_L1, *beforeTs);
        const auto page = listConversations(*ws, request);
        QVERIFY(page);
        QVERIFY2(pageProblem(*page).isEmpty(), qPrintable(pageProblem(*page)));
        const QJsonArray entries = entriesOf(*page);
        more = page->value("more"_L1).toBool();
        QVERIFY2(!entries.isEmpty(), qPrintable(u"empty page: "_s + dump(*page)));
        const qint64 last = entries.last().toObject().value("activity_ts"_L1).toInteger();
        for (const QJsonValue entry : entries) {
            seen.append(entry.toObject().value("conv"_L1).toString());
            // Beyond the limit only entries that tie with the first (limit 1).
            QCOMPARE(entry.toObject().value("activity_ts"_L1).toInteger(), last);
        }
        QVERIFY2(entries.size() == ties.value(last),
                 qPrintable(u"page of %1 entries at activity_ts %2, which %3 conversations have"_s
                                .arg(entries.size())
                                .arg(last)
                                .arg(ties.value(last))));
        beforeTs = last;
    }
    QCOMPARE(seen.size(), kGroups);
    QCOMPARE(QSet<QString>(seen.cbegin(), seen.cend()), created);
}

// bob sends alice 3 messages: 3 unread for alice, read_seq "0"; none for bob.
void TestConversations::unreadCountsMessagesFromOthers()
{
    const TestDevice alice = account(u"un_alice"_s);
    const TestDevice bob = account(u"un_bob"_s);
    auto a = connectDevice(alice);
    auto b = connectDevice(bob);
    QVERIFY(a && b);
    for (int i = 1; i <= 3; ++i)
        QVERIFY(sendMessage(*b, u"user:un_alice"_s, u"message %1"_s.arg(i)));

    const auto page = listConversations(*a);
    QVERIFY(page);
    QVERIFY2(pageProblem(*page).isEmpty(), qPrintable(pageProblem(*page)));
    const QJsonObject entry = entryFor(entriesOf(*page), u"user:un_bob"_s);
    QVERIFY2(!entry.isEmpty(), qPrintable(dump(*page)));
    QCOMPARE(entry.value("unread"_L1).toInteger(-1), 3);
    QCOMPARE(entry.value("read_seq"_L1).toString(), u"0"_s);
    QCOMPARE(entry.value("last"_L1).toObject().value("conv_seq"_L1).toString(), u"3"_s);

    const auto bobPage = listConversations(*b);
    QVERIFY(bobPage);
    const QJsonObject bobEntry = entryFor(entriesOf(*bobPage), u"user:un_alice"_s);
    QVERIFY2(!bobEntry.isEmpty(), qPrintable(dump(*bobPage)));
    QCOMPARE(bobEntry.value("unread"_L1).toInteger(-1), 0);
    QCOMPARE(bobEntry.value("read_seq"_L1).toString(), u"0"_s);
}

// alice's own messages never count as unread for her, before or after others' messages, nor
// her messages to herself.
void TestConversations::ownMessagesNeverUnread()
{
    const TestDevice alice = account(u"ow_alice"_s);
    const TestDevice bob = account(u"ow_bob"_s);
    auto a = connectDevice(alice);
    auto b = connectDevice(bob);
    QVERIFY(a && b);
    QVERIFY(sendMessage(*a, u"user:ow_bob"_s, u"mine 1"_s));
    QVERIFY(sendMessage(*b, u"user:ow_alice"_s, u"theirs"_s));
    QVERIFY(sendMessage(*a, u"user:ow_bob"_s, u"mine 2"_s));
    QVERIFY(sendMessage(*a, u"user:ow_bob"_s, u"mine 3"_s));
    QVERIFY(sendMessage(*a, u"user:ow_alice"_s, u"note to self"_s));

    const auto page = listConversations(*a);
    QVERIFY(page);
    QVERIFY2(pageProblem(*page).isEmpty(), qPrintable(pageProblem(*page)));
    const QJsonObject entry = entryFor(entriesOf(*page), u"user:ow_bob"_s);
    QVERIFY2(!entry.isEmpty(), qPrintable(dump(*page)));
    QCOMPARE(entry.value("unread"_L1).toInteger(-1), 1);
    const QJsonObject self = entryFor(entriesOf(*page), u"user:ow_alice"_s);
    QVERIFY2(!self.isEmpty(), qPrintable(dump(*page)));
    QCOMPARE(self.value("unread"_L1).toInteger(-1), 0);

    const auto bobPage = listConversations(*b);
    QVERIFY(bobPage);
    const QJsonObject bobEntry = entryFor(entriesOf(*bobPage), u"user:ow_alice"_s);
    QVERIFY2(!bobEntry.isEmpty(), qPrintable(dump(*bobPage)));
    QCOMPARE(bobEntry.value("unread"_L1).toInteger(-1), 3);
}

// A read on one device: both of alice's devices (the reading one too) get the marker, nobody
// else does, there is no other reply, and the other device's list shows it.
void TestConversations::readMarkerReachesEveryDevice()
{
    const TestDevice phone = account(u"rd_alice"_s);
    const TestDevice laptop = makeDevice(m_http, m_server, u"rd_alice"_s, false, u"laptop"_s);
    const TestDevice bob = account(u"rd_bob"_s);
    auto a1 = connectDevice(phone);
    auto a2 = connectDevice(laptop);
    auto b = connectDevice(bob);
    QVERIFY(a1 && a2 && b);
    for (int i = 1; i <= 3; ++i)
        QVERIFY(sendMessage(*b, u"user:rd_alice"_s, u"message %1"_s.arg(i)));

    a1->send(readFrame(u"user:rd_bob"_s, u"2"_s));
    const QString conv = u"user:rd_bob"_s;
    for (WsClient *device : { a1.get(), a2.get() }) {
        const auto read =
            device->waitFor([&](const QJsonObject &f) { return isReadFrame(f, conv); });
        QVERIFY(read);
        QCOMPARE(read->value("conv_seq"_L1).toString(), u"2"_s);
    }
    // No reply to the read itself (no error), one marker per device, nothing for bob.
    QVERIFY(roundTrip(*a1));
    QVERIFY(!a1->hasPending(u"error"_s));
    QVERIFY(!a1->hasPending(u"read"_s));
    QVERIFY(roundTrip(*a2));
    QVERIFY(!a2->hasPending(u"read"_s));
    QVERIFY(roundTrip(*b));
    QVERIFY(!b->hasPending(u"read"_s));

    const auto page = listConversations(*a2);
    QVERIFY(page);
    QVERIFY2(pageProblem(*page).isEmpty(), qPrintable(pageProblem(*page)));
    const QJsonObject entry = entryFor(entriesOf(*page), conv);
    QCOMPARE(entry.value("unread"_L1).toInteger(-1), 1);
    QCOMPARE(entry.value("read_seq"_L1).toString(), u"2"_s);

    // alice's marker is hers: bob's unread count and read_seq do not move.
    const auto bobPage = listConversations(*b);
    QVERIFY(bobPage);
    const QJsonObject bobEntry = entryFor(entriesOf(*bobPage), u"user:rd_alice"_s);
    QCOMPARE(bobEntry.value("unread"_L1).toInteger(-1), 0);
    QCOMPARE(bobEntry.value("read_seq"_L1).toString(), u"0"_s);

    // A device connected later learns the marker from the list.
    const TestDevice tablet = makeDevice(m_http, m_server, u"rd_alice"_s, false, u"tablet"_s);
    auto a3 = connectDevice(tablet);
    QVERIFY(a3);
    const auto later = listConversations(*a3);
    QVERIFY(later);
    QCOMPARE(entryFor(entriesOf(*later), conv).value("read_seq"_L1).toString(), u"2"_s);
}

// bob has sent alice 3 messages; alice sends the reads in order: the marker in force after each
// (as pushed back) and then unread and read_seq. Lower values do not move it back; values above
// the newest are clamped, so unread never goes negative.
void TestConversations::readMarkerValue_data()
{
    QTest::addColumn<QString>("prefix");
    QTest::addColumn<QStringList>("reads");
    QTest::addColumn<QStringList>("markers");
    QTest::addColumn<int>("unread");

    QTest::newRow("forward") << u"rv1"_s << QStringList { u"2"_s } << QStringList { u"2"_s } << 1;
    QTest::newRow("forward twice")
        << u"rv2"_s << QStringList { u"1"_s, u"2"_s } << QStringList { u"1"_s, u"2"_s } << 1;
    QTest::newRow("lower does not move back")
        << u"rv3"_s << QStringList { u"2"_s, u"1"_s } << QStringList { u"2"_s, u"2"_s } << 1;
    QTest::newRow("same again") << u"rv4"_s << QStringList { u"2"_s, u"2"_s }
                                << QStringList { u"2"_s, u"2"_s } << 1;
    QTest::newRow("newest") << u"rv5"_s << QStringList { u"3"_s } << QStringList { u"3"_s } << 0;
    QTest::newRow("above newest clamped")
        << u"rv6"_s << QStringList { u"999"_s } << QStringList { u"3"_s } << 0;
    QTest::newRow("clamped then lower")
        << u"rv7"_s << QStringList { u"999"_s, u"1"_s } << QStringList { u"3"_s, u"3"_s } << 0;
}

void TestConversations::readMarkerValue()
{
    QFETCH(QString, prefix);
    QFETCH(QStringList, reads);
    QFETCH(QStringList, markers);
    QFETCH(int, unread);

    // One reader for all rows (markers are per conversation), a new peer for each row.
    if (!m_reader.ok())
        m_reader = account(u"rv_reader"_s);
    const TestDevice bob = account(prefix + u"_peer"_s);
    auto a = connectDevice(m_reader);
    auto b = connectDevice(bob);
    QVERIFY(a && b);
    for (int i = 1; i <= 3; ++i)
        QVERIFY(sendMessage(*b, u"user:rv_reader"_s, u"message %1"_s.arg(i)));

    const QString conv = u"user:"_s + bob.username;
    for (qsizetype i = 0; i < reads.size(); ++i) {
        a->send(readFrame(conv, reads[i]));
        const auto marker = a->waitFor([&](const QJsonObject &f) { return isReadFrame(f, conv); });
        QVERIFY2(marker, qPrintable(u"no read frame after read "_s + reads[i]));
        QCOMPARE(marker->value("conv_seq"_L1).toString(), markers[i]);
    }
    QVERIFY(roundTrip(*a));
    QVERIFY(!a->hasPending(u"error"_s));

    const auto page = listConversations(*a);
    QVERIFY(page);
    QVERIFY2(pageProblem(*page).isEmpty(), qPrintable(pageProblem(*page)));
    const QJsonObject entry = entryFor(entriesOf(*page), conv);
    QCOMPARE(entry.value("unread"_L1).toInteger(-1), unread);
    QCOMPARE(entry.value("read_seq"_L1).toString(), markers.last());

    // A new message from bob counts from the marker in force.
    QVERIFY(sendMessage(*b, u"user:rv_reader"_s, u"one more"_s));
    const auto after = listConversations(*a);
    QVERIFY(after);
    QCOMPARE(entryFor(entriesOf(*after), conv).value("unread"_L1).toInteger(-1), unread + 1);
}

// In a group, unread counts the posts of the other members only; a read works there too.
void TestConversations::unreadInGroups()
{
    const TestDevice alice = account(u"ug_alice"_s);
    const TestDevice bob = account(u"ug_bob"_s);
    const TestDevice carol = account(u"ug_carol"_s);
    auto a = connectDevice(alice);
    auto b = connectDevice(bob);
    auto c = connectDevice(carol);
    QVERIFY(a && b && c);
    const auto created =
        a->request({ { "type"_L1, u"group.create"_s },
                     { "name"_L1, u"Unread"_s },
                     { "members"_L1, QJsonArray { u"ug_bob"_s, u"ug_carol"_s } } });
    QVERIFY(created);
    QCOMPARE(created->value("type"_L1).toString(), u"group"_s);
    const QString conv =
        u"group:"_s + created->value("group"_L1).toObject().value("id"_L1).toString();

    QVERIFY(sendMessage(*b, conv, u"bob 1"_s)); // conv_seq 1
    QVERIFY(sendMessage(*b, conv, u"bob 2"_s)); // 2
    QVERIFY(sendMessage(*c, conv, u"carol 1"_s)); // 3
    QVERIFY(sendMessage(*a, conv, u"alice 1"_s)); // 4
    QVERIFY(sendMessage(*a, conv, u"alice 2"_s)); // 5

    const QList<std::pair<WsClient *, int>> expected { { a.get(), 3 },
                                                       { b.get(), 3 },
                                                       { c.get(), 4 } };
    for (const auto &[device, count] : expected) {
        const auto page = listConversations(*device);
        QVERIFY(page);
        QVERIFY2(pageProblem(*page).isEmpty(), qPrintable(pageProblem(*page)));
        const QJsonObject entry = entryFor(entriesOf(*page), conv);
        QVERIFY2(!entry.isEmpty(), qPrintable(dump(*page)));
        QCOMPARE(entry.value("unread"_L1).toInteger(-1), count);
        QCOMPARE(entry.value("read_seq"_L1).toString(), u"0"_s);
        QCOMPARE(entry.value("last"_L1).toObject().value("body"_L1).toString(), u"alice 2"_s);
    }

    // alice reads up to bob's second post: carol's post is still unread (hers do not count).
    a->send(readFrame(conv, u"2"_s));
    const auto marker = a->waitFor([&](const QJsonObject &f) { return isReadFrame(f, conv); });
    QVERIFY(marker);
    QCOMPARE(marker->value("conv_seq"_L1).toString(), u"2"_s);
    const auto page = listConversations(*a);
    QVERIFY(page);
    const QJsonObject entry = entryFor(entriesOf(*page), conv);
    QCOMPARE(entry.value("unread"_L1).toInteger(-1), 1);
    QCOMPARE(entry.value("read_seq"_L1).toString(), u"2"_s);
    // bob's marker is untouched.
    QVERIFY(roundTrip(*b));
    QVERIFY(!b->hasPending(u"read"_s));
    const auto bobPage = listConversations(*b);
    QVERIFY(bobPage);
    QCOMPARE(entryFor(entriesOf(*bobPage), conv).value("unread"_L1).toInteger(-1), 3);
}

// A read for a conversation the user is not in: not_found, with the request id, and no marker.
void TestConversations::readUnknownConversation_data()
{
    QTest::addColumn<QString>("prefix");
    QTest::addColumn<QString>("kind");

    QTest::newRow("user never talked to") << u"nf1"_s << u"stranger"_s;
    QTest::newRow("unknown user") << u"nf2"_s << u"unknown user"_s;
    QTest::newRow("group of others") << u"nf3"_s << u"foreign group"_s;
    QTest::newRow("unknown group") << u"nf4"_s << u"unknown group"_s;
}

void TestConversations::readUnknownConversation()
{
    QFETCH(QString, prefix);
    QFETCH(QString, kind);

    // One user for all rows: none of them gives it a conversation.
    if (!m_outsider.ok())
        m_outsider = account(u"nf_user"_s);
    auto ws = connectDevice(m_outsider);
    QVERIFY(ws);
    QString conv;
    if (kind == "stranger"_L1) {
        const TestDevice other = account(prefix + u"_other"_s);
        QVERIFY(other.ok());
        conv = u"user:"_s + other.username;
    } else if (kind == "unknown user"_L1) {
        conv = u"user:"_s + prefix + u"_nobody"_s;
    } else if (kind == "foreign group"_L1) {
        const TestDevice owner = account(prefix + u"_owner"_s);
        auto o = connectDevice(owner);
        QVERIFY(o);
        const auto group =
            o->request({ { "type"_L1, u"group.create"_s }, { "name"_L1, u"Not yours"_s } });
        QVERIFY(group);
        QCOMPARE(group->value("type"_L1).toString(), u"group"_s);
        conv = u"group:"_s + group->value("group"_L1).toObject().value("id"_L1).toString();
        QVERIFY(sendMessage(*o, conv, u"private"_s));
    } else {
        conv = u"group:987654321987"_s;
    }

    const auto reply = ws->request(readFrame(conv, u"1"_s));
    QVERIFY(reply);
    QCOMPARE(reply->value("type"_L1).toString(), u"error"_s);
    QCOMPARE(reply->value("code"_L1).toString(), u"not_found"_s);
    QVERIFY(reply->value("id"_L1).toString().startsWith(u't'));
    QVERIFY(roundTrip(*ws));
    QVERIFY(!ws->hasPending(u"read"_s));
    // Nothing was created by it.
    const auto page = listConversations(*ws);
    QVERIFY(page);
    QVERIFY2(entriesOf(*page).isEmpty(), qPrintable(dump(*page)));
}

// Malformed read and conversations requests: bad_request with the id, connection stays.
void TestConversations::badRequest_data()
{
    QTest::addColumn<QJsonObject>("frame");

    QTest::newRow("read without conv_seq")
        << QJsonObject { { "type"_L1, u"read"_s }, { "conv"_L1, u"user:bi_peer"_s } };
    QTest::newRow("read without conv")
        << QJsonObject { { "type"_L1, u"read"_s }, { "conv_seq"_L1, u"1"_s } };
    QTest::newRow("read conv nonsense") << readFrame(u"nonsense"_s, u"1"_s);
    QTest::newRow("read conv_seq not decimal") << readFrame(u"user:bi_peer"_s, u"x"_s);
    QTest::newRow("conversations limit 0")
        << QJsonObject { { "type"_L1, u"conversations"_s }, { "limit"_L1, 0 } };
    QTest::newRow("conversations limit x")
        << QJsonObject { { "type"_L1, u"conversations"_s }, { "limit"_L1, u"x"_s } };
    QTest::newRow("conversations limit negative")
        << QJsonObject { { "type"_L1, u"conversations"_s }, { "limit"_L1, -1 } };
    QTest::newRow("conversations before_ts x")
        << QJsonObject { { "type"_L1, u"conversations"_s }, { "before_ts"_L1, u"x"_s } };
}

void TestConversations::badRequest()
{
    QFETCH(QJsonObject, frame);

    if (!m_badInputUser.ok()) {
        m_badInputUser = account(u"bi_user"_s);
        const TestDevice peer = account(u"bi_peer"_s);
        auto ws = connectDevice(m_badInputUser);
        QVERIFY(ws && peer.ok());
        QVERIFY(sendMessage(*ws, u"user:bi_peer"_s, u"so that the conversation exists"_s));
    }
    auto ws = connectDevice(m_badInputUser);
    QVERIFY(ws);
    const auto reply = ws->request(frame);
    QVERIFY(reply);
    QCOMPARE(reply->value("type"_L1).toString(), u"error"_s);
    QCOMPARE(reply->value("code"_L1).toString(), u"bad_request"_s);
    QVERIFY(reply->value("id"_L1).toString().startsWith(u't'));
    QVERIFY(ws->isOpen());
    QVERIFY(roundTrip(*ws));
    QVERIFY(!ws->hasPending(u"read"_s));
    // The marker did not move.
    const auto page = listConversations(*ws);
    QVERIFY(page);
    QCOMPARE(entryFor(entriesOf(*page), u"user:bi_peer"_s).value("read_seq"_L1).toString(), u"0"_s);
}

// sc_a sends sc_b 3,000 messages (pipelined), talks to sc_c, hears from sc_d and creates a
// group with sc_b; each step strictly later than the one before.
void TestConversations::buildScaleScenario()
{
    if (m_scaleBuilt)
        return;
    m_scaleSender = account(u"sc_a"_s);
    m_scaleReceiver = account(u"sc_b"_s);
    const TestDevice c = account(u"sc_c"_s);
    const TestDevice d = account(u"sc_d"_s);
    auto a = connectDevice(m_scaleSender);
    auto dws = connectDevice(d);
    QVERIFY(a && dws && m_scaleReceiver.ok() && c.ok());

    for (int i = 1; i <= kBulkMessages; ++i)
        a->send(sendFrame(u"user:sc_b"_s, u"bulk message %1"_s.arg(i), u"bulk-%1"_s.arg(i)));
    QList<QJsonObject> sent;
    const bool all = QTest::qWaitFor(
        [&] {
            sent += a->takeAll(u"sent"_s);
            return sent.size() >= kBulkMessages || a->hasPending(u"error"_s);
        },
        kBulkTimeoutMs);
    if (a->hasPending(u"error"_s))
        QFAIL(qPrintable(u"a bulk send failed: "_s + dump(*a->waitForType(u"error"_s))));
    QVERIFY2(all, qPrintable(u"%1 of %2 sent"_s.arg(sent.size()).arg(kBulkMessages)));
    QCOMPARE(sent.size(), kBulkMessages);
    QSet<QString> convSeqs;
    QSet<QString> seqs;
    qint64 newestTs = 0;
    for (const QJsonObject &frame : std::as_const(sent)) {
        const QJsonObject message = frame.value("message"_L1).toObject();
        convSeqs.insert(message.value("conv_seq"_L1).toString());
        seqs.insert(frame.value("seq"_L1).toString());
        newestTs = qMax(newestTs, message.value("ts"_L1).toInteger());
        if (message.value("conv_seq"_L1).toString() == QString::number(kBulkMessages))
            m_scaleLastId = message.value("id"_L1).toString();
    }
    QCOMPARE(convSeqs.size(), kBulkMessages);
    QCOMPARE(seqs.size(), kBulkMessages);
    QVERIFY(convSeqs.contains(u"1"_s) && convSeqs.contains(QString::number(kBulkMessages)));

    QVERIFY(clockPast(newestTs));
    const auto toC = sendMessage(*a, u"user:sc_c"_s, u"hello c"_s);
    QVERIFY(toC);
    QVERIFY(clockPast(toC->value("ts"_L1).toInteger()));
    const auto fromD = sendMessage(*dws, u"user:sc_a"_s, u"hello a"_s);
    QVERIFY(fromD);
    QVERIFY(clockPast(fromD->value("ts"_L1).toInteger()));
    const auto group = a->request({ { "type"_L1, u"group.create"_s },
                                    { "name"_L1, u"Scale"_s },
                                    { "members"_L1, QJsonArray { u"sc_b"_s } } });
    QVERIFY(group);
    QCOMPARE(group->value("type"_L1).toString(), u"group"_s);
    m_scaleGroup = u"group:"_s + group->value("group"_L1).toObject().value("id"_L1).toString();
    m_scaleBuilt = true;
}

// The whole list in one request, for the sender and for the receiver of 3,000 messages.
void TestConversations::scaleWholeListInOneRequest()
{
    buildScaleScenario();
    if (QTest::currentTestFailed())
        return;
    QVERIFY(m_scaleBuilt);

    auto a = connectDevice(m_scaleSender);
    QVERIFY(a);
    const auto senderPage = listConversations(*a);
    QVERIFY(senderPage);
    QVERIFY2(pageProblem(*senderPage).isEmpty(), qPrintable(pageProblem(*senderPage)));
    QCOMPARE(senderPage->value("more"_L1).toBool(true), false);
    const QJsonArray senderEntries = entriesOf(*senderPage);
    QCOMPARE(convsOf(senderEntries),
             QStringList({ m_scaleGroup, u"user:sc_d"_s, u"user:sc_c"_s, u"user:sc_b"_s }));
    const QJsonObject bulk = entryFor(senderEntries, u"user:sc_b"_s);
    QCOMPARE(bulk.value("unread"_L1).toInteger(-1), 0);
    QCOMPARE(bulk.value("last"_L1).toObject().value("conv_seq"_L1).toString(),
             QString::number(kBulkMessages));
    QCOMPARE(bulk.value("last"_L1).toObject().value("id"_L1).toString(), m_scaleLastId);
    QCOMPARE(entryFor(senderEntries, u"user:sc_d"_s).value("unread"_L1).toInteger(-1), 1);

    auto b = connectDevice(m_scaleReceiver);
    QVERIFY(b);
    const auto receiverPage = listConversations(*b);
    QVERIFY(receiverPage);
    QVERIFY2(pageProblem(*receiverPage).isEmpty(), qPrintable(pageProblem(*receiverPage)));
    QCOMPARE(receiverPage->value("more"_L1).toBool(true), false);
    const QJsonArray receiverEntries = entriesOf(*receiverPage);
    QCOMPARE(convsOf(receiverEntries), QStringList({ m_scaleGroup, u"user:sc_a"_s }));
    const QJsonObject received = receiverEntries[1].toObject();
    QCOMPARE(received.value("unread"_L1).toInteger(-1), kBulkMessages);
    QCOMPARE(received.value("read_seq"_L1).toString(), u"0"_s);
    const QJsonObject last = received.value("last"_L1).toObject();
    QCOMPARE(last.value("conv"_L1).toString(), u"user:sc_a"_s);
    QCOMPARE(last.value("from"_L1).toString(), u"sc_a"_s);
    QCOMPARE(last.value("conv_seq"_L1).toString(), QString::number(kBulkMessages));
    QCOMPARE(last.value("id"_L1).toString(), m_scaleLastId);
    QVERIFY(!receiverEntries[0].toObject().contains("last"_L1));
}

// A device that logs in after all that gets the same list in one request.
void TestConversations::newDeviceGetsSameList()
{
    buildScaleScenario();
    if (QTest::currentTestFailed())
        return;
    QVERIFY(m_scaleBuilt);

    for (const TestDevice &known : { m_scaleSender, m_scaleReceiver }) {
        auto old = connectDevice(known);
        QVERIFY(old);
        const auto before = listConversations(*old);
        QVERIFY(before);

        const TestDevice fresh =
            makeDevice(m_http, m_server, known.username, false, u"new device"_s);
        QVERIFY(fresh.ok());
        QVERIFY(fresh.deviceId != known.deviceId);
        auto ws = connectDevice(fresh);
        QVERIFY(ws);
        const auto page = listConversations(*ws);
        QVERIFY(page);
        QVERIFY2(pageProblem(*page).isEmpty(), qPrintable(pageProblem(*page)));
        QCOMPARE(page->value("more"_L1).toBool(true), false);
        QVERIFY2(entriesOf(*page) == entriesOf(*before),
                 qPrintable(dump(entriesOf(*page)) + u" vs "_s + dump(entriesOf(*before))));
        QCOMPARE(entriesOf(*page).size(), known.username == "sc_a"_L1 ? 4 : 2);
    }
    // The receiver's new device still sees all 3,000 unread.
    const TestDevice another = makeDevice(m_http, m_server, u"sc_b"_s, false, u"another"_s);
    auto ws = connectDevice(another);
    QVERIFY(ws);
    const auto page = listConversations(*ws);
    QVERIFY(page);
    QCOMPARE(entryFor(entriesOf(*page), u"user:sc_a"_s).value("unread"_L1).toInteger(-1),
             kBulkMessages);
}

QTEST_GUILESS_MAIN(TestConversations)
#include "tst_conversations.moc"
