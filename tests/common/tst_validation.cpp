// Unit tests of common/Validation.h, common/ConvRef.h and common/ErrorCode.h.
#include "common/ConvRef.h"
#include "common/ErrorCode.h"
#include "common/Limits.h"
#include "common/Validation.h"

#include <QSet>
#include <QTest>

#include <limits>

using namespace Qt::StringLiterals;
using namespace confab;
using namespace confab::validation;

namespace QTest {
template<>
char *toString(const confab::ErrorCode &code)
{
    return qstrdup(confab::wireName(code).toUtf8().constData());
}
} // namespace QTest

namespace {

const char32_t kGrinning = 0x1F600; // 😀, outside the BMP: two UTF-16 units

// `count` copies of one code point.
QString repeated(char32_t ch, qsizetype count)
{
    const QString one = QString::fromUcs4(&ch, 1);
    return one.repeated(count);
}

QString lone(char16_t unit)
{
    return QString(QChar(unit));
}

} // namespace

class TestValidation : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void normalizeUsername_data();
    void normalizeUsername();
    void isValidPassword_data();
    void isValidPassword();
    void codePointCount_data();
    void codePointCount();
    void isUnicodeWhiteSpace_data();
    void isUnicodeWhiteSpace();
    void whiteSpaceIsExactlyTheListedCodePoints();
    void isBlank_data();
    void isBlank();
    void checkBody_data();
    void checkBody();
    void isValidLabel_data();
    void isValidLabel();
    void isValidRequestId_data();
    void isValidRequestId();
    void isValidClientId_data();
    void isValidClientId();
    void parseDecimalId_data();
    void parseDecimalId();
    void decimalId_data();
    void decimalId();
    void convRefParse_data();
    void convRefParse();
    void convRefToString();
    void errorCodes_data();
    void errorCodes();
    void unknownWireNames_data();
    void unknownWireNames();
    void everyErrorCodeRoundTrips();
};

void TestValidation::normalizeUsername_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QString>("normalized");

    QTest::newRow("2 chars") << u"ab"_s << false << QString();
    QTest::newRow("3 chars") << u"abc"_s << true << u"abc"_s;
    QTest::newRow("32 chars") << u"a"_s.repeated(32) << true << u"a"_s.repeated(32);
    QTest::newRow("33 chars") << u"a"_s.repeated(33) << false << QString();
    QTest::newRow("32 upper case") << u"A"_s.repeated(32) << true << u"a"_s.repeated(32);
    QTest::newRow("empty") << QString() << false << QString();
    QTest::newRow("upper case folded") << u"Alice"_s << true << u"alice"_s;
    QTest::newRow("all upper with digits") << u"BOB_42"_s << true << u"bob_42"_s;
    QTest::newRow("digits only") << u"007"_s << true << u"007"_s;
    QTest::newRow("underscore") << u"a_b"_s << true << u"a_b"_s;
    QTest::newRow("dot") << u"a.b"_s << true << u"a.b"_s;
    QTest::newRow("hyphen") << u"a-b"_s << true << u"a-b"_s;
    QTest::newRow("punctuation only") << u"_.-"_s << true << u"_.-"_s;
    QTest::newRow("whole alphabet")
        << u"abcdefghijklmnopqrstuvwxyz012345"_s << true << u"abcdefghijklmnopqrstuvwxyz012345"_s;
    QTest::newRow("space") << u"al ice"_s << false << QString();
    QTest::newRow("leading space") << u" alice"_s << false << QString();
    QTest::newRow("trailing newline") << u"alice\n"_s << false << QString();
    QTest::newRow("at sign") << u"al@ce"_s << false << QString();
    QTest::newRow("plus") << u"al+ce"_s << false << QString();
    QTest::newRow("slash") << u"al/ce"_s << false << QString();
    QTest::newRow("colon") << u"user:x"_s << false << QString();
    QTest::newRow("e acute") << u"jos\u00e9"_s << false << QString();
    QTest::newRow("upper E acute") << u"JOS\u00c9"_s << false << QString();
    QTest::newRow("sharp s") << u"stra\u00dfe"_s << false << QString();
    // Would fold to ASCII 'k' / 'i' with a full Unicode toLower().
    QTest::newRow("kelvin sign") << u"\u212aelvin"_s << false << QString();
    QTest::newRow("dotted capital I") << u"\u0130stanbul"_s << false << QString();
    QTest::newRow("fullwidth") << u"\uff41\uff42\uff43"_s << false << QString();
    QTest::newRow("emoji") << (u"ab"_s + repeated(kGrinning, 1)) << false << QString();
}

void TestValidation::normalizeUsername()
{
    QFETCH(QString, input);
    QFETCH(bool, valid);
    QFETCH(QString, normalized);

    const std::optional<QString> result = validation::normalizeUsername(input);
    QCOMPARE(result.has_value(), valid);
    QCOMPARE(isValidUsername(input), valid);
    if (valid) {
        QCOMPARE(*result, normalized);
        // Normalising is idempotent.
        QCOMPARE(validation::normalizeUsername(*result), result);
    }
}

void TestValidation::isValidPassword_data()
{
    QTest::addColumn<QString>("password");
    QTest::addColumn<bool>("valid");

    const QString eightEmoji = repeated(kGrinning, 8);
    const QString sevenEmoji = repeated(kGrinning, 7);
    QCOMPARE(eightEmoji.size(), 16);
    QCOMPARE(sevenEmoji.size(), 14);

    QTest::newRow("empty") << QString() << false;
    QTest::newRow("7 chars") << u"1234567"_s << false;
    QTest::newRow("8 chars") << u"12345678"_s << true;
    QTest::newRow("long") << u"correct horse battery staple"_s << true;
    QTest::newRow("8 emoji") << eightEmoji << true;
    QTest::newRow("7 emoji (14 UTF-16 units)") << sevenEmoji << false;
    QTest::newRow("7 accented") << u"\u00e9"_s.repeated(7) << false;
    QTest::newRow("8 accented") << u"\u00e9"_s.repeated(8) << true;
    QTest::newRow("1024 chars") << u"x"_s.repeated(limits::kMaxPasswordChars) << true;
    QTest::newRow("1025 chars") << u"x"_s.repeated(limits::kMaxPasswordChars + 1) << false;
    QTest::newRow("lone surrogate") << (u"password"_s + lone(0xD800)) << false;
}

void TestValidation::isValidPassword()
{
    QFETCH(QString, password);
    QFETCH(bool, valid);
    QCOMPARE(validation::isValidPassword(password), valid);
}

void TestValidation::codePointCount_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<qsizetype>("count");
    QTest::addColumn<qsizetype>("utf16Units");

    const QString emoji = repeated(kGrinning, 1);
    QTest::newRow("empty") << QString() << true << qsizetype(0) << qsizetype(0);
    QTest::newRow("ASCII") << u"hello"_s << true << qsizetype(5) << qsizetype(5);
    QTest::newRow("BMP") << u"\u00e9\u20ac\u4e2d"_s << true << qsizetype(3) << qsizetype(3);
    QTest::newRow("U+1F600") << emoji << true << qsizetype(1) << qsizetype(2);
    QTest::newRow("U+1F600 literal") << u"\U0001F600"_s << true << qsizetype(1) << qsizetype(2);
    QTest::newRow("U+10FFFF") << repeated(0x10FFFF, 1) << true << qsizetype(1) << qsizetype(2);
    QTest::newRow("mixed") << (u"a"_s + emoji + u"\u00e9"_s + emoji) << true << qsizetype(4)
                           << qsizetype(6);
    QTest::newRow("lone high surrogate") << lone(0xD83D) << false << qsizetype(0) << qsizetype(1);
    QTest::newRow("lone low surrogate") << lone(0xDE00) << false << qsizetype(0) << qsizetype(1);
    QTest::newRow("high surrogate at end")
        << (u"ab"_s + lone(0xD83D)) << false << qsizetype(0) << qsizetype(3);
    QTest::newRow("high surrogate before ASCII")
        << (lone(0xD83D) + u"a"_s) << false << qsizetype(0) << qsizetype(2);
    QTest::newRow("pair reversed")
        << (lone(0xDE00) + lone(0xD83D)) << false << qsizetype(0) << qsizetype(2);
    QTest::newRow("two high surrogates")
        << (lone(0xD83D) + lone(0xD83D)) << false << qsizetype(0) << qsizetype(2);
}

void TestValidation::codePointCount()
{
    QFETCH(QString, text);
    QFETCH(bool, valid);
    QFETCH(qsizetype, count);
    QFETCH(qsizetype, utf16Units);

    QCOMPARE(text.size(), utf16Units);
    const std::optional<qsizetype> result = validation::codePointCount(text);
    QCOMPARE(result.has_value(), valid);
    if (valid)
        QCOMPARE(*result, count);
}

void TestValidation::isUnicodeWhiteSpace_data()
{
    QTest::addColumn<uint>("codePoint");
    QTest::addColumn<bool>("whiteSpace");

    // Unicode PropList.txt, White_Space.
    const uint whiteSpace[] = { 0x0009, 0x000A, 0x000B, 0x000C, 0x000D, 0x0020, 0x0085,
                                0x00A0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004,
                                0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200A, 0x2028,
                                0x2029, 0x202F, 0x205F, 0x3000 };
    for (uint cp : whiteSpace)
        QTest::addRow("U+%04X", cp) << cp << true;

    const uint notWhiteSpace[] = {
        0x0000, 0x0008,  0x000E,  0x001C, 0x001F, 0x0021, 'a',    '0',    0x007F, 0x0084,
        0x0086, 0x009F,  0x00A1,  0x167F, 0x1681,
        0x180E, // MONGOLIAN VOWEL SEPARATOR: White_Space until Unicode 6.3 only
        0x1FFF, 0x200B, // ZERO WIDTH SPACE
        0x200C, 0x200D,  0x2027,  0x202A, 0x202E, 0x2030, 0x205E, 0x2060, 0x2FFF, 0x3001,
        0xFEFF, // ZERO WIDTH NO-BREAK SPACE (BOM)
        0xFFFD, 0x1F600, 0x10FFFF
    };
    for (uint cp : notWhiteSpace)
        QTest::addRow("not U+%04X", cp) << cp << false;
}

void TestValidation::isUnicodeWhiteSpace()
{
    QFETCH(uint, codePoint);
    QFETCH(bool, whiteSpace);
    QCOMPARE(validation::isUnicodeWhiteSpace(char32_t(codePoint)), whiteSpace);
}

void TestValidation::whiteSpaceIsExactlyTheListedCodePoints()
{
    // White_Space has exactly 25 code points; nothing outside the list above may slip in.
    int count = 0;
    for (char32_t cp = 0; cp <= 0x10FFFF; ++cp) {
        if (validation::isUnicodeWhiteSpace(cp))
            ++count;
    }
    QCOMPARE(count, 25);
    QVERIFY(!validation::isUnicodeWhiteSpace(0x110000));
    QVERIFY(!validation::isUnicodeWhiteSpace(0xFFFFFFFF));
}

void TestValidation::isBlank_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("blank");

    QTest::newRow("empty") << QString() << true;
    QTest::newRow("space") << u" "_s << true;
    QTest::newRow("mixed white space") << u" \t\n\r\u000b\u000c\u0085\u00a0\u1680\u2000\u200a"
                                          u"\u2028\u2029\u202f\u205f\u3000"_s
                                       << true;
    QTest::newRow("letter") << u"a"_s << false;
    QTest::newRow("letter among spaces") << u"  a  "_s << false;
    QTest::newRow("zero width space") << u"\u200b"_s << false;
    QTest::newRow("emoji") << repeated(kGrinning, 1) << false;
    QTest::newRow("lone surrogate") << lone(0xD800) << false;
}

void TestValidation::isBlank()
{
    QFETCH(QString, text);
    QFETCH(bool, blank);
    QCOMPARE(validation::isBlank(text), blank);
}

void TestValidation::checkBody_data()
{
    QTest::addColumn<QString>("body");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<ErrorCode>("code");

    const ErrorCode none = ErrorCode::Internal; // unused for ok rows
    const int max = limits::kMaxBodyCodePoints;
    QCOMPARE(max, 99'999);
    QCOMPARE(repeated(kGrinning, max).size(), 199'998);

    QTest::newRow("hi") << u"hi"_s << true << none;
    QTest::newRow("empty") << QString() << false << ErrorCode::BadRequest;
    QTest::newRow("spaces") << u"   "_s << false << ErrorCode::BadRequest;
    QTest::newRow("tabs") << u"\t\t"_s << false << ErrorCode::BadRequest;
    QTest::newRow("newlines") << u"\n\r\n"_s << false << ErrorCode::BadRequest;
    QTest::newRow("no-break space") << u"\u00a0"_s << false << ErrorCode::BadRequest;
    QTest::newRow("em space") << u"\u2003"_s << false << ErrorCode::BadRequest;
    QTest::newRow("ideographic space") << u"\u3000"_s << false << ErrorCode::BadRequest;
    QTest::newRow("line separator") << u"\u2028"_s << false << ErrorCode::BadRequest;
    QTest::newRow("all kinds of white space")
        << u" \t\n\u00a0\u2003\u3000\u2028"_s << false << ErrorCode::BadRequest;
    QTest::newRow("a among white space") << u" \t\u3000a\u2028\n"_s << true << none;
    QTest::newRow("zero width space alone") << u"\u200b"_s << true << none;
    QTest::newRow("BOM alone") << u"\ufeff"_s << true << none;
    QTest::newRow("emoji") << repeated(kGrinning, 1) << true << none;
    QTest::newRow("99999 ASCII") << u"a"_s.repeated(max) << true << none;
    QTest::newRow("99999 emoji") << repeated(kGrinning, max) << true << none;
    QTest::newRow("99998 ASCII + emoji (100000 units)")
        << (u"a"_s.repeated(max - 1) + repeated(kGrinning, 1)) << true << none;
    QTest::newRow("100000 ASCII") << u"a"_s.repeated(max + 1) << false << ErrorCode::TooLarge;
    QTest::newRow("100000 emoji") << repeated(kGrinning, max + 1) << false << ErrorCode::TooLarge;
    QTest::newRow("1000000 ASCII") << u"a"_s.repeated(1'000'000) << false << ErrorCode::TooLarge;
    QTest::newRow("lone high surrogate") << lone(0xD800) << false << ErrorCode::BadRequest;
    QTest::newRow("lone low surrogate in text")
        << (u"hi"_s + lone(0xDC00)) << false << ErrorCode::BadRequest;
}

void TestValidation::checkBody()
{
    QFETCH(QString, body);
    QFETCH(bool, ok);
    QFETCH(ErrorCode, code);

    const std::optional<Error> error = validation::checkBody(body);
    QCOMPARE(!error.has_value(), ok);
    if (!ok) {
        QCOMPARE(error->code, code);
        QVERIFY(!error->message.isEmpty());
    }
}

void TestValidation::isValidLabel_data()
{
    QTest::addColumn<QString>("label");
    QTest::addColumn<int>("maxChars");
    QTest::addColumn<bool>("valid");

    QTest::newRow("empty") << QString() << 64 << true;
    QTest::newRow("name") << u"Alice's phone"_s << 64 << true;
    QTest::newRow("unicode") << (u"Zo\u00eb \u4e2d "_s + repeated(kGrinning, 1)) << 64 << true;
    QTest::newRow("64 chars") << u"x"_s.repeated(64) << 64 << true;
    QTest::newRow("65 chars") << u"x"_s.repeated(65) << 64 << false;
    QTest::newRow("64 emoji") << repeated(kGrinning, 64) << 64 << true;
    QTest::newRow("65 emoji") << repeated(kGrinning, 65) << 64 << false;
    QTest::newRow("3 of max 3") << u"abc"_s << 3 << true;
    QTest::newRow("4 of max 3") << u"abcd"_s << 3 << false;
    QTest::newRow("newline") << u"a\nb"_s << 64 << false;
    QTest::newRow("tab") << u"a\tb"_s << 64 << false;
    QTest::newRow("NUL") << QString(QChar(u'\0')) << 64 << false;
    QTest::newRow("bell") << u"\u0007"_s << 64 << false;
    QTest::newRow("DEL") << u"a\u007f"_s << 64 << false;
    QTest::newRow("C1 control") << u"a\u0085"_s << 64 << false;
    QTest::newRow("lone surrogate") << (u"a"_s + lone(0xD800)) << 64 << false;
}

void TestValidation::isValidLabel()
{
    QFETCH(QString, label);
    QFETCH(int, maxChars);
    QFETCH(bool, valid);
    QCOMPARE(validation::isValidLabel(label, maxChars), valid);
}

void TestValidation::isValidRequestId_data()
{
    QTest::addColumn<QString>("id");
    QTest::addColumn<bool>("valid");

    QTest::newRow("r1") << u"r1"_s << true;
    QTest::newRow("1 char") << u"x"_s << true;
    QTest::newRow("64 chars") << u"r"_s.repeated(64) << true;
    QTest::newRow("65 chars") << u"r"_s.repeated(65) << false;
    QTest::newRow("1000 chars") << u"r"_s.repeated(1000) << false;
}

void TestValidation::isValidRequestId()
{
    QFETCH(QString, id);
    QFETCH(bool, valid);
    QCOMPARE(validation::isValidRequestId(id), valid);
}

void TestValidation::isValidClientId_data()
{
    QTest::addColumn<QString>("id");
    QTest::addColumn<bool>("valid");

    QTest::newRow("0 chars") << QString() << false;
    QTest::newRow("1 char") << u"c"_s << true;
    QTest::newRow("uuid") << u"3f0c2a9e-8d1b-4c3e-9f0a-1b2c3d4e5f60"_s << true;
    QTest::newRow("64 chars") << u"c"_s.repeated(64) << true;
    QTest::newRow("65 chars") << u"c"_s.repeated(65) << false;
    // It is stored; a lone surrogate cannot be stored as UTF-8.
    QTest::newRow("lone surrogate") << (u"c"_s + lone(0xD800)) << false;
}

void TestValidation::isValidClientId()
{
    QFETCH(QString, id);
    QFETCH(bool, valid);
    QCOMPARE(validation::isValidClientId(id), valid);
}

void TestValidation::parseDecimalId_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<qint64>("value");

    QTest::newRow("0") << u"0"_s << true << qint64(0);
    QTest::newRow("1") << u"1"_s << true << qint64(1);
    QTest::newRow("58") << u"58"_s << true << qint64(58);
    QTest::newRow("message id") << u"7151182512443392"_s << true << qint64(7151182512443392);
    QTest::newRow("2^53 + 1") << u"9007199254740993"_s << true << qint64(9007199254740993);
    QTest::newRow("max") << u"9223372036854775807"_s << true << std::numeric_limits<qint64>::max();
    QTest::newRow("max + 1") << u"9223372036854775808"_s << false << qint64(0);
    QTest::newRow("19 nines") << u"9999999999999999999"_s << false << qint64(0);
    QTest::newRow("20 digits") << u"10000000000000000000"_s << false << qint64(0);
    QTest::newRow("2^64") << u"18446744073709551616"_s << false << qint64(0);
    QTest::newRow("-1") << u"-1"_s << false << qint64(0);
    QTest::newRow("-0") << u"-0"_s << false << qint64(0);
    QTest::newRow("+1") << u"+1"_s << false << qint64(0);
    QTest::newRow("01") << u"01"_s << false << qint64(0);
    QTest::newRow("00") << u"00"_s << false << qint64(0);
    QTest::newRow("empty") << QString() << false << qint64(0);
    QTest::newRow("1a") << u"1a"_s << false << qint64(0);
    QTest::newRow("leading space") << u" 1"_s << false << qint64(0);
    QTest::newRow("trailing space") << u"1 "_s << false << qint64(0);
    QTest::newRow("1.0") << u"1.0"_s << false << qint64(0);
    QTest::newRow("1e3") << u"1e3"_s << false << qint64(0);
    QTest::newRow("0x10") << u"0x10"_s << false << qint64(0);
    QTest::newRow("1,000") << u"1,000"_s << false << qint64(0);
    QTest::newRow("arabic-indic one") << u"\u0661"_s << false << qint64(0);
    QTest::newRow("fullwidth one") << u"\uff11"_s << false << qint64(0);
}

void TestValidation::parseDecimalId()
{
    QFETCH(QString, text);
    QFETCH(bool, valid);
    QFETCH(qint64, value);

    const std::optional<qint64> result = validation::parseDecimalId(text);
    QCOMPARE(result.has_value(), valid);
    if (valid) {
        QCOMPARE(*result, value);
        // The canonical form is the only form accepted.
        QCOMPARE(validation::decimalId(*result), text);
    }
}

void TestValidation::decimalId_data()
{
    QTest::addColumn<qint64>("value");
    QTest::addColumn<QString>("text");

    QTest::newRow("0") << qint64(0) << u"0"_s;
    QTest::newRow("12") << qint64(12) << u"12"_s;
    QTest::newRow("message id") << qint64(7151182512443392) << u"7151182512443392"_s;
    QTest::newRow("max") << std::numeric_limits<qint64>::max() << u"9223372036854775807"_s;
}

void TestValidation::decimalId()
{
    QFETCH(qint64, value);
    QFETCH(QString, text);

    QCOMPARE(validation::decimalId(value), text);
    QCOMPARE(validation::parseDecimalId(validation::decimalId(value)), std::optional(value));
}

void TestValidation::convRefParse_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<bool>("isUser");
    QTest::addColumn<QString>("username");
    QTest::addColumn<qint64>("groupId");
    QTest::addColumn<QString>("canonical");

    QTest::newRow("user:bob") << u"user:bob"_s << true << true << u"bob"_s << qint64(0)
                              << u"user:bob"_s;
    QTest::newRow("user:Bob") << u"user:Bob"_s << true << true << u"bob"_s << qint64(0)
                              << u"user:bob"_s;
    QTest::newRow("user:a.b-c_d") << u"user:a.b-c_d"_s << true << true << u"a.b-c_d"_s << qint64(0)
                                  << u"user:a.b-c_d"_s;
    QTest::newRow("group:42") << u"group:42"_s << true << false << QString() << qint64(42)
                              << u"group:42"_s;
    QTest::newRow("group:max") << u"group:9223372036854775807"_s << true << false << QString()
                               << std::numeric_limits<qint64>::max()
                               << u"group:9223372036854775807"_s;
    QTest::newRow("user:") << u"user:"_s << false << false << QString() << qint64(0) << QString();
    QTest::newRow("user:ab") << u"user:ab"_s << false << false << QString() << qint64(0)
                             << QString();
    QTest::newRow("user:a b") << u"user:a b"_s << false << false << QString() << qint64(0)
                              << QString();
    QTest::newRow("user:jos\u00e9")
        << u"user:jos\u00e9"_s << false << false << QString() << qint64(0) << QString();
    QTest::newRow("group:") << u"group:"_s << false << false << QString() << qint64(0) << QString();
    QTest::newRow("group:x") << u"group:x"_s << false << false << QString() << qint64(0)
                             << QString();
    QTest::newRow("group:-1") << u"group:-1"_s << false << false << QString() << qint64(0)
                              << QString();
    QTest::newRow("group:042") << u"group:042"_s << false << false << QString() << qint64(0)
                               << QString();
    QTest::newRow("group:1 ") << u"group:1 "_s << false << false << QString() << qint64(0)
                              << QString();
    QTest::newRow("chan:x") << u"chan:x"_s << false << false << QString() << qint64(0) << QString();
    QTest::newRow("bob") << u"bob"_s << false << false << QString() << qint64(0) << QString();
    QTest::newRow("empty") << QString() << false << false << QString() << qint64(0) << QString();
    QTest::newRow(" user:bob") << u" user:bob"_s << false << false << QString() << qint64(0)
                               << QString();
    QTest::newRow("user bob") << u"user bob"_s << false << false << QString() << qint64(0)
                              << QString();
}

void TestValidation::convRefParse()
{
    QFETCH(QString, text);
    QFETCH(bool, valid);
    QFETCH(bool, isUser);
    QFETCH(QString, username);
    QFETCH(qint64, groupId);
    QFETCH(QString, canonical);

    const std::optional<ConvRef> conv = ConvRef::parse(text);
    QCOMPARE(conv.has_value(), valid);
    if (!valid)
        return;
    QCOMPARE(conv->isUser(), isUser);
    QCOMPARE(conv->isGroup(), !isUser);
    if (isUser) {
        QCOMPARE(conv->username, username);
        QVERIFY(*conv == ConvRef::user(username));
    } else {
        QCOMPARE(conv->groupId, groupId);
        QVERIFY(*conv == ConvRef::group(groupId));
    }
    QCOMPARE(conv->toString(), canonical);
    QCOMPARE(ConvRef::parse(conv->toString()), conv);
}

void TestValidation::convRefToString()
{
    QCOMPARE(ConvRef::user(u"bob"_s).toString(), u"user:bob"_s);
    QCOMPARE(ConvRef::group(42).toString(), u"group:42"_s);
    QCOMPARE(ConvRef::group(7151182512443392).toString(), u"group:7151182512443392"_s);
    QVERIFY(ConvRef::user(u"bob"_s) != ConvRef::user(u"carol"_s));
    QVERIFY(ConvRef::group(1) != ConvRef::group(2));
    QVERIFY(ConvRef::user(u"bob"_s) != ConvRef::group(0));
}

void TestValidation::errorCodes_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<ErrorCode>("code");
    QTest::addColumn<int>("status"); // 0: a WebSocket-only code, no HTTP status to check

    QTest::newRow("bad_request") << u"bad_request"_s << ErrorCode::BadRequest << 400;
    QTest::newRow("unauthorized") << u"unauthorized"_s << ErrorCode::Unauthorized << 401;
    QTest::newRow("forbidden") << u"forbidden"_s << ErrorCode::Forbidden << 403;
    QTest::newRow("not_found") << u"not_found"_s << ErrorCode::NotFound << 404;
    QTest::newRow("too_large") << u"too_large"_s << ErrorCode::TooLarge << 413;
    QTest::newRow("group_full") << u"group_full"_s << ErrorCode::GroupFull << 0;
    QTest::newRow("rate_limited") << u"rate_limited"_s << ErrorCode::RateLimited << 429;
    QTest::newRow("internal") << u"internal"_s << ErrorCode::Internal << 500;
    QTest::newRow("invalid_username") << u"invalid_username"_s << ErrorCode::InvalidUsername << 400;
    QTest::newRow("weak_password") << u"weak_password"_s << ErrorCode::WeakPassword << 400;
    QTest::newRow("username_taken") << u"username_taken"_s << ErrorCode::UsernameTaken << 409;
    QTest::newRow("bad_credentials") << u"bad_credentials"_s << ErrorCode::BadCredentials << 401;
}

void TestValidation::errorCodes()
{
    QFETCH(QString, name);
    QFETCH(ErrorCode, code);
    QFETCH(int, status);

    QCOMPARE(wireName(code), name);
    QCOMPARE(errorCodeFromWireName(name), std::optional(code));
    if (status != 0)
        QCOMPARE(httpStatus(code), status);
}

void TestValidation::unknownWireNames_data()
{
    QTest::addColumn<QString>("name");

    QTest::newRow("empty") << QString();
    QTest::newRow("upper case") << u"BAD_REQUEST"_s;
    QTest::newRow("camel case") << u"badRequest"_s;
    QTest::newRow("trailing space") << u"bad_request "_s;
    QTest::newRow("unknown") << u"teapot"_s;
}

void TestValidation::unknownWireNames()
{
    QFETCH(QString, name);
    QCOMPARE(errorCodeFromWireName(name), std::nullopt);
}

void TestValidation::everyErrorCodeRoundTrips()
{
    QSet<QString> names;
    for (int i = int(ErrorCode::BadRequest); i <= int(ErrorCode::Unavailable); ++i) {
        const auto code = ErrorCode(i);
        const QString name = wireName(code);
        QVERIFY2(!name.isEmpty(), qPrintable(QString::number(i)));
        QCOMPARE(errorCodeFromWireName(name), std::optional(code));
        const int status = httpStatus(code);
        QVERIFY2(status >= 400 && status <= 599, qPrintable(name));
        names.insert(name);
    }
    QCOMPARE(names.size(), int(ErrorCode::Unavailable) + 1);
}

QTEST_GUILESS_MAIN(TestValidation)
#include "tst_validation.moc"
