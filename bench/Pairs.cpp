#include "bench/Pairs.h"

namespace confab::bench {

std::vector<QByteArray> pairedPeers(const QList<BenchDevice> &devices, int users)
{
    std::vector<QByteArray> peers;
    peers.reserve(std::size_t(users));
    for (int i = 0; i < users; ++i)
        peers.push_back("user:" + devices[partnerOf(i)].username.toUtf8());
    return peers;
}

} // namespace confab::bench
