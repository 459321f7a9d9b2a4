// Unit tests of FrameReader, the server's reader of client WebSocket frames (RFC 6455 §5): masked
// frames of each length form, fragments joined, control frames between fragments, every refusal
// with its close code, and the same outcome however the bytes are cut.
#include "server/ws/FrameReader.h"
#include "tests/support/RawWebSocket.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace confab::ws;
using confab::test::clientFrame;
using Kind = ClientMessage::Kind;

namespace {
constexpr qsizetype kLimit = 1000;

QByteArray text(const QByteArray &payload, bool final = true)
{
    return clientFrame(quint8(Opcode::Text), payload, final);
}

QByteArray continuation(const QByteArray &payload, bool final)
{
    return clientFrame(quint8(Opcode::Continuation), payload, final);
}

QByteArray control(Opcode opcode, const QByteArray &payload)
{
    return clientFrame(quint8(opcode), payload);
}

QByteArray closeFrame(int code, const QByteArray &reason)
{
    QByteArray payload;
    payload.append(char(code >> 8));
    payload.append(char(code & 0xff));
    return control(Opcode::Close, payload + reason);
}

struct Read
{
    QList<ClientMessage> messages;
    int failure = 0;
};

// Feeds `stream` in pieces of `chunk` bytes, reading after each.
Read readAll(const QByteArray &stream, qsizetype chunk)
{
    FrameReader reader(kLimit);
    Read read;
    for (qsizetype i = 0; i < stream.size(); i += chunk) {
        reader.append(stream.mid(i, chunk));
        while (auto message = reader.next())
            read.messages.append(*message);
    }
    read.failure = reader.failureCode();
    return read;
}
} // namespace

class TestFrameReader : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void lengthForms_data();
    void lengthForms();
    void fragmentsAndControlFrames();
    void closeFrames();
    void refusals_data();
    void refusals();
    void oversizedMessageRefusedFromItsHeader();
    void anyChunking();
    void nothingAfterAFailure();
};

void TestFrameReader::lengthForms_data()
{
    QTest::addColumn<qsizetype>("size");
    for (qsizetype size : { 0, 1, 125, 126, 999, 1000 })
        QTest::addRow("%lld", qlonglong(size)) << size;
}

void TestFrameReader::lengthForms()
{
    QFETCH(qsizetype, size);
    QByteArray payload(size, 'a');
    for (qsizetype i = 0; i < size; ++i)
        payload[i] = char('a' + i % 26);
    const Read read = readAll(text(payload), 1 << 20);
    QCOMPARE(read.failure, 0);
    QCOMPARE(read.messages.size(), 1);
    QCOMPARE(read.messages[0].kind, Kind::Text);
    QCOMPARE(read.messages[0].payload, payload);
}

void TestFrameReader::fragmentsAndControlFrames()
{
    const QByteArray utf8 = u"h\u00e9llo \U0001F600!"_s.toUtf8();
    // The emoji is cut between frames: only the whole message must be UTF-8.
    const QByteArray stream = text(utf8.left(8), false) + control(Opcode::Ping, "p1")
        + continuation(utf8.mid(8, 2), false) + continuation(utf8.mid(10), true)
        + clientFrame(0x2, "\x00\xff"_ba) + control(Opcode::Pong, "") + text("{}");
    const Read read = readAll(stream, 1 << 20);
    QCOMPARE(read.failure, 0);
    QCOMPARE(read.messages.size(), 5);
    QCOMPARE(read.messages[0].kind, Kind::Ping);
    QCOMPARE(read.messages[0].payload, "p1"_ba);
    QCOMPARE(read.messages[1].kind, Kind::Text);
    QCOMPARE(read.messages[1].payload, utf8);
    QCOMPARE(read.messages[2].kind, Kind::Binary);
    QCOMPARE(read.messages[2].payload, "\x00\xff"_ba);
    QCOMPARE(read.messages[3].kind, Kind::Pong);
    QCOMPARE(read.messages[4].payload, "{}"_ba);
}

void TestFrameReader::closeFrames()
{
    Read read = readAll(closeFrame(1000, "bye \xc3\xa9"), 1 << 20);
    QCOMPARE(read.failure, 0);
    QCOMPARE(read.messages.size(), 1);
    QCOMPARE(read.messages[0].kind, Kind::Close);
    QCOMPARE(read.messages[0].closeCode, 1000);
    QCOMPARE(read.messages[0].payload, "bye \xc3\xa9"_ba);

    read = readAll(control(Opcode::Close, {}), 1 << 20);
    QCOMPARE(read.messages.size(), 1);
    QCOMPARE(read.messages[0].closeCode, close::kNoStatus);

    read = readAll(closeFrame(4999, {}), 1 << 20);
    QCOMPARE(read.messages.size(), 1);
    QCOMPARE(read.messages[0].closeCode, 4999);
}

void TestFrameReader::refusals_data()
{
    QTest::addColumn<QByteArray>("stream");
    QTest::addColumn<int>("code");
    QTest::addColumn<int>("messagesBefore");
    QTest::newRow("unmasked") << clientFrame(0x1, "{}", true, false) << 1002 << 0;
    QTest::newRow("reserved bit") << clientFrame(0x41, "{}") << 1002 << 0;
    QTest::newRow("opcode 3") << clientFrame(0x3, "x") << 1002 << 0;
    QTest::newRow("opcode 0xB") << clientFrame(0xb, "x") << 1002 << 0;
    QTest::newRow("fragmented ping") << clientFrame(0x9, "x", false) << 1002 << 0;
    QTest::newRow("ping of 126 bytes") << control(Opcode::Ping, QByteArray(126, 'x')) << 1002 << 0;
    QTest::newRow("stray continuation") << continuation("x", true) << 1002 << 0;
    QTest::newRow("text inside a fragmented text") << text("a", false) + text("b") << 1002 << 0;
    QTest::newRow("close with one byte") << control(Opcode::Close, "\x03") << 1002 << 0;
    QTest::newRow("close code 1005") << closeFrame(1005, {}) << 1002 << 0;
    QTest::newRow("close code 999") << closeFrame(999, {}) << 1002 << 0;
    QTest::newRow("close code 5000") << closeFrame(5000, {}) << 1002 << 0;
    QTest::newRow("close reason not UTF-8") << closeFrame(1000, "\xff") << 1007 << 0;
    QTest::newRow("text not UTF-8") << text("{}") + text("\xc3\x28") << 1007 << 1;
    QTest::newRow("surrogate in UTF-8") << text("\xed\xa0\x80") << 1007 << 0;
    QTest::newRow("overlong UTF-8") << text("\xc0\xaf") << 1007 << 0;
    QTest::newRow("text over the limit") << text(QByteArray(kLimit + 1, 'x')) << 1009 << 0;
    QTest::newRow("fragments over the limit")
        << text(QByteArray(600, 'x'), false) + continuation(QByteArray(401, 'x'), true) << 1009
        << 0;
    QTest::newRow("binary over the limit")
        << clientFrame(0x2, QByteArray(kLimit + 1, 'x')) << 1009 << 0;
    QByteArray huge = QByteArray::fromHex("81ff8000000000000000");
    QTest::newRow("64-bit length with the top bit") << huge << 1002 << 0;
}

void TestFrameReader::refusals()
{
    QFETCH(QByteArray, stream);
    QFETCH(int, code);
    QFETCH(int, messagesBefore);
    const Read read = readAll(stream, 1 << 20);
    QCOMPARE(read.failure, code);
    QCOMPARE(read.messages.size(), messagesBefore);
}

void TestFrameReader::oversizedMessageRefusedFromItsHeader()
{
    // Only the header of a 2^40-byte frame: refused without waiting for its payload.
    FrameReader reader(kLimit);
    reader.append(QByteArray::fromHex("81ff0000010000000000") + "\x01\x02\x03\x04"_ba);
    QVERIFY(!reader.next());
    QCOMPARE(reader.failureCode(), close::kTooBig);
    QVERIFY(!reader.failureReason().isEmpty());
}

void TestFrameReader::anyChunking()
{
    const QByteArray stream = text(QByteArray(300, 'x')) + control(Opcode::Ping, "abc")
        + text("a\xc3", false) + continuation("\xa9z", true) + closeFrame(1001, "going");
    const Read whole = readAll(stream, stream.size());
    QCOMPARE(whole.failure, 0);
    QCOMPARE(whole.messages.size(), 4);
    for (qsizetype chunk : { 1, 2, 3, 7, 64, 129 }) {
        const Read pieces = readAll(stream, chunk);
        QCOMPARE(pieces.failure, 0);
        QCOMPARE(pieces.messages.size(), whole.messages.size());
        for (qsizetype i = 0; i < whole.messages.size(); ++i) {
            QCOMPARE(pieces.messages[i].kind, whole.messages[i].kind);
            QCOMPARE(pieces.messages[i].payload, whole.messages[i].payload);
            QCOMPARE(pieces.messages[i].closeCode, whole.messages[i].closeCode);
        }
    }
    QCOMPARE(whole.messages[2].payload, "a\xc3\xa9z"_ba);
    QCOMPARE(whole.messages[3].closeCode, 1001);
}

void TestFrameReader::nothingAfterAFailure()
{
    FrameReader reader(kLimit);
    reader.append(clientFrame(0x1, "{}", true, false));
    QVERIFY(!reader.next());
    QCOMPARE(reader.failureCode(), close::kProtocolError);
    reader.append(text("{}"));
    QVERIFY(!reader.next());
    QCOMPARE(reader.failureCode(), close::kProtocolError);
}

QTEST_APPLESS_MAIN(TestFrameReader)
#include "tst_framereader.moc"
