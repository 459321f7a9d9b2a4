// Small JSON helpers for test messages and checks.
#pragma once

#include "common/Validation.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>

namespace confab::test {

// Compact JSON text, for failure messages.
inline QString dump(const QJsonObject &json)
{
    return QString::fromUtf8(QJsonDocument(json).toJson(QJsonDocument::Compact));
}

inline QString dump(const QJsonArray &json)
{
    return QString::fromUtf8(QJsonDocument(json).toJson(QJsonDocument::Compact));
}

// A 64-bit number as the protocol sends it: a string of decimal digits without leading zeros.
inline bool isDecimal(const QJsonValue &value)
{
    return value.isString() && validation::parseDecimalId(value.toString()).has_value();
}

} // namespace confab::test
