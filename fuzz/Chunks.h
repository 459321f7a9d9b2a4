// How the fuzz targets cut an input into the pieces a socket might deliver: sixteen chunk sizes,
// cycled, seeded by the input's first byte (mostly 1-4 bytes, sometimes up to 200).
#pragma once

#include <QByteArrayView>
#include <QList>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace confab::fuzz {

inline QList<qsizetype> chunkSizes(std::uint8_t seed)
{
    std::uint32_t state = seed * 2654435761u + 1;
    QList<qsizetype> chunks;
    for (int i = 0; i < 16; ++i) {
        state = state * 1664525u + 1013904223u;
        const std::uint32_t pick = state >> 24;
        chunks.append(pick < 128 ? 1 + pick % 4 : 1 + pick % 200);
    }
    return chunks;
}

// Feeds the input after its first byte to `drive(stream, chunkSizes)` whole and in the pieces its
// first byte seeds, and aborts when the outcomes differ: what a parser makes of a stream must not
// depend on how the stream arrived.
template<typename Drive>
void checkChunking(const std::uint8_t *data, std::size_t size, const char *target, Drive drive)
{
    if (size < 1)
        return;
    const QByteArrayView stream(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));
    const auto whole = drive(stream, QList<qsizetype> { qMax<qsizetype>(1, stream.size()) });
    const auto pieces = drive(stream, chunkSizes(data[0]));
    if (!(whole == pieces)) {
        std::fprintf(stderr, "%s: the outcome depends on how the bytes were chunked\n", target);
        std::abort();
    }
}

} // namespace confab::fuzz
