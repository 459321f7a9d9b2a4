// An HTTP/1.1 request as read off a connection, and the response to write back.
#pragma once

#include "common/ErrorCode.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

namespace confab::http {

struct HttpRequest
{
    QByteArray method; // "GET", "POST", ... as sent (upper case by convention)
    QByteArray target; // request target as sent, e.g. "/api/v1/users/bob?x=1"
    QString path; // percent-decoded path of the target, without the query
    QByteArray query; // the raw query after '?', if any
    int versionMinor = 1; // HTTP/1.<versionMinor>
    QList<QPair<QByteArray, QByteArray>> headers; // names as sent, values trimmed
    QByteArray body;

    // Case-insensitive header lookup; the first match, or an empty array.
    QByteArray header(QByteArrayView name) const;
    bool hasHeader(QByteArrayView name) const;
    // True when the client asked to keep the connection open (HTTP/1.1 default, unless
    // "Connection: close"; HTTP/1.0 only with "Connection: keep-alive").
    bool keepAlive() const;
    // True for a WebSocket handshake: GET with "Upgrade: websocket" and a Connection header
    // that lists "upgrade" (case-insensitive, comma-separated tokens).
    bool isWebSocketUpgrade() const;
};

struct HttpResponse
{
    int status = 200;
    QByteArray contentType = "application/json";
    QList<QPair<QByteArray, QByteArray>> headers; // extra headers, e.g. Allow, Retry-After
    QByteArray body;

    // The standard reason phrase for a status ("Not Found"); "Unknown" for others.
    static QByteArray reasonPhrase(int status);
    // Status line, Content-Type (omitted when the body is empty and the status is 204),
    // Content-Length, "Connection: close" when !keepAlive, the extra headers, blank line, body.
    QByteArray serialize(bool keepAlive) const;
};

// An error answer: `status` with the body {"error":{"code","message"}} of PROTOCOL.md §2.
HttpResponse errorResponse(int status, const Error &error);

} // namespace confab::http
