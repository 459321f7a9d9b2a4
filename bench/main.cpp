// confab-bench: drives a real confabd through the protocol (W1 idle connections, W2 one-to-one,
// W3 group fan-out, W4 offline drain, W5 reconnect storm, and a soak), prints a table and writes
// JSON.
#include "bench/Fixture.h"
#include "bench/Machine.h"
#include "bench/Report.h"
#include "bench/ServerUnderTest.h"
#include "bench/Shards.h"
#include "bench/Workloads.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkProxy>
#include <QTemporaryDir>

#include <csignal>
#include <cstdio>
#include <type_traits>

using namespace confab::bench;
using namespace Qt::StringLiterals;

namespace {

QList<double> numbers(const QString &list)
{
    QList<double> values;
    for (const QString &part : list.split(u',', Qt::SkipEmptyParts))
        values << part.toDouble();
    return values;
}

int fail(const QString &message)
{
    std::fprintf(stderr, "confab-bench: %s\n", qPrintable(message));
    return 2;
}

} // namespace

int main(int argc, char *argv[])
{
    // The generator holds up to 19,000 sockets on two threads: Qt's own poll() loop costs less
    // per wake-up than the GLib one (whose socket notifier removal is linear too). The server
    // does not inherit this (ServerUnderTest clears it): confabd chooses for itself.
    const bool glibWanted = qEnvironmentVariableIsEmpty("QT_NO_GLIB");
    qputenv("QT_NO_GLIB", "1");
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"confab-bench"_s);
    std::signal(SIGPIPE, SIG_IGN);
    // The server is on this machine: no proxy. By default every connection asks the system's
    // proxy configuration first (libproxy), which cost a third of the generator's CPU in W1.
    QNetworkProxy::setApplicationProxy(QNetworkProxy::NoProxy);

    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"Load generator for confabd. Starts its own confabd (a fresh copy of the fixture's "
        "database and a free port for each workload) and prints a table of figures."_s);
    parser.addHelpOption();
    const Options defaults;
    parser.addOptions({
        { u"workload"_s, u"w1..w5 or soak, comma-separated, or all (w1..w5). Default all."_s,
          u"list"_s, u"all"_s },
        { u"smoke"_s,
          u"Tiny sizes for every workload, and a 3 s soak after w1..w5 (CI): checks, does not "
          "measure."_s },
        { u"confabd"_s, u"The confabd to start. Default: ../server/confabd next to this program."_s,
          u"path"_s },
        { u"server-arg"_s, u"An extra argument for confabd (repeat it for several)."_s, u"arg"_s },
        { u"fixture"_s,
          u"Directory of the reusable accounts (made on first use). Default: a "
          "temporary one."_s,
          u"dir"_s },
        { u"threads"_s, u"Generator threads. Default 2."_s, u"n"_s, u"2"_s },
        { u"json"_s, u"Also write the report as JSON to this file."_s, u"file"_s },
        { u"devices"_s, u"W1, W5: devices. Default 19000 (W5: 10000)."_s, u"n"_s },
        { u"window"_s, u"Handshakes in flight when connecting. Default 1000."_s, u"n"_s },
        { u"reconnect-window"_s, u"W5: handshakes in flight in the storm; 0 = all at once."_s,
          u"n"_s },
        { u"hold"_s, u"W1: seconds to hold the connections before reading RSS. Default 5."_s,
          u"s"_s },
        { u"users"_s, u"W2, soak: online users, in pairs. Default 1000."_s, u"n"_s },
        { u"rates"_s, u"W2: messages/s, comma-separated. Default 1000,5000,10000,20000,40000."_s,
          u"list"_s },
        { u"seconds"_s, u"W2, W3: seconds per rate. Default 10."_s, u"s"_s },
        { u"groups"_s, u"W3: groups. Default 10."_s, u"n"_s },
        { u"group-size"_s, u"W3: members per group. Default 100."_s, u"n"_s },
        { u"post-rates"_s, u"W3: posts/s, comma-separated. Default 200,500,1000,2000."_s,
          u"list"_s },
        { u"messages"_s, u"W4: messages waiting for the offline user. Default 10000."_s, u"n"_s },
        { u"soak-rate"_s, u"Soak: messages/s, steady, over --users. Default 5000."_s, u"n"_s },
        { u"soak-seconds"_s, u"Soak: seconds of steady load. Default 600."_s, u"s"_s },
        { u"warmup-seconds"_s, u"Soak: memory growth counts after this. Default 60."_s, u"s"_s },
        { u"sample-seconds"_s, u"Soak: seconds per window of figures. Default 10."_s, u"s"_s },
        { u"churn-seconds"_s,
          u"Soak: every S seconds a share of the devices drops; they come back S seconds "
          "later. Default 10."_s,
          u"s"_s },
        { u"churn"_s, u"Soak: that share, 0..0.5 (0 = no churn). Default 0.02."_s, u"fraction"_s },
    });
    parser.process(app);

    Options options;
    if (parser.isSet(u"smoke"_s)) {
        options.devices = 20;
        options.window = 20;
        options.holdSeconds = 0.5;
        options.users = 20;
        options.rates = { 200 };
        options.seconds = 1;
        options.groups = 2;
        options.groupSize = 10;
        options.postRates = { 20 };
        options.messages = 300;
        options.drainTimeoutMs = 60'000;
        options.soakRate = 200;
        options.soakSeconds = 3;
        options.warmupSeconds = 1;
        options.sampleSeconds = 1;
        options.churnSeconds = 1;
    }
    // A numeric option, if given; a value that is not a number is an error, not a zero.
    QStringList badNumbers;
    const auto option = [&parser, &badNumbers]<typename T>(const QString &name, T &value) {
        if (!parser.isSet(name))
            return;
        bool ok = false;
        if constexpr (std::is_same_v<T, int>)
            value = parser.value(name).toInt(&ok);
        else
            value = parser.value(name).toDouble(&ok);
        if (!ok)
            badNumbers.append(u"--"_s + name);
    };
    option(u"devices"_s, options.devices);
    option(u"window"_s, options.window);
    option(u"reconnect-window"_s, options.reconnectWindow);
    option(u"users"_s, options.users);
    option(u"groups"_s, options.groups);
    option(u"group-size"_s, options.groupSize);
    option(u"messages"_s, options.messages);
    option(u"hold"_s, options.holdSeconds);
    option(u"seconds"_s, options.seconds);
    option(u"soak-rate"_s, options.soakRate);
    option(u"soak-seconds"_s, options.soakSeconds);
    option(u"warmup-seconds"_s, options.warmupSeconds);
    option(u"sample-seconds"_s, options.sampleSeconds);
    option(u"churn-seconds"_s, options.churnSeconds);
    option(u"churn"_s, options.churnFraction);
    if (!badNumbers.isEmpty())
        return fail(u"not a number: %1"_s.arg(badNumbers.join(u", "_s)));
    if (options.sampleSeconds <= 0 || options.churnSeconds <= 0 || options.churnFraction < 0
        || options.churnFraction > 0.5)
        return fail(u"--sample-seconds and --churn-seconds must be positive, --churn 0..0.5"_s);
    if (parser.isSet(u"rates"_s))
        options.rates = numbers(parser.value(u"rates"_s));
    if (parser.isSet(u"post-rates"_s))
        options.postRates = numbers(parser.value(u"post-rates"_s));

    QStringList workloads = parser.value(u"workload"_s).toLower().split(u',', Qt::SkipEmptyParts);
    if (workloads == QStringList { u"all"_s }) {
        workloads = { u"w1"_s, u"w2"_s, u"w3"_s, u"w4"_s, u"w5"_s };
        // The soak is long: only the smoke test runs it as part of everything.
        if (parser.isSet(u"smoke"_s))
            workloads << u"soak"_s;
    }
    for (const QString &name : std::as_const(workloads)) {
        const bool numbered =
            name.size() == 2 && name[0] == u'w' && name[1] >= u'1' && name[1] <= u'5';
        if (!numbered && name != u"soak"_s)
            return fail(u"unknown workload %1 (w1..w5, soak or all)"_s.arg(name));
    }
    // W5's default is the target's 10,000 devices, W1's the ceiling of 19,000.
    const bool devicesSet = parser.isSet(u"devices"_s) || parser.isSet(u"smoke"_s);

    const QString confabd = parser.isSet(u"confabd"_s)
        ? parser.value(u"confabd"_s)
        : QDir(QCoreApplication::applicationDirPath()).filePath(u"../server/confabd"_s);
    if (!QFile::exists(confabd))
        return fail(u"no confabd at %1 (use --confabd)"_s.arg(confabd));
    const QStringList serverArguments =
        ServerUnderTest::defaultArguments(confabd) + parser.values(u"server-arg"_s);

    QTemporaryDir scratch;
    const QString fixtureDir =
        parser.isSet(u"fixture"_s) ? parser.value(u"fixture"_s) : scratch.filePath(u"fixture"_s);
    const Shards shards(qMax(1, parser.value(u"threads"_s).toInt()));

    QJsonObject report {
        { u"generated_at"_s, QDateTime::currentDateTimeUtc().toString(Qt::ISODate) },
        { u"machine"_s, machine::describe() },
        { u"load_start"_s, machine::loadAverage() },
        { u"server"_s, (QStringList { confabd } + serverArguments).join(u' ') },
        { u"generator_threads"_s, shards.count() },
    };
    QJsonArray results;
    bool allOk = true;
    for (const QString &name : std::as_const(workloads)) {
        Options run = options;
        if (name == u"w5"_s && !devicesSet)
            run.devices = 10'000;
        QString error;
        const QList<BenchDevice> devices =
            Fixture::prepare(fixtureDir, usersNeeded(name, run), &error);
        if (devices.isEmpty())
            return fail(u"fixture: %1"_s.arg(error));
        QTemporaryDir data;
        if (!Fixture::copyInto(fixtureDir, data.path(), &error))
            return fail(error);
        ServerUnderTest server(glibWanted);
        if (!server.start(confabd, data.path(), serverArguments))
            return fail(server.errorString());
        const Target target { server.host(), server.port(), server.pid() };

        std::fprintf(stderr, "confab-bench: %s...\n", qPrintable(name));
        const QString loadStart = machine::loadAverage();
        Outcome outcome;
        if (name == u"w1"_s)
            outcome = runIdle(shards, target, devices, run);
        else if (name == u"w2"_s)
            outcome = runDirect(shards, target, devices, run);
        else if (name == u"w3"_s)
            outcome = runGroups(shards, target, devices, run);
        else if (name == u"w4"_s)
            outcome = runOfflineDrain(shards, target, devices, run);
        else if (name == u"soak"_s)
            outcome = runSoak(shards, target, devices, run);
        else
            outcome = runReconnect(shards, target, devices, run);
        if (const int code = server.stop(); code != 0)
            outcome.problems << u"confabd exited with %1"_s.arg(code);
        QJsonObject result = report::workload(name, outcome);
        result.insert(u"load_start"_s, loadStart);
        result.insert(u"load_end"_s, machine::loadAverage());
        results.append(result);
        allOk = allOk && outcome.problems.isEmpty();
    }
    report.insert(u"workloads"_s, results);
    report.insert(u"load_end"_s, machine::loadAverage());

    std::fputs(qPrintable(report::table(report)), stdout);
    if (parser.isSet(u"json"_s)) {
        QFile file(parser.value(u"json"_s));
        if (!file.open(QIODevice::WriteOnly))
            return fail(file.errorString());
        file.write(QJsonDocument(report).toJson());
    }
    return allOk ? 0 : 1;
}
