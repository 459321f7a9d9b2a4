#include "server/Config.h"

#include <QCommandLineParser>
#include <QDir>
#include <QLoggingCategory>
#include <QThread>

#include <limits>

#include <sys/resource.h>

namespace confab {

using namespace Qt::StringLiterals;

QString ServerConfig::databasePath() const
{
    return QDir(dataDir).filePath(u"confab.sqlite3"_s);
}

int ServerConfig::workerCount() const
{
    return workers > 0 ? workers : qMax(1, QThread::idealThreadCount());
}

int ServerConfig::connectionCap() const
{
    if (maxConnections >= 0)
        return maxConnections;
    // Each connection is a descriptor; the database files, the listener and the event loops'
    // own descriptors need the rest.
    constexpr rlim_t kReserved = 128;
    rlimit files {};
    if (getrlimit(RLIMIT_NOFILE, &files) != 0 || files.rlim_cur == RLIM_INFINITY)
        return 0;
    return files.rlim_cur > kReserved + 64
        ? int(qMin<rlim_t>(files.rlim_cur - kReserved, rlim_t(std::numeric_limits<int>::max())))
        : 64;
}

namespace {

// The option's value from the command line, else from the environment variable, else empty.
QString setting(const QCommandLineParser &parser, const QString &option, const char *env)
{
    if (parser.isSet(option))
        return parser.value(option);
    return qEnvironmentVariable(env);
}

bool parseListen(const QString &text, ServerConfig &config)
{
    const qsizetype colon = text.lastIndexOf(u':');
    if (colon <= 0)
        return false;
    QString host = text.left(colon);
    if (host.startsWith(u'[') && host.endsWith(u']'))
        host = host.mid(1, host.size() - 2);
    bool ok = false;
    const uint port = text.mid(colon + 1).toUInt(&ok);
    if (!ok || port > 65535)
        return false;
    QHostAddress address;
    if (host == "localhost"_L1)
        address = QHostAddress::LocalHost;
    else if (!address.setAddress(host))
        return false;
    config.host = address;
    config.port = quint16(port);
    return true;
}

// `confabd backup --to FILE [--data DIR]`.
ServerConfig::Parsed parseBackup(QStringList arguments)
{
    ServerConfig::Parsed result;
    arguments.removeAt(1); // "backup"
    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"confabd backup: copy the database to a new file, also while the server runs.\n"
        "Restore: stop confabd, put the copy in place of DIR/confab.sqlite3, remove its -wal and "
        "-shm files, start confabd (docs/operations.md)."_s);
    const QCommandLineOption help({ u"h"_s, u"help"_s }, u"Show this help and exit."_s);
    parser.addOption(help);
    parser.addOptions({
        { u"to"_s, u"The backup file to create; it must not exist."_s, u"file"_s },
        { u"data"_s, u"Directory of the SQLite database [CONFAB_DATA]. Default ./data."_s,
          u"dir"_s },
    });
    auto usage = [&](const QString &message) {
        result.exit = true;
        result.exitCode = 2;
        result.output = message + u"\nTry confabd backup --help."_s;
        return result;
    };
    if (!parser.parse(arguments))
        return usage(parser.errorText());
    if (parser.isSet(help)) {
        result.exit = true;
        result.output = parser.helpText();
        return result;
    }
    if (!parser.positionalArguments().isEmpty())
        return usage(u"unexpected argument: %1"_s.arg(parser.positionalArguments().constFirst()));
    if (parser.value(u"to"_s).isEmpty())
        return usage(u"backup: --to FILE is required"_s);
    if (const QString data = setting(parser, u"data"_s, "CONFAB_DATA"); !data.isEmpty())
        result.config.dataDir = data;
    result.backup = BackupCommand { parser.value(u"to"_s) };
    return result;
}

// "COUNT/SECONDS" (e.g. 10/60), or "0" for off.
bool parseRate(const QString &text, limits::Rate *out)
{
    if (text.trimmed() == "0"_L1) {
        *out = limits::Rate { 0, 1000 };
        return true;
    }
    const QStringList parts = text.split(u'/');
    if (parts.size() != 2)
        return false;
    bool countOk = false;
    bool secondsOk = false;
    const int count = parts[0].trimmed().toInt(&countOk);
    const double seconds = parts[1].trimmed().toDouble(&secondsOk);
    if (!countOk || !secondsOk || count < 0 || seconds <= 0 || seconds > 86'400 * 7)
        return false;
    *out = limits::Rate { count, qMax<qint64>(1, qint64(seconds * 1000)) };
    return true;
}

} // namespace

ServerConfig::Parsed ServerConfig::parse(const QStringList &arguments)
{
    if (arguments.size() > 1 && arguments.at(1) == "backup"_L1)
        return parseBackup(arguments);

    Parsed result;
    ServerConfig &config = result.config;

    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"Confab chat server: the HTTP API and the WebSocket endpoint /ws on one port.\n"
        "Every option can also be set with the environment variable in brackets.\n"
        "Backups: confabd backup --to FILE [--data DIR] (see confabd backup --help)."_s);
    const QCommandLineOption help({ u"h"_s, u"help"_s }, u"Show this help and exit."_s);
    const QCommandLineOption version({ u"v"_s, u"version"_s }, u"Show the version and exit."_s);
    parser.addOption(help);
    parser.addOption(version);
    parser.addOptions({
        { u"listen"_s, u"Address and port to serve on [CONFAB_LISTEN]. Default 127.0.0.1:8080."_s,
          u"host:port"_s },
        { u"data"_s, u"Directory of the SQLite database [CONFAB_DATA]. Default ./data."_s,
          u"dir"_s },
        { u"log-level"_s, u"debug, info, warning or critical [CONFAB_LOG_LEVEL]. Default info."_s,
          u"level"_s },
        { u"workers"_s, u"WebSocket worker threads [CONFAB_WORKERS]. Default: one per core."_s,
          u"n"_s },
        { u"heartbeat"_s,
          u"Seconds between client heartbeats; a device silent for twice as long is dropped "
          "[CONFAB_HEARTBEAT]. Default 30."_s,
          u"seconds"_s },
        { u"auth-timeout"_s,
          u"Milliseconds a new WebSocket has to authenticate [CONFAB_AUTH_TIMEOUT_MS]. "
          "Default 10000."_s,
          u"ms"_s },
        { u"presence-grace"_s,
          u"Seconds a user stays online after its last device went away, so a quick reconnect "
          "causes no flicker [CONFAB_PRESENCE_GRACE]. Default 30."_s,
          u"seconds"_s },
        { u"public-url"_s,
          u"WebSocket URL clients are told to use by /api/v1/discovery [CONFAB_PUBLIC_URL]. "
          "Default: from the request's Host header."_s,
          u"url"_s },
        { u"sync-normal"_s,
          u"Use SQLite synchronous=NORMAL: faster commits that survive a crash of confabd "
          "but not a power loss [CONFAB_SYNC_NORMAL=1]."_s },
        { u"tls-cert"_s,
          u"PEM certificate (chain) to serve https:// and wss:// on the same port "
          "[CONFAB_TLS_CERT]. Needs --tls-key."_s,
          u"file"_s },
        { u"tls-key"_s, u"PEM private key of --tls-cert [CONFAB_TLS_KEY]."_s, u"file"_s },
        { u"rate-limits"_s,
          u"'off' turns off the per-address and per-device rate limits and the per-address "
          "connection cap, for tests and benchmarks [CONFAB_RATE_LIMITS]. Default on."_s,
          u"on|off"_s },
        { u"login-rate-user"_s,
          u"Login attempts per username, as COUNT/SECONDS, 0 = off [CONFAB_LOGIN_RATE_USER]. "
          "Default 10/60."_s,
          u"rate"_s },
        { u"login-rate-address"_s,
          u"Login attempts per client address [CONFAB_LOGIN_RATE_ADDRESS]. Default 30/60."_s,
          u"rate"_s },
        { u"register-rate-address"_s,
          u"Registrations per client address [CONFAB_REGISTER_RATE_ADDRESS]. "
          "Default 10/3600."_s,
          u"rate"_s },
        { u"send-rate-device"_s,
          u"Send frames per device (all its connections together), a token bucket: COUNT "
          "at once, COUNT per SECONDS after [CONFAB_SEND_RATE_DEVICE]. Default 100/10."_s,
          u"rate"_s },
        { u"max-connections"_s,
          u"Concurrent TCP connections in total, 0 = no cap [CONFAB_MAX_CONNECTIONS]. "
          "Default: the open-file limit less 128."_s,
          u"n"_s },
        { u"max-connections-per-address"_s,
          u"Concurrent TCP connections per client address, 0 = no cap "
          "[CONFAB_MAX_CONNECTIONS_PER_ADDRESS]. Default 64."_s,
          u"n"_s },
        { u"max-devices"_s,
          u"Devices (logged-in tokens) per account, 0 = no cap [CONFAB_MAX_DEVICES]. "
          "Default 100."_s,
          u"n"_s },
        { u"request-timeout"_s,
          u"Milliseconds an HTTP request may take to arrive whole [CONFAB_REQUEST_TIMEOUT_MS]. "
          "Default 10000."_s,
          u"ms"_s },
        { u"idle-timeout"_s,
          u"Milliseconds an idle keep-alive HTTP connection is kept [CONFAB_IDLE_TIMEOUT_MS]. "
          "Default 30000."_s,
          u"ms"_s },
        { u"trusted-proxy"_s,
          u"Address of a reverse proxy whose X-Forwarded-For header gives the client address "
          "[CONFAB_TRUSTED_PROXY]. Default: none."_s,
          u"address"_s },
    });

    if (!parser.parse(arguments)) {
        result.exit = true;
        result.exitCode = 2;
        result.output = parser.errorText() + u"\nTry --help."_s;
        return result;
    }
    if (parser.isSet(help)) {
        result.exit = true;
        result.output = parser.helpText();
        return result;
    }
    if (parser.isSet(version)) {
        result.exit = true;
        result.output = u"confabd " CONFAB_VERSION ""_s;
        return result;
    }
    if (!parser.positionalArguments().isEmpty()) {
        result.exit = true;
        result.exitCode = 2;
        result.output = u"unexpected argument: %1\nTry --help."_s.arg(
            parser.positionalArguments().constFirst());
        return result;
    }

    auto fail = [&](const QString &message) {
        result.exit = true;
        result.exitCode = 2;
        result.output = message;
        return result;
    };
    auto positive = [](const QString &text, int *out) {
        bool ok = false;
        const int value = text.toInt(&ok);
        if (ok && value > 0)
            *out = value;
        return ok && value > 0;
    };

    if (const QString listen = setting(parser, u"listen"_s, "CONFAB_LISTEN");
        !listen.isEmpty() && !parseListen(listen, config)) {
        return fail(u"--listen: expected HOST:PORT, got '%1'"_s.arg(listen));
    }
    if (const QString data = setting(parser, u"data"_s, "CONFAB_DATA"); !data.isEmpty())
        config.dataDir = data;
    if (const QString level = setting(parser, u"log-level"_s, "CONFAB_LOG_LEVEL");
        !level.isEmpty()) {
        static const QStringList levels { u"debug"_s, u"info"_s, u"warning"_s, u"critical"_s };
        if (!levels.contains(level))
            return fail(u"--log-level: expected debug, info, warning or critical"_s);
        config.logLevel = level;
    }
    if (const QString n = setting(parser, u"workers"_s, "CONFAB_WORKERS");
        !n.isEmpty() && !positive(n, &config.workers)) {
        return fail(u"--workers: expected a positive number"_s);
    }
    if (const QString s = setting(parser, u"heartbeat"_s, "CONFAB_HEARTBEAT");
        !s.isEmpty() && !positive(s, &config.heartbeatSeconds)) {
        return fail(u"--heartbeat: expected a positive number of seconds"_s);
    }
    if (const QString ms = setting(parser, u"auth-timeout"_s, "CONFAB_AUTH_TIMEOUT_MS");
        !ms.isEmpty() && !positive(ms, &config.authTimeoutMs)) {
        return fail(u"--auth-timeout: expected a positive number of milliseconds"_s);
    }
    if (const QString s = setting(parser, u"presence-grace"_s, "CONFAB_PRESENCE_GRACE");
        !s.isEmpty()) {
        bool ok = false;
        const double seconds = s.toDouble(&ok);
        if (!ok || seconds < 0 || seconds > 86400)
            return fail(u"--presence-grace: expected a number of seconds"_s);
        config.presenceGraceMs = int(seconds * 1000);
    }
    config.publicUrl = setting(parser, u"public-url"_s, "CONFAB_PUBLIC_URL");
    if (parser.isSet(u"sync-normal"_s) || qEnvironmentVariable("CONFAB_SYNC_NORMAL") == "1"_L1)
        config.synchronousFull = false;

    config.tlsCertFile = setting(parser, u"tls-cert"_s, "CONFAB_TLS_CERT");
    config.tlsKeyFile = setting(parser, u"tls-key"_s, "CONFAB_TLS_KEY");
    if (config.tlsCertFile.isEmpty() != config.tlsKeyFile.isEmpty())
        return fail(u"--tls-cert and --tls-key go together"_s);
    if (const QString on = setting(parser, u"rate-limits"_s, "CONFAB_RATE_LIMITS"); !on.isEmpty()) {
        if (on != "on"_L1 && on != "off"_L1)
            return fail(u"--rate-limits: expected on or off"_s);
        config.rateLimits = on == "on"_L1;
    }
    const struct
    {
        const char *option;
        const char *env;
        limits::Rate *rate;
    } rates[] = {
        { "login-rate-user", "CONFAB_LOGIN_RATE_USER", &config.loginPerUser },
        { "login-rate-address", "CONFAB_LOGIN_RATE_ADDRESS", &config.loginPerAddress },
        { "register-rate-address", "CONFAB_REGISTER_RATE_ADDRESS", &config.registerPerAddress },
        { "send-rate-device", "CONFAB_SEND_RATE_DEVICE", &config.sendsPerDevice },
    };
    for (const auto &rate : rates) {
        const QString option = QString::fromLatin1(rate.option);
        if (const QString text = setting(parser, option, rate.env);
            !text.isEmpty() && !parseRate(text, rate.rate)) {
            return fail(u"--%1: expected COUNT/SECONDS (e.g. 10/60) or 0"_s.arg(option));
        }
    }
    const struct
    {
        const char *option;
        const char *env;
        int *value;
        bool zeroAllowed;
    } numbers[] = {
        { "max-connections", "CONFAB_MAX_CONNECTIONS", &config.maxConnections, true },
        { "max-connections-per-address", "CONFAB_MAX_CONNECTIONS_PER_ADDRESS",
          &config.maxConnectionsPerAddress, true },
        { "max-devices", "CONFAB_MAX_DEVICES", &config.maxDevicesPerAccount, true },
        { "request-timeout", "CONFAB_REQUEST_TIMEOUT_MS", &config.requestTimeoutMs, false },
        { "idle-timeout", "CONFAB_IDLE_TIMEOUT_MS", &config.idleTimeoutMs, false },
    };
    for (const auto &number : numbers) {
        const QString option = QString::fromLatin1(number.option);
        if (const QString text = setting(parser, option, number.env); !text.isEmpty()) {
            bool ok = false;
            const int value = text.toInt(&ok);
            if (!ok || value < 0 || (value == 0 && !number.zeroAllowed))
                return fail(u"--%1: expected a %2 number"_s.arg(
                    option, number.zeroAllowed ? u"non-negative"_s : u"positive"_s));
            *number.value = value;
        }
    }
    if (const QString proxy = setting(parser, u"trusted-proxy"_s, "CONFAB_TRUSTED_PROXY");
        !proxy.isEmpty() && !config.trustedProxy.setAddress(proxy)) {
        return fail(u"--trusted-proxy: expected an IP address"_s);
    }
    return result;
}

void applyLogLevel(const QString &level)
{
    QString rules = u"confab.*.debug=false\n"_s;
    if (level == "debug"_L1)
        rules = u"confab.*=true\n"_s;
    else if (level == "warning"_L1)
        rules += u"confab.*.info=false\n"_s;
    else if (level == "critical"_L1)
        rules += u"confab.*.info=false\nconfab.*.warning=false\n"_s;
    QLoggingCategory::setFilterRules(rules);
}

} // namespace confab
