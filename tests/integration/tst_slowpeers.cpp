// Slow and malformed peers against a real confabd (docs/security.md): requests and WebSocket
// handshakes that never finish are cut after --request-timeout (408, or a plain close when
// nothing came), idle keep-alive connections after --idle-timeout; a text frame that is not
// UTF-8 is refused with 1007; deeply nested JSON is refused before parsing, over HTTP and over
// the WebSocket, and the connection stays usable.
#include "tests/support/Accounts.h"
#include "tests/support/Metrics.h"
#include "tests/support/RawWebSocket.h"
#include "tests/support/WsClient.h"

#include <QElapsedTimer>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>

#include <memory>

using namespace Qt::StringLiterals;
using namespace confab::test;

namespace {
constexpr int kRequestTimeoutMs = 600;
constexpr int kIdleTimeoutMs = 800;
// Generous: the server runs under sanitizers on a loaded machine.
constexpr int kTimeoutMs = 30'000;
constexpr int kCloseInvalidPayload = 1007;

// Connects, writes `bytes` and reads until the server closes; how long that took.
struct Closed
{
    QByteArray answer;
    qint64 afterMs = -1; // -1: still open at the timeout
};

Closed writeAndWaitForClose(quint16 port, const QByteArray &bytes)
{
    QTcpSocket socket;
    socket.connectToHost(u"127.0.0.1"_s, port);
    Closed closed;
    if (!socket.waitForConnected(kTimeoutMs))
        return closed;
    QElapsedTimer elapsed;
    elapsed.start();
    socket.write(bytes);
    const bool done = QTest::qWaitFor(
        [&] {
            closed.answer += socket.readAll();
            return socket.state() == QAbstractSocket::UnconnectedState;
        },
        kTimeoutMs);
    closed.answer += socket.readAll();
    if (done)
        closed.afterMs = elapsed.elapsed();
    return closed;
}

QByteArray deepJson(int depth)
{
    return QByteArray(depth, '[') + QByteArray(depth, ']');
}

} // namespace

class TestSlowPeers : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void incompleteRequestGets408_data();
    void incompleteRequestGets408();
    void silentConnectionIsClosed();
    void dribblingRequestIsCutAtTheDeadline();
    void idleKeepAliveIsClosed();
    void invalidUtf8TextFrameIs1007();
    void deeplyNestedJsonOverHttp();
    void deeplyNestedJsonOverWebSocket();

private:
    ServerProcess m_server { { u"--log-level"_s, u"warning"_s, u"--request-timeout"_s,
                               QString::number(kRequestTimeoutMs), u"--idle-timeout"_s,
                               QString::number(kIdleTimeoutMs) } };
};

void TestSlowPeers::initTestCase()
{
    QVERIFY2(m_server.start(), qPrintable(m_server.errorString()));
}

void TestSlowPeers::incompleteRequestGets408_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::newRow("head without its end") << QByteArray("GET /healthz HTTP/1.1\r\nHost: test\r\n");
    QTest::newRow("body shorter than Content-Length")
        << QByteArray("POST /api/v1/login HTTP/1.1\r\nHost: test\r\nContent-Length: 100\r\n\r\n"
                      "{\"username\"");
    QTest::newRow("WebSocket handshake without its end")
        << QByteArray("GET /ws HTTP/1.1\r\nHost: test\r\nUpgrade: websocket\r\n"
                      "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n");
}

void TestSlowPeers::incompleteRequestGets408()
{
    QFETCH(QByteArray, bytes);
    const double before = refusals(m_server, "request_timeout").value_or(-1);
    const Closed closed = writeAndWaitForClose(m_server.port(), bytes);
    QVERIFY2(closed.afterMs >= 0, "the server kept the connection open");
    QVERIFY2(closed.afterMs >= kRequestTimeoutMs / 2, qPrintable(QString::number(closed.afterMs)));
    QVERIFY2(closed.answer.startsWith("HTTP/1.1 408"), closed.answer.constData());
    QVERIFY(closed.answer.contains("\"bad_request\""));
    QCOMPARE(refusals(m_server, "request_timeout").value_or(-1), before + 1);
}

void TestSlowPeers::silentConnectionIsClosed()
{
    const Closed closed = writeAndWaitForClose(m_server.port(), {});
    QVERIFY2(closed.afterMs >= 0, "the server kept a silent connection open");
    QVERIFY(closed.afterMs >= kRequestTimeoutMs / 2);
    QCOMPARE(closed.answer, QByteArray()); // nothing to answer
}

void TestSlowPeers::dribblingRequestIsCutAtTheDeadline()
{
    // One byte every 20 ms of a request that would take many seconds: the deadline counts from
    // the start, not from the last byte.
    const QByteArray request =
        "GET /healthz HTTP/1.1\r\nHost: test\r\nX-Padding: " + QByteArray(400, 'x') + "\r\n\r\n";
    QTcpSocket socket;
    socket.connectToHost(u"127.0.0.1"_s, m_server.port());
    QVERIFY(socket.waitForConnected(kTimeoutMs));
    qsizetype sent = 0;
    QTimer dribble;
    connect(&dribble, &QTimer::timeout, this, [&] {
        if (sent < request.size() && socket.state() == QAbstractSocket::ConnectedState)
            socket.write(request.mid(sent++, 1));
    });
    dribble.start(20);
    QByteArray answer;
    QTRY_VERIFY_WITH_TIMEOUT(
        (answer += socket.readAll(), socket.state() == QAbstractSocket::UnconnectedState),
        kTimeoutMs);
    dribble.stop();
    QVERIFY2(sent < request.size(), "the whole request went through");
    QVERIFY2(answer.isEmpty() || answer.startsWith("HTTP/1.1 408"), answer.constData());
}

void TestSlowPeers::idleKeepAliveIsClosed()
{
    QTcpSocket socket;
    socket.connectToHost(u"127.0.0.1"_s, m_server.port());
    QVERIFY(socket.waitForConnected(kTimeoutMs));
    socket.write("GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n");
    QByteArray answer;
    QTRY_VERIFY_WITH_TIMEOUT((answer += socket.readAll(), answer.contains("\r\n\r\n")), kTimeoutMs);
    QVERIFY2(answer.startsWith("HTTP/1.1 200"), answer.constData());
    QVERIFY(!answer.toLower().contains("connection: close"));

    // Kept open a while for the next request, then closed without a word.
    QElapsedTimer idle;
    idle.start();
    QByteArray after;
    QTRY_VERIFY_WITH_TIMEOUT(
        (after += socket.readAll(), socket.state() == QAbstractSocket::UnconnectedState),
        kTimeoutMs);
    QVERIFY2(idle.elapsed() >= kIdleTimeoutMs / 2, qPrintable(QString::number(idle.elapsed())));
    QCOMPARE(after, QByteArray()); // closed without another word
}

void TestSlowPeers::invalidUtf8TextFrameIs1007()
{
    RawWebSocket ws;
    QVERIFY(ws.open(m_server.port()));
    // "{"type":"ping"}" with an invalid UTF-8 sequence (0xC3 0x28) inside the string.
    ws.write(clientFrame(0x1, QByteArray("{\"type\":\"p\xC3\x28ing\"}")));
    const auto close = ws.nextControlFrame();
    QVERIFY(close);
    QCOMPARE(close->opcode, quint8(0x8));
    QCOMPARE(close->closeCode(), kCloseInvalidPayload);
}

void TestSlowPeers::deeplyNestedJsonOverHttp()
{
    const double before = refusals(m_server, "json_nesting").value_or(-1);
    HttpClient http;
    for (const QByteArray &path : { QByteArray("/api/v1/login"), QByteArray("/api/v1/register") }) {
        const HttpReply reply =
            http.postRaw(m_server.httpUrl(QString::fromLatin1(path)), deepJson(100'000));
        QCOMPARE(reply.status, 400);
        QCOMPARE(reply.errorCode(), u"bad_request"_s);
        QVERIFY2(reply.body.contains("nested"), reply.body.constData());
    }
    QCOMPARE(refusals(m_server, "json_nesting").value_or(-1), before + 2);
    // At the limit it is only a JSON body of the wrong shape.
    const HttpReply shallow = http.postRaw(m_server.httpUrl(u"/api/v1/login"_s), deepJson(32));
    QCOMPARE(shallow.status, 400);
    QVERIFY2(!shallow.body.contains("nested"), shallow.body.constData());
    QCOMPARE(http.get(m_server.httpUrl(u"/healthz"_s)).status, 200);
}

void TestSlowPeers::deeplyNestedJsonOverWebSocket()
{
    HttpClient http;
    const TestDevice device = makeDevice(http, m_server, u"nested"_s);
    QVERIFY(device.ok());
    WsClient ws;
    QVERIFY(ws.login(m_server.wsUrl(), device.token));
    const double before = refusals(m_server, "json_nesting").value_or(-1);

    ws.sendText(QString::fromLatin1(deepJson(500'000)));
    const auto error = ws.waitForType(u"error"_s);
    QVERIFY(error);
    QCOMPARE(error->value("code"_L1).toString(), u"bad_request"_s);
    QVERIFY(error->value("message"_L1).toString().contains(u"nested"_s));
    // Nesting hidden in a string is not nesting.
    const auto pong = ws.request(
        { { "type"_L1, u"ping"_s }, { "note"_L1, QString::fromLatin1(QByteArray(100, '[')) } });
    QVERIFY(pong);
    QCOMPARE(pong->value("type"_L1).toString(), u"pong"_s);
    QCOMPARE(refusals(m_server, "json_nesting").value_or(-1), before + 1);
}

QTEST_GUILESS_MAIN(TestSlowPeers)
#include "tst_slowpeers.moc"
