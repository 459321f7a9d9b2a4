// The outer shape of every WebSocket frame: one JSON object with a "type" and an optional "id".
#pragma once

#include "common/ErrorCode.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QString>

#include <optional>

namespace confab {

struct Envelope
{
    QString type;
    // The request id as sent (Undefined when absent), so an error can echo it even when invalid.
    QJsonValue id = QJsonValue::Undefined;
    QJsonObject object;
    // Set when the frame is not a well-formed request; type and id hold what could be read.
    std::optional<Error> error;

    // The id as a string, for echoing in replies.
    QString requestId() const { return id.isString() ? id.toString() : QString(); }

    static Envelope parse(const QString &text);
};

} // namespace confab
