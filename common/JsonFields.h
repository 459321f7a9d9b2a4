// Reads typed fields out of a JSON object and remembers the first thing that was wrong, so a
// decoder reads straight through and checks once at the end.
#pragma once

#include "common/ErrorCode.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QString>

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

} // namespace confab
