// libFuzzer target for HTTP request handling without a server: bytes arrive in chunks of random
// sizes and go through HttpParser the way HttpConnection drives it (parseHead, then parse; a
// complete request is consumed and the rest parsed as the next one). Whatever the chunking, the
// outcome must be the one of parsing all bytes at once. Requests that parse also go through the
// HttpRequest predicates, the response writer, and the JSON bodies HttpApi decodes. (HttpApi's
// routing itself answers from the store and needs a running server: the integration tests
// tst_httpapi, tst_badinput and tst_authz cover it.) Each input's first byte seeds the chunk
// sizes, so the seeds in fuzz/corpus/http start with one digit before the request bytes.
#include "common/HttpTypes.h"
#include "fuzz/Chunks.h"
#include "server/http/HttpParser.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QList>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace {

using namespace confab;
using confab::http::HttpParser;

// Small limits, so that inputs of a few KiB reach every limit.
const http::HttpLimits kLimits { 512, 1024, 16 };

[[noreturn]] void fail(const char *what)
{
    std::fprintf(stderr, "http_fuzzer: %s\n", what);
    std::abort();
}

struct Outcome
{
    HttpParser::Status status = HttpParser::Status::NeedMore;
    bool upgrade = false;
    QByteArray method;
    QByteArray target;
    QString path;
    QByteArray query;
    QByteArray body;
    qsizetype headers = 0;
    bool keepAlive = false;
    friend bool operator==(const Outcome &, const Outcome &) = default;
};

void checkRequest(const http::HttpRequest &request)
{
    if (request.body.size() > kLimits.maxBodyBytes)
        fail("a body over the limit was accepted");
    if (request.headers.size() > kLimits.maxHeaders)
        fail("more headers than the limit were accepted");
    (void)request.header("content-length");
    (void)request.hasHeader("authorization");
    http::HttpResponse response;
    response.status = 200;
    response.body = request.body;
    const QByteArray written = response.serialize(request.keepAlive());
    if (!written.startsWith("HTTP/1.1 ") || !written.endsWith(request.body))
        fail("a response does not serialise");
    // The bodies HttpApi decodes.
    const QJsonDocument document = QJsonDocument::fromJson(request.body);
    if (document.isObject()) {
        (void)RegisterRequest::fromJson(document.object());
        (void)LoginRequest::fromJson(document.object());
    }
}

// Feeds `stream` in the given chunk sizes (cycled); the outcome of each request in turn.
QList<Outcome> drive(QByteArrayView stream, const QList<qsizetype> &chunks)
{
    HttpParser parser(kLimits);
    QList<Outcome> outcomes;
    QByteArray buffer;
    qsizetype position = 0;
    qsizetype chunk = 0;
    while (true) {
        if (!buffer.isEmpty()) {
            Outcome outcome;
            outcome.status = parser.parseHead(buffer);
            if (outcome.status == HttpParser::Status::HeadComplete
                && parser.request().isWebSocketUpgrade()) {
                outcome.upgrade = true;
                outcome.path = parser.request().path;
                outcomes.append(outcome);
                return outcomes;
            }
            if (outcome.status == HttpParser::Status::HeadComplete)
                outcome.status = parser.parse(buffer);
            switch (outcome.status) {
            case HttpParser::Status::NeedMore:
            case HttpParser::Status::HeadComplete:
                break;
            case HttpParser::Status::Complete: {
                const auto &request = parser.request();
                if (parser.consumedBytes() <= 0 || parser.consumedBytes() > buffer.size())
                    fail("a complete request consumed an impossible number of bytes");
                checkRequest(request);
                outcome.method = request.method;
                outcome.target = request.target;
                outcome.path = request.path;
                outcome.query = request.query;
                outcome.body = request.body;
                outcome.headers = request.headers.size();
                outcome.keepAlive = request.keepAlive();
                outcomes.append(outcome);
                buffer.remove(0, parser.consumedBytes());
                continue;
            }
            default:
                if (parser.errorString().isEmpty()
                    && outcome.status == HttpParser::Status::BadRequest)
                    fail("a bad request without a reason");
                outcomes.append(outcome);
                return outcomes;
            }
        }
        if (position == stream.size()) {
            if (!buffer.isEmpty())
                outcomes.append(Outcome {}); // incomplete at the end
            return outcomes;
        }
        const qsizetype size = qMin(chunks.at(chunk++ % chunks.size()), stream.size() - position);
        buffer.append(stream.sliced(position, size));
        position += size;
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    // The first byte seeds the chunk sizes; the rest is what a client sent.
    confab::fuzz::checkChunking(data, size, "http_fuzzer", drive);
    return 0;
}
