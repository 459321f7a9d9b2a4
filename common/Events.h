// What the server sends on the WebSocket (PROTOCOL.md §3): replies and pushed events.
#pragma once

#include "common/ErrorCode.h"
#include "common/Message.h"
#include "common/Result.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>

namespace confab {

struct WelcomeEvent
{
    static constexpr QLatin1StringView kType { "welcome" };
    QString username;
    qint64 deviceId = 0;
    int heartbeatS = 30;
    qint64 latestSeq = 0;
    qint64 ackedSeq = 0;
    int maxBodyChars = 0;
    int maxGroupMembers = 0;

    QJsonObject toJson() const;
    static Result<WelcomeEvent> fromJson(const QJsonObject &json);
    friend bool operator==(const WelcomeEvent &, const WelcomeEvent &) = default;
};

struct SentEvent
{
    static constexpr QLatin1StringView kType { "sent" };
    QString requestId;
    qint64 seq = 0;
    Message message;

    QJsonObject toJson() const;
    // The same object as toJson(), written straight to UTF-8 (once per send).
    QByteArray toJsonUtf8() const;
    static Result<SentEvent> fromJson(const QJsonObject &json);
    friend bool operator==(const SentEvent &, const SentEvent &) = default;
};

// A live inbox entry: {"type":"msg","seq":"58","message":{...}}.
struct MsgEvent
{
    static constexpr QLatin1StringView kType { "msg" };
    InboxEntry entry;

    QJsonObject toJson() const;
    static Result<MsgEvent> fromJson(const QJsonObject &json);
    friend bool operator==(const MsgEvent &, const MsgEvent &) = default;
};

struct SyncPage
{
    static constexpr QLatin1StringView kType { "sync" };
    QString requestId;
    QList<InboxEntry> entries;
    bool more = false;

    QJsonObject toJson() const;
    static Result<SyncPage> fromJson(const QJsonObject &json);
    friend bool operator==(const SyncPage &, const SyncPage &) = default;
};

struct HistoryPage
{
    static constexpr QLatin1StringView kType { "history" };
    QString requestId;
    QString conv;
    QList<Message> messages; // ascending conv_seq
    bool more = false;

    QJsonObject toJson() const;
    static Result<HistoryPage> fromJson(const QJsonObject &json);
    friend bool operator==(const HistoryPage &, const HistoryPage &) = default;
};

struct ErrorEvent
{
    static constexpr QLatin1StringView kType { "error" };
    // Echoed exactly as the client sent it (absent when it sent none).
    QJsonValue requestId = QJsonValue::Undefined;
    ErrorCode code = ErrorCode::Internal;
    QString message;

    QJsonObject toJson() const;
    static Result<ErrorEvent> fromJson(const QJsonObject &json);
    friend bool operator==(const ErrorEvent &, const ErrorEvent &) = default;
};

struct PongEvent
{
    static constexpr QLatin1StringView kType { "pong" };
    QString requestId;

    QJsonObject toJson() const;
    static Result<PongEvent> fromJson(const QJsonObject &json);
    friend bool operator==(const PongEvent &, const PongEvent &) = default;
};

} // namespace confab
