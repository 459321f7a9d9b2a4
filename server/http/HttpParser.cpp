#include "server/http/HttpParser.h"

#include <utility>

using namespace Qt::StringLiterals;

namespace confab::http {

namespace {
using Status = HttpParser::Status;

bool isCtl(char c)
{
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

bool isUpper(char c)
{
    return c >= 'A' && c <= 'Z';
}

// RFC 9110 tchar: the characters allowed in a header name.
bool isTokenChar(char c)
{
    if (isDigit(c) || isUpper(c) || (c >= 'a' && c <= 'z'))
        return true;
    return QByteArrayView("!#$%&'*+-.^_`|~").contains(c);
}

int hexValue(char c)
{
    if (isDigit(c))
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// Reads one request head. Kept out of HttpParser so that every call starts from a fresh object
// and nothing from an earlier buffer can leak into the next result.
class HeadReader
{
public:
    explicit HeadReader(const HttpLimits &limits)
        : m_limits(limits)
    { }

    Status read(QByteArrayView data);

    HttpRequest request;
    QString error;
    qsizetype headLength = 0;
    qsizetype bodyLength = 0;

private:
    Status fail(Status status, QString reason)
    {
        error = std::move(reason);
        return status;
    }
    Status readRequestLine(QByteArrayView line);
    Status readHeaderLine(QByteArrayView line);
    Status readBodyLength();

    const HttpLimits &m_limits;
};

Status HeadReader::read(QByteArrayView data)
{
    // Anything beyond the limit cannot belong to an acceptable head, so it is never scanned.
    const QByteArrayView view = data.first(qMin(data.size(), m_limits.maxHeadBytes));
    bool haveRequestLine = false;
    qsizetype pos = 0;
    for (;;) {
        const qsizetype lf = view.indexOf('\n', pos);
        if (lf < 0) {
            // Reject binary garbage (a TLS handshake, say) now rather than after 16 KiB.
            const QByteArrayView tail = view.sliced(pos);
            for (qsizetype i = 0; i < tail.size(); ++i) {
                const char c = tail[i];
                if (isCtl(c) && c != '\t' && !(c == '\r' && i == tail.size() - 1))
                    return fail(Status::BadRequest, u"control character in request head"_s);
            }
            if (data.size() > m_limits.maxHeadBytes)
                return fail(Status::HeadTooLarge, u"request head too large"_s);
            return Status::NeedMore;
        }
        QByteArrayView line = view.sliced(pos, lf - pos);
        pos = lf + 1;
        if (line.endsWith('\r'))
            line.chop(1);
        // The same check as for an incomplete line above, so that the answer does not depend on
        // whether the line arrived in one piece.
        for (const char c : line) {
            if (isCtl(c) && c != '\t')
                return fail(Status::BadRequest, u"control character in request head"_s);
        }

        if (!haveRequestLine) {
            // RFC 9112 §2.2: tolerate empty lines before the request line (some clients send
            // a stray CRLF after a POST body).
            if (line.isEmpty())
                continue;
            const Status status = readRequestLine(line);
            if (status != Status::NeedMore)
                return status;
            haveRequestLine = true;
            continue;
        }
        if (line.isEmpty()) {
            headLength = pos;
            return readBodyLength();
        }
        if (request.headers.size() >= m_limits.maxHeaders)
            return fail(Status::HeadTooLarge, u"too many header fields"_s);
        const Status status = readHeaderLine(line);
        if (status != Status::NeedMore)
            return status;
    }
}

// Returns NeedMore when the line is acceptable and parsing should go on.
Status HeadReader::readRequestLine(QByteArrayView line)
{
    const qsizetype sp1 = line.indexOf(' ');
    const qsizetype sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
    if (sp1 <= 0 || sp2 < 0 || line.indexOf(' ', sp2 + 1) >= 0)
        return fail(Status::BadRequest, u"malformed request line"_s);
    const QByteArrayView method = line.first(sp1);
    const QByteArrayView target = line.sliced(sp1 + 1, sp2 - sp1 - 1);
    const QByteArrayView version = line.sliced(sp2 + 1);

    // Checked first so that a well-formed request of another version (an HTTP/2 preface, say)
    // gets the more useful 505.
    if (version.size() != 8 || !version.startsWith("HTTP/") || !isDigit(version[5])
        || version[6] != '.' || !isDigit(version[7])) {
        return fail(Status::BadRequest, u"malformed HTTP version"_s);
    }
    if (version[5] != '1' || (version[7] != '0' && version[7] != '1'))
        return fail(Status::VersionNotSupported, u"unsupported HTTP version"_s);
    request.versionMinor = version[7] - '0';

    for (const char c : method) {
        if (!isUpper(c))
            return fail(Status::BadRequest, u"malformed method"_s);
    }
    if (!target.startsWith('/'))
        return fail(Status::BadRequest, u"request target is not in origin-form"_s);
    for (const char c : target) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7f)
            return fail(Status::BadRequest, u"invalid character in request target"_s);
    }

    const qsizetype question = target.indexOf('?');
    const QByteArrayView rawPath = question < 0 ? target : target.first(question);
    QByteArray decoded;
    decoded.reserve(rawPath.size());
    for (qsizetype i = 0; i < rawPath.size(); ++i) {
        if (rawPath[i] != '%') {
            decoded.append(rawPath[i]);
            continue;
        }
        const int hi = i + 2 < rawPath.size() ? hexValue(rawPath[i + 1]) : -1;
        const int lo = hi < 0 ? -1 : hexValue(rawPath[i + 2]);
        if (lo < 0)
            return fail(Status::BadRequest, u"invalid percent escape in path"_s);
        // Handlers compare paths as strings; an embedded NUL could truncate them downstream.
        if (hi == 0 && lo == 0)
            return fail(Status::BadRequest, u"NUL in path"_s);
        decoded.append(static_cast<char>(hi * 16 + lo));
        i += 2;
    }
    // Refused rather than replaced: two different targets must not decode to the same path.
    if (!decoded.isValidUtf8())
        return fail(Status::BadRequest, u"path is not valid UTF-8"_s);

    request.method = method.toByteArray();
    request.target = target.toByteArray();
    request.path = QString::fromUtf8(decoded);
    if (question >= 0)
        request.query = target.sliced(question + 1).toByteArray();
    return Status::NeedMore;
}

// Returns NeedMore when the line is acceptable and parsing should go on.
Status HeadReader::readHeaderLine(QByteArrayView line)
{
    // obs-fold (RFC 9112 §5.2) is refused: continuation lines are a request-smuggling vector.
    if (line.startsWith(' ') || line.startsWith('\t'))
        return fail(Status::BadRequest, u"obsolete header line folding"_s);
    const qsizetype colon = line.indexOf(':');
    if (colon <= 0)
        return fail(Status::BadRequest, u"malformed header line"_s);
    const QByteArrayView name = line.first(colon);
    for (const char c : name) {
        if (!isTokenChar(c))
            return fail(Status::BadRequest, u"invalid character in header name"_s);
    }
    const QByteArrayView value = line.sliced(colon + 1);
    for (const char c : value) {
        if (isCtl(c) && c != '\t')
            return fail(Status::BadRequest, u"control character in header value"_s);
    }
    // With control characters excluded, trimmed() removes exactly the optional SP/HTAB.
    request.headers.append({ name.toByteArray(), value.trimmed().toByteArray() });
    return Status::NeedMore;
}

Status HeadReader::readBodyLength()
{
    if (request.hasHeader("Transfer-Encoding"))
        return fail(Status::LengthRequired, u"Transfer-Encoding is not supported"_s);

    // Compared without leading zeros, so "05" and "5" agree while "5" and "6" do not.
    QByteArrayView length;
    bool haveLength = false;
    for (const auto &[name, value] : std::as_const(request.headers)) {
        if (name.compare("Content-Length", Qt::CaseInsensitive) != 0)
            continue;
        if (value.isEmpty())
            return fail(Status::BadRequest, u"empty Content-Length"_s);
        for (const char c : value) {
            if (!isDigit(c))
                return fail(Status::BadRequest, u"malformed Content-Length"_s);
        }
        QByteArrayView digits = value;
        while (digits.size() > 1 && digits.front() == '0')
            digits = digits.sliced(1);
        if (haveLength && digits != length)
            return fail(Status::BadRequest, u"conflicting Content-Length headers"_s);
        length = digits;
        haveLength = true;
    }
    if (!haveLength)
        return Status::HeadComplete;

    // More than 18 digits could overflow; any such length is over every sensible limit anyway.
    const qlonglong n = length.size() > 18 ? -1 : length.toLongLong();
    if (n < 0 || n > m_limits.maxBodyBytes)
        return fail(Status::BodyTooLarge, u"request body too large"_s);
    bodyLength = n;
    return Status::HeadComplete;
}
} // namespace

HttpParser::Status HttpParser::parseHead(QByteArrayView data)
{
    HeadReader reader(m_limits);
    const Status status = reader.read(data);
    m_request = std::move(reader.request);
    m_error = std::move(reader.error);
    // Not promised by the interface, but lets a caller find where the body starts.
    m_consumed = status == Status::HeadComplete ? reader.headLength : 0;
    return status;
}

HttpParser::Status HttpParser::parse(QByteArrayView data)
{
    HeadReader reader(m_limits);
    const Status status = reader.read(data);
    m_request = std::move(reader.request);
    m_error = std::move(reader.error);
    m_consumed = 0;
    if (status != Status::HeadComplete)
        return status;
    if (data.size() - reader.headLength < reader.bodyLength)
        return Status::NeedMore;
    m_request.body = data.sliced(reader.headLength, reader.bodyLength).toByteArray();
    m_consumed = reader.headLength + reader.bodyLength;
    return Status::Complete;
}

} // namespace confab::http
