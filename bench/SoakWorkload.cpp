// The soak: W2's pairs sending at one steady open-loop rate for a long time while a fraction of
// the devices keeps dropping (a plain TCP close) and coming back a churn period later to catch up
// with `sync` (as in W5). Every sample period: the server's resident memory and CPU, the
// generator's CPU, deliveries and latency. At the end a drain and a final `sync` on every device,
// after which every device must have seen every entry of its inbox and every message its partner
// stored.
#include "bench/CpuShares.h"
#include "bench/Fleet.h"
#include "bench/Frames.h"
#include "bench/InboxMirror.h"
#include "bench/MemoryTrend.h"
#include "bench/Pairs.h"
#include "bench/ServerUnderTest.h"
#include "bench/Workloads.h"

#include <QJsonDocument>

#include <atomic>
#include <cmath>

namespace confab::bench {

using namespace Qt::StringLiterals;

namespace {
constexpr int kSyncPage = 1000;

// One device as the generator sees it. Touched only on the device's shard thread.
struct DeviceState
{
    InboxMirror inbox;
    qint64 own = 0; // entries of messages it sent (seen in `sent` or in a sync page)
    qint64 fromPartner = 0; // entries of messages its partner sent
    qint64 outstanding = 0; // sends not answered yet
    bool away = false; // dropped, or not welcomed again yet
    bool reconnecting = false;
    bool syncing = false;
};

// Counters over all devices, from every thread.
struct Totals
{
    std::atomic<qint64> deliveredInWindow { 0 }; // new partner entries, live or synced
    std::atomic<qint64> delivered { 0 };
    std::atomic<qint64> deliveredBySync { 0 }; // of `delivered`: found in sync pages
    std::atomic<qint64> own { 0 };
    std::atomic<qint64> outstanding { 0 };
    std::atomic<qint64> unanswered { 0 }; // sends whose device dropped before the answer
    std::atomic<qint64> errors { 0 };
    std::atomic<qint64> skipped { 0 }; // due sends that found no connected device on the shard
    std::atomic<qint64> reconnectsInWindow { 0 };
    std::atomic<qint64> reconnects { 0 };
    std::atomic<qint64> failures { 0 }; // connections the server closed, failed reconnects
    std::atomic<int> reconnecting { 0 };
    std::atomic<int> syncing { 0 };
    Latencies latency; // live deliveries of the current window
};

double rounded(double value, int decimals)
{
    const double scale = std::pow(10.0, decimals);
    return std::round(value * scale) / scale;
}

class Soak
{
public:
    Soak(const Shards &shards, const Target &target, const QList<BenchDevice> &devices,
         const Options &options, int users)
        : m_target(target)
        , m_options(options)
        , m_users(users)
        , m_fleet(shards, target.host, target.port, devices.mid(0, users))
        , m_peers(pairedPeers(devices, users))
        , m_states(std::size_t(users))
        , m_senders(m_fleet.indicesByShard())
        , m_nextSender(std::size_t(shards.count()), 0)
    {
        for (int i = 0; i < users; ++i)
            m_names.push_back(devices[i].username);
        // Churned in turn: every even device first (its partner stays and keeps writing to it),
        // then every odd one.
        for (int i = 0; i < users; i += 2)
            m_churnOrder.push_back(i);
        for (int i = 1; i < users; i += 2)
            m_churnOrder.push_back(i);
    }

    ~Soak()
    {
        m_fleet.forEach([](int, WsConnection *connection) {
            connection->onText = nullptr;
            connection->onWelcome = nullptr;
            connection->onClosed = nullptr;
        });
    }

    void run(Outcome &outcome);

private:
    void follow();
    void onFrame(int index, const QByteArray &frame);
    void onSyncPage(int index, const QByteArray &frame);
    void startSync(int index);
    void forgetOutstanding(DeviceState &device);
    void send(int shard, qint64 n);
    void churn(int count);
    QJsonObject sample(qint64 start);
    bool drain();
    QJsonObject finalCount();

    const Target &m_target;
    const Options &m_options;
    const int m_users;
    Fleet m_fleet;
    std::vector<QByteArray> m_peers;
    QStringList m_names;
    std::vector<DeviceState> m_states;
    std::vector<std::vector<int>> m_senders;
    std::vector<std::size_t> m_nextSender; // per shard, on that shard's thread
    std::vector<int> m_churnOrder;
    std::size_t m_churnNext = 0;
    std::vector<int> m_away; // dropped at the last churn, back at the next
    Totals m_totals;
    CpuShares m_cpu { m_target.pid };
    qint64 m_windowStart = 0;
    std::vector<RssSample> m_rss;
};

void Soak::follow()
{
    m_fleet.forEach([this](int index, WsConnection *connection) {
        connection->onText = [this, index](const QByteArray &frame) {
            onFrame(index, frame);
        };
        connection->onWelcome = [this, index](const QJsonObject &) {
            DeviceState &device = m_states[std::size_t(index)];
            if (device.reconnecting) {
                device.reconnecting = false;
                --m_totals.reconnecting;
                ++m_totals.reconnects;
                ++m_totals.reconnectsInWindow;
            }
            device.away = false;
            startSync(index);
        };
        connection->onClosed = [this, index](int) {
            DeviceState &device = m_states[std::size_t(index)];
            if (device.reconnecting) {
                device.reconnecting = false;
                --m_totals.reconnecting;
            }
            device.away = true;
            forgetOutstanding(device);
            ++m_totals.failures;
        };
    });
}

void Soak::onFrame(int index, const QByteArray &frame)
{
    DeviceState &device = m_states[std::size_t(index)];
    const QByteArrayView type = frames::typeOf(frame);
    if (type == "msg") {
        const qint64 now = nowNs();
        if (!device.inbox.see(frames::seqOf(frame)))
            return;
        ++device.fromPartner;
        ++m_totals.delivered;
        ++m_totals.deliveredInWindow;
        if (const qint64 stamp = frames::stampOf(frame); stamp >= 0)
            m_totals.latency.add(now - stamp);
    } else if (type == "sent" || type == "error") {
        if (device.outstanding > 0) {
            --device.outstanding;
            --m_totals.outstanding;
        }
        if (type == "error") {
            ++m_totals.errors;
        } else if (device.inbox.see(frames::seqOf(frame))) {
            ++device.own;
            ++m_totals.own;
        }
    } else if (type == "sync") {
        onSyncPage(index, frame);
    }
}

void Soak::onSyncPage(int index, const QByteArray &frame)
{
    DeviceState &device = m_states[std::size_t(index)];
    const QJsonObject reply = QJsonDocument::fromJson(frame).object();
    const QJsonArray page = reply.value(u"entries"_s).toArray();
    for (const QJsonValue &value : page) {
        const QJsonObject entry = value.toObject();
        if (!device.inbox.see(entry.value(u"seq"_s).toString().toLongLong()))
            continue;
        if (entry.value(u"message"_s).toObject().value(u"from"_s).toString() == m_names[index]) {
            ++device.own;
            ++m_totals.own;
        } else {
            ++device.fromPartner;
            ++m_totals.delivered;
            ++m_totals.deliveredBySync;
            ++m_totals.deliveredInWindow;
        }
    }
    if (!device.syncing)
        return;
    if (reply.value(u"more"_s).toBool() && !page.isEmpty()) {
        const qint64 last = page.last().toObject().value(u"seq"_s).toString().toLongLong();
        m_fleet.connection(index)->sendText(frames::sync(last, kSyncPage));
        return;
    }
    device.syncing = false;
    --m_totals.syncing;
}

void Soak::startSync(int index)
{
    DeviceState &device = m_states[std::size_t(index)];
    if (!device.syncing) {
        device.syncing = true;
        ++m_totals.syncing;
    }
    m_fleet.connection(index)->sendText(frames::sync(device.inbox.cursor(), kSyncPage));
}

void Soak::forgetOutstanding(DeviceState &device)
{
    m_totals.unanswered += device.outstanding;
    m_totals.outstanding -= device.outstanding;
    device.outstanding = 0;
    if (device.syncing) {
        device.syncing = false;
        --m_totals.syncing;
    }
}

void Soak::send(int shard, qint64 n)
{
    const auto &mine = m_senders[std::size_t(shard)];
    std::size_t &next = m_nextSender[std::size_t(shard)];
    for (std::size_t tries = 0; tries < mine.size(); ++tries) {
        const int index = mine[next++ % mine.size()];
        DeviceState &device = m_states[std::size_t(index)];
        WsConnection *connection = m_fleet.connection(index);
        if (device.away || connection->state() != WsConnection::State::Ready)
            continue;
        const QByteArray clientId = 's' + QByteArray::number(shard) + '-' + QByteArray::number(n);
        connection->sendText(frames::send(clientId, m_peers[std::size_t(index)]));
        ++device.outstanding;
        ++m_totals.outstanding;
        return;
    }
    ++m_totals.skipped;
}

// The devices dropped last time come back (and sync once welcomed); `count` others drop.
void Soak::churn(int count)
{
    std::vector<char> back(static_cast<std::size_t>(m_users), 0);
    std::vector<char> drop(static_cast<std::size_t>(m_users), 0);
    for (int index : m_away)
        back[std::size_t(index)] = 1;
    m_away.clear();
    for (int i = 0; i < count && !m_churnOrder.empty(); ++i) {
        const int index = m_churnOrder[m_churnNext++ % m_churnOrder.size()];
        if (!back[std::size_t(index)]) {
            drop[std::size_t(index)] = 1;
            m_away.push_back(index);
        }
    }
    m_fleet.forEach([&](int index, WsConnection *connection) {
        DeviceState &device = m_states[std::size_t(index)];
        if (back[std::size_t(index)] && !device.reconnecting) {
            device.reconnecting = true;
            ++m_totals.reconnecting;
            connection->open();
        } else if (drop[std::size_t(index)]) {
            device.away = true;
            forgetOutstanding(device);
            if (device.reconnecting) {
                device.reconnecting = false;
                --m_totals.reconnecting;
            }
            connection->abort();
        }
    });
}

// The figures of the window that ends now; starts the next one.
QJsonObject Soak::sample(qint64 start)
{
    const qint64 now = nowNs();
    const double windowSeconds = qMax(double(now - m_windowStart) / 1e9, 1e-9);
    const qint64 rss = ServerUnderTest::rssKiB(m_target.pid);
    const double at = double(now - start) / 1e9;
    m_rss.push_back({ at, rss });
    const QJsonObject latency = m_totals.latency.summary();
    m_totals.latency.clear();
    QJsonObject window = m_cpu.figures();
    m_cpu.restart();
    m_windowStart = now;
    window.insert(u"t_s"_s, rounded(at, 1));
    window.insert(u"server_rss_kib"_s, rss);
    window.insert(u"delivered_per_s"_s,
                  std::round(double(m_totals.deliveredInWindow.exchange(0)) / windowSeconds));
    window.insert(u"p50_ms"_s, latency.value(u"p50_ms"_s));
    window.insert(u"p99_ms"_s, latency.value(u"p99_ms"_s));
    window.insert(u"reconnects"_s, m_totals.reconnectsInWindow.exchange(0));
    return window;
}

// Brings back the devices still away, then waits until every send is answered, every device
// caught up and every message stored so far was delivered.
bool Soak::drain()
{
    m_fleet.forEach([this](int index, WsConnection *connection) {
        DeviceState &device = m_states[std::size_t(index)];
        if (device.away && !device.reconnecting) {
            device.reconnecting = true;
            ++m_totals.reconnecting;
            connection->open();
        }
    });
    m_away.clear();
    const bool settled = waitUntil(
        [this] {
            return m_totals.reconnecting == 0 && m_totals.syncing == 0 && m_totals.outstanding == 0
                && m_totals.delivered >= m_totals.own;
        },
        m_options.drainTimeoutMs);
    // A last sync on every device finds whatever a dropped answer or push left unseen.
    m_fleet.forEach([this](int index, WsConnection *connection) {
        if (connection->state() == WsConnection::State::Ready)
            startSync(index);
    });
    return waitUntil([this] { return m_totals.syncing == 0; }, m_options.drainTimeoutMs) && settled;
}

// Per pair: messages one partner stored that the other never saw; entries nobody saw.
QJsonObject Soak::finalCount()
{
    std::vector<qint64> own(static_cast<std::size_t>(m_users));
    std::vector<qint64> fromPartner(static_cast<std::size_t>(m_users));
    std::atomic<qint64> gaps { 0 };
    m_fleet.forEach([&](int index, WsConnection *) {
        const DeviceState &device = m_states[std::size_t(index)];
        own[std::size_t(index)] = device.own;
        fromPartner[std::size_t(index)] = device.fromPartner;
        gaps += device.inbox.gaps();
    });
    qint64 lost = 0;
    qint64 stored = 0;
    for (int i = 0; i < m_users; ++i) {
        stored += own[std::size_t(i)];
        lost += qMax<qint64>(0, own[std::size_t(partnerOf(i))] - fromPartner[std::size_t(i)]);
    }
    return { { u"stored"_s, stored }, { u"lost"_s, lost }, { u"inbox_gaps"_s, gaps.load() } };
}

void Soak::run(Outcome &outcome)
{
    // Everything up to each welcome's latest_seq is already known.
    Latencies auth;
    const auto opened = m_fleet.openAll(m_options.window, auth, 120'000, [this](int index) {
        m_states[std::size_t(index)].inbox.reset(
            m_fleet.connection(index)->welcome().value(u"latest_seq"_s).toString().toLongLong());
    });
    if (opened.ready != m_users) {
        outcome.problems
            << u"%1 of %2 devices failed to connect"_s.arg(m_users - opened.ready).arg(m_users);
        return;
    }
    follow();
    const int churned = m_options.churnFraction <= 0
        ? 0
        : qBound(1, int(std::lround(m_users * m_options.churnFraction)), m_users / 2);

    QJsonArray windows;
    const qint64 start = nowNs();
    m_windowStart = start;
    m_cpu.restart();
    m_fleet.startPacing(m_options.soakRate, [this](int shard, qint64 n) { send(shard, n); });
    double nextSample = m_options.sampleSeconds;
    double nextChurn = churned > 0 ? m_options.churnSeconds : m_options.soakSeconds + 1;
    for (;;) {
        const double elapsed = double(nowNs() - start) / 1e9;
        if (elapsed >= m_options.soakSeconds)
            break;
        const double next = qMin(qMin(nextSample, nextChurn), m_options.soakSeconds);
        if (elapsed < next) {
            waitUntil([] { return false; }, qMax(1, int((next - elapsed) * 1000)));
            continue;
        }
        if (elapsed >= nextSample) {
            windows.append(sample(start));
            nextSample += m_options.sampleSeconds;
        }
        if (elapsed >= nextChurn) {
            churn(churned);
            nextChurn += m_options.churnSeconds;
        }
    }
    const qint64 issued = m_fleet.stopPacing();
    windows.append(sample(start));
    const qint64 t1 = nowNs();
    const bool drained = drain();
    const double drainSeconds = double(nowNs() - t1) / 1e9;

    QJsonArray series;
    for (const RssSample &rss : m_rss)
        series.append(rss.kib);
    QJsonObject figures = finalCount();
    const qint64 lost = figures.value(u"lost"_s).toInteger();
    const qint64 gaps = figures.value(u"inbox_gaps"_s).toInteger();
    figures.insert(u"sent"_s, issued);
    figures.insert(u"skipped"_s, m_totals.skipped.load());
    figures.insert(u"unanswered_at_drop"_s, m_totals.unanswered.load());
    figures.insert(u"errors"_s, m_totals.errors.load());
    figures.insert(u"delivered"_s, m_totals.delivered.load());
    figures.insert(u"delivered_by_sync"_s, m_totals.deliveredBySync.load());
    figures.insert(u"reconnects"_s, m_totals.reconnects.load());
    figures.insert(u"connection_failures"_s, m_totals.failures.load());
    figures.insert(u"drain_s"_s, rounded(drainSeconds, 2));
    figures.insert(u"server_rss_after_drain_kib"_s, ServerUnderTest::rssKiB(m_target.pid));
    figures.insert(u"server_rss_kib_series"_s, series);
    figures.insert(u"windows"_s, windows);
    const QJsonObject trend = memoryTrend(m_rss, m_options.warmupSeconds);
    for (auto it = trend.begin(); it != trend.end(); ++it)
        figures.insert(it.key(), it.value());
    outcome.steps.append(figures);
    outcome.parameters.insert(u"churned_per_tick"_s, churned);

    if (!drained)
        outcome.problems << u"not drained within %1 ms"_s.arg(m_options.drainTimeoutMs);
    if (lost > 0)
        outcome.problems << u"%1 messages lost"_s.arg(lost);
    if (gaps > 0)
        outcome.problems << u"%1 inbox entries never seen"_s.arg(gaps);
    if (m_totals.errors > 0)
        outcome.problems << u"%1 sends answered with an error"_s.arg(m_totals.errors.load());
    if (m_totals.failures > 0)
        outcome.problems << u"%1 connections closed by the server or failed to reconnect"_s.arg(
            m_totals.failures.load());
}
} // namespace

Outcome runSoak(const Shards &shards, const Target &target, const QList<BenchDevice> &devices,
                const Options &options)
{
    Outcome outcome;
    const int users = options.users & ~1;
    outcome.parameters = { { u"users"_s, users },
                           { u"pairs"_s, users / 2 },
                           { u"rate_per_s"_s, options.soakRate },
                           { u"soak_s"_s, options.soakSeconds },
                           { u"warmup_s"_s, options.warmupSeconds },
                           { u"sample_every_s"_s, options.sampleSeconds },
                           { u"churn_every_s"_s, options.churnSeconds },
                           { u"churn_fraction"_s, options.churnFraction } };
    Soak soak(shards, target, devices, options, users);
    soak.run(outcome);
    return outcome;
}

} // namespace confab::bench
