// Reading a whole inbox (sync) or conversation (history) through the real protocol, page by page.
#pragma once

#include "tests/support/WsClient.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QList>

#include <optional>

namespace confab::test {

// Every message of the caller's inbox, in seq order; nothing if a page did not come.
inline std::optional<QList<QJsonObject>> syncAll(WsClient &client)
{
    QList<QJsonObject> messages;
    QString after = QStringLiteral("0");
    while (true) {
        const auto page = client.request({ { QLatin1StringView("type"), QStringLiteral("sync") },
                                           { QLatin1StringView("after"), after },
                                           { QLatin1StringView("limit"), 1000 } });
        if (!page || page->value(QLatin1StringView("type")).toString() != QLatin1StringView("sync"))
            return std::nullopt;
        const QJsonArray entries = page->value(QLatin1StringView("entries")).toArray();
        for (const QJsonValue entry : entries) {
            messages.append(entry.toObject().value(QLatin1StringView("message")).toObject());
            after = entry.toObject().value(QLatin1StringView("seq")).toString();
        }
        if (!page->value(QLatin1StringView("more")).toBool())
            return messages;
        if (entries.isEmpty())
            return std::nullopt;
    }
}

// Every message of conversation `conv`, oldest first; nothing if a page did not come.
inline std::optional<QList<QJsonObject>> historyAll(WsClient &client, const QString &conv)
{
    QList<QJsonObject> messages;
    QString before;
    while (true) {
        QJsonObject request { { QLatin1StringView("type"), QStringLiteral("history") },
                              { QLatin1StringView("conv"), conv },
                              { QLatin1StringView("limit"), 500 } };
        if (!before.isEmpty())
            request.insert(QLatin1StringView("before"), before);
        const auto page = client.request(request);
        if (!page
            || page->value(QLatin1StringView("type")).toString() != QLatin1StringView("history"))
            return std::nullopt;
        const QJsonArray found = page->value(QLatin1StringView("messages")).toArray();
        QList<QJsonObject> older;
        for (const QJsonValue message : found)
            older.append(message.toObject());
        messages = older + messages;
        if (!page->value(QLatin1StringView("more")).toBool())
            return messages;
        if (found.isEmpty())
            return std::nullopt;
        before = found.first().toObject().value(QLatin1StringView("conv_seq")).toString();
    }
}

} // namespace confab::test
