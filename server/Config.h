// confabd's settings: command line first, then CONFAB_* environment variables, then defaults.
#pragma once

#include "common/Result.h"
#include "server/limits/TokenBucket.h"

#include <QHostAddress>
#include <QString>
#include <QStringList>

#include <optional>

namespace confab {

struct ServerConfig
{
    QHostAddress host = QHostAddress::LocalHost;
    quint16 port = 8080;
    QString dataDir = QStringLiteral("./data");
    QString logLevel = QStringLiteral("info"); // debug, info, warning, critical
    int workers = 0; // 0: one per core
    int heartbeatSeconds = 30;
    int authTimeoutMs = 10'000;
    int presenceGraceMs = 30'000;
    QString publicUrl; // ws(s)://host:port/ws for discovery; empty: from the request's Host
    bool synchronousFull = true;

    // TLS on the listening port (https:// and wss://) when both are set: PEM files.
    QString tlsCertFile;
    QString tlsKeyFile;
    bool tls() const { return !tlsCertFile.isEmpty(); }

    // Abuse limits (docs/security.md). A rate of count 0 and a cap of 0 are off.
    bool rateLimits = true; // --rate-limits off: no per-address/per-device rates or caps
    limits::Rate loginPerUser { 10, 60'000 };
    limits::Rate loginPerAddress { 30, 60'000 };
    limits::Rate registerPerAddress { 10, 3'600'000 };
    limits::Rate sendsPerDevice { 100, 10'000 };
    int maxConnections = -1; // -1: connectionCap() follows the open-file limit
    int maxConnectionsPerAddress = 64;
    int maxDevicesPerAccount = 100;
    // Slow peers: a request (head and body) must arrive within requestTimeoutMs of its first
    // byte or of the previous answer; an idle keep-alive connection is closed after idleTimeoutMs.
    int requestTimeoutMs = 10'000;
    int idleTimeoutMs = 30'000;
    // A reverse proxy whose X-Forwarded-For is believed (null: none).
    QHostAddress trustedProxy;

    // The limits in force: those above, with the per-address and per-device ones off when
    // rateLimits is off.
    limits::Rate effective(limits::Rate rate) const { return rateLimits ? rate : limits::Rate {}; }
    int effectivePerAddressCap() const { return rateLimits ? maxConnectionsPerAddress : 0; }

    QString databasePath() const;
    int workerCount() const;
    // The total connection cap in force: --max-connections, or by default the process's
    // open-file limit less what the server needs besides connections. 0: no cap.
    int connectionCap() const;

    // Parses `arguments` (argv, program name first) and the environment. Exits for --help and
    // --version are reported as `exitCode`.
    struct Parsed;
    static Parsed parse(const QStringList &arguments);
};

// `confabd backup --to FILE [--data DIR]`: copy the database instead of serving.
struct BackupCommand
{
    QString target;
};

struct ServerConfig::Parsed
{
    ServerConfig config;
    std::optional<BackupCommand> backup; // set for the backup subcommand
    bool exit = false; // --help, --version or an error: print `output` and stop
    int exitCode = 0;
    QString output;
};

// Applies --log-level to the confab.* logging categories.
void applyLogLevel(const QString &level);

} // namespace confab
