#include "server/http/HttpParser.h"

#include <QTest>

using namespace Qt::StringLiterals;

namespace confab::http {
// Found by QTest through ADL, so that a failed QCOMPARE names the statuses.
char *toString(HttpParser::Status status)
{
    switch (status) {
    case HttpParser::Status::NeedMore:
        return qstrdup("NeedMore");
    case HttpParser::Status::HeadComplete:
        return qstrdup("HeadComplete");
    case HttpParser::Status::Complete:
        return qstrdup("Complete");
    case HttpParser::Status::BadRequest:
        return qstrdup("BadRequest");
    case HttpParser::Status::HeadTooLarge:
        return qstrdup("HeadTooLarge");
    case HttpParser::Status::BodyTooLarge:
        return qstrdup("BodyTooLarge");
    case HttpParser::Status::LengthRequired:
        return qstrdup("LengthRequired");
    case HttpParser::Status::VersionNotSupported:
        return qstrdup("VersionNotSupported");
    }
    return qstrdup("?");
}
} // namespace confab::http

using confab::http::HttpLimits;
using confab::http::HttpParser;
using confab::http::HttpRequest;
using confab::http::HttpResponse;
using Status = HttpParser::Status;
using Headers = QList<QPair<QByteArray, QByteArray>>;

class TestHttpParser : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parse_data();
    void parse();
    void parseHead_data();
    void parseHead();
    void errorDetails();
    void requestFields();
    void percentDecoding_data();
    void percentDecoding();
    void incrementalFeeding();
    void incrementalHead();
    void chunkingDoesNotChangeTheAnswer_data();
    void chunkingDoesNotChangeTheAnswer();
    void pipelined();
    void noStateLeaksBetweenCalls();
    void bodyTooLargeBeforeBody();
    void headByteLimit_data();
    void headByteLimit();
    void headerCountLimit_data();
    void headerCountLimit();
    void headerLookup();
    void keepAlive_data();
    void keepAlive();
    void webSocketUpgrade_data();
    void webSocketUpgrade();
    void reasonPhrase_data();
    void reasonPhrase();
    void serialize_data();
    void serialize();
};

void TestHttpParser::parse_data()
{
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<Status>("status");

    const auto row = [](const char *name, QByteArray data, Status status) {
        QTest::newRow(name) << data << status;
    };

    // Complete requests.
    row("get", "GET / HTTP/1.1\r\nHost: x\r\n\r\n"_ba, Status::Complete);
    row("http/1.0", "GET / HTTP/1.0\r\n\r\n"_ba, Status::Complete);
    row("no headers", "GET /a HTTP/1.1\r\n\r\n"_ba, Status::Complete);
    row("post with body", "POST /a HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc"_ba, Status::Complete);
    row("bare LF", "GET / HTTP/1.1\nHost: x\n\n"_ba, Status::Complete);
    row("leading empty line", "\r\nGET / HTTP/1.1\r\n\r\n"_ba, Status::Complete);
    row("empty value", "GET / HTTP/1.1\r\nX-Empty:\r\n\r\n"_ba, Status::Complete);
    row("obs-text in value", "GET / HTTP/1.1\r\nX: caf\xc3\xa9\r\n\r\n"_ba, Status::Complete);
    row("tab in value", "GET / HTTP/1.1\r\nX: a\tb\r\n\r\n"_ba, Status::Complete);
    row("same length twice",
        "POST / HTTP/1.1\r\nContent-Length: 2\r\ncontent-length: 02\r\n\r\nab"_ba,
        Status::Complete);
    row("zero length", "POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n"_ba, Status::Complete);

    // Not yet complete.
    row("empty", ""_ba, Status::NeedMore);
    row("partial request line", "GET / HT"_ba, Status::NeedMore);
    row("partial header", "GET / HTTP/1.1\r\nHost: x"_ba, Status::NeedMore);
    row("no blank line", "GET / HTTP/1.1\r\nHost: x\r\n"_ba, Status::NeedMore);
    row("half of CRLF", "GET / HTTP/1.1\r\nHost: x\r\n\r"_ba, Status::NeedMore);
    row("partial body", "POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nabc"_ba, Status::NeedMore);

    // Malformed request line.
    row("lower-case method", "get / HTTP/1.1\r\n\r\n"_ba, Status::BadRequest);
    row("digit in method", "G3T / HTTP/1.1\r\n\r\n"_ba, Status::BadRequest);
    row("empty method", " / HTTP/1.1\r\n\r\n"_ba, Status::BadRequest);
    row("asterisk target", "OPTIONS * HTTP/1.1\r\n\r\n"_ba, Status::BadRequest);
    row("absolute target", "GET http://x/ HTTP/1.1\r\n\r\n"_ba, Status::BadRequest);
    row("empty target", "GET  HTTP/1.1\r\n\r\n"_ba, Status::BadRequest);
    row("no version", "GET /\r\n\r\n"_ba, Status::BadRequest);
    row("double space", "GET /  HTTP/1.1\r\n\r\n"_ba, Status::BadRequest);
    row("trailing space", "GET / HTTP/1.1 \r\n\r\n"_ba, Status::BadRequest);
    row("tab separator", "GET\t/ HTTP/1.1\r\n\r\n"_ba, Status::BadRequest);
    row("NUL in method", "GE\0T / HTTP/1.1\r\n\r\n"_ba, Status::BadRequest);
    row("NUL in target", "GET /a\0b HTTP/1.1\r\n\r\n"_ba, Status::BadRequest);
    row("raw UTF-8 in target", "GET /\xc3\xa9 HTTP/1.1\r\n\r\n"_ba, Status::BadRequest);
    row("bare CR in line", "GET /\r HTTP/1.1\r\n\r\n"_ba, Status::BadRequest);
    row("binary prefix", "\x16\x03\x01\x02\x00"_ba, Status::BadRequest);
    row("bad percent escape", "GET /a%zz HTTP/1.1\r\n\r\n"_ba, Status::BadRequest);
    row("short percent escape", "GET /a%4 HTTP/1.1\r\n\r\n"_ba, Status::BadRequest);
    row("percent at end", "GET /a% HTTP/1.1\r\n\r\n"_ba, Status::BadRequest);
    row("decoded NUL", "GET /a%00b HTTP/1.1\r\n\r\n"_ba, Status::BadRequest);
    row("invalid UTF-8", "GET /a%C3 HTTP/1.1\r\n\r\n"_ba, Status::BadRequest);
    row("overlong UTF-8", "GET /%C0%AF HTTP/1.1\r\n\r\n"_ba, Status::BadRequest);

    // Versions.
    row("HTTP/2.0", "GET / HTTP/2.0\r\n\r\n"_ba, Status::VersionNotSupported);
    row("HTTP/1.2", "GET / HTTP/1.2\r\n\r\n"_ba, Status::VersionNotSupported);
    row("HTTP/0.9", "GET / HTTP/0.9\r\n\r\n"_ba, Status::VersionNotSupported);
    row("HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"_ba, Status::VersionNotSupported);
    row("lower-case version", "GET / http/1.1\r\n\r\n"_ba, Status::BadRequest);
    row("version garbage", "GET / HTTX/1.1\r\n\r\n"_ba, Status::BadRequest);
    row("version suffix", "GET / HTTP/1.1x\r\n\r\n"_ba, Status::BadRequest);
    row("version two digits", "GET / HTTP/1.10\r\n\r\n"_ba, Status::BadRequest);
    row("version no minor", "GET / HTTP/1\r\n\r\n"_ba, Status::BadRequest);

    // Malformed headers.
    row("space in name", "GET / HTTP/1.1\r\nX Y: 1\r\n\r\n"_ba, Status::BadRequest);
    row("space before colon", "GET / HTTP/1.1\r\nHost : x\r\n\r\n"_ba, Status::BadRequest);
    row("no colon", "GET / HTTP/1.1\r\nHost\r\n\r\n"_ba, Status::BadRequest);
    row("empty name", "GET / HTTP/1.1\r\n: x\r\n\r\n"_ba, Status::BadRequest);
    row("obs-fold space", "GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n"_ba, Status::BadRequest);
    row("obs-fold tab", "GET / HTTP/1.1\r\nX: a\r\n\tb\r\n\r\n"_ba, Status::BadRequest);
    row("NUL in name", "GET / HTTP/1.1\r\nX\0Y: 1\r\n\r\n"_ba, Status::BadRequest);
    row("control in name", "GET / HTTP/1.1\r\nX\x01Y: 1\r\n\r\n"_ba, Status::BadRequest);
    row("NUL in value", "GET / HTTP/1.1\r\nX: a\0b\r\n\r\n"_ba, Status::BadRequest);
    row("bare CR in value", "GET / HTTP/1.1\r\nX: a\rb\r\n\r\n"_ba, Status::BadRequest);
    row("DEL in value", "GET / HTTP/1.1\r\nX: a\x7f\r\n\r\n"_ba, Status::BadRequest);
    row("NUL in partial header", "GET / HTTP/1.1\r\nX: a\0"_ba, Status::BadRequest);

    // Body framing.
    row("length not digits", "POST / HTTP/1.1\r\nContent-Length: abc\r\n\r\n"_ba,
        Status::BadRequest);
    row("negative length", "POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n"_ba, Status::BadRequest);
    row("plus length", "POST / HTTP/1.1\r\nContent-Length: +1\r\n\r\nx"_ba, Status::BadRequest);
    row("length list", "POST / HTTP/1.1\r\nContent-Length: 1, 1\r\n\r\nx"_ba, Status::BadRequest);
    row("empty length", "POST / HTTP/1.1\r\nContent-Length:\r\n\r\n"_ba, Status::BadRequest);
    row("differing lengths",
        "POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab"_ba,
        Status::BadRequest);
    row("chunked", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"_ba,
        Status::LengthRequired);
    row("chunked with length",
        "POST / HTTP/1.1\r\nContent-Length: 3\r\ntransfer-encoding: chunked\r\n\r\nabc"_ba,
        Status::LengthRequired);
    row("length over limit", "POST / HTTP/1.1\r\nContent-Length: 1048577\r\n\r\n"_ba,
        Status::BodyTooLarge);
    row("length overflows",
        "POST / HTTP/1.1\r\nContent-Length: 99999999999999999999999999\r\n\r\n"_ba,
        Status::BodyTooLarge);
}

void TestHttpParser::parse()
{
    QFETCH(QByteArray, data);
    QFETCH(Status, status);

    HttpParser parser;
    QCOMPARE(parser.parse(data), status);
    if (status == Status::Complete) {
        QCOMPARE(parser.consumedBytes(), data.size());
        QVERIFY(parser.errorString().isEmpty());
    } else if (status != Status::NeedMore) {
        QVERIFY(!parser.errorString().isEmpty());
    }
}

void TestHttpParser::parseHead_data()
{
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<Status>("status");
    QTest::addColumn<qsizetype>("headLength");

    const QByteArray head = "POST /a HTTP/1.1\r\nContent-Length: 10\r\n\r\n"_ba;
    QTest::newRow("get") << "GET / HTTP/1.1\r\nHost: x\r\n\r\n"_ba << Status::HeadComplete
                         << qsizetype(27);
    QTest::newRow("body missing") << head << Status::HeadComplete << head.size();
    QTest::newRow("body partial") << QByteArray(head + "abc") << Status::HeadComplete
                                  << head.size();
    QTest::newRow("body and more")
        << QByteArray(head + "0123456789GET") << Status::HeadComplete << head.size();
    QTest::newRow("partial head") << head.chopped(1) << Status::NeedMore << qsizetype(0);
    QTest::newRow("bad request") << "GET / HTTP/1.1\r\nX Y: 1\r\n\r\n"_ba << Status::BadRequest
                                 << qsizetype(0);
    QTest::newRow("version") << "GET / HTTP/3.0\r\n\r\n"_ba << Status::VersionNotSupported
                             << qsizetype(0);
    QTest::newRow("chunked") << "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"_ba
                             << Status::LengthRequired << qsizetype(0);
    QTest::newRow("body too large") << "POST / HTTP/1.1\r\nContent-Length: 2000000\r\n\r\n"_ba
                                    << Status::BodyTooLarge << qsizetype(0);
    QTest::newRow("bad length") << "POST / HTTP/1.1\r\nContent-Length: 1x\r\n\r\n"_ba
                                << Status::BadRequest << qsizetype(0);
}

void TestHttpParser::parseHead()
{
    QFETCH(QByteArray, data);
    QFETCH(Status, status);
    QFETCH(qsizetype, headLength);

    HttpParser parser;
    QCOMPARE(parser.parseHead(data), status);
    if (status == Status::HeadComplete) {
        QVERIFY(parser.request().body.isEmpty());
        QVERIFY(!parser.request().method.isEmpty());
        QCOMPARE(parser.consumedBytes(), headLength);
    }
}

void TestHttpParser::errorDetails()
{
    HttpParser parser;
    QCOMPARE(parser.parse("GET /a HTTP/1.1\r\nX: 1\r\nBad Name: 2\r\n\r\n"_ba), Status::BadRequest);
    QVERIFY(parser.errorString().contains(u"header"_s));
    QCOMPARE(parser.consumedBytes(), 0);

    // Folding would be refused as a bad header name anyway; the message should say why.
    QCOMPARE(parser.parse("GET /a HTTP/1.1\r\nX: 1\r\n  continued: 2\r\n\r\n"_ba),
             Status::BadRequest);
    QVERIFY(parser.errorString().contains(u"folding"_s));
}

void TestHttpParser::requestFields()
{
    HttpParser parser;
    const QByteArray data = "PUT /api/v1/users/bob?x=1&y=%20 HTTP/1.0\r\n"
                            "Host:example.org\r\n"
                            "X-Padded: \t  spaced out \t \r\n"
                            "content-length: 4\r\n"
                            "X-Padded: second\r\n"
                            "\r\n"
                            "body"_ba;
    QCOMPARE(parser.parse(data), Status::Complete);
    const HttpRequest &request = parser.request();
    QCOMPARE(request.method, "PUT"_ba);
    QCOMPARE(request.target, "/api/v1/users/bob?x=1&y=%20"_ba);
    QCOMPARE(request.path, u"/api/v1/users/bob"_s);
    QCOMPARE(request.query, "x=1&y=%20"_ba);
    QCOMPARE(request.versionMinor, 0);
    const Headers expected = { { "Host"_ba, "example.org"_ba },
                               { "X-Padded"_ba, "spaced out"_ba },
                               { "content-length"_ba, "4"_ba },
                               { "X-Padded"_ba, "second"_ba } };
    QCOMPARE(request.headers, expected);
    QCOMPARE(request.body, "body"_ba);
    QCOMPARE(parser.consumedBytes(), data.size());
}

void TestHttpParser::percentDecoding_data()
{
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("query");

    QTest::newRow("plain") << "/api/v1/users"_ba << u"/api/v1/users"_s << QByteArray();
    QTest::newRow("utf-8") << "/api/v1/users/%C3%A9"_ba << u"/api/v1/users/\u00e9"_s
                           << QByteArray();
    QTest::newRow("lower-case hex") << "/%e2%82%ac"_ba << u"/\u20ac"_s << QByteArray();
    QTest::newRow("4-byte utf-8") << "/%F0%9F%98%80"_ba << u"/\U0001F600"_s << QByteArray();
    QTest::newRow("space") << "/a%20b"_ba << u"/a b"_s << QByteArray();
    QTest::newRow("plus kept") << "/a+b"_ba << u"/a+b"_s << QByteArray();
    QTest::newRow("encoded slash") << "/a%2Fb"_ba << u"/a/b"_s << QByteArray();
    QTest::newRow("encoded percent") << "/100%25"_ba << u"/100%"_s << QByteArray();
    QTest::newRow("query raw") << "/x?q=%20&r=%zz"_ba << u"/x"_s << "q=%20&r=%zz"_ba;
    QTest::newRow("empty query") << "/?"_ba << u"/"_s << ""_ba;
    QTest::newRow("second question mark") << "/a?b?c"_ba << u"/a"_s << "b?c"_ba;
    QTest::newRow("escaped question mark") << "/a%3Fb?c"_ba << u"/a?b"_s << "c"_ba;
}

void TestHttpParser::percentDecoding()
{
    QFETCH(QByteArray, target);
    QFETCH(QString, path);
    QFETCH(QByteArray, query);

    HttpParser parser;
    QCOMPARE(parser.parse(QByteArray("GET " + target + " HTTP/1.1\r\n\r\n")), Status::Complete);
    QCOMPARE(parser.request().target, target);
    QCOMPARE(parser.request().path, path);
    QCOMPARE(parser.request().query, query);
}

void TestHttpParser::incrementalFeeding()
{
    const QByteArray data = "POST /api/v1/messages HTTP/1.1\r\nHost: x\r\n"
                            "Content-Type: application/json\r\nContent-Length: 11\r\n\r\n"
                            "{\"a\":\"b c\"}"_ba;
    HttpParser parser;
    for (qsizetype n = 0; n < data.size(); ++n) {
        const Status status = parser.parse(QByteArrayView(data).first(n));
        if (status != Status::NeedMore)
            QFAIL(qPrintable(u"prefix of %1 bytes was not NeedMore"_s.arg(n)));
    }
    QCOMPARE(parser.parse(data), Status::Complete);
    QCOMPARE(parser.consumedBytes(), data.size());
    QCOMPARE(parser.request().body, "{\"a\":\"b c\"}"_ba);
    QCOMPARE(parser.request().header("content-type"), "application/json"_ba);
}

void TestHttpParser::incrementalHead()
{
    const QByteArray head = "GET /ws HTTP/1.1\nHost: x\r\nUpgrade: websocket\r\n\n"_ba;
    HttpParser parser;
    for (qsizetype n = 0; n < head.size(); ++n) {
        if (parser.parseHead(QByteArrayView(head).first(n)) != Status::NeedMore)
            QFAIL(qPrintable(u"prefix of %1 bytes was not NeedMore"_s.arg(n)));
    }
    QCOMPARE(parser.parseHead(head), Status::HeadComplete);
    QCOMPARE(parser.request().header("Upgrade"), "websocket"_ba);
    QCOMPARE(parser.consumedBytes(), head.size());
}

// Found by fuzz/http_fuzzer: a control character in a request line of another HTTP version was
// 400 when the line arrived in pieces but 505 when it arrived whole.
void TestHttpParser::chunkingDoesNotChangeTheAnswer_data()
{
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<Status>("expected");
    QTest::newRow("NUL in target, HTTP/2.0")
        << "GET /api/v1/users\0\0/b HTTP/2.0\r\nConnection: keep-alive\r\n\r\n"_ba
        << Status::BadRequest;
    QTest::newRow("ESC in target, HTTP/1.1")
        << "GET /a\x1b/b HTTP/1.1\r\n\r\n"_ba << Status::BadRequest;
    QTest::newRow("CR inside the request line")
        << "GET /a\rb HTTP/1.1\r\n\r\n"_ba << Status::BadRequest;
    QTest::newRow("control character in a header name")
        << "GET / HTTP/1.1\r\nX\x01: y\r\n\r\n"_ba << Status::BadRequest;
    QTest::newRow("HTTP/2.0 without control characters")
        << "GET / HTTP/2.0\r\n\r\n"_ba << Status::VersionNotSupported;
}

void TestHttpParser::chunkingDoesNotChangeTheAnswer()
{
    QFETCH(QByteArray, data);
    QFETCH(Status, expected);
    HttpParser whole;
    QCOMPARE(whole.parse(data), expected);
    // Byte by byte, as a slow client sends it: the first answer that is not NeedMore.
    HttpParser pieces;
    Status status = Status::NeedMore;
    for (qsizetype n = 1; n <= data.size() && status == Status::NeedMore; ++n)
        status = pieces.parse(QByteArrayView(data).first(n));
    QCOMPARE(status, expected);
}

void TestHttpParser::pipelined()
{
    const QByteArray first = "POST /a HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello"_ba;
    const QByteArray second = "GET /b?c HTTP/1.1\r\nHost: x\r\n\r\n"_ba;
    const QByteArray buffer = first + second;

    HttpParser parser;
    QCOMPARE(parser.parse(buffer), Status::Complete);
    QCOMPARE(parser.consumedBytes(), first.size());
    QCOMPARE(parser.request().path, u"/a"_s);
    QCOMPARE(parser.request().body, "hello"_ba);

    const QByteArrayView rest = QByteArrayView(buffer).sliced(parser.consumedBytes());
    QCOMPARE(parser.parse(rest), Status::Complete);
    QCOMPARE(parser.consumedBytes(), second.size());
    QCOMPARE(parser.request().method, "GET"_ba);
    QCOMPARE(parser.request().path, u"/b"_s);
    QCOMPARE(parser.request().query, "c"_ba);
    QVERIFY(parser.request().body.isEmpty());
    QVERIFY(!parser.request().hasHeader("Content-Length"));
}

void TestHttpParser::noStateLeaksBetweenCalls()
{
    HttpParser parser;
    QCOMPARE(parser.parse("POST /a HTTP/1.0\r\nX: 1\r\nContent-Length: 2\r\n\r\nhi"_ba),
             Status::Complete);
    QCOMPARE(parser.request().headers.size(), 2);

    QCOMPARE(parser.parse("get /b HTTP/1.1\r\n\r\n"_ba), Status::BadRequest);
    QVERIFY(!parser.errorString().isEmpty());
    QCOMPARE(parser.consumedBytes(), 0);
    QVERIFY(parser.request().headers.isEmpty());
    QVERIFY(parser.request().body.isEmpty());

    QCOMPARE(parser.parse("GET /c HTTP/1.1\r\nY: 2\r\n\r\n"_ba), Status::Complete);
    QVERIFY(parser.errorString().isEmpty());
    QCOMPARE(parser.request().versionMinor, 1);
    QCOMPARE(parser.request().path, u"/c"_s);
    const Headers expected = { { "Y"_ba, "2"_ba } };
    QCOMPARE(parser.request().headers, expected);
    QVERIFY(parser.request().body.isEmpty());
    QVERIFY(parser.request().query.isEmpty());

    // A head-only parse after a full one must not keep the old body.
    QCOMPARE(parser.parse("POST /d HTTP/1.1\r\nContent-Length: 1\r\n\r\nz"_ba), Status::Complete);
    QCOMPARE(parser.parseHead("POST /d HTTP/1.1\r\nContent-Length: 1\r\n\r\nz"_ba),
             Status::HeadComplete);
    QVERIFY(parser.request().body.isEmpty());
}

void TestHttpParser::bodyTooLargeBeforeBody()
{
    HttpLimits limits;
    limits.maxBodyBytes = 10;
    HttpParser parser(limits);

    const QByteArray tooLarge = "POST / HTTP/1.1\r\nContent-Length: 11\r\n\r\n"_ba;
    QCOMPARE(parser.parse(tooLarge), Status::BodyTooLarge);
    QVERIFY(!parser.errorString().isEmpty());
    QCOMPARE(parser.parseHead(tooLarge), Status::BodyTooLarge);

    const QByteArray atLimit = "POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\n"_ba;
    QCOMPARE(parser.parse(atLimit), Status::NeedMore);
    QCOMPARE(parser.parseHead(atLimit), Status::HeadComplete);
    QCOMPARE(parser.parse(QByteArray(atLimit + "0123456789")), Status::Complete);
    QCOMPARE(parser.request().body, "0123456789"_ba);
}

void TestHttpParser::headByteLimit_data()
{
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<Status>("status");

    // The head below is exactly 64 bytes.
    const QByteArray head = QByteArray("GET / HTTP/1.1\r\nX: " + QByteArray(41, 'a') + "\r\n\r\n");
    QCOMPARE(head.size(), 64);
    QTest::newRow("at limit") << head << Status::Complete;
    QTest::newRow("at limit, body follows") << QByteArray(head + "GET") << Status::Complete;
    QTest::newRow("one over, complete")
        << QByteArray(head.first(19) + 'a' + head.sliced(19)) << Status::HeadTooLarge;
    QTest::newRow("partial at limit") << head.first(64 - 1) << Status::NeedMore;
    QTest::newRow("partial at limit, no blank line")
        << QByteArray(head.first(64 - 2) + "ab") << Status::NeedMore;
    QTest::newRow("partial over limit")
        << QByteArray(head.first(64 - 2) + "abc") << Status::HeadTooLarge;
    QTest::newRow("endless request line")
        << QByteArray("GET /" + QByteArray(100, 'a')) << Status::HeadTooLarge;
}

void TestHttpParser::headByteLimit()
{
    QFETCH(QByteArray, data);
    QFETCH(Status, status);

    HttpLimits limits;
    limits.maxHeadBytes = 64;
    HttpParser parser(limits);
    QCOMPARE(parser.parse(data), status);
    QCOMPARE(parser.parseHead(data), status == Status::Complete ? Status::HeadComplete : status);
}

void TestHttpParser::headerCountLimit_data()
{
    QTest::addColumn<int>("count");
    QTest::addColumn<Status>("status");

    QTest::newRow("none") << 0 << Status::Complete;
    QTest::newRow("at limit") << 5 << Status::Complete;
    QTest::newRow("one over") << 6 << Status::HeadTooLarge;
}

void TestHttpParser::headerCountLimit()
{
    QFETCH(int, count);
    QFETCH(Status, status);

    HttpLimits limits;
    limits.maxHeaders = 5;
    HttpParser parser(limits);
    QByteArray data = "GET / HTTP/1.1\r\n"_ba;
    for (int i = 0; i < count; ++i)
        data += "X-" + QByteArray::number(i) + ": v\r\n";
    data += "\r\n";
    QCOMPARE(parser.parse(data), status);
    // Too many headers is known before the blank line arrives.
    if (status == Status::HeadTooLarge)
        QCOMPARE(parser.parse(data.chopped(2)), Status::HeadTooLarge);
}

void TestHttpParser::headerLookup()
{
    HttpRequest request;
    request.headers = { { "Content-Type"_ba, "text/plain"_ba },
                        { "X-Dup"_ba, "first"_ba },
                        { "x-dup"_ba, "second"_ba },
                        { "X-Empty"_ba, ""_ba } };
    QCOMPARE(request.header("content-type"), "text/plain"_ba);
    QCOMPARE(request.header("CONTENT-TYPE"), "text/plain"_ba);
    QCOMPARE(request.header("X-DUP"), "first"_ba);
    QVERIFY(request.header("Missing").isEmpty());
    QVERIFY(request.hasHeader("x-empty"));
    QVERIFY(request.header("x-empty").isEmpty());
    QVERIFY(!request.hasHeader("Missing"));
    QVERIFY(!request.hasHeader("Content"));
}

void TestHttpParser::keepAlive_data()
{
    QTest::addColumn<int>("versionMinor");
    QTest::addColumn<Headers>("headers");
    QTest::addColumn<bool>("keepAlive");

    const auto conn = [](QByteArray value) {
        return Headers { { "Connection"_ba, value } };
    };
    QTest::newRow("1.1 default") << 1 << Headers() << true;
    QTest::newRow("1.1 close") << 1 << conn("close") << false;
    QTest::newRow("1.1 Close") << 1 << conn("CLOSE") << false;
    QTest::newRow("1.1 close in list") << 1 << conn("Upgrade, close") << false;
    QTest::newRow("1.1 close, no space") << 1 << conn("upgrade,close") << false;
    QTest::newRow("1.1 keep-alive") << 1 << conn("keep-alive") << true;
    QTest::newRow("1.1 closed is not close") << 1 << conn("closed") << true;
    QTest::newRow("1.1 close on second line")
        << 1 << Headers { { "Connection"_ba, "upgrade"_ba }, { "connection"_ba, "close"_ba } }
        << false;
    QTest::newRow("1.1 close elsewhere")
        << 1 << Headers { { "X-Connection"_ba, "close"_ba } } << true;
    QTest::newRow("1.0 default") << 0 << Headers() << false;
    QTest::newRow("1.0 keep-alive") << 0 << conn("keep-alive") << true;
    QTest::newRow("1.0 Keep-Alive") << 0 << conn("Keep-Alive") << true;
    QTest::newRow("1.0 keep-alive in list") << 0 << conn("foo, keep-alive ") << true;
    QTest::newRow("1.0 close") << 0 << conn("close") << false;
    QTest::newRow("1.0 keep-alive and close") << 0 << conn("keep-alive, close") << false;
    QTest::newRow("1.0 keep-alive-ish") << 0 << conn("keep-alive2") << false;
}

void TestHttpParser::keepAlive()
{
    QFETCH(int, versionMinor);
    QFETCH(Headers, headers);
    QFETCH(bool, keepAlive);

    HttpRequest request;
    request.method = "GET"_ba;
    request.versionMinor = versionMinor;
    request.headers = headers;
    QCOMPARE(request.keepAlive(), keepAlive);
}

void TestHttpParser::webSocketUpgrade_data()
{
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<bool>("upgrade");
    QTest::addColumn<bool>("keepAlive");

    QTest::newRow("firefox") << "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                                "Connection: keep-alive, Upgrade\r\n\r\n"_ba
                             << true << true;
    QTest::newRow("plain")
        << "GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"_ba << true
        << true;
    QTest::newRow("case-insensitive") << "GET /ws HTTP/1.1\r\nupgrade: WebSocket\r\n"
                                         "connection: UPGRADE\r\n\r\n"_ba
                                      << true << true;
    QTest::newRow("post")
        << "POST /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"_ba << false
        << true;
    QTest::newRow("no upgrade header")
        << "GET /ws HTTP/1.1\r\nConnection: Upgrade\r\n\r\n"_ba << false << true;
    QTest::newRow("other protocol")
        << "GET /ws HTTP/1.1\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\n"_ba << false << true;
    QTest::newRow("no connection")
        << "GET /ws HTTP/1.1\r\nUpgrade: websocket\r\n\r\n"_ba << false << true;
    QTest::newRow("connection without upgrade")
        << "GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: keep-alive\r\n\r\n"_ba << false
        << true;
    QTest::newRow("upgrades is not upgrade")
        << "GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: upgrades\r\n\r\n"_ba << false
        << true;
    QTest::newRow("upgrade and close")
        << "GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade, close\r\n\r\n"_ba << true
        << false;
    QTest::newRow("plain get") << "GET /api/v1/me HTTP/1.1\r\nHost: x\r\n\r\n"_ba << false << true;
}

void TestHttpParser::webSocketUpgrade()
{
    QFETCH(QByteArray, data);
    QFETCH(bool, upgrade);
    QFETCH(bool, keepAlive);

    HttpParser parser;
    QCOMPARE(parser.parseHead(data), Status::HeadComplete);
    QCOMPARE(parser.request().isWebSocketUpgrade(), upgrade);
    QCOMPARE(parser.request().keepAlive(), keepAlive);
}

void TestHttpParser::reasonPhrase_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("phrase");

    QTest::newRow("101") << 101 << "Switching Protocols"_ba;
    QTest::newRow("200") << 200 << "OK"_ba;
    QTest::newRow("201") << 201 << "Created"_ba;
    QTest::newRow("204") << 204 << "No Content"_ba;
    QTest::newRow("304") << 304 << "Not Modified"_ba;
    QTest::newRow("400") << 400 << "Bad Request"_ba;
    QTest::newRow("401") << 401 << "Unauthorized"_ba;
    QTest::newRow("403") << 403 << "Forbidden"_ba;
    QTest::newRow("404") << 404 << "Not Found"_ba;
    QTest::newRow("405") << 405 << "Method Not Allowed"_ba;
    QTest::newRow("408") << 408 << "Request Timeout"_ba;
    QTest::newRow("409") << 409 << "Conflict"_ba;
    QTest::newRow("411") << 411 << "Length Required"_ba;
    QTest::newRow("413") << 413 << "Content Too Large"_ba;
    QTest::newRow("429") << 429 << "Too Many Requests"_ba;
    QTest::newRow("431") << 431 << "Request Header Fields Too Large"_ba;
    QTest::newRow("500") << 500 << "Internal Server Error"_ba;
    QTest::newRow("501") << 501 << "Not Implemented"_ba;
    QTest::newRow("503") << 503 << "Service Unavailable"_ba;
    QTest::newRow("505") << 505 << "HTTP Version Not Supported"_ba;
    QTest::newRow("unknown") << 299 << "Unknown"_ba;
    QTest::newRow("negative") << -1 << "Unknown"_ba;
}

void TestHttpParser::reasonPhrase()
{
    QFETCH(int, status);
    QFETCH(QByteArray, phrase);

    QCOMPARE(HttpResponse::reasonPhrase(status), phrase);
}

void TestHttpParser::serialize_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<Headers>("headers");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("keepAlive");
    QTest::addColumn<QByteArray>("expected");

    QTest::newRow("200 json") << 200 << "application/json"_ba << Headers() << "{\"ok\":true}"_ba
                              << true
                              << "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                 "Content-Length: 11\r\n\r\n{\"ok\":true}"_ba;
    QTest::newRow("204") << 204 << "application/json"_ba << Headers() << QByteArray() << true
                         << "HTTP/1.1 204 No Content\r\n\r\n"_ba;
    QTest::newRow("204 close, body dropped")
        << 204 << "application/json"_ba << Headers() << "x"_ba << false
        << "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n"_ba;
    QTest::newRow("304") << 304 << "application/json"_ba << Headers { { "ETag"_ba, "\"1\""_ba } }
                         << QByteArray() << true
                         << "HTTP/1.1 304 Not Modified\r\nETag: \"1\"\r\n\r\n"_ba;
    QTest::newRow("405 allow close")
        << 405 << "application/json"_ba << Headers { { "Allow"_ba, "GET, POST"_ba } }
        << "{\"error\":\"method_not_allowed\"}"_ba << false
        << "HTTP/1.1 405 Method Not Allowed\r\nContent-Type: application/json\r\n"
           "Content-Length: 30\r\nConnection: close\r\nAllow: GET, POST\r\n\r\n"
           "{\"error\":\"method_not_allowed\"}"_ba;
    QTest::newRow("200 empty body") << 200 << "application/json"_ba << Headers() << QByteArray()
                                    << true << "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"_ba;
    QTest::newRow("429 retry-after")
        << 429 << "text/plain"_ba
        << Headers { { "Retry-After"_ba, "5"_ba }, { "X-Other"_ba, "y"_ba } } << "slow"_ba << true
        << "HTTP/1.1 429 Too Many Requests\r\nContent-Type: text/plain\r\nContent-Length: 4\r\n"
           "Retry-After: 5\r\nX-Other: y\r\n\r\nslow"_ba;
}

void TestHttpParser::serialize()
{
    QFETCH(int, status);
    QFETCH(QByteArray, contentType);
    QFETCH(Headers, headers);
    QFETCH(QByteArray, body);
    QFETCH(bool, keepAlive);
    QFETCH(QByteArray, expected);

    HttpResponse response;
    response.status = status;
    response.contentType = contentType;
    response.headers = headers;
    response.body = body;
    QCOMPARE(response.serialize(keepAlive), expected);
}

QTEST_APPLESS_MAIN(TestHttpParser)

#include "tst_httpparser.moc"
