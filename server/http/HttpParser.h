// An incremental parser of HTTP/1.1 requests (RFC 9112) for the one port that serves both the
// HTTP API and WebSocket upgrades. It only looks at bytes it is given; it does no I/O.
#pragma once

#include "server/http/HttpRequest.h"

#include <QByteArray>

namespace confab::http {

struct HttpLimits
{
    qsizetype maxHeadBytes = 16 * 1024; // request line + headers + blank line
    qsizetype maxBodyBytes = 1024 * 1024;
    int maxHeaders = 100;
};

class HttpParser
{
public:
    enum class Status {
        NeedMore, // the head (or the body) is not complete yet
        HeadComplete, // only from parseHead(): the head is complete; request() holds it (no body)
        Complete, // a whole request is in request(); consumedBytes() says how much it used
        BadRequest, // malformed: answer 400 and close
        HeadTooLarge, // answer 431 and close
        BodyTooLarge, // answer 413 and close
        LengthRequired, // a body without Content-Length (e.g. chunked): answer 411 and close
        VersionNotSupported, // not HTTP/1.x: answer 505 and close
    };

    explicit HttpParser(HttpLimits limits = {})
        : m_limits(limits)
    { }

    // Parses the request head at the start of `data` without needing the body. Used to decide,
    // without consuming anything, whether a connection is a WebSocket upgrade.
    Status parseHead(QByteArrayView data);

    // Parses one whole request (head and Content-Length body) at the start of `data`.
    Status parse(QByteArrayView data);

    const HttpRequest &request() const { return m_request; }
    // Bytes of `data` the complete request took (head + body); valid after Complete.
    qsizetype consumedBytes() const { return m_consumed; }
    // A short human reason for the last error status.
    QString errorString() const { return m_error; }

private:
    HttpLimits m_limits;
    HttpRequest m_request;
    qsizetype m_consumed = 0;
    QString m_error;
};

} // namespace confab::http
