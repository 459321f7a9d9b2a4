// W2's and the soak's pairing: device 0 writes to 1 and 1 to 0, 2 to 3 and 3 to 2, and so on.
#pragma once

#include "bench/Fixture.h"

#include <QByteArray>

#include <vector>

namespace confab::bench {

// The first `users` devices' partners as send targets ("user:<partner's name>").
std::vector<QByteArray> pairedPeers(const QList<BenchDevice> &devices, int users);
// The partner of device `index`.
inline int partnerOf(int index)
{
    return index ^ 1;
}

} // namespace confab::bench
