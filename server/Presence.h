// Who is online. A user is online while at least one device is connected; it is announced
// offline only after a grace period with no device, so a quick reconnect or a device switch
// causes no flicker. Changes go to the user's watchers (those who have it as a contact), and
// only to them, one event per change of the announced state.
#pragma once

#include "common/Presence.h"

#include <QHash>
#include <QMutex>
#include <QObject>
#include <QSet>

#include <functional>

QT_BEGIN_NAMESPACE
class QTimer;
QT_END_NAMESPACE

namespace confab {

class Router;

namespace store {
class Writer;
}

class Presence : public QObject
{
    Q_OBJECT
public:
    Presence(int graceMs, Router &router, store::Writer &writer, QObject *parent = nullptr);

    // At start: contact id -> its watchers.
    void setWatchers(QHash<qint64, QSet<qint64>> watchers);
    // Any thread.
    void addWatcher(qint64 watcher, qint64 contact);
    void removeWatcher(qint64 watcher, qint64 contact);

    // Any thread: a device of the user authenticated, or went away; or the user did something.
    void deviceOnline(qint64 userId, const QString &username);
    void deviceOffline(qint64 userId);
    void activity(qint64 userId);

    // The user's presence as the protocol shows it; `storedLastActive` is what the database
    // holds (0 for none).
    PresenceInfo snapshot(qint64 userId, const QString &username, qint64 storedLastActive) const;

    // Shutdown: records the last activity of everyone still online.
    void persistAll();

private:
    struct State
    {
        QString username;
        int devices = 0;
        bool announcedOnline = false;
        qint64 lastActive = 0;
        qint64 offlineAt = 0; // when the grace period ends; 0: not in one
    };

    void sweep();
    void announce(qint64 userId, const PresenceInfo &presence);
    // Stores last activity; `then` runs (on the writer thread) once it is committed.
    void persist(const QHash<qint64, qint64> &lastActive, std::function<void()> then = {});

    int m_graceMs;
    Router &m_router;
    store::Writer &m_writer;
    QTimer *m_sweepTimer;
    mutable QMutex m_mutex;
    QHash<qint64, State> m_states;
    QHash<qint64, QSet<qint64>> m_watchers;
};

} // namespace confab
