#include "common/Events.h"

#include "common/Envelope.h"
#include "common/JsonFields.h"
#include "common/JsonWriter.h"
#include "common/Validation.h"

#include <QJsonArray>

namespace confab {

using namespace Qt::StringLiterals;
using validation::decimalId;

QJsonObject WelcomeEvent::toJson() const
{
    return {
        { "type"_L1, kType },
        { "username"_L1, username },
        { "device_id"_L1, decimalId(deviceId) },
        { "heartbeat_s"_L1, heartbeatS },
        { "latest_seq"_L1, decimalId(latestSeq) },
        { "acked_seq"_L1, decimalId(ackedSeq) },
        { "limits"_L1,
          QJsonObject { { "max_body_chars"_L1, maxBodyChars },
                        { "max_group_members"_L1, maxGroupMembers } } },
    };
}

Result<WelcomeEvent> WelcomeEvent::fromJson(const QJsonObject &json)
{
    JsonFields f(json);
    WelcomeEvent e;
    e.username = f.string("username"_L1);
    e.deviceId = f.decimal("device_id"_L1);
    e.heartbeatS = static_cast<int>(f.integer("heartbeat_s"_L1));
    e.latestSeq = f.decimal("latest_seq"_L1);
    e.ackedSeq = f.decimal("acked_seq"_L1);
    JsonFields limits(f.object("limits"_L1, JsonFields::Optional));
    e.maxBodyChars = static_cast<int>(limits.integer("max_body_chars"_L1, JsonFields::Optional));
    e.maxGroupMembers =
        static_cast<int>(limits.integer("max_group_members"_L1, JsonFields::Optional));
    if (!f.ok())
        return f.error();
    if (!limits.ok())
        return limits.error();
    return e;
}

QJsonObject SentEvent::toJson() const
{
    QJsonObject json { { "type"_L1, kType },
                       { "seq"_L1, decimalId(seq) },
                       { "message"_L1, message.toJson() } };
    insertRequestId(json, requestId);
    return json;
}

QByteArray SentEvent::toJsonUtf8() const
{
    JsonWriter writer(160 + message.conv.size() + message.from.size() + message.body.size()
                      + message.clientId.size() + requestId.size());
    writer.beginObject();
    writer.member("type"_L1, kType);
    writer.decimalMember("seq"_L1, seq);
    writer.key("message"_L1);
    message.writeJson(writer);
    if (!requestId.isNull())
        writer.member("id"_L1, requestId);
    writer.endObject();
    return writer.take();
}

Result<SentEvent> SentEvent::fromJson(const QJsonObject &json)
{
    JsonFields f(json);
    SentEvent e;
    e.requestId = readRequestId(f);
    e.seq = f.decimal("seq"_L1);
    e.message = f.decoded<Message>("message"_L1);
    if (!f.ok())
        return f.error();
    return e;
}

QJsonObject MsgEvent::toJson() const
{
    QJsonObject json = entry.toJson();
    json.insert("type"_L1, kType);
    return json;
}

Result<MsgEvent> MsgEvent::fromJson(const QJsonObject &json)
{
    auto entry = InboxEntry::fromJson(json);
    if (!entry)
        return entry.error();
    return MsgEvent { std::move(entry).value() };
}

QJsonObject SyncPage::toJson() const
{
    const QJsonArray array = toJsonArray(entries);
    QJsonObject json { { "type"_L1, kType }, { "entries"_L1, array }, { "more"_L1, more } };
    insertRequestId(json, requestId);
    return json;
}

Result<SyncPage> SyncPage::fromJson(const QJsonObject &json)
{
    JsonFields f(json);
    SyncPage page;
    page.requestId = readRequestId(f);
    page.entries = f.objects<InboxEntry>("entries"_L1);
    page.more = f.boolean("more"_L1);
    if (!f.ok())
        return f.error();
    return page;
}

QJsonObject HistoryPage::toJson() const
{
    const QJsonArray array = toJsonArray(messages);
    QJsonObject json {
        { "type"_L1, kType }, { "conv"_L1, conv }, { "messages"_L1, array }, { "more"_L1, more }
    };
    insertRequestId(json, requestId);
    return json;
}

Result<HistoryPage> HistoryPage::fromJson(const QJsonObject &json)
{
    JsonFields f(json);
    HistoryPage page;
    page.requestId = readRequestId(f);
    page.conv = f.string("conv"_L1);
    page.messages = f.objects<Message>("messages"_L1);
    page.more = f.boolean("more"_L1);
    if (!f.ok())
        return f.error();
    return page;
}

QJsonObject ErrorEvent::toJson() const
{
    QJsonObject json { { "type"_L1, kType },
                       { "code"_L1, wireName(code) },
                       { "message"_L1, message } };
    if (!requestId.isUndefined())
        json.insert("id"_L1, requestId);
    return json;
}

Result<ErrorEvent> ErrorEvent::fromJson(const QJsonObject &json)
{
    JsonFields f(json);
    ErrorEvent e;
    e.requestId = json.value("id"_L1);
    const QString code = f.string("code"_L1);
    e.message = f.string("message"_L1, JsonFields::Optional);
    if (!f.ok())
        return f.error();
    // An unknown code from a newer server still reads as an error.
    e.code = errorCodeFromWireName(code).value_or(ErrorCode::Internal);
    return e;
}

QJsonObject PongEvent::toJson() const
{
    QJsonObject json { { "type"_L1, kType } };
    insertRequestId(json, requestId);
    return json;
}

Result<PongEvent> PongEvent::fromJson(const QJsonObject &json)
{
    JsonFields f(json);
    PongEvent e;
    e.requestId = readRequestId(f);
    if (!f.ok())
        return f.error();
    return e;
}

} // namespace confab
