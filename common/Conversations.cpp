#include "common/Conversations.h"

#include "common/Envelope.h"
#include "common/JsonFields.h"
#include "common/Validation.h"

#include <QJsonArray>

namespace confab {

using namespace Qt::StringLiterals;
using validation::decimalId;

QJsonObject ConversationsRequest::toJson() const
{
    QJsonObject json { { "type"_L1, kType } };
    if (limit > 0)
        json.insert("limit"_L1, limit);
    if (beforeTs)
        json.insert("before_ts"_L1, *beforeTs);
    return json;
}

Result<ConversationsRequest> ConversationsRequest::fromJson(const QJsonObject &json)
{
    JsonFields f(json);
    ConversationsRequest r;
    const qint64 limit = f.integer("limit"_L1, JsonFields::Optional, 0);
    if (limit < 0 || (f.has("limit"_L1) && limit == 0))
        f.fail(ErrorCode::BadRequest, u"field 'limit' must be a positive integer"_s);
    r.limit = int(qMin<qint64>(limit, 1'000'000));
    if (f.has("before_ts"_L1) && !json.value("before_ts"_L1).isNull())
        r.beforeTs = f.integer("before_ts"_L1);
    if (!f.ok())
        return f.error();
    return r;
}

QJsonObject ConversationSummary::toJson() const
{
    QJsonObject json { { "conv"_L1, conv },
                       { "unread"_L1, unread },
                       { "read_seq"_L1, decimalId(readSeq) },
                       { "activity_ts"_L1, activityTs } };
    if (last)
        json.insert("last"_L1, last->toJson());
    return json;
}

Result<ConversationSummary> ConversationSummary::fromJson(const QJsonObject &json)
{
    JsonFields f(json);
    ConversationSummary c;
    c.conv = f.string("conv"_L1);
    c.unread = f.integer("unread"_L1, JsonFields::Optional);
    c.readSeq = f.decimal("read_seq"_L1, JsonFields::Optional);
    c.activityTs = f.integer("activity_ts"_L1, JsonFields::Optional);
    const QJsonObject last = f.object("last"_L1, JsonFields::Optional);
    if (!f.ok())
        return f.error();
    if (!last.isEmpty()) {
        auto message = Message::fromJson(last);
        if (!message)
            return message.error();
        c.last = std::move(message).value();
    }
    return c;
}

QJsonObject ConversationsPage::toJson() const
{
    const QJsonArray array = toJsonArray(conversations);
    QJsonObject json { { "type"_L1, kType }, { "conversations"_L1, array }, { "more"_L1, more } };
    insertRequestId(json, requestId);
    return json;
}

Result<ConversationsPage> ConversationsPage::fromJson(const QJsonObject &json)
{
    JsonFields f(json);
    ConversationsPage page;
    page.requestId = readRequestId(f);
    page.conversations = f.objects<ConversationSummary>("conversations"_L1);
    page.more = f.boolean("more"_L1);
    if (!f.ok())
        return f.error();
    return page;
}

QJsonObject ReadMarker::toJson() const
{
    return { { "type"_L1, kType },
             { "conv"_L1, conv.toString() },
             { "conv_seq"_L1, decimalId(convSeq) } };
}

Result<ReadMarker> ReadMarker::fromJson(const QJsonObject &json)
{
    JsonFields f(json);
    ReadMarker r;
    const QString conv = f.string("conv"_L1);
    r.convSeq = f.decimal("conv_seq"_L1);
    if (!f.ok())
        return f.error();
    const auto parsed = ConvRef::parse(conv);
    if (!parsed)
        return Error { ErrorCode::BadRequest,
                       u"field 'conv' must be user:<username> or group:<id>"_s };
    r.conv = *parsed;
    return r;
}

} // namespace confab
