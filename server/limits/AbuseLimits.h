// The limits one server shares across its threads: login and registration rates by username and
// client address, and the connection caps (docs/security.md). Per-device send rates live in each
// Session. Built from the config, with the per-address ones off under --rate-limits off.
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
    limits::ConnectionCaps connections;

    // Gauges of what the limits track, for /metrics.
    void render(QByteArray &out) const;
};

} // namespace confab
