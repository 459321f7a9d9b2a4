// Bad input, limits, close codes, heartbeats and shutdown against a real confabd
// (PROTOCOL.md §1, §3, §4): every malformed request is answered with an error and leaves the
// connection usable; the size limits hold exactly at their edges; misbehaving connections are
// closed with the documented codes; a SIGTERM closes every client with 1001 and loses nothing.
#include "tests/support/Accounts.h"
#include "tests/support/WsClient.h"

#include <QElapsedTimer>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>
#include <QTimer>

#include <memory>

using namespace Qt::StringLiterals;
using namespace confab::test;

namespace {
// Close codes of PROTOCOL.md §4 and RFC 6455.
constexpr int kCloseGoingAway = 1001;
constexpr int kCloseTooBig = 1009;
constexpr int kCloseHeartbeat = 4000;
constexpr int kCloseUnauthorized = 4001;
constexpr int kCloseAuthTimeout = 4002;

constexpr int kMaxBodyChars = 99'999;

// The account all rows of badRequest() use; it sends to itself where a valid `to` is needed.
const QString kBadRequestUser = u"badreq_user"_s;

const QStringList kQuiet { u"--log-level"_s, u"warning"_s };

QString compact(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

QJsonObject sendFrame(const QString &to, const QString &body, const QString &clientId)
{
    return {
        { "type"_L1, u"send"_s }, { "to"_L1, to }, { "body"_L1, body }, { "client_id"_L1, clientId }
    };
}

QString emoji()
{
    return u"\U0001F600"_s; // U+1F600, two UTF-16 units, four UTF-8 bytes
}

// A ping with a fresh id answered by a pong carrying it: the connection is open and usable, and
// everything the server sent before the pong has arrived.
bool pingPong(WsClient &ws)
{
    const auto pong = ws.request({ { "type"_L1, u"ping"_s } });
    return pong && pong->value("type"_L1).toString() == u"pong"_s;
}

// The first pending frame type among the usual replies, empty if none is waiting.
QString pendingReply(const WsClient &ws)
{
    for (const QString &type :
         { u"error"_s, u"sent"_s, u"msg"_s, u"sync"_s, u"history"_s, u"pong"_s, u"welcome"_s }) {
        if (ws.hasPending(type))
            return type;
    }
    return {};
}

// type, code and message of a reply, without a (possibly huge) body.
QString summary(const QJsonObject &frame)
{
    return compact({ { "type"_L1, frame.value("type"_L1) },
                     { "code"_L1, frame.value("code"_L1) },
                     { "message"_L1,
                       frame.value("message"_L1).isString() ? frame.value("message"_L1)
                                                            : QJsonValue(u"(object)"_s) } });
}
} // namespace

class TestBadInput : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void badRequest_data();
    void badRequest();
    void requestIdOf64CharactersAccepted();
    void binaryFrame();
    void notFound_data();
    void notFound();
    void bodyLimits_data();
    void bodyLimits();
    void maximalBodyAsEscapedSurrogatePairs();
    void oversizedMessageClosesWith1009();
    void ping_data();
    void ping();

    void requestBeforeAuth();
    void unknownTokenClosesWith4001();
    void badAuthRequest_data();
    void badAuthRequest();
    void secondAuth();
    void authTimeout();
    void heartbeat();
    void sigtermClosesWith1001AndKeepsMessages();

    void serverAliveAtEnd();

private:
    // A logged-in device of `username` on the shared server, registered on first use (data rows
    // of one test function share it).
    TestDevice device(const QString &username);
    // A new authenticated connection to the shared server, or null.
    std::unique_ptr<WsClient> connectAs(const TestDevice &device);

    ServerProcess m_server { kQuiet };
    HttpClient m_http;
    QHash<QString, TestDevice> m_accounts;
};

void TestBadInput::initTestCase()
{
    QVERIFY2(m_server.start(), qPrintable(m_server.errorString()));
}

void TestBadInput::cleanupTestCase()
{
    QCOMPARE(m_server.stop(), 0);
}

TestDevice TestBadInput::device(const QString &username)
{
    if (const auto it = m_accounts.constFind(username); it != m_accounts.cend())
        return *it;
    const TestDevice made = makeDevice(m_http, m_server, username);
    if (made.ok())
        m_accounts.insert(username, made);
    return made;
}

std::unique_ptr<WsClient> TestBadInput::connectAs(const TestDevice &testDevice)
{
    auto ws = std::make_unique<WsClient>();
    if (!ws->login(m_server.wsUrl(), testDevice.token))
        return nullptr;
    return ws;
}

// --- bad requests on an authenticated connection -------------------------------------------------

void TestBadInput::badRequest_data()
{
    QTest::addColumn<QString>("frame");
    // The id the error must echo; Undefined: the error must carry no id.
    QTest::addColumn<QJsonValue>("expectedId");

    const QJsonValue none(QJsonValue::Undefined);
    const QString self = u"user:"_s + kBadRequestUser;
    const QString id65(65, u'i');
    const QString clientId65(65, u'c');
    auto base = [&](const QString &id) {
        return QJsonObject { { "type"_L1, u"send"_s },
                             { "id"_L1, id },
                             { "client_id"_L1, id },
                             { "to"_L1, self },
                             { "body"_L1, u"hello"_s } };
    };
    // A valid send but for one field.
    auto send = [&](const QString &id, QLatin1StringView key, const QJsonValue &value) {
        QJsonObject frame = base(id);
        frame.insert(key, value);
        return compact(frame);
    };
    auto sendWithout = [&](const QString &id, QLatin1StringView key) {
        QJsonObject frame = base(id);
        frame.remove(key);
        return compact(frame);
    };

    QTest::newRow("malformed: {") << u"{"_s << none;
    QTest::newRow("malformed: nope") << u"nope"_s << none;
    QTest::newRow("malformed: empty") << QString() << none;
    QTest::newRow("array") << uR"([{"type":"ping","id":"arr"}])"_s << none;
    QTest::newRow("number") << u"42"_s << none;
    QTest::newRow("missing type") << uR"({"id":"no-type"})"_s << QJsonValue(u"no-type"_s);
    QTest::newRow("type not a string")
        << uR"({"type":5,"id":"type-num"})"_s << QJsonValue(u"type-num"_s);
    QTest::newRow("unknown type") << uR"({"type":"frobnicate","id":"frob"})"_s
                                  << QJsonValue(u"frob"_s);
    QTest::newRow("id a number") << uR"({"type":"ping","id":7})"_s << QJsonValue(7);
    QTest::newRow("id of 65 characters")
        << compact({ { "type"_L1, u"ping"_s }, { "id"_L1, id65 } }) << QJsonValue(id65);

    QTest::newRow("send: client_id missing")
        << sendWithout(u"s-no-cid"_s, "client_id"_L1) << QJsonValue(u"s-no-cid"_s);
    QTest::newRow("send: client_id empty")
        << send(u"s-cid-empty"_s, "client_id"_L1, u""_s) << QJsonValue(u"s-cid-empty"_s);
    QTest::newRow("send: client_id of 65 characters")
        << send(u"s-cid-65"_s, "client_id"_L1, clientId65) << QJsonValue(u"s-cid-65"_s);
    QTest::newRow("send: to missing")
        << sendWithout(u"s-no-to"_s, "to"_L1) << QJsonValue(u"s-no-to"_s);
    QTest::newRow("send: to a number")
        << send(u"s-to-num"_s, "to"_L1, 5) << QJsonValue(u"s-to-num"_s);
    QTest::newRow("send: to without prefix")
        << send(u"s-to-bob"_s, "to"_L1, u"bob"_s) << QJsonValue(u"s-to-bob"_s);
    QTest::newRow("send: to user: alone")
        << send(u"s-to-user"_s, "to"_L1, u"user:"_s) << QJsonValue(u"s-to-user"_s);
    QTest::newRow("send: to user:bad name")
        << send(u"s-to-bad"_s, "to"_L1, u"user:bad name"_s) << QJsonValue(u"s-to-bad"_s);
    QTest::newRow("send: body missing")
        << sendWithout(u"s-no-body"_s, "body"_L1) << QJsonValue(u"s-no-body"_s);
    QTest::newRow("send: body a number")
        << send(u"s-body-num"_s, "body"_L1, 5) << QJsonValue(u"s-body-num"_s);
    QTest::newRow("send: body an array")
        << send(u"s-body-arr"_s, "body"_L1, QJsonArray { u"hi"_s }) << QJsonValue(u"s-body-arr"_s);
    QTest::newRow("send: body empty")
        << send(u"s-body-empty"_s, "body"_L1, u""_s) << QJsonValue(u"s-body-empty"_s);
    QTest::newRow("send: body only white space")
        << send(u"s-body-ws"_s, "body"_L1, u"  \n\t\u00a0\u3000"_s) << QJsonValue(u"s-body-ws"_s);

    QTest::newRow("sync: after abc")
        << uR"({"type":"sync","id":"sy-abc","after":"abc"})"_s << QJsonValue(u"sy-abc"_s);
    QTest::newRow("sync: after \"-1\"")
        << uR"({"type":"sync","id":"sy-m1s","after":"-1"})"_s << QJsonValue(u"sy-m1s"_s);
    QTest::newRow("sync: after -1")
        << uR"({"type":"sync","id":"sy-m1","after":-1})"_s << QJsonValue(u"sy-m1"_s);
    QTest::newRow("sync: limit 0")
        << uR"({"type":"sync","id":"sy-l0","after":"0","limit":0})"_s << QJsonValue(u"sy-l0"_s);
    QTest::newRow("sync: limit x")
        << uR"({"type":"sync","id":"sy-lx","after":"0","limit":"x"})"_s << QJsonValue(u"sy-lx"_s);
    QTest::newRow("history: conv missing")
        << uR"({"type":"history","id":"hi-nc"})"_s << QJsonValue(u"hi-nc"_s);
    QTest::newRow("ack: seq missing")
        << uR"({"type":"ack","id":"ack-ns"})"_s << QJsonValue(u"ack-ns"_s);
    QTest::newRow("ack: seq missing, no id") << uR"({"type":"ack"})"_s << none;
    // PROTOCOL.md §3.1: an ack above latest_seq is bad_request, and §3: every failed request's
    // error echoes its id.
    QTest::newRow("ack: seq above latest_seq")
        << uR"({"type":"ack","id":"ack-high","seq":"1000000"})"_s << QJsonValue(u"ack-high"_s);
}

void TestBadInput::badRequest()
{
    QFETCH(QString, frame);
    QFETCH(QJsonValue, expectedId);

    const TestDevice me = device(kBadRequestUser);
    QVERIFY(me.ok());
    const auto ws = connectAs(me);
    QVERIFY(ws);

    ws->sendText(frame);
    const auto error = ws->waitForType(u"error"_s);
    QVERIFY2(error, "no error frame");
    QCOMPARE(error->value("code"_L1).toString(), u"bad_request"_s);
    QVERIFY(!error->value("message"_L1).toString().isEmpty());
    QVERIFY2(error->value("id"_L1) == expectedId, qPrintable(u"error was "_s + compact(*error)));

    // Still usable, and nothing else came for the bad frame (a second error, a reply).
    QVERIFY(pingPong(*ws));
    QVERIFY2(pendingReply(*ws).isEmpty(), qPrintable(u"unexpected "_s + pendingReply(*ws)));
    QVERIFY(ws->isOpen());
    const auto sent =
        ws->request(sendFrame(u"user:"_s + kBadRequestUser, u"still here"_s,
                              u"after-"_s + QString::fromUtf8(QTest::currentDataTag())));
    QVERIFY(sent);
    QCOMPARE(sent->value("type"_L1).toString(), u"sent"_s);
}

void TestBadInput::requestIdOf64CharactersAccepted()
{
    const TestDevice me = device(u"id64_user"_s);
    QVERIFY(me.ok());
    const auto ws = connectAs(me);
    QVERIFY(ws);

    const QString id64(64, u'x');
    ws->send({ { "type"_L1, u"ping"_s }, { "id"_L1, id64 } });
    const auto pong = ws->waitForType(u"pong"_s);
    QVERIFY(pong);
    QCOMPARE(pong->value("id"_L1).toString(), id64);

    // A client_id of exactly 64 characters is accepted too, and the send request's id as well.
    const QString id64b(64, u'y');
    QJsonObject frame = sendFrame(u"user:id64_user"_s, u"max ids"_s, QString(64, u'c'));
    frame.insert("id"_L1, id64b);
    ws->send(frame);
    const auto sent =
        ws->waitFor([&](const QJsonObject &f) { return f.value("id"_L1).toString() == id64b; });
    QVERIFY(sent);
    QVERIFY2(sent->value("type"_L1).toString() == u"sent"_s, qPrintable(compact(*sent)));
    QCOMPARE(sent->value("message"_L1).toObject().value("client_id"_L1).toString(),
             QString(64, u'c'));
    QVERIFY(!ws->hasPending(u"error"_s));
}

void TestBadInput::binaryFrame()
{
    const TestDevice me = device(u"binary_user"_s);
    QVERIFY(me.ok());
    const auto ws = connectAs(me);
    QVERIFY(ws);

    ws->socket().sendBinaryMessage(R"({"type":"ping","id":"bin"})");
    const auto error = ws->waitForType(u"error"_s);
    QVERIFY(error);
    QCOMPARE(error->value("code"_L1).toString(), u"bad_request"_s);
    QVERIFY2(!error->contains("id"_L1), qPrintable(compact(*error)));
    // The binary frame was not taken as a ping.
    QVERIFY(pingPong(*ws));
    QVERIFY2(pendingReply(*ws).isEmpty(), qPrintable(u"unexpected "_s + pendingReply(*ws)));
    QVERIFY(ws->isOpen());
}

void TestBadInput::notFound_data()
{
    QTest::addColumn<QString>("to");
    QTest::newRow("unknown user") << u"user:nobody_here"_s;
    QTest::newRow("unknown group") << u"group:1"_s;
}

void TestBadInput::notFound()
{
    QFETCH(QString, to);
    const TestDevice me = device(u"notfound_user"_s);
    QVERIFY(me.ok());
    const auto ws = connectAs(me);
    QVERIFY(ws);

    QJsonObject frame = sendFrame(to, u"anyone?"_s, u"nf-"_s + to);
    frame.insert("id"_L1, u"nf"_s);
    ws->send(frame);
    const auto error = ws->waitForType(u"error"_s);
    QVERIFY(error);
    QCOMPARE(error->value("code"_L1).toString(), u"not_found"_s);
    QCOMPARE(error->value("id"_L1), QJsonValue(u"nf"_s));
    QVERIFY(pingPong(*ws));
    QVERIFY(pendingReply(*ws).isEmpty());
}

// --- size limits ---------------------------------------------------------------------------------

void TestBadInput::bodyLimits_data()
{
    QTest::addColumn<QString>("tag"); // for the usernames
    QTest::addColumn<QString>("body");
    QTest::addColumn<bool>("accepted");
    QTest::newRow("99,999 ASCII") << u"a99"_s << QString(kMaxBodyChars, u'a') << true;
    QTest::newRow("100,000 ASCII") << u"a100"_s << QString(kMaxBodyChars + 1, u'a') << false;
    // 199,998 UTF-16 units, about 400 KB of UTF-8.
    QTest::newRow("99,999 emoji") << u"e99"_s << emoji().repeated(kMaxBodyChars) << true;
    QTest::newRow("100,000 emoji") << u"e100"_s << emoji().repeated(kMaxBodyChars + 1) << false;
    // Escaped as \u0001 in the frames: about 600 KB, past the 512 KiB fragment size, so the
    // server's msg and sent frames go out as several WebSocket frames.
    QTest::newRow("99,999 control chars") << u"c99"_s << QString(kMaxBodyChars, QChar(1)) << true;
}

void TestBadInput::bodyLimits()
{
    QFETCH(QString, tag);
    QFETCH(QString, body);
    QFETCH(bool, accepted);

    const TestDevice sender = device(u"limit_from_"_s + tag);
    const TestDevice peer = device(u"limit_to_"_s + tag);
    QVERIFY(sender.ok() && peer.ok());
    const auto a = connectAs(sender);
    const auto b = connectAs(peer);
    QVERIFY(a && b);

    QJsonObject frame = sendFrame(u"user:"_s + peer.username, body, u"big"_s);
    frame.insert("id"_L1, u"big-1"_s);
    a->send(frame);
    const auto reply =
        a->waitFor([](const QJsonObject &f) { return f.value("id"_L1).toString() == u"big-1"_s; });
    QVERIFY(reply);
    if (accepted) {
        QVERIFY2(reply->value("type"_L1).toString() == u"sent"_s, qPrintable(summary(*reply)));
        const auto pushed = b->waitForType(u"msg"_s);
        QVERIFY(pushed);
        const QString received = pushed->value("message"_L1).toObject().value("body"_L1).toString();
        QCOMPARE(received.size(), body.size());
        QVERIFY2(received == body, "the peer received a different body");
        QCOMPARE(reply->value("message"_L1).toObject().value("body"_L1).toString().size(),
                 body.size());
    } else {
        QVERIFY2(reply->value("type"_L1).toString() == u"error"_s, qPrintable(summary(*reply)));
        QCOMPARE(reply->value("code"_L1).toString(), u"too_large"_s);
    }

    // Still usable: a small message goes through, and it is the only thing the peer gets after
    // the big one.
    const auto small = a->request(sendFrame(u"user:"_s + peer.username, u"small"_s, u"small"_s));
    QVERIFY(small);
    QCOMPARE(small->value("type"_L1).toString(), u"sent"_s);
    const auto smallPushed = b->waitForType(u"msg"_s);
    QVERIFY(smallPushed);
    QCOMPARE(smallPushed->value("message"_L1).toObject().value("body"_L1).toString(), u"small"_s);
    QVERIFY(pingPong(*b));
    QVERIFY(!b->hasPending(u"msg"_s));
}

void TestBadInput::maximalBodyAsEscapedSurrogatePairs()
{
    const TestDevice sender = device(u"escaped_from"_s);
    const TestDevice peer = device(u"escaped_to"_s);
    QVERIFY(sender.ok() && peer.ok());
    const auto a = connectAs(sender);
    const auto b = connectAs(peer);
    QVERIFY(a && b);

    const QString escaped = uR"(\ud83d\ude00)"_s.repeated(kMaxBodyChars);
    const QString text =
        uR"({"type":"send","id":"esc","client_id":"esc-1","to":"user:escaped_to","body":")"_s
        + escaped + uR"("})"_s;
    QVERIFY(text.size() > 1'199'000); // about 1.2 MB on the wire, all ASCII
    a->sendText(text);
    const auto reply =
        a->waitFor([](const QJsonObject &f) { return f.value("id"_L1).toString() == u"esc"_s; });
    QVERIFY2(reply, "no reply to a 1.2 MB frame");
    QVERIFY2(reply->value("type"_L1).toString() == u"sent"_s, qPrintable(summary(*reply)));
    const auto pushed = b->waitForType(u"msg"_s);
    QVERIFY(pushed);
    const QString body = pushed->value("message"_L1).toObject().value("body"_L1).toString();
    QCOMPARE(body.size(), 2 * kMaxBodyChars);
    QVERIFY2(body == emoji().repeated(kMaxBodyChars), "the peer received a different body");
    QVERIFY(a->isOpen());
}

void TestBadInput::oversizedMessageClosesWith1009()
{
    const TestDevice big = device(u"toobig_user"_s);
    const TestDevice other = device(u"toobig_other"_s);
    QVERIFY(big.ok() && other.ok());
    const auto bystander = connectAs(other);
    const auto ws = connectAs(big);
    QVERIFY(bystander && ws);

    // 2.5 MB: more than the 2 MiB the server takes in one message.
    const QString body(2'500'000, u'z');
    QJsonObject frame = sendFrame(u"user:toobig_other"_s, body, u"huge"_s);
    frame.insert("id"_L1, u"huge"_s);
    ws->send(frame);
    QVERIFY2(ws->waitForClosed(), "the connection stayed open");
    QCOMPARE(ws->closeCode(), kCloseTooBig);
    QVERIFY(!ws->hasPending(u"sent"_s));

    // The server still serves others, old connections and new ones.
    QVERIFY(pingPong(*bystander));
    QVERIFY(!bystander->hasPending(u"msg"_s));
    const auto again = connectAs(big);
    QVERIFY(again);
    const auto sent = again->request(sendFrame(u"user:toobig_other"_s, u"fits"_s, u"fits"_s));
    QVERIFY(sent);
    QCOMPARE(sent->value("type"_L1).toString(), u"sent"_s);
    const auto pushed = bystander->waitForType(u"msg"_s);
    QVERIFY(pushed);
    QCOMPARE(pushed->value("message"_L1).toObject().value("body"_L1).toString(), u"fits"_s);
}

void TestBadInput::ping_data()
{
    QTest::addColumn<QJsonValue>("id"); // Undefined: no id
    QTest::newRow("without id") << QJsonValue(QJsonValue::Undefined);
    QTest::newRow("with id") << QJsonValue(u"p-42"_s);
}

void TestBadInput::ping()
{
    QFETCH(QJsonValue, id);
    const TestDevice me = device(u"ping_user"_s);
    QVERIFY(me.ok());
    const auto ws = connectAs(me);
    QVERIFY(ws);

    QJsonObject frame { { "type"_L1, u"ping"_s } };
    if (!id.isUndefined())
        frame.insert("id"_L1, id);
    ws->send(frame);
    const auto pong = ws->waitForType(u"pong"_s);
    QVERIFY(pong);
    QVERIFY2(pong->value("id"_L1) == id, qPrintable(compact(*pong)));
    QVERIFY(!ws->hasPending(u"error"_s));
}

// --- authentication ------------------------------------------------------------------------------

void TestBadInput::requestBeforeAuth()
{
    const TestDevice me = device(u"early_user"_s);
    QVERIFY(me.ok());
    WsClient ws;
    QVERIFY(ws.open(m_server.wsUrl()));

    QJsonObject frame = sendFrame(u"user:early_user"_s, u"too early"_s, u"early"_s);
    frame.insert("id"_L1, u"early"_s);
    ws.send(frame);
    const auto error = ws.waitForType(u"error"_s);
    QVERIFY(error);
    QCOMPARE(error->value("code"_L1).toString(), u"unauthorized"_s);
    QCOMPARE(error->value("id"_L1), QJsonValue(u"early"_s));

    // The connection stays open: authenticating on it still works, and nothing was stored.
    ws.send({ { "type"_L1, u"auth"_s }, { "token"_L1, me.token } });
    const auto welcome = ws.waitForType(u"welcome"_s);
    QVERIFY2(welcome, "no welcome after an early request");
    QCOMPARE(welcome->value("latest_seq"_L1).toString(), u"0"_s);
    QVERIFY(pingPong(ws));
    QVERIFY(ws.isOpen());
}

void TestBadInput::unknownTokenClosesWith4001()
{
    WsClient ws;
    QVERIFY(ws.open(m_server.wsUrl()));
    ws.send({ { "type"_L1, u"auth"_s }, { "token"_L1, u"not-a-token-anyone-was-given"_s } });
    QVERIFY2(ws.waitForClosed(), "the connection stayed open");
    QCOMPARE(ws.closeCode(), kCloseUnauthorized);
    // The error came before the close.
    const auto error = ws.waitForType(u"error"_s, 0);
    QVERIFY2(error, "closed without an error event");
    QCOMPARE(error->value("code"_L1).toString(), u"unauthorized"_s);
    QVERIFY(!ws.hasPending(u"welcome"_s));
}

void TestBadInput::badAuthRequest_data()
{
    QTest::addColumn<QJsonValue>("token"); // Undefined: no token field
    QTest::newRow("token a number") << QJsonValue(12345);
    QTest::newRow("token an object") << QJsonValue(QJsonObject { { "t"_L1, u"x"_s } });
    QTest::newRow("token missing") << QJsonValue(QJsonValue::Undefined);
}

void TestBadInput::badAuthRequest()
{
    QFETCH(QJsonValue, token);
    const TestDevice me = device(u"badauth_user"_s);
    QVERIFY(me.ok());
    WsClient ws;
    QVERIFY(ws.open(m_server.wsUrl()));

    QJsonObject frame { { "type"_L1, u"auth"_s }, { "id"_L1, u"auth-1"_s } };
    if (!token.isUndefined())
        frame.insert("token"_L1, token);
    ws.send(frame);
    const auto error = ws.waitForType(u"error"_s);
    QVERIFY(error);
    QCOMPARE(error->value("code"_L1).toString(), u"bad_request"_s);
    QCOMPARE(error->value("id"_L1), QJsonValue(u"auth-1"_s));

    // Not closed: a proper auth still succeeds.
    ws.send({ { "type"_L1, u"auth"_s }, { "token"_L1, me.token } });
    QVERIFY2(ws.waitForType(u"welcome"_s), "no welcome after a malformed auth");
    QVERIFY(pingPong(ws));
    QCOMPARE(ws.closeCode(), -1);
}

void TestBadInput::secondAuth()
{
    const TestDevice me = device(u"twice_user"_s);
    QVERIFY(me.ok());
    const auto ws = connectAs(me);
    QVERIFY(ws);

    ws->send({ { "type"_L1, u"auth"_s }, { "id"_L1, u"again"_s }, { "token"_L1, me.token } });
    const auto error = ws->waitForType(u"error"_s);
    QVERIFY(error);
    QCOMPARE(error->value("code"_L1).toString(), u"bad_request"_s);
    QCOMPARE(error->value("id"_L1), QJsonValue(u"again"_s));
    QVERIFY(pingPong(*ws));
    QVERIFY(!ws->hasPending(u"welcome"_s));
    QVERIFY(ws->isOpen());
}

void TestBadInput::authTimeout()
{
    // One worker: one sweep of the deadlines sees both connections.
    ServerProcess server(kQuiet
                         + QStringList { u"--auth-timeout"_s, u"800"_s, u"--workers"_s, u"1"_s });
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    HttpClient http;
    const TestDevice me = makeDevice(http, server, u"intime_user"_s);
    QVERIFY(me.ok());

    WsClient inTime;
    WsClient silent;
    QElapsedTimer clock;
    clock.start();
    // The authenticating connection is opened first, so its auth deadline has passed by the
    // time the silent one's has.
    QVERIFY(inTime.login(server.wsUrl(), me.token));
    QVERIFY(silent.open(server.wsUrl()));

    QVERIFY2(silent.waitForClosed(10'000), "a connection without auth stayed open");
    QCOMPARE(silent.closeCode(), kCloseAuthTimeout);
    QVERIFY2(clock.elapsed() >= 800, qPrintable(u"closed after %1 ms"_s.arg(clock.elapsed())));
    QVERIFY(!silent.hasPending(u"welcome"_s));

    // The authenticated connection, past its own auth deadline by now, is open and usable.
    QVERIFY(pingPong(inTime));
    QCOMPARE(inTime.closeCode(), -1);
    QVERIFY(inTime.isOpen());
    QCOMPARE(server.stop(), 0);
}

// --- heartbeat -----------------------------------------------------------------------------------

void TestBadInput::heartbeat()
{
    ServerProcess server(kQuiet + QStringList { u"--heartbeat"_s, u"1"_s });
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    HttpClient http;
    const TestDevice quietDevice = makeDevice(http, server, u"hb_silent"_s);
    const TestDevice pingDevice = makeDevice(http, server, u"hb_ping"_s);
    const TestDevice wsPingDevice = makeDevice(http, server, u"hb_wsping"_s);
    QVERIFY(quietDevice.ok() && pingDevice.ok() && wsPingDevice.ok());

    int wsPongs = 0;
    WsClient silent;
    WsClient pinger;
    WsClient wsPinger;
    QElapsedTimer clock;
    const auto welcome = silent.login(server.wsUrl(), quietDevice.token);
    clock.start();
    QVERIFY(welcome);
    QCOMPARE(welcome->value("heartbeat_s"_L1).toInt(), 1);
    QVERIFY(pinger.login(server.wsUrl(), pingDevice.token));
    QVERIFY(wsPinger.login(server.wsUrl(), wsPingDevice.token));

    // The clients' own heartbeats: an application ping and a WebSocket ping every 500 ms.
    QTimer pingTimer;
    pingTimer.setInterval(500);
    connect(&pingTimer, &QTimer::timeout, this, [&] { pinger.send({ { "type"_L1, u"ping"_s } }); });
    QTimer wsPingTimer;
    wsPingTimer.setInterval(500);
    connect(&wsPingTimer, &QTimer::timeout, this, [&] { wsPinger.socket().ping("hb"); });
    connect(&wsPinger.socket(), &QWebSocket::pong, this, [&] { ++wsPongs; });
    pingTimer.start();
    wsPingTimer.start();

    QVERIFY2(silent.waitForClosed(10'000), "a silent device was not dropped");
    QCOMPARE(silent.closeCode(), kCloseHeartbeat);
    QVERIFY2(clock.elapsed() >= 1000,
             qPrintable(u"dropped after only %1 ms"_s.arg(clock.elapsed())));

    // The heartbeating ones stay connected for at least 4 s (returns early if one is closed).
    const bool waited = QTest::qWaitFor(
        [&] { return !pinger.isOpen() || !wsPinger.isOpen() || clock.elapsed() >= 4500; }, 10'000);
    QVERIFY(waited);
    QVERIFY2(pinger.isOpen(), qPrintable(u"closed with %1"_s.arg(pinger.closeCode())));
    QVERIFY2(wsPinger.isOpen(), qPrintable(u"closed with %1"_s.arg(wsPinger.closeCode())));
    QVERIFY(clock.elapsed() >= 4000);
    pingTimer.stop();
    wsPingTimer.stop();
    QVERIFY(pinger.takeAll(u"pong"_s).size() >= 4);
    QVERIFY(wsPongs >= 4);
    QVERIFY(pingPong(pinger));
    QVERIFY(pingPong(wsPinger));
    QCOMPARE(server.stop(), 0);
}

// --- shutdown ------------------------------------------------------------------------------------

void TestBadInput::sigtermClosesWith1001AndKeepsMessages()
{
    ServerProcess server(kQuiet);
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    HttpClient http;
    const TestDevice alice = makeDevice(http, server, u"term_alice"_s);
    const TestDevice bob = makeDevice(http, server, u"term_bob"_s);
    QVERIFY(alice.ok() && bob.ok());

    WsClient a;
    WsClient b;
    QVERIFY(a.login(server.wsUrl(), alice.token));
    QVERIFY(b.login(server.wsUrl(), bob.token));
    const auto sent = a.request(sendFrame(u"user:term_bob"_s, u"last words"_s, u"term-1"_s));
    QVERIFY(sent);
    QCOMPARE(sent->value("type"_L1).toString(), u"sent"_s);
    const QString messageId = sent->value("message"_L1).toObject().value("id"_L1).toString();
    QVERIFY(!messageId.isEmpty());

    QCOMPARE(server.stop(), 0);
    QVERIFY(a.waitForClosed());
    QVERIFY(b.waitForClosed());
    QCOMPARE(a.closeCode(), kCloseGoingAway);
    QCOMPARE(b.closeCode(), kCloseGoingAway);

    QVERIFY2(server.start(), qPrintable(server.errorString()));
    WsClient a2;
    const auto welcome = a2.login(server.wsUrl(), alice.token);
    QVERIFY(welcome);
    QCOMPARE(welcome->value("latest_seq"_L1).toString(), u"1"_s);
    const auto history =
        a2.request({ { "type"_L1, u"history"_s }, { "conv"_L1, u"user:term_bob"_s } });
    QVERIFY(history);
    QCOMPARE(history->value("type"_L1).toString(), u"history"_s);
    const QJsonArray messages = history->value("messages"_L1).toArray();
    QCOMPARE(messages.size(), 1);
    QCOMPARE(messages[0].toObject().value("id"_L1).toString(), messageId);
    QCOMPARE(messages[0].toObject().value("body"_L1).toString(), u"last words"_s);

    WsClient b2;
    QVERIFY(b2.login(server.wsUrl(), bob.token));
    const auto sync = b2.request({ { "type"_L1, u"sync"_s }, { "after"_L1, u"0"_s } });
    QVERIFY(sync);
    const QJsonArray entries = sync->value("entries"_L1).toArray();
    QCOMPARE(entries.size(), 1);
    QCOMPARE(entries[0].toObject().value("message"_L1).toObject().value("id"_L1).toString(),
             messageId);
    QCOMPARE(server.stop(), 0);
}

void TestBadInput::serverAliveAtEnd()
{
    const HttpReply health = m_http.get(m_server.httpUrl(u"/healthz"_s));
    QCOMPARE(health.status, 200);
    const TestDevice me = device(u"alive_user"_s);
    QVERIFY(me.ok());
    const auto ws = connectAs(me);
    QVERIFY(ws);
    QVERIFY(pingPong(*ws));
}

QTEST_GUILESS_MAIN(TestBadInput)
#include "tst_badinput.moc"
