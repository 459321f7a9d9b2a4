// Unit tests of JsonWriter and the hot encoders built on it (Message::toJsonUtf8,
// SentEvent::toJsonUtf8): their bytes must parse to exactly the object toJson() gives.
#include "common/Events.h"
#include "common/JsonWriter.h"
#include "common/Message.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QRandomGenerator>
#include <QTest>

#include <limits>

using namespace Qt::StringLiterals;
using namespace confab;

namespace {

QJsonObject parsed(const QByteArray &json)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        qWarning("not a JSON object (%s): %s", qPrintable(error.errorString()),
                 json.left(200).constData());
    return document.object();
}

Message message(const QString &body, const QString &clientId = u"c1"_s)
{
    Message m;
    m.id = 7151182512443392;
    m.conv = u"user:bob"_s;
    m.from = u"alice"_s;
    m.body = body;
    m.ts = 1764000000000;
    m.convSeq = 12;
    m.clientId = clientId;
    return m;
}

QString randomText(QRandomGenerator &random, int length)
{
    // Weighted towards what needs care: controls, quotes, backslashes, surrogate pairs.
    static const QList<char32_t> special { 0x00,   0x01,   0x08,    0x09,    0x0a,
                                           0x0c,   0x0d,   0x1f,    0x20,    0x22,
                                           0x2f,   0x5c,   0x7f,    0x80,    0xe9,
                                           0x7ff,  0x800,  0x2028,  0x2029,  0xfeff,
                                           0xfffd, 0xffff, 0x10000, 0x1f600, 0x10ffff };
    QString text;
    for (int i = 0; i < length; ++i) {
        char32_t cp = 0;
        switch (random.bounded(4)) {
        case 0:
            cp = special[random.bounded(int(special.size()))];
            break;
        case 1:
            cp = char32_t(random.bounded(0x20, 0x7f));
            break;
        case 2:
            cp = char32_t(random.bounded(0x80, 0xd800));
            break;
        default:
            cp = char32_t(random.bounded(0x10000, 0x110000));
            break;
        }
        text += QString::fromUcs4(&cp, 1);
    }
    return text;
}

} // namespace

class TestJsonWriter : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void escapesExactly();
    void escapesEveryControlCharacter();
    void lonelySurrogateAsToUtf8Writes();
    void nestedObjectsAndSeparators();
    void messageMatchesToJson_data();
    void messageMatchesToJson();
    void randomMessagesMatchToJson();
    void sentMatchesToJson_data();
    void sentMatchesToJson();
};

void TestJsonWriter::escapesExactly()
{
    QByteArray out;
    JsonWriter::appendString(out, u"a\"b\\c/d\n\u00e9\u2028\U0001F600"_s);
    QCOMPARE(out, QByteArray("\"a\\\"b\\\\c/d\\n\xc3\xa9\xe2\x80\xa8\xf0\x9f\x98\x80\""));
    out.clear();
    JsonWriter::appendString(out, QString());
    QCOMPARE(out, QByteArray("\"\""));
}

void TestJsonWriter::escapesEveryControlCharacter()
{
    for (char16_t c = 0; c < 0x20; ++c) {
        QByteArray out;
        JsonWriter::appendString(out, QStringView(&c, 1));
        QVERIFY2(!out.contains(char(c)), out.constData());
        const QByteArray wrapped = "{\"s\":" + out + '}';
        QCOMPARE(parsed(wrapped).value("s"_L1).toString(), QString(QChar(c)));
    }
    QByteArray out;
    JsonWriter::appendString(out, u"\u0000\u001f\t"_s);
    QCOMPARE(out, QByteArray("\"\\u0000\\u001f\\t\""));
}

void TestJsonWriter::lonelySurrogateAsToUtf8Writes()
{
    for (const QString &text : { QString(QChar(0xd800)), QString(QChar(0xdc00)),
                                 QString(u"a"_s + QChar(0xd83d) + u"b"_s) }) {
        QByteArray out;
        JsonWriter::appendString(out, text);
        QCOMPARE(out, '"' + text.toUtf8() + '"');
    }
    QByteArray bom;
    JsonWriter::appendString(bom, u"\uFEFFx"_s);
    QCOMPARE(bom, QByteArray("\"\\ufeffx\""));
}

void TestJsonWriter::nestedObjectsAndSeparators()
{
    JsonWriter writer;
    writer.beginObject();
    writer.key("a"_L1);
    writer.integer(-5);
    writer.key("b"_L1);
    writer.beginObject();
    writer.endObject();
    writer.key("c"_L1);
    writer.beginObject();
    writer.key("d"_L1);
    writer.decimalString(std::numeric_limits<qint64>::max());
    writer.key("e"_L1);
    writer.string("x\"y"_L1);
    writer.endObject();
    writer.key("f"_L1);
    writer.raw("[1,2]");
    writer.endObject();
    QCOMPARE(writer.take(),
             QByteArray(R"({"a":-5,"b":{},"c":{"d":"9223372036854775807","e":"x\"y"},"f":[1,2]})"));
}

void TestJsonWriter::messageMatchesToJson_data()
{
    QTest::addColumn<Message>("message");
    QString controls;
    for (char16_t c = 0; c < 0x20; ++c)
        controls += QChar(c);
    QString emoji;
    for (int i = 0; i < 99'999; ++i)
        emoji += u"\U0001F600"_s;
    QTest::newRow("plain") << message(u"hi"_s);
    QTest::newRow("empty body") << message(QString());
    QTest::newRow("every control char") << message(controls + u"\u007f"_s);
    QTest::newRow("quotes and backslashes") << message(uR"("\"\\ \/ \u0041 '")"_s);
    QTest::newRow("emoji") << message(u"\U0001F600\U0001F468\u200D\U0001F469\u200D\U0001F467"_s);
    QTest::newRow("U+2028/2029") << message(u"a\u2028b\u2029c"_s);
    QTest::newRow("bom and specials") << message(u"\uFEFF\uFFFD\uFFFF"_s);
    QTest::newRow("bom inside") << message(u"a\uFEFFb"_s);
    QTest::newRow("latin-1 and cjk") << message(u"caf\u00e9 \u4f60\u597d \u0416"_s);
    QTest::newRow("99,999 ascii") << message(QString(99'999, u'x'));
    QTest::newRow("99,999 quotes") << message(QString(99'999, u'"'));
    QTest::newRow("99,999 controls") << message(QString(99'999, QChar(1)));
    QTest::newRow("99,999 emoji") << message(emoji);
    QTest::newRow("empty client_id") << message(u"x"_s, u""_s);
    QTest::newRow("null client_id") << message(u"x"_s, QString());
    QTest::newRow("odd client_id") << message(u"x"_s, u"\"\\\n\U0001F600"_s);
    Message group = message(u"hello team"_s);
    group.conv = u"group:42"_s;
    group.from = u"\u00e9lodie"_s;
    group.id = std::numeric_limits<qint64>::max();
    group.convSeq = 0;
    group.ts = 0;
    QTest::newRow("group, extremes") << group;
    Message early = message(u"before the epoch"_s);
    early.ts = -1;
    early.id = 1;
    QTest::newRow("negative ts") << early;
}

void TestJsonWriter::messageMatchesToJson()
{
    QFETCH(Message, message);
    const QByteArray bytes = message.toJsonUtf8();
    const QJsonObject fromWriter = parsed(bytes);
    QCOMPARE(fromWriter, message.toJson());
    // And exactly what the old path put on the wire, but for a leading byte order mark, which
    // QJsonDocument's UTF-8 lost on the way and the writer keeps (escaped).
    if (!message.body.startsWith(QChar(0xfeff)))
        QCOMPARE(fromWriter,
                 parsed(QJsonDocument(message.toJson()).toJson(QJsonDocument::Compact)));
    const auto decoded = Message::fromJson(fromWriter);
    QVERIFY(decoded);
    QCOMPARE(decoded->body, message.body);
    QCOMPARE(decoded.value(), message);
}

void TestJsonWriter::randomMessagesMatchToJson()
{
    QRandomGenerator random(20261124);
    for (int i = 0; i < 2000; ++i) {
        Message m = message(randomText(random, int(random.bounded(0, 200))),
                            randomText(random, int(random.bounded(0, 8))));
        m.from = randomText(random, int(random.bounded(1, 16)));
        m.conv = u"user:"_s + randomText(random, int(random.bounded(1, 16)));
        m.id = qint64(random.generate64() >> 1);
        m.convSeq = qint64(random.bounded(1u << 30));
        m.ts = qint64(random.generate64() >> 12);
        const QJsonObject fromWriter = parsed(m.toJsonUtf8());
        if (fromWriter != m.toJson())
            QFAIL(qPrintable(u"differs for body %1"_s.arg(m.body)));
        QCOMPARE(Message::fromJson(fromWriter).value(), m);
    }
}

void TestJsonWriter::sentMatchesToJson_data()
{
    QTest::addColumn<QString>("requestId");
    QTest::newRow("no id") << QString();
    QTest::newRow("empty id") << QString::fromLatin1("", 0);
    QTest::newRow("id") << u"r-42"_s;
    QTest::newRow("odd id") << u"\"\\\u0001\U0001F600"_s;
}

void TestJsonWriter::sentMatchesToJson()
{
    QFETCH(QString, requestId);
    const SentEvent sent { requestId, 58, message(u"a \"quoted\"\nline \U0001F600"_s) };
    const QJsonObject fromWriter = parsed(sent.toJsonUtf8());
    QCOMPARE(fromWriter, sent.toJson());
    QCOMPARE(fromWriter.contains("id"_L1), !requestId.isNull());
    const auto decoded = SentEvent::fromJson(fromWriter);
    QVERIFY(decoded);
    QCOMPARE(decoded.value(), sent);
}

QTEST_APPLESS_MAIN(TestJsonWriter)
#include "tst_jsonwriter.moc"
