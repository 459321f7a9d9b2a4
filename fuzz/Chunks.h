// How the fuzz targets cut an input into the pieces a socket might deliver: sixteen chunk sizes,
// cycled, seeded by the input's first byte (mostly 1-4 bytes, sometimes up to 200).
#pragma once

#include <QList>

#include <cstdint>

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

} // namespace confab::fuzz
