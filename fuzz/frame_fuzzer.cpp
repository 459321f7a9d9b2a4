// libFuzzer target for the server's reader of client WebSocket frames (server/ws/FrameReader):
// bytes arrive in chunks of random sizes, as off a socket. Whatever the chunking, the messages and
// the failure must be those of reading all bytes at once; no message is over the limit, a text
// message or close reason is UTF-8, a control frame's payload is at most 125 bytes, and a failure
// carries a close code the server may send with a reason. Each input's first byte seeds the chunk
// sizes, so the seeds in fuzz/corpus/frames start with one byte before the frame bytes.
#include "fuzz/Chunks.h"
#include "server/ws/FrameReader.h"

#include <QList>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace {

using namespace confab::ws;
using Kind = ClientMessage::Kind;

// Small, so that inputs of a few KiB reach the limit.
constexpr qsizetype kLimit = 600;

[[noreturn]] void fail(const char *what)
{
    std::fprintf(stderr, "frame_fuzzer: %s\n", what);
    std::abort();
}

struct Outcome
{
    QList<std::pair<Kind, QByteArray>> messages;
    QList<int> closeCodes;
    int failure = 0;
    friend bool operator==(const Outcome &, const Outcome &) = default;
};

void check(const ClientMessage &message)
{
    switch (message.kind) {
    case Kind::Text:
        if (!QByteArrayView(message.payload).isValidUtf8())
            fail("a text message that is not UTF-8");
        [[fallthrough]];
    case Kind::Binary:
        if (message.payload.size() > kLimit)
            fail("a message over the limit");
        break;
    case Kind::Close:
        if (!QByteArrayView(message.payload).isValidUtf8())
            fail("a close reason that is not UTF-8");
        if (message.closeCode != close::kNoStatus && !close::isValidOnTheWire(message.closeCode))
            fail("a close code that may not be sent");
        [[fallthrough]];
    case Kind::Ping:
    case Kind::Pong:
        if (message.payload.size() > 125)
            fail("a control frame over 125 bytes");
        break;
    }
}

Outcome drive(QByteArrayView stream, const QList<qsizetype> &chunks)
{
    FrameReader reader(kLimit);
    Outcome outcome;
    qsizetype position = 0;
    qsizetype chunk = 0;
    while (position < stream.size()) {
        const qsizetype size = qMin(chunks.at(chunk++ % chunks.size()), stream.size() - position);
        reader.append(stream.sliced(position, size).toByteArray());
        position += size;
        while (auto message = reader.next()) {
            check(*message);
            outcome.messages.append({ message->kind, message->payload });
            outcome.closeCodes.append(message->closeCode);
        }
    }
    outcome.failure = reader.failureCode();
    if (reader.failed()) {
        const int code = reader.failureCode();
        if (code != close::kProtocolError && code != close::kBadData && code != close::kTooBig)
            fail("an unexpected failure code");
        if (reader.failureReason().isEmpty())
            fail("a failure without a reason");
    }
    return outcome;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    // The first byte seeds the chunk sizes; the rest is what a client sent.
    confab::fuzz::checkChunking(data, size, "frame_fuzzer", drive);
    return 0;
}
