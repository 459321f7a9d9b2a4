// A chat message and an inbox entry as they travel (PROTOCOL.md §3.1).
#pragma once

#include "common/Result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace confab {

class JsonWriter;

struct Message
{
    qint64 id = 0;
    QString conv; // as seen by the inbox owner: "user:<other party>" or "group:<id>"
    QString from;
    QString body;
    qint64 ts = 0; // ms since the epoch, server clock
    qint64 convSeq = 0;
    QString clientId;

    QJsonObject toJson() const;
    // The same object as toJson(), written straight to UTF-8 (the hot path of live delivery).
    QByteArray toJsonUtf8() const;
    void writeJson(JsonWriter &writer) const;
    static Result<Message> fromJson(const QJsonObject &json);

    friend bool operator==(const Message &, const Message &) = default;
};

struct InboxEntry
{
    qint64 seq = 0;
    Message message;

    QJsonObject toJson() const;
    static Result<InboxEntry> fromJson(const QJsonObject &json);

    friend bool operator==(const InboxEntry &, const InboxEntry &) = default;
};

} // namespace confab
