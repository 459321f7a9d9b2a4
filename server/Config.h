// confabd's settings: command line first, then CONFAB_* environment variables, then defaults.
#pragma once

#include "common/Result.h"

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

    QString databasePath() const;
    int workerCount() const;

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
