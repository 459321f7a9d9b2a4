#include "server/Presence.h"

#include "server/Delivery.h"
#include "server/Logging.h"
#include "server/Router.h"
#include "server/store/Contacts.h"
#include "server/store/Writer.h"

#include <QDateTime>
#include <QTimer>

namespace confab {

namespace {
qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}
} // namespace

Presence::Presence(int graceMs, Router &router, store::Writer &writer, QObject *parent)
    : QObject(parent)
    , m_graceMs(graceMs)
    , m_router(router)
    , m_writer(writer)
    , m_sweepTimer(new QTimer(this))
{
    m_sweepTimer->setInterval(qBound(20, graceMs / 4, 1000));
    connect(m_sweepTimer, &QTimer::timeout, this, &Presence::sweep);
    m_sweepTimer->start();
}

void Presence::setWatchers(QHash<qint64, QSet<qint64>> watchers)
{
    QMutexLocker lock(&m_mutex);
    m_watchers = std::move(watchers);
}

void Presence::addWatcher(qint64 watcher, qint64 contact)
{
    QMutexLocker lock(&m_mutex);
    m_watchers[contact].insert(watcher);
}

void Presence::removeWatcher(qint64 watcher, qint64 contact)
{
    QMutexLocker lock(&m_mutex);
    auto it = m_watchers.find(contact);
    if (it == m_watchers.end())
        return;
    it->remove(watcher);
    if (it->isEmpty())
        m_watchers.erase(it);
}

void Presence::deviceOnline(qint64 userId, const QString &username)
{
    const qint64 now = nowMs();
    std::optional<PresenceInfo> change;
    {
        QMutexLocker lock(&m_mutex);
        State &state = m_states[userId];
        state.username = username;
        ++state.devices;
        state.lastActive = now;
        state.offlineAt = 0; // back within the grace period: nobody noticed
        if (!state.announcedOnline) {
            state.announcedOnline = true;
            change = PresenceInfo { username, PresenceStatus::Online, now };
        }
    }
    persist({ { userId, now } });
    if (change) {
        qCDebug(lcPresence, "%s is online", qUtf8Printable(username));
        announce(userId, *change);
    }
}

void Presence::deviceOffline(qint64 userId)
{
    const qint64 now = nowMs();
    QMutexLocker lock(&m_mutex);
    auto it = m_states.find(userId);
    if (it == m_states.end())
        return;
    it->lastActive = now;
    if (--it->devices <= 0) {
        it->devices = 0;
        it->offlineAt = now + m_graceMs;
    }
}

void Presence::activity(qint64 userId)
{
    const qint64 now = nowMs();
    QMutexLocker lock(&m_mutex);
    auto it = m_states.find(userId);
    if (it != m_states.end())
        it->lastActive = now;
}

PresenceInfo Presence::snapshot(qint64 userId, const QString &username,
                                qint64 storedLastActive) const
{
    QMutexLocker lock(&m_mutex);
    const auto it = m_states.constFind(userId);
    if (it != m_states.cend() && it->announcedOnline)
        return { username, PresenceStatus::Online, qMax(it->lastActive, storedLastActive) };
    return { username, PresenceStatus::Offline, storedLastActive };
}

void Presence::sweep()
{
    const qint64 now = nowMs();
    QList<QPair<qint64, PresenceInfo>> changes;
    QHash<qint64, qint64> lastActive;
    {
        QMutexLocker lock(&m_mutex);
        for (auto it = m_states.begin(); it != m_states.end();) {
            if (it->devices == 0 && it->offlineAt != 0 && now >= it->offlineAt) {
                changes.append(
                    { it.key(), { it->username, PresenceStatus::Offline, it->lastActive } });
                lastActive.insert(it.key(), it->lastActive);
                it = m_states.erase(it);
            } else {
                ++it;
            }
        }
    }
    if (changes.isEmpty())
        return;
    // Announced once last_active_at is stored, so a query right after the event reads the same.
    persist(lastActive, [this, changes] {
        for (const auto &[userId, presence] : changes) {
            qCDebug(lcPresence, "%s is offline", qUtf8Printable(presence.username));
            announce(userId, presence);
        }
    });
}

void Presence::announce(qint64 userId, const PresenceInfo &presence)
{
    QSet<qint64> watchers;
    {
        QMutexLocker lock(&m_mutex);
        watchers = m_watchers.value(userId);
    }
    if (watchers.isEmpty())
        return;
    // Encoded once for every watcher's every device.
    const QByteArray frame = encodeFrame(PresenceEvent { presence }.toJson());
    for (qint64 watcher : std::as_const(watchers))
        m_router.deliver(watcher, 0, frame);
}

void Presence::persist(const QHash<qint64, qint64> &lastActive, std::function<void()> then)
{
    m_writer.submit<Done>(
        [lastActive](store::WriteTxn &txn) {
            return store::contacts::setLastActive(txn, lastActive);
        },
        [then = std::move(then)](Result<Done>) {
            if (then)
                then();
        });
}

void Presence::persistAll()
{
    QHash<qint64, qint64> lastActive;
    {
        QMutexLocker lock(&m_mutex);
        const qint64 now = nowMs();
        for (auto it = m_states.cbegin(); it != m_states.cend(); ++it)
            lastActive.insert(it.key(), it->devices > 0 ? now : it->lastActive);
    }
    if (!lastActive.isEmpty())
        persist(lastActive);
}

} // namespace confab
