// The server's WebSocket endpoint at the byte level, against a real confabd: the opening
// handshake's answer and refusals (RFC 6455 §4.2), requests sent right behind the handshake,
// pings answered with their payload, fragmented messages, the close handshake from either side,
// broken frames closed with 1002, and open connections counted in /metrics.
#include "tests/support/Accounts.h"
#include "tests/support/Metrics.h"
#include "tests/support/RawWebSocket.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace confab::test;

namespace {
constexpr int kTimeoutMs = 30'000;
constexpr quint8 kText = 0x1;
constexpr quint8 kContinuation = 0x0;
constexpr quint8 kClose = 0x8;
constexpr quint8 kPing = 0x9;
constexpr quint8 kPong = 0xA;

QByteArray authFrame(const QString &token)
{
    return clientFrame(
        kText,
        QJsonDocument(QJsonObject { { u"type"_s, u"auth"_s }, { u"token"_s, token } })
            .toJson(QJsonDocument::Compact));
}

// The next text frame, as JSON.
QJsonObject nextEvent(RawWebSocket &ws)
{
    const auto frame = ws.nextFrame();
    if (!frame || frame->opcode != kText)
        return {};
    return QJsonDocument::fromJson(frame->payload).object();
}

QByteArray closePayload(int code, const QByteArray &reason = {})
{
    QByteArray payload;
    payload.append(char(code >> 8));
    payload.append(char(code & 0xff));
    return payload + reason;
}
} // namespace

class TestWebSocket : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void handshakeAnswer();
    void refusedHandshakes_data();
    void refusedHandshakes();
    void authRightBehindTheHandshake();
    void pingIsAnsweredWithItsPayload();
    void fragmentedMessage();
    void clientStartsTheCloseHandshake();
    void brokenFramesAre1002_data();
    void brokenFramesAre1002();
    void sessionsAreCounted();

private:
    // A logged-in raw connection.
    bool loggedIn(RawWebSocket &ws);

    ServerProcess m_server { { u"--log-level"_s, u"warning"_s } };
    HttpClient m_http;
    TestDevice m_device;
};

void TestWebSocket::initTestCase()
{
    QVERIFY2(m_server.start(), qPrintable(m_server.errorString()));
    m_device = makeDevice(m_http, m_server, u"rawpeer"_s);
    QVERIFY(m_device.ok());
}

bool TestWebSocket::loggedIn(RawWebSocket &ws)
{
    if (!ws.open(m_server.port(), authFrame(m_device.token)))
        return false;
    return nextEvent(ws).value("type"_L1).toString() == u"welcome"_s;
}

void TestWebSocket::handshakeAnswer()
{
    RawWebSocket ws;
    QVERIFY(ws.open(m_server.port()));
    const QByteArray answer = ws.handshakeAnswer().toLower();
    QVERIFY2(answer.startsWith("http/1.1 101 switching protocols\r\n"), answer.constData());
    QVERIFY(answer.contains("\r\nupgrade: websocket\r\n"));
    QVERIFY(answer.contains("\r\nconnection: upgrade\r\n"));
    // RFC 6455 §1.3's example key and its answer.
    QVERIFY(answer.contains("\r\nsec-websocket-accept: s3pplmbitxaq9kygzzhzrbk+xoo=\r\n"));
    QVERIFY(!answer.contains("content-length"));
}

void TestWebSocket::refusedHandshakes_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("status");
    QByteArray request = handshakeRequest();
    QTest::newRow("version 8") << QByteArray(request).replace("Version: 13", "Version: 8") << 426;
    QTest::newRow("no key") << QByteArray(request).replace("Sec-WebSocket-Key", "X-Key") << 400;
    QTest::newRow("short key") << QByteArray(request).replace("dGhlIHNhbXBsZSBub25jZQ==",
                                                              "c2hvcnQ=")
                               << 400;
    QTest::newRow("HTTP/1.0") << QByteArray(request).replace("HTTP/1.1", "HTTP/1.0") << 400;
}

void TestWebSocket::refusedHandshakes()
{
    QFETCH(QByteArray, request);
    QFETCH(int, status);
    QTcpSocket socket;
    socket.connectToHost(u"127.0.0.1"_s, m_server.port());
    QVERIFY(socket.waitForConnected(kTimeoutMs));
    socket.write(request);
    QByteArray answer;
    QTRY_VERIFY_WITH_TIMEOUT(
        (answer += socket.readAll(), socket.state() == QAbstractSocket::UnconnectedState),
        kTimeoutMs);
    answer += socket.readAll();
    const QByteArray statusLine = "HTTP/1.1 " + QByteArray::number(status) + ' ';
    QVERIFY2(answer.startsWith(statusLine), answer.constData());
    QVERIFY2(answer.contains("\"bad_request\""), answer.constData());
    if (status == 426)
        QVERIFY2(answer.contains("Sec-WebSocket-Version: 13\r\n"), answer.constData());
}

void TestWebSocket::authRightBehindTheHandshake()
{
    // The auth and a ping written with the handshake, in one write: both answered, in order.
    RawWebSocket ws;
    const QByteArray ping = clientFrame(kText, R"({"type":"ping","id":"p1"})");
    QVERIFY(ws.open(m_server.port(), authFrame(m_device.token) + ping));
    QCOMPARE(nextEvent(ws).value("type"_L1).toString(), u"welcome"_s);
    const QJsonObject pong = nextEvent(ws);
    QCOMPARE(pong.value("type"_L1).toString(), u"pong"_s);
    QCOMPARE(pong.value("id"_L1).toString(), u"p1"_s);
}

void TestWebSocket::pingIsAnsweredWithItsPayload()
{
    RawWebSocket ws;
    QVERIFY(loggedIn(ws));
    ws.write(clientFrame(kPing, "are you there"));
    const auto pong = ws.nextControlFrame();
    QVERIFY(pong);
    QCOMPARE(pong->opcode, kPong);
    QCOMPARE(pong->payload, QByteArray("are you there"));
    // An unsolicited pong is fine too, and the connection stays usable.
    ws.write(clientFrame(kPong, "x") + clientFrame(kText, R"({"type":"ping","id":"p2"})"));
    QCOMPARE(nextEvent(ws).value("id"_L1).toString(), u"p2"_s);
}

void TestWebSocket::fragmentedMessage()
{
    RawWebSocket ws;
    QVERIFY(loggedIn(ws));
    // One request in three frames, with a ping between them; "é" is cut between two frames.
    const QByteArray text =
        QStringLiteral(u"{\"type\":\"ping\",\"id\":\"\u00e9t\u00e9\"}").toUtf8();
    const qsizetype cut = text.indexOf('\xc3') + 1;
    ws.write(clientFrame(kText, text.left(10), false) + clientFrame(kPing, "between")
             + clientFrame(kContinuation, text.mid(10, cut - 10), false)
             + clientFrame(kContinuation, text.mid(cut), true));
    const auto pong = ws.nextFrame();
    QVERIFY(pong);
    QCOMPARE(pong->opcode, kPong);
    const QJsonObject reply = nextEvent(ws);
    QCOMPARE(reply.value("type"_L1).toString(), u"pong"_s);
    QCOMPARE(reply.value("id"_L1).toString(), QStringLiteral(u"\u00e9t\u00e9"));
}

void TestWebSocket::clientStartsTheCloseHandshake()
{
    RawWebSocket ws;
    QVERIFY(loggedIn(ws));
    ws.write(clientFrame(kClose, closePayload(4321, "bye")));
    const auto answer = ws.nextControlFrame();
    QVERIFY(answer);
    QCOMPARE(answer->opcode, kClose);
    QCOMPARE(answer->closeCode(), 4321);
    // Then the server closes the TCP connection.
    QVERIFY(ws.waitForClosed());
}

void TestWebSocket::brokenFramesAre1002_data()
{
    QTest::addColumn<QByteArray>("frame");
    QTest::addColumn<int>("code");
    QTest::newRow("unmasked") << clientFrame(kText, "{}", true, false) << 1002;
    QTest::newRow("opcode 3") << clientFrame(0x3, "x") << 1002;
    QTest::newRow("reserved bit") << clientFrame(0x40 | kText, "{}") << 1002;
    QTest::newRow("stray continuation") << clientFrame(kContinuation, "x") << 1002;
    QTest::newRow("fragmented ping") << clientFrame(kPing, "x", false) << 1002;
    QTest::newRow("close code 1005") << clientFrame(kClose, closePayload(1005)) << 1002;
    QTest::newRow("close reason not UTF-8")
        << clientFrame(kClose, closePayload(1000, "\xff")) << 1007;
}

void TestWebSocket::brokenFramesAre1002()
{
    QFETCH(QByteArray, frame);
    QFETCH(int, code);
    RawWebSocket ws;
    QVERIFY(loggedIn(ws));
    const double before = refusals(m_server, "websocket_frame").value_or(-1);
    ws.write(frame);
    const auto close = ws.nextControlFrame();
    QVERIFY(close);
    QCOMPARE(close->opcode, kClose);
    QCOMPARE(close->closeCode(), code);
    QVERIFY(close->payload.size() > 2); // with a reason
    QVERIFY(ws.waitForClosed());
    QCOMPARE(refusals(m_server, "websocket_frame").value_or(-1), before + 1);
}

void TestWebSocket::sessionsAreCounted()
{
    QTRY_COMPARE_WITH_TIMEOUT(metric(m_server, "confab_sessions_open"), std::optional(0.0),
                              kTimeoutMs);
    {
        RawWebSocket first;
        RawWebSocket second;
        QVERIFY(loggedIn(first));
        QVERIFY(second.open(m_server.port()));
        QTRY_COMPARE_WITH_TIMEOUT(metric(m_server, "confab_sessions_open"), std::optional(2.0),
                                  kTimeoutMs);
        QCOMPARE(metric(m_server, "confab_sessions_authenticated"), std::optional(1.0));
    }
    QTRY_COMPARE_WITH_TIMEOUT(metric(m_server, "confab_sessions_open"), std::optional(0.0),
                              kTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(metric(m_server, "confab_sessions_authenticated"), std::optional(0.0),
                              kTimeoutMs);
}

QTEST_MAIN(TestWebSocket)
#include "tst_websocket.moc"
