#include "server/limits/ConnectionCaps.h"

#include "server/limits/RateLimiter.h"

namespace confab::limits {

ConnectionCaps::ConnectionCaps(int total, int perAddress)
    : m_total(total)
    , m_perAddress(perAddress)
{ }

ConnectionCaps::Admission ConnectionCaps::admit(const QHostAddress &peer)
{
    if (m_total > 0 && m_open.fetch_add(1) >= m_total) {
        m_open.fetch_sub(1);
        return Admission::TotalFull;
    }
    if (m_total <= 0)
        m_open.fetch_add(1);
    QMutexLocker lock(&m_mutex);
    const QString key = addressKey(peer);
    int &count = m_byAddress[key];
    if (m_perAddress > 0 && count >= m_perAddress) {
        lock.unlock();
        m_open.fetch_sub(1);
        return Admission::AddressFull;
    }
    ++count;
    return Admission::Admitted;
}

void ConnectionCaps::release(const QHostAddress &peer)
{
    m_open.fetch_sub(1);
    QMutexLocker lock(&m_mutex);
    const auto it = m_byAddress.find(addressKey(peer));
    if (it == m_byAddress.end())
        return;
    if (--it.value() <= 0)
        m_byAddress.erase(it);
}

qint64 ConnectionCaps::addressesTracked() const
{
    QMutexLocker lock(&m_mutex);
    return m_byAddress.size();
}

} // namespace confab::limits
