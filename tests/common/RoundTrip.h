// Helpers of the codec tests: a literal JSON text against a protocol value type.
#pragma once

#include "common/ErrorCode.h"
#include "common/Result.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QTest>

namespace confab::test {

// The object of a JSON text; empty when the text is not a JSON object.
inline QJsonObject parseObject(const QByteArray &text)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(text, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return {};
    return document.object();
}

template<typename T>
QString describe(const Result<T> &result)
{
    if (result.ok())
        return QStringLiteral("ok");
    return QString(wireName(result.error().code) + QStringLiteral(": ") + result.error().message);
}

// Decodes the literal as T and checks the three directions: the decoded value encodes back to
// the literal's object, it equals `expected`, and `expected` encodes to the literal's object.
template<typename T>
void roundTrip(const char *literal, const T &expected, T &decodedOut)
{
    const QJsonObject json = parseObject(literal);
    QVERIFY2(!json.isEmpty(), literal);
    const Result<T> decoded = T::fromJson(json);
    QVERIFY2(decoded.ok(), qPrintable(describe(decoded)));
    QCOMPARE(decoded->toJson(), json);
    QVERIFY2(decoded.value() == expected, literal);
    QCOMPARE(expected.toJson(), json);
    decodedOut = decoded.value();
}

} // namespace confab::test
