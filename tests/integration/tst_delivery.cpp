// Message delivery (PROTOCOL.md §3.1) against a real confabd: offline delivery with sync paging,
// multi-device fan-out, messages to oneself, idempotent sends, history paging, acknowledgements,
// concurrent senders, and everything intact across a restart. Every frame is checked for the
// wire format (64-bit ids and sequence numbers as decimal strings, integer timestamps).
#include "tests/support/Accounts.h"
#include "tests/support/Json.h"
#include "tests/support/WsClient.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QTest>

#include <array>

using namespace Qt::StringLiterals;
using namespace confab::test;

namespace {

const QStringList kServerArguments { u"--log-level"_s, u"warning"_s };

quint64 decimal(const QJsonValue &value)
{
    return value.toString().toULongLong();
}

// What is wrong with a message object, or nothing.
QString messageProblem(const QJsonObject &message)
{
    if (!isDecimal(message.value("id"_L1)))
        return u"message id is not a decimal string: "_s + dump(message);
    if (!isDecimal(message.value("conv_seq"_L1)))
        return u"conv_seq is not a decimal string: "_s + dump(message);
    if (message.value("ts"_L1).toInteger(-1) <= 0)
        return u"ts is not a positive integer: "_s + dump(message);
    for (const auto key : { "conv"_L1, "from"_L1, "body"_L1, "client_id"_L1 }) {
        if (!message.value(key).isString())
            return u"message field '%1' is not a string: "_s.arg(key) + dump(message);
    }
    return {};
}

// What is wrong with a frame of the message API, or nothing.
QString frameProblem(const QJsonObject &frame)
{
    const QString type = frame.value("type"_L1).toString();
    if (type == "welcome"_L1) {
        for (const auto key : { "device_id"_L1, "latest_seq"_L1, "acked_seq"_L1 }) {
            if (!isDecimal(frame.value(key)))
                return u"welcome field '%1' is not a decimal string: "_s.arg(key) + dump(frame);
        }
    } else if (type == "sent"_L1 || type == "msg"_L1) {
        if (!isDecimal(frame.value("seq"_L1)))
            return u"seq is not a decimal string: "_s + dump(frame);
        return messageProblem(frame.value("message"_L1).toObject());
    } else if (type == "sync"_L1) {
        if (!frame.value("entries"_L1).isArray() || !frame.value("more"_L1).isBool())
            return u"sync page without entries or more: "_s + dump(frame);
        for (const QJsonValue entry : frame.value("entries"_L1).toArray()) {
            if (!isDecimal(entry.toObject().value("seq"_L1)))
                return u"sync entry seq is not a decimal string: "_s + dump(frame);
            const QString problem = messageProblem(entry.toObject().value("message"_L1).toObject());
            if (!problem.isEmpty())
                return problem;
        }
    } else if (type == "history"_L1) {
        if (!frame.value("messages"_L1).isArray() || !frame.value("more"_L1).isBool())
            return u"history page without messages or more: "_s + dump(frame);
        for (const QJsonValue message : frame.value("messages"_L1).toArray()) {
            const QString problem = messageProblem(message.toObject());
            if (!problem.isEmpty())
                return problem;
        }
    }
    return {};
}

QJsonObject sendFrame(const QString &to, const QString &body, const QString &clientId)
{
    return {
        { "type"_L1, u"send"_s }, { "to"_L1, to }, { "body"_L1, body }, { "client_id"_L1, clientId }
    };
}

QJsonObject ackFrame(const QString &seq)
{
    return { { "type"_L1, u"ack"_s }, { "seq"_L1, seq } };
}

QJsonObject messageOf(const QJsonObject &frame)
{
    return frame.value("message"_L1).toObject();
}

QString seqOf(const QJsonObject &frame)
{
    return frame.value("seq"_L1).toString();
}

QString idOf(const QJsonObject &frame)
{
    return messageOf(frame).value("id"_L1).toString();
}

} // namespace

#define VERIFY_FRAME(frame)                                                                        \
    do {                                                                                           \
        const QString problem_ = frameProblem(frame);                                              \
        QVERIFY2(problem_.isEmpty(), qPrintable(problem_));                                        \
    } while (false)

#define RETURN_IF_FAILED()                                                                         \
    do {                                                                                           \
        if (QTest::currentTestFailed())                                                            \
            return;                                                                                \
    } while (false)

namespace {

// Registers `username` (or only logs in another device) and checks it worked.
void newDevice(HttpClient &http, const ServerProcess &server, const QString &username,
               TestDevice &device, bool registerFirst = true)
{
    device = makeDevice(http, server, username, registerFirst);
    QVERIFY2(device.ok(), qPrintable(u"could not set up a device of "_s + username));
}

void connectDevice(WsClient &client, const ServerProcess &server, const TestDevice &device,
                   QJsonObject *welcome = nullptr)
{
    const auto frame = client.login(server.wsUrl(), device.token);
    QVERIFY2(frame, qPrintable(u"no welcome for "_s + device.username));
    QCOMPARE(frame->value("type"_L1).toString(), u"welcome"_s);
    QCOMPARE(frame->value("username"_L1).toString(), device.username);
    QCOMPARE(frame->value("device_id"_L1).toString(), device.deviceId);
    VERIFY_FRAME(*frame);
    if (welcome)
        *welcome = *frame;
}

void sendMessage(WsClient &client, const QString &to, const QString &body, const QString &clientId,
                 QJsonObject &sent)
{
    const auto reply = client.request(sendFrame(to, body, clientId));
    QVERIFY2(reply, "no reply to send");
    QVERIFY2(reply->value("type"_L1).toString() == "sent"_L1, qPrintable(dump(*reply)));
    VERIFY_FRAME(*reply);
    sent = *reply;
}

// Sends all `bodies` without waiting in between, then waits for every `sent` (in send order).
void sendBurst(WsClient &client, const QString &to, const QStringList &bodies,
               const QString &clientIdPrefix, QList<QJsonObject> &sents)
{
    for (qsizetype i = 0; i < bodies.size(); ++i) {
        QJsonObject frame = sendFrame(to, bodies[i], clientIdPrefix + QString::number(i));
        frame.insert("id"_L1, u"burst-%1"_s.arg(i));
        client.send(frame);
    }
    sents.clear();
    for (qsizetype i = 0; i < bodies.size(); ++i) {
        const QString id = u"burst-%1"_s.arg(i);
        const auto reply =
            client.waitFor([&](const QJsonObject &f) { return f.value("id"_L1).toString() == id; });
        QVERIFY2(reply, qPrintable(u"no reply to "_s + id));
        QVERIFY2(reply->value("type"_L1).toString() == "sent"_L1, qPrintable(dump(*reply)));
        VERIFY_FRAME(*reply);
        sents.append(*reply);
    }
}

// A ping/pong round trip: everything the server sent before the pong is in the client then.
void roundTrip(WsClient &client)
{
    const auto pong = client.request({ { "type"_L1, u"ping"_s } });
    QVERIFY2(pong, "no pong");
    QCOMPARE(pong->value("type"_L1).toString(), u"pong"_s);
}

// Acks `seq` and waits until the server has applied it: acks are applied in order, so once the
// error for a later ack that is certainly refused (above latest_seq) is here, this one is stored.
// Checks that the ack itself was not answered.
void ackAndSettle(WsClient &client, const QString &seq)
{
    client.send(ackFrame(seq));
    client.send(ackFrame(u"999999999"_s));
    const auto refused = client.waitForType(u"error"_s);
    QVERIFY2(refused, "no error for an ack above latest_seq");
    QCOMPARE(refused->value("code"_L1).toString(), u"bad_request"_s);
    roundTrip(client);
    RETURN_IF_FAILED();
    QVERIFY2(!client.hasPending(u"error"_s),
             qPrintable(u"ack "_s + seq + u" was refused: "_s + dump(*refused)));
    QVERIFY2(!client.hasPending(u"ack"_s), "ack was answered");
}

// Pages through the inbox from `after` until `more` is false.
void syncAll(WsClient &client, const QString &after, int limit, QList<QJsonObject> &entries,
             int *pageCount = nullptr)
{
    entries.clear();
    QString cursor = after;
    int pages = 0;
    for (;;) {
        QJsonObject request { { "type"_L1, u"sync"_s }, { "after"_L1, cursor } };
        if (limit > 0)
            request.insert("limit"_L1, limit);
        const auto page = client.request(request);
        QVERIFY2(page, "no sync page");
        QVERIFY2(page->value("type"_L1).toString() == "sync"_L1, qPrintable(dump(*page)));
        VERIFY_FRAME(*page);
        ++pages;
        QVERIFY2(pages <= 1000, "sync does not end");
        const QJsonArray pageEntries = page->value("entries"_L1).toArray();
        if (limit > 0)
            QVERIFY2(pageEntries.size() <= limit, qPrintable(dump(*page)));
        for (const QJsonValue entry : pageEntries)
            entries.append(entry.toObject());
        if (!page->value("more"_L1).toBool())
            break;
        QVERIFY2(!pageEntries.isEmpty(), "an empty sync page says more");
        cursor = pageEntries.last().toObject().value("seq"_L1).toString();
    }
    if (pageCount)
        *pageCount = pages;
}

void history(WsClient &client, const QString &conv, const QString &before, int limit,
             QJsonObject &page)
{
    QJsonObject request { { "type"_L1, u"history"_s }, { "conv"_L1, conv } };
    if (!before.isEmpty())
        request.insert("before"_L1, before);
    if (limit > 0)
        request.insert("limit"_L1, limit);
    const auto reply = client.request(request);
    QVERIFY2(reply, "no history page");
    QVERIFY2(reply->value("type"_L1).toString() == "history"_L1, qPrintable(dump(*reply)));
    QCOMPARE(reply->value("conv"_L1).toString(), conv);
    VERIFY_FRAME(*reply);
    page = *reply;
}

QList<QJsonObject> messagesOf(const QJsonObject &historyPage)
{
    QList<QJsonObject> messages;
    for (const QJsonValue message : historyPage.value("messages"_L1).toArray())
        messages.append(message.toObject());
    return messages;
}

} // namespace

class TestDelivery : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void offlineDeliveryPagesGapFree();
    void liveDeliveryToEveryDevice();
    void ownSendReachesOtherDevicesOnly();
    void messageToSelf();
    void idempotentSend();
    void historyPaging_data();
    void historyPaging();
    void historyEmptyOrUnknown_data();
    void historyEmptyOrUnknown();
    void ack_data();
    void ack();
    void ackErrorEchoesRequestId_data();
    void ackErrorEchoesRequestId();
    void ackedSeqIsPerDevice();
    void idsAndTimestampsGrow();
    void concurrentSenders_data();
    void concurrentSenders();
    void restartKeepsEverything();

private:
    void makeHistoryFixture();

    ServerProcess m_server { kServerArguments };
    HttpClient m_http;

    // historyPaging: 30 messages from hialice to hibob, sent once for all rows.
    struct HistoryFixture
    {
        TestDevice alice, bob, carol;
        QStringList idByConvSeq; // index conv_seq - 1
        QStringList bodyByConvSeq;
    };
    std::optional<HistoryFixture> m_history;
};

void TestDelivery::initTestCase()
{
    QVERIFY2(m_server.start(), qPrintable(m_server.errorString()));
}

void TestDelivery::cleanupTestCase()
{
    QCOMPARE(m_server.stop(), 0);
}

// 50 messages to a user without a connection; the user connects and pages them in with sync.
void TestDelivery::offlineDeliveryPagesGapFree()
{
    TestDevice alice, bob;
    newDevice(m_http, m_server, u"alice"_s, alice);
    newDevice(m_http, m_server, u"bob"_s, bob);
    RETURN_IF_FAILED();

    WsClient a;
    connectDevice(a, m_server, alice);
    RETURN_IF_FAILED();
    QStringList bodies;
    for (int i = 1; i <= 50; ++i)
        bodies.append(u"offline message %1"_s.arg(i));
    QList<QJsonObject> sents;
    sendBurst(a, u"user:bob"_s, bodies, u"off-"_s, sents);
    RETURN_IF_FAILED();

    WsClient b;
    QJsonObject welcome;
    connectDevice(b, m_server, bob, &welcome);
    RETURN_IF_FAILED();
    QCOMPARE(welcome.value("latest_seq"_L1).toString(), u"50"_s);
    QCOMPARE(welcome.value("acked_seq"_L1).toString(), u"0"_s);

    QList<QJsonObject> entries;
    int pages = 0;
    syncAll(b, u"0"_s, 7, entries, &pages);
    RETURN_IF_FAILED();
    QCOMPARE(entries.size(), 50);
    QVERIFY2(pages >= 8, qPrintable(u"50 entries in %1 pages of at most 7"_s.arg(pages)));
    for (int i = 0; i < 50; ++i) {
        const QJsonObject message = messageOf(entries[i]);
        QCOMPARE(seqOf(entries[i]), QString::number(i + 1));
        QCOMPARE(message.value("body"_L1).toString(), bodies[i]);
        QCOMPARE(message.value("conv"_L1).toString(), u"user:alice"_s);
        QCOMPARE(message.value("from"_L1).toString(), u"alice"_s);
        QCOMPARE(message.value("conv_seq"_L1).toString(), QString::number(i + 1));
        QCOMPARE(message.value("client_id"_L1).toString(), u"off-%1"_s.arg(i));
        QCOMPARE(message.value("id"_L1).toString(), idOf(sents[i]));
    }

    // The default limit (100) takes all of it in one page; nothing lies after the newest.
    syncAll(b, u"0"_s, 0, entries, &pages);
    RETURN_IF_FAILED();
    QCOMPARE(entries.size(), 50);
    QCOMPARE(pages, 1);
    syncAll(b, u"50"_s, 7, entries, &pages);
    RETURN_IF_FAILED();
    QVERIFY(entries.isEmpty());
    QCOMPARE(pages, 1);
}

// Both online devices of the recipient get the message live, once, as the same inbox entry.
void TestDelivery::liveDeliveryToEveryDevice()
{
    TestDevice alice, bob1, bob2;
    newDevice(m_http, m_server, u"mdalice"_s, alice);
    newDevice(m_http, m_server, u"mdbob"_s, bob1);
    newDevice(m_http, m_server, u"mdbob"_s, bob2, false);
    RETURN_IF_FAILED();
    QVERIFY(bob1.deviceId != bob2.deviceId);

    WsClient a, b1, b2;
    connectDevice(a, m_server, alice);
    connectDevice(b1, m_server, bob1);
    connectDevice(b2, m_server, bob2);
    RETURN_IF_FAILED();

    QJsonObject sent;
    sendMessage(a, u"user:mdbob"_s, u"to both devices"_s, u"md-1"_s, sent);
    RETURN_IF_FAILED();

    const auto pushed1 = b1.waitForType(u"msg"_s);
    const auto pushed2 = b2.waitForType(u"msg"_s);
    QVERIFY(pushed1 && pushed2);
    VERIFY_FRAME(*pushed1);
    VERIFY_FRAME(*pushed2);
    QCOMPARE(seqOf(*pushed1), u"1"_s);
    QCOMPARE(seqOf(*pushed2), seqOf(*pushed1));
    QCOMPARE(idOf(*pushed1), idOf(sent));
    QCOMPARE(idOf(*pushed2), idOf(sent));
    QCOMPARE(messageOf(*pushed1).value("conv"_L1).toString(), u"user:mdalice"_s);
    QCOMPARE(messageOf(*pushed2).value("conv"_L1).toString(), u"user:mdalice"_s);
    QCOMPARE(messageOf(*pushed1).value("body"_L1).toString(), u"to both devices"_s);

    // Exactly once per device, and the sending device gets none.
    roundTrip(b1);
    roundTrip(b2);
    roundTrip(a);
    RETURN_IF_FAILED();
    QVERIFY(!b1.hasPending(u"msg"_s));
    QVERIFY(!b2.hasPending(u"msg"_s));
    QVERIFY(!a.hasPending(u"msg"_s));
}

// A message sent from one device appears on the user's other device, not on the sending one.
void TestDelivery::ownSendReachesOtherDevicesOnly()
{
    TestDevice alice, bob1, bob2;
    newDevice(m_http, m_server, u"odalice"_s, alice);
    newDevice(m_http, m_server, u"odbob"_s, bob1);
    newDevice(m_http, m_server, u"odbob"_s, bob2, false);
    RETURN_IF_FAILED();

    WsClient a, b1, b2;
    connectDevice(a, m_server, alice);
    connectDevice(b1, m_server, bob1);
    connectDevice(b2, m_server, bob2);
    RETURN_IF_FAILED();

    QJsonObject sent;
    sendMessage(b1, u"user:odalice"_s, u"from device one"_s, u"od-1"_s, sent);
    RETURN_IF_FAILED();
    QCOMPARE(seqOf(sent), u"1"_s);
    QCOMPARE(messageOf(sent).value("conv"_L1).toString(), u"user:odalice"_s);
    QCOMPARE(messageOf(sent).value("from"_L1).toString(), u"odbob"_s);

    const auto mirrored = b2.waitForType(u"msg"_s);
    QVERIFY(mirrored);
    VERIFY_FRAME(*mirrored);
    QCOMPARE(seqOf(*mirrored), seqOf(sent));
    QCOMPARE(idOf(*mirrored), idOf(sent));
    QCOMPARE(messageOf(*mirrored).value("conv"_L1).toString(), u"user:odalice"_s);
    QCOMPARE(messageOf(*mirrored).value("from"_L1).toString(), u"odbob"_s);
    QCOMPARE(messageOf(*mirrored).value("body"_L1).toString(), u"from device one"_s);
    QCOMPARE(messageOf(*mirrored).value("client_id"_L1).toString(), u"od-1"_s);

    const auto received = a.waitForType(u"msg"_s);
    QVERIFY(received);
    VERIFY_FRAME(*received);
    QCOMPARE(idOf(*received), idOf(sent));
    QCOMPARE(messageOf(*received).value("conv"_L1).toString(), u"user:odbob"_s);

    roundTrip(b1);
    RETURN_IF_FAILED();
    QVERIFY2(!b1.hasPending(u"msg"_s), "the sending device got a msg for its own send");
}

// A message to oneself: one inbox entry, conv user:<self>, mirrored to the other device.
void TestDelivery::messageToSelf()
{
    TestDevice self1, self2;
    newDevice(m_http, m_server, u"selfie"_s, self1);
    newDevice(m_http, m_server, u"selfie"_s, self2, false);
    RETURN_IF_FAILED();

    WsClient d1, d2;
    connectDevice(d1, m_server, self1);
    connectDevice(d2, m_server, self2);
    RETURN_IF_FAILED();

    QJsonObject sent;
    sendMessage(d1, u"user:selfie"_s, u"note to self"_s, u"self-1"_s, sent);
    RETURN_IF_FAILED();
    QCOMPARE(seqOf(sent), u"1"_s);
    QCOMPARE(messageOf(sent).value("conv"_L1).toString(), u"user:selfie"_s);
    QCOMPARE(messageOf(sent).value("from"_L1).toString(), u"selfie"_s);
    QCOMPARE(messageOf(sent).value("conv_seq"_L1).toString(), u"1"_s);

    const auto mirrored = d2.waitForType(u"msg"_s);
    QVERIFY(mirrored);
    VERIFY_FRAME(*mirrored);
    QCOMPARE(seqOf(*mirrored), u"1"_s);
    QCOMPARE(idOf(*mirrored), idOf(sent));
    QCOMPARE(messageOf(*mirrored).value("conv"_L1).toString(), u"user:selfie"_s);

    roundTrip(d1);
    roundTrip(d2);
    RETURN_IF_FAILED();
    QVERIFY2(!d1.hasPending(u"msg"_s), "the sending device got a msg for its own send");
    QVERIFY2(!d2.hasPending(u"msg"_s), "the other device got the message twice");

    QList<QJsonObject> entries;
    syncAll(d2, u"0"_s, 0, entries);
    RETURN_IF_FAILED();
    QCOMPARE(entries.size(), 1);
    QCOMPARE(seqOf(entries[0]), u"1"_s);
    QCOMPARE(idOf(entries[0]), idOf(sent));
    QCOMPARE(messageOf(entries[0]).value("conv"_L1).toString(), u"user:selfie"_s);

    WsClient again;
    QJsonObject welcome;
    connectDevice(again, m_server, self1, &welcome);
    RETURN_IF_FAILED();
    QCOMPARE(welcome.value("latest_seq"_L1).toString(), u"1"_s);

    QJsonObject page;
    history(d1, u"user:selfie"_s, {}, 0, page);
    RETURN_IF_FAILED();
    const QList<QJsonObject> messages = messagesOf(page);
    QCOMPARE(messages.size(), 1);
    QCOMPARE(messages[0].value("id"_L1).toString(), idOf(sent));
    QCOMPARE(page.value("more"_L1).toBool(), false);
}

// The same client_id from the same user is one message, whichever device repeats it.
void TestDelivery::idempotentSend()
{
    TestDevice alice1, alice2, bob, carol;
    newDevice(m_http, m_server, u"idalice"_s, alice1);
    newDevice(m_http, m_server, u"idalice"_s, alice2, false);
    newDevice(m_http, m_server, u"idbob"_s, bob);
    newDevice(m_http, m_server, u"idcarol"_s, carol);
    RETURN_IF_FAILED();

    WsClient a1, b;
    connectDevice(a1, m_server, alice1);
    connectDevice(b, m_server, bob);
    RETURN_IF_FAILED();

    QJsonObject first;
    sendMessage(a1, u"user:idbob"_s, u"only once"_s, u"same-key"_s, first);
    RETURN_IF_FAILED();
    const auto pushed = b.waitForType(u"msg"_s);
    QVERIFY(pushed);
    QCOMPARE(idOf(*pushed), idOf(first));

    QJsonObject repeat;
    sendMessage(a1, u"user:idbob"_s, u"only once"_s, u"same-key"_s, repeat);
    RETURN_IF_FAILED();
    QCOMPARE(seqOf(repeat), seqOf(first));
    QCOMPARE(idOf(repeat), idOf(first));
    QCOMPARE(messageOf(repeat), messageOf(first));

    roundTrip(b);
    RETURN_IF_FAILED();
    QVERIFY2(!b.hasPending(u"msg"_s), "the recipient got the repeated send again");
    QList<QJsonObject> entries;
    syncAll(b, u"0"_s, 0, entries);
    RETURN_IF_FAILED();
    QCOMPARE(entries.size(), 1);
    QCOMPARE(idOf(entries[0]), idOf(first));
    syncAll(a1, u"0"_s, 0, entries);
    RETURN_IF_FAILED();
    QCOMPARE(entries.size(), 1);

    // From the user's other device, even with another body: the original comes back.
    WsClient a2;
    connectDevice(a2, m_server, alice2);
    RETURN_IF_FAILED();
    QJsonObject fromOtherDevice;
    sendMessage(a2, u"user:idbob"_s, u"a different body"_s, u"same-key"_s, fromOtherDevice);
    RETURN_IF_FAILED();
    QCOMPARE(seqOf(fromOtherDevice), seqOf(first));
    QCOMPARE(idOf(fromOtherDevice), idOf(first));
    QCOMPARE(messageOf(fromOtherDevice).value("body"_L1).toString(), u"only once"_s);
    roundTrip(b);
    roundTrip(a1);
    RETURN_IF_FAILED();
    QVERIFY(!b.hasPending(u"msg"_s));
    QVERIFY2(!a1.hasPending(u"msg"_s), "a repeat from another device was mirrored as new");
    syncAll(b, u"0"_s, 0, entries);
    RETURN_IF_FAILED();
    QCOMPARE(entries.size(), 1);

    // The same client_id from another user is another message.
    WsClient c;
    connectDevice(c, m_server, carol);
    RETURN_IF_FAILED();
    QJsonObject carolSent;
    sendMessage(c, u"user:idbob"_s, u"carol's message"_s, u"same-key"_s, carolSent);
    RETURN_IF_FAILED();
    QVERIFY(idOf(carolSent) != idOf(first));
    QCOMPARE(seqOf(carolSent), u"1"_s);
    QCOMPARE(messageOf(carolSent).value("conv_seq"_L1).toString(), u"1"_s);
    const auto fromCarol = b.waitForType(u"msg"_s);
    QVERIFY(fromCarol);
    QCOMPARE(seqOf(*fromCarol), u"2"_s);
    QCOMPARE(idOf(*fromCarol), idOf(carolSent));
    QCOMPARE(messageOf(*fromCarol).value("conv"_L1).toString(), u"user:idcarol"_s);
    QCOMPARE(messageOf(*fromCarol).value("body"_L1).toString(), u"carol's message"_s);
    syncAll(b, u"0"_s, 0, entries);
    RETURN_IF_FAILED();
    QCOMPARE(entries.size(), 2);
}

void TestDelivery::makeHistoryFixture()
{
    if (m_history)
        return;
    HistoryFixture fixture;
    newDevice(m_http, m_server, u"hialice"_s, fixture.alice);
    newDevice(m_http, m_server, u"hibob"_s, fixture.bob);
    newDevice(m_http, m_server, u"hicarol"_s, fixture.carol);
    RETURN_IF_FAILED();
    WsClient a;
    connectDevice(a, m_server, fixture.alice);
    RETURN_IF_FAILED();
    for (int i = 1; i <= 30; ++i)
        fixture.bodyByConvSeq.append(u"history %1"_s.arg(i));
    QList<QJsonObject> sents;
    sendBurst(a, u"user:hibob"_s, fixture.bodyByConvSeq, u"hist-"_s, sents);
    RETURN_IF_FAILED();
    for (int i = 0; i < 30; ++i) {
        QCOMPARE(messageOf(sents[i]).value("conv_seq"_L1).toString(), QString::number(i + 1));
        fixture.idByConvSeq.append(idOf(sents[i]));
    }
    m_history = fixture;
}

void TestDelivery::historyPaging_data()
{
    QTest::addColumn<bool>("asSender");
    QTest::addColumn<QString>("before");
    QTest::addColumn<int>("firstConvSeq");
    QTest::addColumn<int>("lastConvSeq");
    QTest::addColumn<bool>("more");

    for (const bool asSender : { true, false }) {
        const char *who = asSender ? "sender" : "recipient";
        QTest::addRow("%s, newest", who) << asSender << QString() << 21 << 30 << true;
        QTest::addRow("%s, before 21", who) << asSender << u"21"_s << 11 << 20 << true;
        QTest::addRow("%s, before 11", who) << asSender << u"11"_s << 1 << 10 << false;
    }
}

// 30 messages paged 10 at a time, newest page first, each page in ascending order; both
// participants see the same messages under their own name for the conversation.
void TestDelivery::historyPaging()
{
    QFETCH(bool, asSender);
    QFETCH(QString, before);
    QFETCH(int, firstConvSeq);
    QFETCH(int, lastConvSeq);
    QFETCH(bool, more);

    makeHistoryFixture();
    RETURN_IF_FAILED();
    QVERIFY(m_history);
    const TestDevice &viewer = asSender ? m_history->alice : m_history->bob;
    const QString conv = asSender ? u"user:hibob"_s : u"user:hialice"_s;

    WsClient client;
    connectDevice(client, m_server, viewer);
    RETURN_IF_FAILED();
    QJsonObject page;
    history(client, conv, before, 10, page);
    RETURN_IF_FAILED();
    const QList<QJsonObject> messages = messagesOf(page);
    QCOMPARE(messages.size(), lastConvSeq - firstConvSeq + 1);
    for (int i = 0; i < messages.size(); ++i) {
        const int convSeq = firstConvSeq + i;
        QCOMPARE(messages[i].value("conv_seq"_L1).toString(), QString::number(convSeq));
        QCOMPARE(messages[i].value("id"_L1).toString(), m_history->idByConvSeq[convSeq - 1]);
        QCOMPARE(messages[i].value("body"_L1).toString(), m_history->bodyByConvSeq[convSeq - 1]);
        QCOMPARE(messages[i].value("conv"_L1).toString(), conv);
        QCOMPARE(messages[i].value("from"_L1).toString(), u"hialice"_s);
    }
    QCOMPARE(page.value("more"_L1).toBool(), more);
}

void TestDelivery::historyEmptyOrUnknown_data()
{
    QTest::addColumn<QString>("conv");
    QTest::addColumn<QString>("errorCode"); // empty: an empty page

    QTest::newRow("never talked to") << u"user:hicarol"_s << QString();
    QTest::newRow("unknown user") << u"user:nosuchuser"_s << u"not_found"_s;
}

void TestDelivery::historyEmptyOrUnknown()
{
    QFETCH(QString, conv);
    QFETCH(QString, errorCode);

    makeHistoryFixture();
    RETURN_IF_FAILED();
    QVERIFY(m_history);
    WsClient client;
    connectDevice(client, m_server, m_history->alice);
    RETURN_IF_FAILED();

    const auto reply = client.request({ { "type"_L1, u"history"_s }, { "conv"_L1, conv } });
    QVERIFY(reply);
    if (errorCode.isEmpty()) {
        QVERIFY2(reply->value("type"_L1).toString() == "history"_L1, qPrintable(dump(*reply)));
        QCOMPARE(reply->value("conv"_L1).toString(), conv);
        QVERIFY(reply->value("messages"_L1).isArray());
        QVERIFY(reply->value("messages"_L1).toArray().isEmpty());
        QCOMPARE(reply->value("more"_L1), QJsonValue(false));
    } else {
        QVERIFY2(reply->value("type"_L1).toString() == "error"_L1, qPrintable(dump(*reply)));
        QCOMPARE(reply->value("code"_L1).toString(), errorCode);
    }
    QVERIFY(client.isOpen());
}

void TestDelivery::ack_data()
{
    QTest::addColumn<QString>("user");
    QTest::addColumn<QStringList>("acks"); // the inbox holds 10 entries
    QTest::addColumn<int>("errors"); // how many of the acks are answered bad_request
    QTest::addColumn<QString>("ackedSeq"); // in the welcome of the next connection

    QTest::newRow("ack 5") << u"ackfive"_s << QStringList { u"5"_s } << 0 << u"5"_s;
    QTest::newRow("lower ack ignored")
        << u"acklower"_s << QStringList { u"5"_s, u"3"_s } << 0 << u"5"_s;
    QTest::newRow("ack the latest") << u"acklatest"_s << QStringList { u"10"_s } << 0 << u"10"_s;
    QTest::newRow("ack zero") << u"ackzero"_s << QStringList { u"0"_s } << 0 << u"0"_s;
    QTest::newRow("above latest") << u"ackabove"_s << QStringList { u"11"_s } << 1 << u"0"_s;
    QTest::newRow("above latest after a valid ack")
        << u"ackvalidabove"_s << QStringList { u"5"_s, u"11"_s } << 1 << u"5"_s;
}

// ack stores the device's position (only forwards, never above latest_seq), and has no reply.
void TestDelivery::ack()
{
    QFETCH(QString, user);
    QFETCH(QStringList, acks);
    QFETCH(int, errors);
    QFETCH(QString, ackedSeq);

    TestDevice sender, device;
    newDevice(m_http, m_server, user + u"_s"_s, sender);
    newDevice(m_http, m_server, user, device);
    RETURN_IF_FAILED();
    WsClient s;
    connectDevice(s, m_server, sender);
    RETURN_IF_FAILED();
    QStringList bodies;
    for (int i = 1; i <= 10; ++i)
        bodies.append(u"to ack %1"_s.arg(i));
    QList<QJsonObject> sents;
    sendBurst(s, u"user:"_s + user, bodies, u"ack-"_s, sents);
    RETURN_IF_FAILED();

    WsClient client;
    QJsonObject welcome;
    connectDevice(client, m_server, device, &welcome);
    RETURN_IF_FAILED();
    QCOMPARE(welcome.value("latest_seq"_L1).toString(), u"10"_s);
    QCOMPARE(welcome.value("acked_seq"_L1).toString(), u"0"_s);

    for (const QString &seq : acks)
        client.send(ackFrame(seq));
    // A probe that is certainly refused: its error comes after whatever the acks caused.
    client.send(ackFrame(u"1000"_s));
    roundTrip(client);
    RETURN_IF_FAILED();
    for (int i = 0; i < errors + 1; ++i) {
        const auto error = client.waitForType(u"error"_s);
        QVERIFY2(error, qPrintable(u"expected %1 errors, got %2"_s.arg(errors + 1).arg(i)));
        QCOMPARE(error->value("code"_L1).toString(), u"bad_request"_s);
    }
    roundTrip(client);
    RETURN_IF_FAILED();
    QVERIFY2(!client.hasPending(u"error"_s), qPrintable(dump(client.takeAll(u"error"_s).value(0))));
    QVERIFY2(!client.hasPending(u"ack"_s), "ack was answered");
    QVERIFY(client.isOpen());

    WsClient reconnected;
    connectDevice(reconnected, m_server, device, &welcome);
    RETURN_IF_FAILED();
    QCOMPARE(welcome.value("acked_seq"_L1).toString(), ackedSeq);
    QCOMPARE(welcome.value("latest_seq"_L1).toString(), u"10"_s);
}

void TestDelivery::ackErrorEchoesRequestId_data()
{
    QTest::addColumn<QString>("user");
    QTest::addColumn<QJsonValue>("seq");

    QTest::newRow("malformed seq") << u"ackecho1"_s << QJsonValue(u"five"_s);
    QTest::newRow("above latest") << u"ackecho2"_s << QJsonValue(u"1"_s);
}

// "Any failed request is answered {"type":"error","id":...}": an ack carrying an id, too.
void TestDelivery::ackErrorEchoesRequestId()
{
    QFETCH(QString, user);
    QFETCH(QJsonValue, seq);

    TestDevice device;
    newDevice(m_http, m_server, user, device);
    RETURN_IF_FAILED();
    WsClient client;
    QJsonObject welcome;
    connectDevice(client, m_server, device, &welcome);
    RETURN_IF_FAILED();
    QCOMPARE(welcome.value("latest_seq"_L1).toString(), u"0"_s);

    client.send({ { "type"_L1, u"ack"_s }, { "id"_L1, u"ack-req"_s }, { "seq"_L1, seq } });
    const auto error = client.waitForType(u"error"_s);
    QVERIFY2(error, "no error for a bad ack");
    QCOMPARE(error->value("code"_L1).toString(), u"bad_request"_s);
    QVERIFY2(error->value("id"_L1) == QJsonValue(u"ack-req"_s),
             qPrintable(u"the request id is not echoed: "_s + dump(*error)));
    roundTrip(client);
    RETURN_IF_FAILED();
    QVERIFY(client.isOpen());
}

// Each device has its own acked_seq; a new device starts at 0.
void TestDelivery::ackedSeqIsPerDevice()
{
    TestDevice sender, device1, device2;
    newDevice(m_http, m_server, u"apdsender"_s, sender);
    newDevice(m_http, m_server, u"apdalice"_s, device1);
    newDevice(m_http, m_server, u"apdalice"_s, device2, false);
    RETURN_IF_FAILED();
    WsClient s;
    connectDevice(s, m_server, sender);
    RETURN_IF_FAILED();
    QList<QJsonObject> sents;
    sendBurst(s, u"user:apdalice"_s, { u"one"_s, u"two"_s, u"three"_s, u"four"_s, u"five"_s },
              u"apd-"_s, sents);
    RETURN_IF_FAILED();

    QJsonObject welcome;
    {
        WsClient d1;
        connectDevice(d1, m_server, device1, &welcome);
        RETURN_IF_FAILED();
        QCOMPARE(welcome.value("acked_seq"_L1).toString(), u"0"_s);
        ackAndSettle(d1, u"5"_s);
        RETURN_IF_FAILED();
    }
    {
        WsClient d1;
        connectDevice(d1, m_server, device1, &welcome);
        RETURN_IF_FAILED();
        QCOMPARE(welcome.value("acked_seq"_L1).toString(), u"5"_s);
    }

    WsClient d2;
    connectDevice(d2, m_server, device2, &welcome);
    RETURN_IF_FAILED();
    QCOMPARE(welcome.value("latest_seq"_L1).toString(), u"5"_s);
    QCOMPARE(welcome.value("acked_seq"_L1).toString(), u"0"_s);

    // Device 2's own ack moves only device 2.
    ackAndSettle(d2, u"2"_s);
    RETURN_IF_FAILED();
    WsClient again;
    connectDevice(again, m_server, device2, &welcome);
    RETURN_IF_FAILED();
    QCOMPARE(welcome.value("acked_seq"_L1).toString(), u"2"_s);
    WsClient d1;
    connectDevice(d1, m_server, device1, &welcome);
    RETURN_IF_FAILED();
    QCOMPARE(welcome.value("acked_seq"_L1).toString(), u"5"_s);
}

// Consecutive messages: id strictly larger, ts never smaller, both as the protocol types them.
void TestDelivery::idsAndTimestampsGrow()
{
    TestDevice alice, bob;
    newDevice(m_http, m_server, u"tsalice"_s, alice);
    newDevice(m_http, m_server, u"tsbob"_s, bob);
    RETURN_IF_FAILED();
    WsClient a, b;
    connectDevice(a, m_server, alice);
    connectDevice(b, m_server, bob);
    RETURN_IF_FAILED();

    QList<QJsonObject> messages;
    for (int i = 0; i < 20; ++i) {
        QJsonObject sent;
        // Both directions, so the ids of both users' sends are ordered together.
        WsClient &from = i % 2 == 0 ? a : b;
        sendMessage(from, i % 2 == 0 ? u"user:tsbob"_s : u"user:tsalice"_s, u"tick %1"_s.arg(i),
                    u"ts-%1"_s.arg(i), sent);
        RETURN_IF_FAILED();
        QCOMPARE(messageOf(sent).value("conv_seq"_L1).toString(), QString::number(i + 1));
        messages.append(messageOf(sent));
    }
    for (int i = 1; i < messages.size(); ++i) {
        const QJsonObject &previous = messages[i - 1];
        const QJsonObject &current = messages[i];
        QVERIFY2(decimal(current.value("id"_L1)) > decimal(previous.value("id"_L1)),
                 qPrintable(dump(previous) + u" then "_s + dump(current)));
        QVERIFY2(current.value("ts"_L1).toInteger() >= previous.value("ts"_L1).toInteger(),
                 qPrintable(dump(previous) + u" then "_s + dump(current)));
    }
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const qint64 lastTs = messages.last().value("ts"_L1).toInteger();
    QVERIFY2(qAbs(now - lastTs) < 60'000, "ts is not milliseconds since the epoch");
}

void TestDelivery::concurrentSenders_data()
{
    QTest::addColumn<QString>("prefix");
    QTest::addColumn<bool>("recipientOnline");

    QTest::newRow("recipient online") << u"ccon"_s << true;
    QTest::newRow("recipient offline") << u"ccoff"_s << false;
}

// 4 senders send 25 messages each as fast as they can to one recipient: the recipient's inbox
// and every conversation stay gap-free and in each sender's order.
void TestDelivery::concurrentSenders()
{
    QFETCH(QString, prefix);
    QFETCH(bool, recipientOnline);
    constexpr int kSenders = 4;
    constexpr int kPerSender = 25;

    const QString recipientName = prefix + u"_r"_s;
    TestDevice recipient;
    newDevice(m_http, m_server, recipientName, recipient);
    std::array<TestDevice, kSenders> senders;
    for (int s = 0; s < kSenders; ++s)
        newDevice(m_http, m_server, prefix + u"_s%1"_s.arg(s), senders[s]);
    RETURN_IF_FAILED();

    WsClient r;
    if (recipientOnline) {
        connectDevice(r, m_server, recipient);
        RETURN_IF_FAILED();
    }
    std::array<WsClient, kSenders> clients;
    for (int s = 0; s < kSenders; ++s)
        connectDevice(clients[s], m_server, senders[s]);
    RETURN_IF_FAILED();

    const auto bodyOf = [](int s, int i) {
        return u"sender %1 message %2"_s.arg(s).arg(i);
    };
    for (int i = 0; i < kPerSender; ++i) {
        for (int s = 0; s < kSenders; ++s) {
            QJsonObject frame =
                sendFrame(u"user:"_s + recipientName, bodyOf(s, i), u"cc-%1"_s.arg(i));
            frame.insert("id"_L1, u"burst-%1"_s.arg(i));
            clients[s].send(frame);
        }
    }
    std::array<QStringList, kSenders> sentIds;
    for (int s = 0; s < kSenders; ++s) {
        quint64 previousSeq = 0;
        for (int i = 0; i < kPerSender; ++i) {
            const QString id = u"burst-%1"_s.arg(i);
            const auto reply = clients[s].waitFor(
                [&](const QJsonObject &f) { return f.value("id"_L1).toString() == id; });
            QVERIFY2(reply, qPrintable(u"sender %1: no reply to %2"_s.arg(s).arg(id)));
            QVERIFY2(reply->value("type"_L1).toString() == "sent"_L1, qPrintable(dump(*reply)));
            VERIFY_FRAME(*reply);
            const quint64 seq = decimal(reply->value("seq"_L1));
            QVERIFY2(seq > previousSeq,
                     qPrintable(u"sender %1: seq %2 after %3"_s.arg(s).arg(seq).arg(previousSeq)));
            previousSeq = seq;
            QCOMPARE(seq, quint64(i + 1));
            QCOMPARE(messageOf(*reply).value("conv_seq"_L1).toString(), QString::number(i + 1));
            sentIds[s].append(idOf(*reply));
        }
    }

    if (recipientOnline) {
        QSet<quint64> seqs;
        QSet<QString> ids;
        for (int n = 0; n < kSenders * kPerSender; ++n) {
            const auto pushed = r.waitForType(u"msg"_s);
            QVERIFY2(pushed, qPrintable(u"only %1 live messages"_s.arg(n)));
            VERIFY_FRAME(*pushed);
            seqs.insert(decimal(pushed->value("seq"_L1)));
            ids.insert(idOf(*pushed));
        }
        QCOMPARE(seqs.size(), kSenders * kPerSender);
        QCOMPARE(ids.size(), kSenders * kPerSender);
        for (quint64 seq = 1; seq <= quint64(kSenders * kPerSender); ++seq)
            QVERIFY2(seqs.contains(seq), qPrintable(u"no live msg with seq %1"_s.arg(seq)));
        roundTrip(r);
        RETURN_IF_FAILED();
        QVERIFY2(!r.hasPending(u"msg"_s), "more live messages than messages");
    } else {
        connectDevice(r, m_server, recipient);
        RETURN_IF_FAILED();
    }

    QList<QJsonObject> entries;
    syncAll(r, u"0"_s, 30, entries);
    RETURN_IF_FAILED();
    QCOMPARE(entries.size(), kSenders * kPerSender);
    std::array<int, kSenders> seen {};
    for (int n = 0; n < entries.size(); ++n) {
        QCOMPARE(seqOf(entries[n]), QString::number(n + 1));
        const QJsonObject message = messageOf(entries[n]);
        const QString from = message.value("from"_L1).toString();
        int s = 0;
        while (s < kSenders && senders[s].username != from)
            ++s;
        QVERIFY2(s < kSenders, qPrintable(dump(message)));
        const int i = seen[s]++;
        QCOMPARE(message.value("conv"_L1).toString(), u"user:"_s + from);
        QCOMPARE(message.value("conv_seq"_L1).toString(), QString::number(i + 1));
        QCOMPARE(message.value("body"_L1).toString(), bodyOf(s, i));
        QCOMPARE(message.value("id"_L1).toString(), sentIds[s][i]);
    }
    for (int s = 0; s < kSenders; ++s)
        QCOMPARE(seen[s], kPerSender);
}

// SIGTERM and a start on the same data: tokens, inboxes, history and sequences all carry on.
void TestDelivery::restartKeepsEverything()
{
    ServerProcess server(kServerArguments);
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    TestDevice alice, bob;
    newDevice(m_http, server, u"rsalice"_s, alice);
    newDevice(m_http, server, u"rsbob"_s, bob);
    RETURN_IF_FAILED();

    QList<QJsonObject> sent; // in conv_seq order
    QList<QJsonObject> aliceSync, bobSync;
    QJsonObject aliceHistory, bobHistory;
    {
        WsClient a, b;
        connectDevice(a, server, alice);
        connectDevice(b, server, bob);
        RETURN_IF_FAILED();
        for (int i = 0; i < 5; ++i) {
            QJsonObject reply;
            if (i % 2 == 0)
                sendMessage(a, u"user:rsbob"_s, u"before restart %1"_s.arg(i), u"rs-%1"_s.arg(i),
                            reply);
            else
                sendMessage(b, u"user:rsalice"_s, u"before restart %1"_s.arg(i), u"rs-%1"_s.arg(i),
                            reply);
            RETURN_IF_FAILED();
            sent.append(reply);
        }
        // Both have seen everything live before acking: wait for what the other one sent.
        for (int i = 0; i < 5; ++i) {
            WsClient &to = i % 2 == 0 ? b : a;
            const auto pushed = to.waitForType(u"msg"_s);
            QVERIFY(pushed);
        }
        ackAndSettle(b, u"4"_s);
        syncAll(a, u"0"_s, 0, aliceSync);
        syncAll(b, u"0"_s, 0, bobSync);
        history(a, u"user:rsbob"_s, {}, 0, aliceHistory);
        history(b, u"user:rsalice"_s, {}, 0, bobHistory);
        RETURN_IF_FAILED();
        QCOMPARE(aliceSync.size(), 5);
        QCOMPARE(bobSync.size(), 5);
        QCOMPARE(messagesOf(aliceHistory).size(), 5);
    }
    QJsonObject welcome;

    QVERIFY2(server.restart(), qPrintable(server.errorString()));

    WsClient a, b;
    connectDevice(a, server, alice, &welcome);
    RETURN_IF_FAILED();
    QCOMPARE(welcome.value("latest_seq"_L1).toString(), u"5"_s);
    QCOMPARE(welcome.value("acked_seq"_L1).toString(), u"0"_s);
    connectDevice(b, server, bob, &welcome);
    RETURN_IF_FAILED();
    QCOMPARE(welcome.value("latest_seq"_L1).toString(), u"5"_s);
    QCOMPARE(welcome.value("acked_seq"_L1).toString(), u"4"_s);
    const HttpReply me = m_http.get(server.httpUrl(u"/api/v1/me"_s), alice.token);
    QCOMPARE(me.status, 200);

    QList<QJsonObject> entries;
    syncAll(a, u"0"_s, 0, entries);
    RETURN_IF_FAILED();
    QCOMPARE(entries, aliceSync);
    syncAll(b, u"0"_s, 0, entries);
    RETURN_IF_FAILED();
    QCOMPARE(entries, bobSync);
    QJsonObject page;
    history(a, u"user:rsbob"_s, {}, 0, page);
    RETURN_IF_FAILED();
    QCOMPARE(messagesOf(page), messagesOf(aliceHistory));
    history(b, u"user:rsalice"_s, {}, 0, page);
    RETURN_IF_FAILED();
    QCOMPARE(messagesOf(page), messagesOf(bobHistory));
    for (int i = 0; i < 5; ++i) {
        QCOMPARE(idOf(aliceSync[i]), idOf(sent[i]));
        QCOMPARE(messageOf(aliceSync[i]).value("conv_seq"_L1).toString(), QString::number(i + 1));
    }

    // Idempotency outlives the restart.
    QJsonObject repeat;
    sendMessage(a, u"user:rsbob"_s, u"before restart 0"_s, u"rs-0"_s, repeat);
    RETURN_IF_FAILED();
    QCOMPARE(seqOf(repeat), seqOf(sent[0]));
    QCOMPARE(messageOf(repeat), messageOf(sent[0]));

    // The next message continues every sequence.
    QJsonObject next;
    sendMessage(a, u"user:rsbob"_s, u"after restart"_s, u"rs-next"_s, next);
    RETURN_IF_FAILED();
    const QJsonObject last = messageOf(sent.last());
    QCOMPARE(seqOf(next), u"6"_s);
    QCOMPARE(messageOf(next).value("conv_seq"_L1).toString(), u"6"_s);
    QVERIFY2(decimal(messageOf(next).value("id"_L1)) > decimal(last.value("id"_L1)),
             qPrintable(dump(last) + u" then "_s + dump(messageOf(next))));
    QVERIFY(messageOf(next).value("ts"_L1).toInteger() >= last.value("ts"_L1).toInteger());
    const auto pushed = b.waitForType(u"msg"_s);
    QVERIFY(pushed);
    VERIFY_FRAME(*pushed);
    QCOMPARE(seqOf(*pushed), u"6"_s);
    QCOMPARE(idOf(*pushed), idOf(next));
    roundTrip(b);
    RETURN_IF_FAILED();
    QVERIFY2(!b.hasPending(u"msg"_s), "the idempotent repeat was delivered again");

    QCOMPARE(server.stop(), 0);
}

QTEST_GUILESS_MAIN(TestDelivery)
#include "tst_delivery.moc"
