// confabd: the Confab chat server. Everything but start-up and signals lives in libconfab-server.
#include "server/Config.h"
#include "server/Server.h"
#include "server/store/Backup.h"

#include <QCoreApplication>
#include <QSocketNotifier>

#include <csignal>
#include <cstdio>
#include <sys/socket.h>
#include <unistd.h>

namespace {
int signalPipe[2] = { -1, -1 };

void onTerminate(int)
{
    const char byte = 1;
    [[maybe_unused]] const auto written = ::write(signalPipe[1], &byte, 1);
}
} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("confabd"));
    QCoreApplication::setApplicationVersion(QStringLiteral(CONFAB_VERSION));

    const auto parsed = confab::ServerConfig::parse(QCoreApplication::arguments());
    if (parsed.exit) {
        std::fputs(qPrintable(parsed.output + u'\n'), parsed.exitCode == 0 ? stdout : stderr);
        return parsed.exitCode;
    }
    confab::applyLogLevel(parsed.config.logLevel);
    if (parsed.backup) {
        const QString target = parsed.backup->target;
        if (auto done = confab::store::backupDatabase(parsed.config.databasePath(), target);
            !done) {
            std::fprintf(stderr, "confabd backup: %s\n", qPrintable(done.error().message));
            return 1;
        }
        std::printf("confabd backup: wrote %s\n", qPrintable(target));
        return 0;
    }

    // SIGTERM and SIGINT only write to a pipe; the event loop does the shutdown.
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, signalPipe) != 0) {
        std::perror("confabd: socketpair");
        return 1;
    }
    struct sigaction action = {};
    action.sa_handler = onTerminate;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGTERM, &action, nullptr);
    sigaction(SIGINT, &action, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    confab::Server server(parsed.config);
    if (auto started = server.start(); !started) {
        std::fprintf(stderr, "confabd: %s\n", qPrintable(started.error().message));
        return 1;
    }

    QSocketNotifier terminate(signalPipe[0], QSocketNotifier::Read);
    QObject::connect(&terminate, &QSocketNotifier::activated, &app, [&] {
        terminate.setEnabled(false);
        server.shutdown();
        app.quit();
    });

    // Scripts and tests wait for this line to know the port (useful with --listen HOST:0).
    std::printf("confabd listening on %s:%u\n", qPrintable(parsed.config.host.toString()),
                unsigned(server.port()));
    std::fflush(stdout);
    return app.exec();
}
