// The conversation list and read markers (PROTOCOL.md §3.1).
#pragma once

#include "common/ConvRef.h"
#include "common/Message.h"
#include "common/Result.h"

#include <QJsonObject>
#include <QList>

#include <optional>

namespace confab {

struct ConversationsRequest
{
    static constexpr QLatin1StringView kType { "conversations" };
    int limit = 0; // 0: the server's default
    std::optional<qint64> beforeTs; // exclusive; none: from the newest

    QJsonObject toJson() const;
    static Result<ConversationsRequest> fromJson(const QJsonObject &json);
    friend bool operator==(const ConversationsRequest &, const ConversationsRequest &) = default;
};

struct ConversationSummary
{
    QString conv;
    std::optional<Message> last; // none: a group with no message yet
    qint64 unread = 0;
    qint64 readSeq = 0;
    // Extension: what the list sorts and pages by (last.ts, or when the user joined the group).
    qint64 activityTs = 0;

    QJsonObject toJson() const;
    static Result<ConversationSummary> fromJson(const QJsonObject &json);
    friend bool operator==(const ConversationSummary &, const ConversationSummary &) = default;
};

struct ConversationsPage
{
    static constexpr QLatin1StringView kType { "conversations" };
    QString requestId;
    QList<ConversationSummary> conversations; // most recent activity first
    bool more = false;

    QJsonObject toJson() const;
    static Result<ConversationsPage> fromJson(const QJsonObject &json);
    friend bool operator==(const ConversationsPage &, const ConversationsPage &) = default;
};

// {"type":"read","conv","conv_seq"}: sent by a client, and pushed to every device of the user.
struct ReadMarker
{
    static constexpr QLatin1StringView kType { "read" };
    ConvRef conv;
    qint64 convSeq = 0;

    QJsonObject toJson() const;
    static Result<ReadMarker> fromJson(const QJsonObject &json);
    friend bool operator==(const ReadMarker &, const ReadMarker &) = default;
};

} // namespace confab
