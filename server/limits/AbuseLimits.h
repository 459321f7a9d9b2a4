// The limits one server shares across its threads: login and registration rates by username and
// client address, send rates by device (however many connections it has), and the connection
// caps (docs/security.md). Built from the config, with the per-address and per-device ones off
// under --rate-limits off.
#pragma once

#include "server/limits/ConnectionCaps.h"
#include "server/limits/RateLimiter.h"

#include <QByteArray>

namespace confab {

struct ServerConfig;

struct AbuseLimits
{
    explicit AbuseLimits(const ServerConfig &config);

    limits::RateLimiter loginPerUser;
    limits::RateLimiter loginPerAddress;
    limits::RateLimiter registerPerAddress;
    limits::RateLimiter sendsPerDevice;
    // Sends refused by sendsPerDevice, at the same rate: a device that empties this bucket too
    // keeps sending while refused, and is disconnected (4008).
    limits::RateLimiter refusedSendsPerDevice;
    limits::ConnectionCaps connections;

    // Gauges of what the limits track, for /metrics.
    void render(QByteArray &out) const;
};

} // namespace confab
