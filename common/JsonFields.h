// Reads typed fields out of a JSON object and remembers the first thing that was wrong, so a
// decoder reads straight through and checks once at the end.
#pragma once

#include "common/ErrorCode.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace confab {

class JsonFields
{
public:
    enum Need { Required, Optional };

    explicit JsonFields(const QJsonObject &object)
        : m_object(object)
    { }

    bool has(QLatin1StringView key) const;
    QString string(QLatin1StringView key, Need need = Required);
    // A 64-bit id or sequence number: a decimal string (the wire form) or a non-negative
    // integral JSON number.
    qint64 decimal(QLatin1StringView key, Need need = Required, qint64 fallback = 0);
    // A plain integer such as a page limit or a time in milliseconds.
    qint64 integer(QLatin1StringView key, Need need = Required, qint64 fallback = 0);
    double number(QLatin1StringView key, Need need = Required, double fallback = 0);
    bool boolean(QLatin1StringView key, Need need = Required, bool fallback = false);
    QJsonObject object(QLatin1StringView key, Need need = Required);
    QJsonArray array(QLatin1StringView key, Need need = Required);
    // An object decoded with T::fromJson.
    template<typename T>
    T decoded(QLatin1StringView key, Need need = Required);
    // An array of objects, each decoded with T::fromJson.
    template<typename T>
    QList<T> objects(QLatin1StringView key, Need need = Required);
    // An array of usernames: each valid, lower-cased, duplicates dropped, order kept.
    QStringList usernames(QLatin1StringView key, Need need = Required);
    // One username, lower-cased.
    QString username(QLatin1StringView key);

    // Records a failure unless one was recorded already.
    void fail(ErrorCode code, const QString &message);

    bool ok() const { return !m_failed; }
    const Error &error() const { return m_error; }

private:
    bool present(QLatin1StringView key, Need need, const QJsonValue &value);
    void wrongType(QLatin1StringView key, QLatin1StringView expected);

    QJsonObject m_object;
    Error m_error;
    bool m_failed = false;
};

// Each item's toJson(), in order.
template<typename T>
QJsonArray toJsonArray(const QList<T> &items)
{
    QJsonArray array;
    for (const T &item : items)
        array.append(item.toJson());
    return array;
}

template<typename T>
T JsonFields::decoded(QLatin1StringView key, Need need)
{
    const QJsonObject json = object(key, need);
    if (!ok() || (need == Optional && !has(key)))
        return {};
    auto value = T::fromJson(json);
    if (!value) {
        fail(value.error().code, value.error().message);
        return {};
    }
    return std::move(value).value();
}

template<typename T>
QList<T> JsonFields::objects(QLatin1StringView key, Need need)
{
    const QJsonArray items = array(key, need);
    QList<T> out;
    out.reserve(items.size());
    for (const QJsonValue &item : items) {
        if (!item.isObject()) {
            fail(ErrorCode::BadRequest, QStringLiteral("'%1' must hold objects").arg(key));
            return {};
        }
        auto decoded = T::fromJson(item.toObject());
        if (!decoded) {
            fail(decoded.error().code, decoded.error().message);
            return {};
        }
        out.append(std::move(decoded).value());
    }
    return out;
}

} // namespace confab
