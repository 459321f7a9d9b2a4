#include "common/HttpTypes.h"

#include "common/JsonFields.h"
#include "common/Limits.h"
#include "common/Validation.h"

#include <QJsonArray>

namespace confab {

using namespace Qt::StringLiterals;
using validation::decimalId;

QJsonObject RegisterRequest::toJson() const
{
    QJsonObject json { { "username"_L1, username }, { "password"_L1, password } };
    if (!displayName.isEmpty())
        json.insert("display_name"_L1, displayName);
    return json;
}

Result<RegisterRequest> RegisterRequest::fromJson(const QJsonObject &json)
{
    JsonFields f(json);
    RegisterRequest r;
    const QString username = f.string("username"_L1);
    r.password = f.string("password"_L1);
    r.displayName = f.string("display_name"_L1, JsonFields::Optional).trimmed();
    if (!f.ok())
        return f.error();
    const auto normalized = validation::normalizeUsername(username);
    if (!normalized) {
        return Error { ErrorCode::InvalidUsername,
                       u"a username has 3 to 32 characters: a-z, 0-9, '_', '.' or '-'"_s };
    }
    r.username = *normalized;
    if (!validation::isValidPassword(r.password)) {
        return Error { ErrorCode::WeakPassword,
                       u"a password has at least %1 characters"_s.arg(limits::kMinPasswordChars) };
    }
    if (!validation::isValidLabel(r.displayName, limits::kMaxDisplayNameChars)) {
        return Error { ErrorCode::BadRequest,
                       u"a display name has at most %1 characters and no control characters"_s.arg(
                           limits::kMaxDisplayNameChars) };
    }
    return r;
}

QJsonObject UserInfo::toJson() const
{
    return { { "username"_L1, username }, { "display_name"_L1, displayName } };
}

Result<UserInfo> UserInfo::fromJson(const QJsonObject &json)
{
    JsonFields f(json);
    UserInfo u;
    u.username = f.string("username"_L1);
    u.displayName = f.string("display_name"_L1, JsonFields::Optional);
    if (!f.ok())
        return f.error();
    return u;
}

QJsonObject LoginRequest::toJson() const
{
    QJsonObject json { { "username"_L1, username }, { "password"_L1, password } };
    if (!deviceName.isEmpty())
        json.insert("device_name"_L1, deviceName);
    return json;
}

Result<LoginRequest> LoginRequest::fromJson(const QJsonObject &json)
{
    JsonFields f(json);
    LoginRequest r;
    r.username = f.string("username"_L1);
    r.password = f.string("password"_L1);
    r.deviceName = f.string("device_name"_L1, JsonFields::Optional).trimmed();
    if (!f.ok())
        return f.error();
    if (!validation::isValidLabel(r.deviceName, limits::kMaxDeviceNameChars)) {
        return Error { ErrorCode::BadRequest,
                       u"a device name has at most %1 characters and no control characters"_s.arg(
                           limits::kMaxDeviceNameChars) };
    }
    return r;
}

QJsonObject LoginResponse::toJson() const
{
    return { { "token"_L1, token },
             { "device_id"_L1, decimalId(deviceId) },
             { "username"_L1, username } };
}

Result<LoginResponse> LoginResponse::fromJson(const QJsonObject &json)
{
    JsonFields f(json);
    LoginResponse r;
    r.token = f.string("token"_L1);
    r.deviceId = f.decimal("device_id"_L1);
    r.username = f.string("username"_L1);
    if (!f.ok())
        return f.error();
    return r;
}

QJsonObject DeviceInfo::toJson() const
{
    QJsonObject json { { "device_id"_L1, decimalId(deviceId) },
                       { "name"_L1, name },
                       { "created_at"_L1, createdAt },
                       { "online"_L1, online } };
    // Absent for a device that never connected.
    if (lastSeenAt > 0)
        json.insert("last_seen_at"_L1, lastSeenAt);
    return json;
}

Result<DeviceInfo> DeviceInfo::fromJson(const QJsonObject &json)
{
    JsonFields f(json);
    DeviceInfo d;
    d.deviceId = f.decimal("device_id"_L1);
    d.name = f.string("name"_L1, JsonFields::Optional);
    d.createdAt = f.integer("created_at"_L1);
    // No time at or before the epoch is a last sighting: it reads as "never", like an absent one.
    d.lastSeenAt = qMax<qint64>(0, f.integer("last_seen_at"_L1, JsonFields::Optional));
    d.online = f.boolean("online"_L1, JsonFields::Optional);
    if (!f.ok())
        return f.error();
    return d;
}

QJsonObject MeResponse::toJson() const
{
    const QJsonArray array = toJsonArray(devices);
    return { { "username"_L1, username },
             { "display_name"_L1, displayName },
             { "devices"_L1, array } };
}

Result<MeResponse> MeResponse::fromJson(const QJsonObject &json)
{
    JsonFields f(json);
    MeResponse me;
    me.username = f.string("username"_L1);
    me.displayName = f.string("display_name"_L1, JsonFields::Optional);
    const QJsonArray devices = f.array("devices"_L1);
    if (!f.ok())
        return f.error();
    for (const QJsonValue &value : devices) {
        auto device = DeviceInfo::fromJson(value.toObject());
        if (!device)
            return device.error();
        me.devices.append(std::move(device).value());
    }
    return me;
}

QJsonObject DiscoveryResponse::toJson() const
{
    QJsonArray array;
    for (const ServerInfo &server : servers)
        array.append(QJsonObject { { "url"_L1, server.url }, { "load"_L1, server.load } });
    return { { "servers"_L1, array } };
}

Result<DiscoveryResponse> DiscoveryResponse::fromJson(const QJsonObject &json)
{
    JsonFields f(json);
    DiscoveryResponse d;
    const QJsonArray servers = f.array("servers"_L1);
    for (const QJsonValue &value : servers) {
        JsonFields server(value.toObject());
        ServerInfo info;
        info.url = server.string("url"_L1);
        info.load = server.number("load"_L1, JsonFields::Optional);
        if (!server.ok())
            return server.error();
        d.servers.append(info);
    }
    if (!f.ok())
        return f.error();
    return d;
}

QJsonObject apiErrorJson(const Error &error)
{
    return { { "error"_L1,
               QJsonObject { { "code"_L1, wireName(error.code) },
                             { "message"_L1, error.message } } } };
}

std::optional<Error> apiErrorFromJson(const QJsonObject &json)
{
    JsonFields outer(json);
    JsonFields f(outer.object("error"_L1));
    const QString code = f.string("code"_L1);
    const QString message = f.string("message"_L1, JsonFields::Optional);
    if (!outer.ok() || !f.ok())
        return std::nullopt;
    return Error { errorCodeFromWireName(code).value_or(ErrorCode::Internal), message };
}

} // namespace confab
