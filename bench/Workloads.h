// The five workloads and the soak. Each runs against a confabd that was just started on a fresh
// copy of the fixture, and returns its parameters, its figures (one row per step) and any problem
// found (a lost message, a failed connection): problems make the generator exit 1.
#pragma once

#include "bench/Fixture.h"
#include "bench/Shards.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QStringList>

namespace confab::bench {

struct Options
{
    int devices = 19'000; // W1, W5: connections
    int window = 1'000; // handshakes in flight (W1, W5's first connect)
    int reconnectWindow = 0; // W5's storm: 0 = every device at once
    double holdSeconds = 5; // W1: how long the connections are held before RSS is read
    int users = 1'000; // W2, soak: online users, in pairs
    QList<double> rates { 1'000, 5'000, 10'000, 20'000, 40'000 }; // W2: messages/s
    double seconds = 10; // W2, W3: length of each rate step
    int groups = 10; // W3
    int groupSize = 100; // W3
    QList<double> postRates { 200, 500, 1'000, 2'000 }; // W3: posts/s
    int messages = 10'000; // W4: messages waiting for the offline user
    double soakRate = 5'000; // soak: messages/s, steady
    double soakSeconds = 600; // soak: length of the steady load
    double warmupSeconds = 60; // soak: memory growth is measured after this
    double sampleSeconds = 10; // soak: one window of figures each
    double churnSeconds = 10; // soak: how often devices drop and come back
    double churnFraction = 0.02; // soak: the share of the devices that drops each time
    int drainTimeoutMs = 120'000;
};

struct Target
{
    QString host;
    quint16 port = 0;
    qint64 pid = 0;
};

struct Outcome
{
    QJsonObject parameters;
    QJsonArray steps; // objects of figures
    QStringList problems;
};

// How many fixture users each workload needs.
int usersNeeded(const QString &workload, const Options &options);

Outcome runIdle(const Shards &, const Target &, const QList<BenchDevice> &, const Options &);
Outcome runDirect(const Shards &, const Target &, const QList<BenchDevice> &, const Options &);
Outcome runGroups(const Shards &, const Target &, const QList<BenchDevice> &, const Options &);
Outcome runOfflineDrain(const Shards &, const Target &, const QList<BenchDevice> &,
                        const Options &);
Outcome runReconnect(const Shards &, const Target &, const QList<BenchDevice> &, const Options &);
Outcome runSoak(const Shards &, const Target &, const QList<BenchDevice> &, const Options &);

} // namespace confab::bench
