// What a client sends on the WebSocket (PROTOCOL.md §3). fromJson() checks types and the rules of
// each field; the request id and type travel in the Envelope.
#pragma once

#include "common/ConvRef.h"
#include "common/Result.h"

#include <QJsonObject>
#include <QString>

#include <optional>

namespace confab {

struct AuthRequest
{
    static constexpr QLatin1StringView kType { "auth" };
    QString token;

    QJsonObject toJson() const;
    static Result<AuthRequest> fromJson(const QJsonObject &json);
    friend bool operator==(const AuthRequest &, const AuthRequest &) = default;
};

struct SendRequest
{
    static constexpr QLatin1StringView kType { "send" };
    QString clientId;
    ConvRef to;
    QString body;

    QJsonObject toJson() const;
    // Fails with bad_request for malformed fields and too_large for a body over the limit.
    static Result<SendRequest> fromJson(const QJsonObject &json);
    friend bool operator==(const SendRequest &, const SendRequest &) = default;
};

struct SyncRequest
{
    static constexpr QLatin1StringView kType { "sync" };
    qint64 after = 0;
    int limit = 0; // 0: the server's default

    QJsonObject toJson() const;
    static Result<SyncRequest> fromJson(const QJsonObject &json);
    friend bool operator==(const SyncRequest &, const SyncRequest &) = default;
};

struct AckRequest
{
    static constexpr QLatin1StringView kType { "ack" };
    qint64 seq = 0;

    QJsonObject toJson() const;
    static Result<AckRequest> fromJson(const QJsonObject &json);
    friend bool operator==(const AckRequest &, const AckRequest &) = default;
};

struct HistoryRequest
{
    static constexpr QLatin1StringView kType { "history" };
    ConvRef conv;
    std::optional<qint64> before; // exclusive conv_seq; none: from the newest
    int limit = 0; // 0: the server's default

    QJsonObject toJson() const;
    static Result<HistoryRequest> fromJson(const QJsonObject &json);
    friend bool operator==(const HistoryRequest &, const HistoryRequest &) = default;
};

struct PingRequest
{
    static constexpr QLatin1StringView kType { "ping" };

    QJsonObject toJson() const;
    static Result<PingRequest> fromJson(const QJsonObject &json);
    friend bool operator==(const PingRequest &, const PingRequest &) = default;
};

} // namespace confab
