// The outer shape of every WebSocket frame: one JSON object with a "type" and an optional "id".
#pragma once

#include "common/ErrorCode.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QString>

#include <optional>

namespace confab {

class JsonFields;

// `id` made non-null when it was present (an id of "" is still an id and is echoed).
inline QString nonNullRequestId(const QString &id, bool present)
{
    if (present && id.isNull())
        return QString::fromLatin1("", 0);
    return id;
}

struct Envelope
{
    QString type;
    // The request id as sent (Undefined when absent), so an error can echo it even when invalid.
    QJsonValue id = QJsonValue::Undefined;
    QJsonObject object;
    // Set when the frame is not a well-formed request; type and id hold what could be read.
    std::optional<Error> error;

    // The id as a string, for echoing in replies: null when absent, empty when sent as "".
    QString requestId() const { return requestIdOf(id); }
    static QString requestIdOf(const QJsonValue &id)
    {
        return id.isString() ? nonNullRequestId(id.toString(), true) : QString();
    }

    static Envelope parse(const QString &text);
    // The same from the UTF-8 of a text frame, as it came off the connection.
    static Envelope parse(const QByteArray &utf8);
};

// Replies carry the request id: a null one means "none"; an empty one was sent as "" and is
// echoed as such.
void insertRequestId(QJsonObject &json, const QString &requestId);
QString readRequestId(JsonFields &fields);

} // namespace confab
