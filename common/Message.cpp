#include "common/Message.h"

#include "common/JsonFields.h"
#include "common/JsonWriter.h"
#include "common/Validation.h"

namespace confab {

using namespace Qt::StringLiterals;
using validation::decimalId;

QJsonObject Message::toJson() const
{
    return QJsonObject {
        { "id"_L1, decimalId(id) },   { "conv"_L1, conv }, { "from"_L1, from },
        { "body"_L1, body },          { "ts"_L1, ts },     { "conv_seq"_L1, decimalId(convSeq) },
        { "client_id"_L1, clientId },
    };
}

void Message::writeJson(JsonWriter &writer) const
{
    writer.beginObject();
    writer.decimalMember("id"_L1, id);
    writer.member("conv"_L1, conv);
    writer.member("from"_L1, from);
    writer.member("body"_L1, body);
    writer.integerMember("ts"_L1, ts);
    writer.decimalMember("conv_seq"_L1, convSeq);
    writer.member("client_id"_L1, clientId);
    writer.endObject();
}

QByteArray Message::toJsonUtf8() const
{
    // Room for the fields around the strings, which are mostly ASCII.
    JsonWriter writer(128 + conv.size() + from.size() + body.size() + clientId.size());
    writeJson(writer);
    return writer.take();
}

Result<Message> Message::fromJson(const QJsonObject &json)
{
    JsonFields f(json);
    Message m;
    m.id = f.decimal("id"_L1);
    m.conv = f.string("conv"_L1);
    m.from = f.string("from"_L1);
    m.body = f.string("body"_L1);
    m.ts = f.integer("ts"_L1);
    m.convSeq = f.decimal("conv_seq"_L1);
    m.clientId = f.string("client_id"_L1, JsonFields::Optional);
    if (!f.ok())
        return f.error();
    return m;
}

QJsonObject InboxEntry::toJson() const
{
    return QJsonObject {
        { "seq"_L1, decimalId(seq) },
        { "message"_L1, message.toJson() },
    };
}

Result<InboxEntry> InboxEntry::fromJson(const QJsonObject &json)
{
    JsonFields f(json);
    InboxEntry e;
    e.seq = f.decimal("seq"_L1);
    e.message = f.decoded<Message>("message"_L1);
    if (!f.ok())
        return f.error();
    return e;
}

} // namespace confab
