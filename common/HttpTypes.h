// Bodies of the HTTP API (PROTOCOL.md §2).
#pragma once

#include "common/ErrorCode.h"
#include "common/Result.h"

#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace confab {

struct RegisterRequest
{
    QString username; // normalised to lower case
    QString password;
    QString displayName; // empty: the username

    QJsonObject toJson() const;
    // invalid_username, weak_password or bad_request.
    static Result<RegisterRequest> fromJson(const QJsonObject &json);
    friend bool operator==(const RegisterRequest &, const RegisterRequest &) = default;
};

struct UserInfo
{
    QString username;
    QString displayName;

    QJsonObject toJson() const;
    static Result<UserInfo> fromJson(const QJsonObject &json);
    friend bool operator==(const UserInfo &, const UserInfo &) = default;
};

struct LoginRequest
{
    QString username; // as typed; the server normalises
    QString password;
    QString deviceName; // empty: a default name

    QJsonObject toJson() const;
    static Result<LoginRequest> fromJson(const QJsonObject &json);
    friend bool operator==(const LoginRequest &, const LoginRequest &) = default;
};

struct LoginResponse
{
    QString token;
    qint64 deviceId = 0;
    QString username;

    QJsonObject toJson() const;
    static Result<LoginResponse> fromJson(const QJsonObject &json);
    friend bool operator==(const LoginResponse &, const LoginResponse &) = default;
};

struct DeviceInfo
{
    qint64 deviceId = 0;
    QString name;
    qint64 createdAt = 0;
    qint64 lastSeenAt = 0; // 0: never connected
    bool online = false;

    QJsonObject toJson() const;
    static Result<DeviceInfo> fromJson(const QJsonObject &json);
    friend bool operator==(const DeviceInfo &, const DeviceInfo &) = default;
};

struct MeResponse
{
    QString username;
    QString displayName;
    QList<DeviceInfo> devices;

    QJsonObject toJson() const;
    static Result<MeResponse> fromJson(const QJsonObject &json);
    friend bool operator==(const MeResponse &, const MeResponse &) = default;
};

struct ServerInfo
{
    QString url; // ws://host:port/ws
    double load = 0.0;

    friend bool operator==(const ServerInfo &, const ServerInfo &) = default;
};

struct DiscoveryResponse
{
    QList<ServerInfo> servers; // best first

    QJsonObject toJson() const;
    static Result<DiscoveryResponse> fromJson(const QJsonObject &json);
    friend bool operator==(const DiscoveryResponse &, const DiscoveryResponse &) = default;
};

// {"error":{"code":"...","message":"..."}}
QJsonObject apiErrorJson(const Error &error);
// Nothing when the body is not an API error.
std::optional<Error> apiErrorFromJson(const QJsonObject &json);

} // namespace confab
