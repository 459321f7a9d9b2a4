// Unit tests of the server's side of the WebSocket opening handshake (RFC 6455 §4.2): the accept
// key of the RFC's own example, the 101 answer, and the refusals (version, key, HTTP/1.0).
#include "server/ws/Handshake.h"

#include <QTest>

using namespace confab;
using namespace confab::ws;

namespace {
http::HttpRequest upgradeRequest()
{
    http::HttpRequest request;
    request.method = "GET";
    request.target = "/ws";
    request.path = QStringLiteral("/ws");
    request.headers = { { "Host", "localhost" },
                        { "Upgrade", "websocket" },
                        { "Connection", "Upgrade" },
                        { "Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==" },
                        { "Sec-WebSocket-Version", "13" } };
    return request;
}

void setHeader(http::HttpRequest &request, const QByteArray &name, const QByteArray &value)
{
    for (auto &header : request.headers) {
        if (header.first.compare(name, Qt::CaseInsensitive) == 0) {
            header.second = value;
            return;
        }
    }
    request.headers.append({ name, value });
}
} // namespace

class TestHandshake : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void acceptKeyOfTheRfcExample();
    void accepted();
    void refused_data();
    void refused();
};

void TestHandshake::acceptKeyOfTheRfcExample()
{
    // RFC 6455 §1.3.
    QCOMPARE(acceptKey("dGhlIHNhbXBsZSBub25jZQ=="), QByteArray("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
}

void TestHandshake::accepted()
{
    const HandshakeAnswer answer = answerHandshake(upgradeRequest());
    QVERIFY(answer.accepted);
    QCOMPARE(answer.switchingProtocols,
             QByteArray("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                        "Connection: Upgrade\r\nSec-WebSocket-Accept: "
                        "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n"));
}

void TestHandshake::refused_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<int>("status");
    QTest::newRow("version 8") << QByteArray("Sec-WebSocket-Version") << QByteArray("8") << 426;
    QTest::newRow("no version") << QByteArray("Sec-WebSocket-Version") << QByteArray() << 426;
    QTest::newRow("no key") << QByteArray("Sec-WebSocket-Key") << QByteArray() << 400;
    QTest::newRow("key not base64")
        << QByteArray("Sec-WebSocket-Key") << QByteArray("not*base64*at*all*here") << 400;
    QTest::newRow("key of 15 bytes")
        << QByteArray("Sec-WebSocket-Key") << QByteArray("AAAAAAAAAAAAAAAAAAAA") << 400;
}

void TestHandshake::refused()
{
    QFETCH(QByteArray, header);
    QFETCH(QByteArray, value);
    QFETCH(int, status);
    http::HttpRequest request = upgradeRequest();
    setHeader(request, header, value);
    const HandshakeAnswer answer = answerHandshake(request);
    QVERIFY(!answer.accepted);
    QCOMPARE(answer.refusal.status, status);
    QVERIFY(answer.refusal.body.contains("bad_request"));
    if (status == 426) {
        QCOMPARE(answer.refusal.headers.size(), 1);
        QCOMPARE(answer.refusal.headers[0].second, QByteArray("13"));
    }
}

QTEST_APPLESS_MAIN(TestHandshake)
#include "tst_handshake.moc"
