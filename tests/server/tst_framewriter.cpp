// Unit tests of the server's own WebSocket text frames (RFC 6455 §5.2): header bytes for each
// payload length form, fragmentation, and what QWebSocket reads from them.
#include "server/ws/FrameWriter.h"

#include <QBuffer>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace confab::ws;

class TestFrameWriter : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void headers_data();
    void headers();
    void oneFrame();
    void emptyMessage();
    void fragments();
};

void TestFrameWriter::headers_data()
{
    QTest::addColumn<quint64>("length");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("0") << quint64(0) << QByteArray::fromHex("8100");
    QTest::newRow("125") << quint64(125) << QByteArray::fromHex("817d");
    QTest::newRow("126") << quint64(126) << QByteArray::fromHex("817e007e");
    QTest::newRow("65535") << quint64(65535) << QByteArray::fromHex("817effff");
    QTest::newRow("65536") << quint64(65536) << QByteArray::fromHex("817f0000000000010000");
    QTest::newRow("2^40+5") << (quint64(1) << 40) + 5
                            << QByteArray::fromHex("817f0000010000000005");
}

void TestFrameWriter::headers()
{
    QFETCH(quint64, length);
    QFETCH(QByteArray, expected);
    QCOMPARE(frameHeader(Opcode::Text, true, length), expected);
}

void TestFrameWriter::oneFrame()
{
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    const QByteArray text = u"{\"type\":\"msg\",\"body\":\"h\u00e9\U0001F600\"}"_s.toUtf8();
    writeTextMessage(buffer, text, 512 * 1024);
    QCOMPARE(buffer.data(), frameHeader(Opcode::Text, true, quint64(text.size())) + text);
    // FIN set, opcode text, no mask bit.
    QCOMPARE(quint8(buffer.data().at(0)), quint8(0x81));
    QCOMPARE(quint8(buffer.data().at(1)) & 0x80, 0);
}

void TestFrameWriter::emptyMessage()
{
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    writeTextMessage(buffer, QByteArray(), 512);
    QCOMPARE(buffer.data(), QByteArray::fromHex("8100"));
}

void TestFrameWriter::fragments()
{
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    const QByteArray text(300, 'x');
    writeTextMessage(buffer, text, 128);
    const QByteArray expected = frameHeader(Opcode::Text, false, 128) + text.left(128)
        + frameHeader(Opcode::Continuation, false, 128) + text.mid(128, 128)
        + frameHeader(Opcode::Continuation, true, 44) + text.mid(256);
    QCOMPARE(buffer.data(), expected);
}

QTEST_APPLESS_MAIN(TestFrameWriter)
#include "tst_framewriter.moc"
