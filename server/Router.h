// Knows which devices of which user are connected on which worker, and hands new inbox entries
// to those workers. Its lock is held only to read or change the table, never across I/O.
#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QMutex>
#include <QSet>
#include <QString>

namespace confab {

class Worker;

struct Endpoint
{
    Worker *worker = nullptr;
    quint64 sessionId = 0;
    qint64 deviceId = 0;
};

class Router
{
public:
    // False when the device was revoked meanwhile: the session must not stay.
    bool attach(qint64 userId, const Endpoint &endpoint);
    void detach(qint64 userId, quint64 sessionId, const Worker *worker);

    // Pushes `frame` (UTF-8) to every connected device of the user except `exceptDevice` (the
    // sender's own device, which gets `sent` instead). Returns how many devices it went to.
    int deliver(qint64 userId, qint64 exceptDevice, const QByteArray &frame);

    // A device was logged out or removed: remember it, and close its live session with `code`.
    void revoke(qint64 userId, qint64 deviceId, int code);

    QSet<qint64> onlineDevices(qint64 userId) const;
    int onlineUsers() const;

private:
    mutable QMutex m_mutex;
    QHash<qint64, QList<Endpoint>> m_online; // user id -> its connected devices
    QSet<qint64> m_revoked; // device ids; never valid again (ids are not reused)
};

} // namespace confab
