#include "server/Router.h"

#include "server/Logging.h"
#include "server/Worker.h"

namespace confab {

bool Router::attach(qint64 userId, const Endpoint &endpoint)
{
    QMutexLocker lock(&m_mutex);
    if (m_revoked.contains(endpoint.deviceId))
        return false;
    m_online[userId].append(endpoint);
    return true;
}

void Router::detach(qint64 userId, quint64 sessionId, const Worker *worker)
{
    QMutexLocker lock(&m_mutex);
    auto it = m_online.find(userId);
    if (it == m_online.end())
        return;
    it->removeIf([&](const Endpoint &e) { return e.sessionId == sessionId && e.worker == worker; });
    if (it->isEmpty())
        m_online.erase(it);
}

int Router::deliver(qint64 userId, qint64 exceptDevice, const QByteArray &frame)
{
    QList<Endpoint> targets;
    {
        QMutexLocker lock(&m_mutex);
        targets = m_online.value(userId);
    }
    int count = 0;
    for (const Endpoint &endpoint : std::as_const(targets)) {
        if (endpoint.deviceId == exceptDevice)
            continue;
        endpoint.worker->deliver(endpoint.sessionId, frame);
        ++count;
    }
    return count;
}

void Router::revoke(qint64 userId, qint64 deviceId, int code)
{
    QList<Endpoint> targets;
    {
        QMutexLocker lock(&m_mutex);
        m_revoked.insert(deviceId);
        targets = m_online.value(userId);
    }
    for (const Endpoint &endpoint : std::as_const(targets)) {
        if (endpoint.deviceId == deviceId) {
            qCInfo(lcRouter, "closing the session of revoked device %lld", deviceId);
            endpoint.worker->disconnect(endpoint.sessionId, code,
                                        QStringLiteral("device logged out"));
        }
    }
}

QSet<qint64> Router::onlineDevices(qint64 userId) const
{
    QMutexLocker lock(&m_mutex);
    QSet<qint64> devices;
    for (const Endpoint &endpoint : m_online.value(userId))
        devices.insert(endpoint.deviceId);
    return devices;
}

int Router::onlineUsers() const
{
    QMutexLocker lock(&m_mutex);
    return int(m_online.size());
}

} // namespace confab
