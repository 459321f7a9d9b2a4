#include "common/Requests.h"

#include "common/JsonFields.h"
#include "common/Limits.h"
#include "common/Validation.h"

namespace confab {

using namespace Qt::StringLiterals;
using validation::decimalId;

namespace {
// Reads an optional page limit: a positive integer; 0 means "the server's default".
int readLimit(JsonFields &f)
{
    const qint64 limit = f.integer("limit"_L1, JsonFields::Optional, 0);
    if (limit < 0 || (f.has("limit"_L1) && limit == 0))
        f.fail(ErrorCode::BadRequest, u"field 'limit' must be a positive integer"_s);
    return static_cast<int>(qMin<qint64>(limit, std::numeric_limits<int>::max()));
}

ConvRef readConv(JsonFields &f, QLatin1StringView key)
{
    const QString text = f.string(key);
    if (!f.ok())
        return {};
    auto conv = ConvRef::parse(text);
    if (!conv) {
        f.fail(ErrorCode::BadRequest,
               u"field '%1' must be user:<username> or group:<id>"_s.arg(key));
        return {};
    }
    return *conv;
}
} // namespace

QJsonObject AuthRequest::toJson() const
{
    return { { "type"_L1, kType }, { "token"_L1, token } };
}

Result<AuthRequest> AuthRequest::fromJson(const QJsonObject &json)
{
    JsonFields f(json);
    AuthRequest r;
    r.token = f.string("token"_L1);
    if (!f.ok())
        return f.error();
    return r;
}

QJsonObject SendRequest::toJson() const
{
    return { { "type"_L1, kType },
             { "client_id"_L1, clientId },
             { "to"_L1, to.toString() },
             { "body"_L1, body } };
}

Result<SendRequest> SendRequest::fromJson(const QJsonObject &json)
{
    JsonFields f(json);
    SendRequest r;
    r.clientId = f.string("client_id"_L1);
    if (f.ok() && !validation::isValidClientId(r.clientId))
        f.fail(ErrorCode::BadRequest, u"field 'client_id' must have 1 to 64 characters"_s);
    r.to = readConv(f, "to"_L1);
    r.body = f.string("body"_L1);
    if (!f.ok())
        return f.error();
    if (auto error = validation::checkBody(r.body))
        return *error;
    return r;
}

QJsonObject SyncRequest::toJson() const
{
    QJsonObject json { { "type"_L1, kType }, { "after"_L1, decimalId(after) } };
    if (limit > 0)
        json.insert("limit"_L1, limit);
    return json;
}

Result<SyncRequest> SyncRequest::fromJson(const QJsonObject &json)
{
    JsonFields f(json);
    SyncRequest r;
    r.after = f.decimal("after"_L1, JsonFields::Optional, 0);
    r.limit = readLimit(f);
    if (!f.ok())
        return f.error();
    return r;
}

QJsonObject AckRequest::toJson() const
{
    return { { "type"_L1, kType }, { "seq"_L1, decimalId(seq) } };
}

Result<AckRequest> AckRequest::fromJson(const QJsonObject &json)
{
    JsonFields f(json);
    AckRequest r;
    r.seq = f.decimal("seq"_L1);
    if (!f.ok())
        return f.error();
    return r;
}

QJsonObject HistoryRequest::toJson() const
{
    QJsonObject json { { "type"_L1, kType }, { "conv"_L1, conv.toString() } };
    if (before)
        json.insert("before"_L1, decimalId(*before));
    if (limit > 0)
        json.insert("limit"_L1, limit);
    return json;
}

Result<HistoryRequest> HistoryRequest::fromJson(const QJsonObject &json)
{
    JsonFields f(json);
    HistoryRequest r;
    r.conv = readConv(f, "conv"_L1);
    if (f.has("before"_L1) && !json.value("before"_L1).isNull())
        r.before = f.decimal("before"_L1);
    r.limit = readLimit(f);
    if (!f.ok())
        return f.error();
    return r;
}

QJsonObject PingRequest::toJson() const
{
    return { { "type"_L1, kType } };
}

Result<PingRequest> PingRequest::fromJson(const QJsonObject &)
{
    return PingRequest {};
}

} // namespace confab
