#include "common/JsonFields.h"

#include "common/Validation.h"

#include <cmath>

namespace confab {

using namespace Qt::StringLiterals;

namespace {
// Integers from -(2^53 - 1) to 2^53 - 1 are exact in a double (JavaScript's safe integers).
constexpr double kTwoPow53 = 9007199254740992.0;
} // namespace

bool JsonFields::has(QLatin1StringView key) const
{
    return m_object.contains(key);
}

void JsonFields::fail(ErrorCode code, const QString &message)
{
    if (m_failed)
        return;
    m_failed = true;
    m_error = Error { code, message };
}

bool JsonFields::present(QLatin1StringView key, Need need, const QJsonValue &value)
{
    if (!value.isUndefined() && !value.isNull())
        return true;
    if (need == Required)
        fail(ErrorCode::BadRequest, QStringLiteral("missing field '%1'").arg(key));
    return false;
}

void JsonFields::wrongType(QLatin1StringView key, QLatin1StringView expected)
{
    fail(ErrorCode::BadRequest, QStringLiteral("field '%1' must be %2").arg(key, expected));
}

QString JsonFields::string(QLatin1StringView key, Need need)
{
    const QJsonValue value = m_object.value(key);
    if (!present(key, need, value))
        return {};
    if (!value.isString()) {
        wrongType(key, QLatin1StringView("a string"));
        return {};
    }
    return value.toString();
}

qint64 JsonFields::decimal(QLatin1StringView key, Need need, qint64 fallback)
{
    const QJsonValue value = m_object.value(key);
    if (!present(key, need, value))
        return fallback;
    if (value.isString()) {
        if (const auto parsed = validation::parseDecimalId(value.toString()))
            return *parsed;
    } else if (value.isDouble()) {
        const double d = value.toDouble();
        // Safe integers only (below 2^53): a larger JSON number may already have been rounded
        // (9007199254740993 reads as 2^53), so larger ids must travel as strings.
        if (d >= 0 && d < kTwoPow53 && std::floor(d) == d)
            return static_cast<qint64>(d);
    }
    wrongType(key, QLatin1StringView("a decimal string"));
    return fallback;
}

qint64 JsonFields::integer(QLatin1StringView key, Need need, qint64 fallback)
{
    const QJsonValue value = m_object.value(key);
    if (!present(key, need, value))
        return fallback;
    if (value.isDouble()) {
        const double d = value.toDouble();
        if (std::abs(d) < kTwoPow53 && std::floor(d) == d)
            return static_cast<qint64>(d);
    }
    wrongType(key, QLatin1StringView("an integer"));
    return fallback;
}

double JsonFields::number(QLatin1StringView key, Need need, double fallback)
{
    const QJsonValue value = m_object.value(key);
    if (!present(key, need, value))
        return fallback;
    if (!value.isDouble()) {
        wrongType(key, QLatin1StringView("a number"));
        return fallback;
    }
    return value.toDouble();
}

bool JsonFields::boolean(QLatin1StringView key, Need need, bool fallback)
{
    const QJsonValue value = m_object.value(key);
    if (!present(key, need, value))
        return fallback;
    if (!value.isBool()) {
        wrongType(key, QLatin1StringView("true or false"));
        return fallback;
    }
    return value.toBool();
}

QJsonObject JsonFields::object(QLatin1StringView key, Need need)
{
    const QJsonValue value = m_object.value(key);
    if (!present(key, need, value))
        return {};
    if (!value.isObject()) {
        wrongType(key, QLatin1StringView("an object"));
        return {};
    }
    return value.toObject();
}

QJsonArray JsonFields::array(QLatin1StringView key, Need need)
{
    const QJsonValue value = m_object.value(key);
    if (!present(key, need, value))
        return {};
    if (!value.isArray()) {
        wrongType(key, QLatin1StringView("an array"));
        return {};
    }
    return value.toArray();
}

QStringList JsonFields::usernames(QLatin1StringView key, Need need)
{
    const QJsonArray items = array(key, need);
    QStringList names;
    for (const QJsonValue &item : items) {
        const auto name =
            item.isString() ? validation::normalizeUsername(item.toString()) : std::nullopt;
        if (!name) {
            fail(ErrorCode::BadRequest, u"'%1' must hold valid usernames"_s.arg(key));
            return {};
        }
        if (!names.contains(*name))
            names.append(*name);
    }
    return names;
}

QString JsonFields::username(QLatin1StringView key)
{
    const QString text = string(key);
    if (!ok())
        return {};
    const auto name = validation::normalizeUsername(text);
    if (!name) {
        fail(ErrorCode::BadRequest, u"'%1' must be a valid username"_s.arg(key));
        return {};
    }
    return *name;
}

} // namespace confab
