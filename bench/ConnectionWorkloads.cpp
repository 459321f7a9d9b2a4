// W1 (idle connections), W4 (offline drain) and W5 (reconnect storm): connecting, holding and
// catching up, rather than steady traffic.
#include "bench/CpuShares.h"
#include "bench/Fleet.h"
#include "bench/Frames.h"
#include "bench/ServerUnderTest.h"
#include "bench/Workloads.h"

#include <QJsonDocument>

#include <atomic>

namespace confab::bench {

using namespace Qt::StringLiterals;

namespace {
constexpr int kSyncPage = 1000;
constexpr int kSendWindow = 1000; // sends in flight while filling inboxes

double rounded(double value, int decimals = 2)
{
    const double scale = std::pow(10.0, decimals);
    return std::round(value * scale) / scale;
}

QJsonObject openedFigures(const Fleet::Opened &opened, Latencies &auth)
{
    return { { u"connected"_s, opened.ready },
             { u"failed"_s, opened.failed },
             { u"connect_s"_s, rounded(opened.seconds) },
             { u"connects_per_s"_s, std::round(opened.ready / qMax(opened.seconds, 1e-9)) },
             { u"auth_latency"_s, auth.summary() } };
}

// Sends `count` messages from the fleet's connection 0, `to(n)` naming the recipient of the n-th,
// keeping kSendWindow in flight; waits until all are stored. The time taken, or -1.
double fill(Fleet &sender, qint64 count, const std::function<QByteArray(qint64 n)> &to,
            QStringList &problems)
{
    std::atomic<qint64> stored { 0 };
    std::atomic<qint64> errors { 0 };
    const qint64 t0 = nowNs();
    sender.forEach([&](int, WsConnection *connection) {
        auto next = std::make_shared<qint64>(0);
        const auto sendOne = [connection, next, &to] {
            const qint64 n = (*next)++;
            connection->sendText(frames::send("f" + QByteArray::number(n), to(n)));
        };
        connection->onText = [=, &stored, &errors](const QByteArray &frame) {
            const QByteArrayView type = frames::typeOf(frame);
            if (type == "sent")
                ++stored;
            else if (type == "error")
                ++errors;
            else
                return;
            if (*next < count)
                sendOne();
        };
        while (*next < qMin<qint64>(count, kSendWindow))
            sendOne();
    });
    const bool done = waitUntil([&] { return stored + errors == count; }, 300'000);
    const qint64 t1 = nowNs();
    sender.forEach([](int, WsConnection *connection) { connection->onText = nullptr; });
    if (!done || errors > 0) {
        problems << u"filling: %1 of %2 stored, %3 errors"_s.arg(stored.load())
                        .arg(count)
                        .arg(errors.load());
        return -1;
    }
    return double(t1 - t0) / 1e9;
}

// Pages `sync` on each connection of `fleet` from `after(index)` once welcomed (see openAll's
// callback); counts the entries and records when each device has them all.
struct Catchup
{
    std::atomic<qint64> entries { 0 };
    std::atomic<int> synced { 0 };
    std::atomic<qint64> lastSynced { 0 };
    Latencies timeToSynced;
    qint64 start = 0;

    void follow(Fleet &fleet)
    {
        fleet.forEach([this](int, WsConnection *connection) {
            connection->onText = [this, connection](const QByteArray &frame) {
                if (frames::typeOf(frame) != "sync")
                    return;
                const QJsonObject reply = QJsonDocument::fromJson(frame).object();
                const QJsonArray page = reply.value(u"entries"_s).toArray();
                entries += page.size();
                if (reply.value(u"more"_s).toBool() && !page.isEmpty()) {
                    const qint64 last =
                        page.last().toObject().value(u"seq"_s).toString().toLongLong();
                    connection->sendText(frames::sync(last, kSyncPage));
                    return;
                }
                const qint64 now = nowNs();
                timeToSynced.add(now - start);
                lastSynced = now;
                ++synced;
            };
        });
    }
};
} // namespace

Outcome runIdle(const Shards &shards, const Target &target, const QList<BenchDevice> &devices,
                const Options &options)
{
    Outcome outcome;
    outcome.parameters = { { u"devices"_s, options.devices },
                           { u"handshakes_in_flight"_s, options.window },
                           { u"hold_s"_s, options.holdSeconds } };
    const qint64 rssBefore = ServerUnderTest::rssKiB(target.pid);
    const CpuShares cpu(target.pid);
    Fleet fleet(shards, target.host, target.port, devices.mid(0, options.devices));
    Latencies auth;
    const auto opened = fleet.openAll(options.window, auth, 300'000);
    waitUntil([] { return false; }, int(options.holdSeconds * 1000));
    const qint64 rssAfter = ServerUnderTest::rssKiB(target.pid);

    QJsonObject figures = openedFigures(opened, auth);
    // Over the connecting and the hold.
    const QJsonObject cpuFigures = cpu.figures();
    for (auto it = cpuFigures.begin(); it != cpuFigures.end(); ++it)
        figures.insert(it.key(), it.value());
    figures.insert(u"server_rss_before_kib"_s, rssBefore);
    figures.insert(u"server_rss_after_kib"_s, rssAfter);
    figures.insert(u"server_rss_per_connection_kib"_s,
                   rounded(double(rssAfter - rssBefore) / qMax(1, opened.ready), 1));
    // Still all there after the hold?
    std::atomic<int> stillReady { 0 };
    fleet.forEach([&](int, WsConnection *connection) {
        if (connection->state() == WsConnection::State::Ready)
            ++stillReady;
    });
    figures.insert(u"still_connected"_s, stillReady.load());
    outcome.steps.append(figures);
    if (opened.ready != options.devices || stillReady != options.devices)
        outcome.problems << u"%1 of %2 devices connected, %3 still connected after the hold"_s
                                .arg(opened.ready)
                                .arg(options.devices)
                                .arg(stillReady.load());
    return outcome;
}

Outcome runOfflineDrain(const Shards &shards, const Target &target,
                        const QList<BenchDevice> &devices, const Options &options)
{
    Outcome outcome;
    outcome.parameters = { { u"messages"_s, options.messages }, { u"sync_page"_s, kSyncPage } };
    Fleet sender(shards, target.host, target.port, devices.mid(0, 1));
    Fleet recipient(shards, target.host, target.port, devices.mid(1, 1));
    Latencies auth;
    if (sender.openAll(1, auth, 60'000).ready != 1) {
        outcome.problems << u"the sender could not connect"_s;
        return outcome;
    }
    const QByteArray to = "user:" + devices[1].username.toUtf8();
    const double fillSeconds = fill(
        sender, options.messages, [&to](qint64) { return to; }, outcome.problems);
    if (fillSeconds < 0)
        return outcome;

    Catchup catchup;
    catchup.follow(recipient);
    catchup.start = nowNs();
    recipient.openAll(1, auth, 60'000, [&recipient](int index) {
        recipient.connection(index)->sendText(frames::sync(0, kSyncPage));
    });
    const bool done = waitUntil([&] { return catchup.synced == 1; }, options.drainTimeoutMs);
    const double drainSeconds = double(catchup.lastSynced - catchup.start) / 1e9;
    outcome.steps.append(QJsonObject {
        { u"fill_s"_s, rounded(fillSeconds) },
        { u"fill_per_s"_s, std::round(options.messages / fillSeconds) },
        { u"drained"_s, catchup.entries.load() },
        { u"drain_ms"_s, done ? rounded(drainSeconds * 1000, 1) : -1.0 },
        { u"drained_per_s"_s, done ? std::round(catchup.entries / drainSeconds) : 0.0 },
    });
    if (!done || catchup.entries != options.messages)
        outcome.problems << u"the offline user got %1 of %2 messages"_s.arg(catchup.entries.load())
                                .arg(options.messages);
    recipient.forEach([](int, WsConnection *connection) { connection->onText = nullptr; });
    return outcome;
}

Outcome runReconnect(const Shards &shards, const Target &target, const QList<BenchDevice> &devices,
                     const Options &options)
{
    Outcome outcome;
    const int count = options.devices;
    outcome.parameters = { { u"devices"_s, count },
                           { u"reconnect_in_flight"_s, options.reconnectWindow },
                           { u"missed_per_device"_s, 1 } };
    Fleet fleet(shards, target.host, target.port, devices.mid(0, count));
    Fleet sender(shards, target.host, target.port, devices.mid(count, 1));
    Latencies auth;
    std::vector<qint64> cursors(std::size_t(count), 0);
    const auto first = fleet.openAll(options.window, auth, 300'000, [&](int index) {
        cursors[std::size_t(index)] =
            fleet.connection(index)->welcome().value(u"latest_seq"_s).toString().toLongLong();
    });
    if (first.ready != count || sender.openAll(1, auth, 60'000).ready != 1) {
        outcome.problems << u"only %1 of %2 devices connected"_s.arg(first.ready).arg(count);
        return outcome;
    }
    // Everyone drops; each misses one message while away.
    fleet.abortAll();
    const double fillSeconds = fill(
        sender, count,
        [&devices](qint64 n) -> QByteArray { return "user:" + devices[int(n)].username.toUtf8(); },
        outcome.problems);
    if (fillSeconds < 0)
        return outcome;

    Catchup catchup;
    catchup.follow(fleet);
    Latencies reauth;
    catchup.start = nowNs();
    const auto again = fleet.openAll(options.reconnectWindow, reauth, 300'000, [&](int index) {
        fleet.connection(index)->sendText(frames::sync(cursors[std::size_t(index)], kSyncPage));
    });
    const bool done =
        waitUntil([&] { return catchup.synced == again.ready; }, options.drainTimeoutMs);
    QJsonObject figures = openedFigures(again, reauth);
    figures.insert(u"synced"_s, catchup.synced.load());
    figures.insert(u"entries"_s, catchup.entries.load());
    figures.insert(u"all_synced_s"_s, rounded(double(catchup.lastSynced - catchup.start) / 1e9));
    figures.insert(u"time_to_synced"_s, catchup.timeToSynced.summary());
    outcome.steps.append(figures);
    if (!done || again.ready != count || catchup.entries != count)
        outcome.problems << u"%1 of %2 devices back, %3 synced, %4 of %2 missed messages"_s
                                .arg(again.ready)
                                .arg(count)
                                .arg(catchup.synced.load())
                                .arg(catchup.entries.load());
    fleet.forEach([](int, WsConnection *connection) { connection->onText = nullptr; });
    return outcome;
}

int usersNeeded(const QString &workload, const Options &options)
{
    if (workload == u"w1"_s)
        return options.devices;
    if (workload == u"w2"_s || workload == u"soak"_s)
        return options.users;
    if (workload == u"w3"_s)
        return options.groups * options.groupSize;
    if (workload == u"w4"_s)
        return 2;
    return options.devices + 1;
}

} // namespace confab::bench
