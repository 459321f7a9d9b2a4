#include "server/http/HttpRequest.h"

#include "common/HttpTypes.h"

#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace confab::http {

namespace {
// Whether any header `name` lists `token` in its comma-separated value. All lines of the header
// count, since a client may split a list over several lines (RFC 9110 §5.3).
bool headerHasToken(const HttpRequest &request, QByteArrayView name, QByteArrayView token)
{
    for (const auto &[headerName, value] : request.headers) {
        if (headerName.compare(name, Qt::CaseInsensitive) != 0)
            continue;
        qsizetype start = 0;
        while (start <= value.size()) {
            qsizetype comma = value.indexOf(',', start);
            if (comma < 0)
                comma = value.size();
            const QByteArrayView item = QByteArrayView(value).sliced(start, comma - start);
            if (item.trimmed().compare(token, Qt::CaseInsensitive) == 0)
                return true;
            start = comma + 1;
        }
    }
    return false;
}

bool isBodyless(int status)
{
    return status == 204 || status == 304;
}
} // namespace

QByteArray HttpRequest::header(QByteArrayView name) const
{
    for (const auto &[headerName, value] : headers) {
        if (headerName.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

bool HttpRequest::hasHeader(QByteArrayView name) const
{
    for (const auto &[headerName, value] : headers) {
        if (headerName.compare(name, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

bool HttpRequest::keepAlive() const
{
    if (headerHasToken(*this, "Connection", "close"))
        return false;
    return versionMinor >= 1 || headerHasToken(*this, "Connection", "keep-alive");
}

bool HttpRequest::isWebSocketUpgrade() const
{
    return method == "GET" && header("Upgrade").compare("websocket", Qt::CaseInsensitive) == 0
        && headerHasToken(*this, "Connection", "upgrade");
}

QByteArray HttpResponse::reasonPhrase(int status)
{
    switch (status) {
    case 101:
        return "Switching Protocols"_ba;
    case 200:
        return "OK"_ba;
    case 201:
        return "Created"_ba;
    case 202:
        return "Accepted"_ba;
    case 204:
        return "No Content"_ba;
    case 301:
        return "Moved Permanently"_ba;
    case 302:
        return "Found"_ba;
    case 304:
        return "Not Modified"_ba;
    case 400:
        return "Bad Request"_ba;
    case 401:
        return "Unauthorized"_ba;
    case 403:
        return "Forbidden"_ba;
    case 404:
        return "Not Found"_ba;
    case 405:
        return "Method Not Allowed"_ba;
    case 408:
        return "Request Timeout"_ba;
    case 409:
        return "Conflict"_ba;
    case 411:
        return "Length Required"_ba;
    case 413:
        return "Content Too Large"_ba;
    case 415:
        return "Unsupported Media Type"_ba;
    case 422:
        return "Unprocessable Content"_ba;
    case 426:
        return "Upgrade Required"_ba;
    case 429:
        return "Too Many Requests"_ba;
    case 431:
        return "Request Header Fields Too Large"_ba;
    case 500:
        return "Internal Server Error"_ba;
    case 501:
        return "Not Implemented"_ba;
    case 503:
        return "Service Unavailable"_ba;
    case 505:
        return "HTTP Version Not Supported"_ba;
    default:
        return "Unknown"_ba;
    }
}

QByteArray HttpResponse::serialize(bool keepAlive) const
{
    const bool bodyless = isBodyless(status);
    QByteArray out;
    out.reserve(128 + body.size());
    out += "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) + "\r\n";
    if (!bodyless && !body.isEmpty() && !contentType.isEmpty())
        out += "Content-Type: " + contentType + "\r\n";
    if (!bodyless)
        out += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    if (!keepAlive)
        out += "Connection: close\r\n"_ba;
    for (const auto &[name, value] : headers)
        out += name + ": " + value + "\r\n";
    out += "\r\n"_ba;
    // 204 and 304 end at the blank line; body bytes would be read as the next response.
    if (!bodyless)
        out += body;
    return out;
}

HttpResponse errorResponse(int status, const Error &error)
{
    HttpResponse response;
    response.status = status;
    response.body = QJsonDocument(apiErrorJson(error)).toJson(QJsonDocument::Compact);
    return response;
}

} // namespace confab::http
