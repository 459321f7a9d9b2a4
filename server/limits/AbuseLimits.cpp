#include "server/limits/AbuseLimits.h"

#include "server/Config.h"
#include "server/Metrics.h"

namespace confab {

AbuseLimits::AbuseLimits(const ServerConfig &config)
    : loginPerUser(config.effective(config.loginPerUser))
    , loginPerAddress(config.effective(config.loginPerAddress))
    , registerPerAddress(config.effective(config.registerPerAddress))
    , sendsPerDevice(config.effective(config.sendsPerDevice))
    , refusedSendsPerDevice(config.effective(config.sendsPerDevice))
    , connections(config.connectionCap(), config.effectivePerAddressCap())
{ }

void AbuseLimits::render(QByteArray &out) const
{
    out.append("# HELP confab_limit_tracked_keys Usernames and addresses a rate limit tracks.\n"
               "# TYPE confab_limit_tracked_keys gauge\n");
    const struct
    {
        const char *name;
        const limits::RateLimiter &limiter;
    } limiters[] = { { "login_user", loginPerUser },
                     { "login_address", loginPerAddress },
                     { "register_address", registerPerAddress },
                     { "send_device", sendsPerDevice } };
    for (const auto &limiter : limiters) {
        out.append("confab_limit_tracked_keys{limit=\"").append(limiter.name).append("\"} ");
        out.append(QByteArray::number(limiter.limiter.trackedKeys())).append('\n');
    }
    renderMetric(out, "confab_connection_addresses", "gauge",
                 "Client addresses with a connection open.", connections.addressesTracked());
}

} // namespace confab
