// W2 (one-to-one) and W3 (group fan-out): open-loop sending at fixed rates to online users,
// measuring deliveries, end-to-end latency (from the time stamped in each body), loss after a
// drain, and the server's CPU and memory.
#include "bench/CpuShares.h"
#include "bench/Fleet.h"
#include "bench/Frames.h"
#include "bench/Pairs.h"
#include "bench/ServerUnderTest.h"
#include "bench/Workloads.h"

#include <QJsonDocument>

#include <atomic>
#include <mutex>

namespace confab::bench {

using namespace Qt::StringLiterals;

namespace {

struct Counters
{
    std::atomic<qint64> stored { 0 }; // `sent` answers
    std::atomic<qint64> errors { 0 };
    std::atomic<qint64> delivered { 0 }; // `msg` pushes
    std::atomic<qint64> lastDelivery { 0 };
    Latencies latency;

    void reset()
    {
        stored = 0;
        errors = 0;
        delivered = 0;
        lastDelivery = 0;
        latency.clear();
    }
};

void countFrames(Fleet &fleet, Counters &counters)
{
    fleet.forEach([&counters](int, WsConnection *connection) {
        connection->onText = [&counters](const QByteArray &frame) {
            const QByteArrayView type = frames::typeOf(frame);
            if (type == "msg") {
                const qint64 now = nowNs();
                const qint64 stamp = frames::stampOf(frame);
                if (stamp >= 0)
                    counters.latency.add(now - stamp);
                ++counters.delivered;
                counters.lastDelivery = now;
            } else if (type == "sent") {
                ++counters.stored;
            } else if (type == "error") {
                ++counters.errors;
            }
        };
    });
}

void forgetFrames(Fleet &fleet)
{
    fleet.forEach([](int, WsConnection *connection) { connection->onText = nullptr; });
}

// One rate step: send at `rate` for `seconds`, then wait until every stored message reached each
// of its `recipients` online devices. Fills in the step's figures.
QJsonObject runStep(Fleet &fleet, Counters &counters, const Target &target, const Options &options,
                    double rate, int recipients,
                    const std::function<void(int shard, qint64 n)> &send, QStringList &problems)
{
    counters.reset();
    const CpuShares cpu(target.pid);
    const qint64 t0 = nowNs();
    fleet.startPacing(rate, send);
    waitUntil([] { return false; }, int(options.seconds * 1000));
    const qint64 issued = fleet.stopPacing();
    const qint64 t1 = nowNs();
    const bool drained = waitUntil(
        [&] {
            return counters.stored + counters.errors == issued
                && counters.delivered >= counters.stored * recipients;
        },
        options.drainTimeoutMs);
    const QJsonObject cpuFigures = cpu.figures();

    const qint64 expected = counters.stored * recipients;
    const qint64 lost = qMax<qint64>(0, expected - counters.delivered);
    const qint64 last = qMax(counters.lastDelivery.load(), t1);
    const double activeSeconds = double(last - t0) / 1e9;
    QJsonObject figures {
        { u"offered_per_s"_s, rate },
        { u"sent"_s, issued },
        { u"stored"_s, counters.stored.load() },
        { u"errors"_s, counters.errors.load() },
        { u"delivered"_s, counters.delivered.load() },
        { u"delivered_per_s"_s, std::round(double(counters.delivered) / activeSeconds) },
        { u"lost"_s, lost },
        { u"drain_s"_s, std::round(double(last - t1) / 1e7) / 100 },
        { u"latency"_s, counters.latency.summary() },
        { u"server_cpu_percent"_s, cpuFigures.value(u"server_cpu_percent"_s) },
        { u"generator_cpu_percent"_s, cpuFigures.value(u"generator_cpu_percent"_s) },
        { u"server_rss_kib"_s, ServerUnderTest::rssKiB(target.pid) },
    };
    if (!drained)
        problems << u"at %1/s: not drained within %2 ms"_s.arg(rate).arg(options.drainTimeoutMs);
    if (lost > 0)
        problems << u"at %1/s: %2 deliveries lost"_s.arg(rate).arg(lost);
    if (counters.errors > 0)
        problems << u"at %1/s: %2 sends answered with an error"_s.arg(rate).arg(
            counters.errors.load());
    return figures;
}

} // namespace

Outcome runDirect(const Shards &shards, const Target &target, const QList<BenchDevice> &devices,
                  const Options &options)
{
    Outcome outcome;
    const int users = options.users & ~1;
    QJsonArray rates;
    for (double rate : options.rates)
        rates.append(rate);
    outcome.parameters = { { u"users"_s, users },
                           { u"pairs"_s, users / 2 },
                           { u"rates_per_s"_s, rates },
                           { u"seconds_per_rate"_s, options.seconds } };
    Fleet fleet(shards, target.host, target.port, devices.mid(0, users));
    if (!openFleet(fleet, options.window, outcome.problems))
        return outcome;
    Counters counters;
    countFrames(fleet, counters);
    const auto senders = fleet.indicesByShard();
    const std::vector<QByteArray> peers = pairedPeers(devices, users);

    int step = 0;
    for (double rate : options.rates) {
        ++step;
        const auto send = [&, step](int shard, qint64 n) {
            const auto &mine = senders[std::size_t(shard)];
            const int index = mine[std::size_t(n % qint64(mine.size()))];
            const QByteArray clientId = 'd' + QByteArray::number(step) + '-'
                + QByteArray::number(shard) + '-' + QByteArray::number(n);
            fleet.connection(index)->sendText(frames::send(clientId, peers[std::size_t(index)]));
        };
        outcome.steps.append(
            runStep(fleet, counters, target, options, rate, 1, send, outcome.problems));
    }
    forgetFrames(fleet);
    return outcome;
}

Outcome runGroups(const Shards &shards, const Target &target, const QList<BenchDevice> &devices,
                  const Options &options)
{
    Outcome outcome;
    const int size = options.groupSize;
    const int members = options.groups * size;
    QJsonArray rates;
    for (double rate : options.postRates)
        rates.append(rate);
    outcome.parameters = { { u"groups"_s, options.groups },
                           { u"members_per_group"_s, size },
                           { u"post_rates_per_s"_s, rates },
                           { u"seconds_per_rate"_s, options.seconds } };
    Fleet fleet(shards, target.host, target.port, devices.mid(0, members));
    if (!openFleet(fleet, options.window, outcome.problems))
        return outcome;

    // Each group's first member creates it with the others.
    std::mutex mutex;
    std::vector<QByteArray> groupIds(std::size_t(options.groups));
    std::atomic<int> created { 0 };
    fleet.forEach([&](int index, WsConnection *connection) {
        if (index % size != 0)
            return;
        connection->onText = [&, group = index / size](const QByteArray &frame) {
            if (frames::typeOf(frame) != "group")
                return;
            const QJsonObject reply = QJsonDocument::fromJson(frame).object();
            if (reply.value(u"id"_s).toString() != u"create"_s)
                return;
            std::lock_guard lock(mutex);
            groupIds[std::size_t(group)] =
                reply.value(u"group"_s).toObject().value(u"id"_s).toString().toUtf8();
            ++created;
        };
        QJsonArray names;
        for (int i = index + 1; i < index + size; ++i)
            names.append(devices[i].username);
        connection->sendJson({ { u"type"_s, u"group.create"_s },
                               { u"id"_s, u"create"_s },
                               { u"name"_s, u"bench %1"_s.arg(index / size) },
                               { u"members"_s, names } });
    });
    if (!waitUntil([&] { return created == options.groups; }, 60'000)) {
        outcome.problems
            << u"only %1 of %2 groups were created"_s.arg(created.load()).arg(options.groups);
        forgetFrames(fleet);
        return outcome;
    }

    Counters counters;
    countFrames(fleet, counters);
    const auto senders = fleet.indicesByShard();
    int step = 0;
    for (double rate : options.postRates) {
        ++step;
        const auto send = [&, step](int shard, qint64 n) {
            const auto &mine = senders[std::size_t(shard)];
            const int index = mine[std::size_t(n % qint64(mine.size()))];
            const QByteArray clientId = 'g' + QByteArray::number(step) + '-'
                + QByteArray::number(shard) + '-' + QByteArray::number(n);
            fleet.connection(index)->sendText(
                frames::send(clientId, "group:" + groupIds[std::size_t(index / size)]));
        };
        QJsonObject figures =
            runStep(fleet, counters, target, options, rate, size - 1, send, outcome.problems);
        figures.insert(u"posts_per_s"_s, figures.value(u"offered_per_s"_s));
        figures.remove(u"offered_per_s"_s);
        outcome.steps.append(figures);
    }
    forgetFrames(fleet);
    return outcome;
}

} // namespace confab::bench
