#include "common/Envelope.h"

#include "common/JsonFields.h"
#include "common/Validation.h"

#include <QJsonDocument>
#include <QJsonParseError>

namespace confab {

using namespace Qt::StringLiterals;

Envelope Envelope::parse(const QString &text)
{
    return parse(text.toUtf8());
}

Envelope Envelope::parse(const QByteArray &utf8)
{
    Envelope envelope;
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(utf8, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        envelope.error = Error { ErrorCode::BadRequest,
                                 u"malformed JSON at offset %1: %2"_s.arg(parseError.offset)
                                     .arg(parseError.errorString()) };
        return envelope;
    }
    if (!document.isObject()) {
        envelope.error = Error { ErrorCode::BadRequest, u"a frame must be a JSON object"_s };
        return envelope;
    }
    envelope.object = document.object();
    envelope.id = envelope.object.value("id"_L1);
    const QJsonValue type = envelope.object.value("type"_L1);
    if (type.isString())
        envelope.type = type.toString();

    if (!envelope.id.isUndefined()
        && (!envelope.id.isString() || !validation::isValidRequestId(envelope.id.toString()))) {
        envelope.error =
            Error { ErrorCode::BadRequest, u"'id' must be a string of at most 64 characters"_s };
    } else if (!type.isString() || envelope.type.isEmpty()) {
        envelope.error = Error { ErrorCode::BadRequest, u"missing field 'type'"_s };
    }
    return envelope;
}

void insertRequestId(QJsonObject &json, const QString &requestId)
{
    if (!requestId.isNull())
        json.insert("id"_L1, requestId);
}

QString readRequestId(JsonFields &fields)
{
    return nonNullRequestId(fields.string("id"_L1, JsonFields::Optional), fields.has("id"_L1));
}

} // namespace confab
