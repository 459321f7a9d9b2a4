// Hands out message ids and timestamps that grow together: id = ts << 16 | counter, so a later
// message never has a smaller id or ts, even when the wall clock steps back.
#pragma once

#include <QtGlobal>

namespace confab::store {

class MessageClock
{
public:
    struct Stamp
    {
        qint64 id;
        qint64 ts;
    };

    // Continue after the newest id already stored.
    void resumeAfter(qint64 lastId) { m_lastId = qMax(m_lastId, lastId); }

    Stamp next(qint64 nowMs)
    {
        const qint64 candidate = nowMs << kCounterBits;
        m_lastId = candidate > m_lastId ? candidate : m_lastId + 1;
        return { m_lastId, m_lastId >> kCounterBits };
    }

private:
    static constexpr int kCounterBits = 16;
    qint64 m_lastId = 0;
};

} // namespace confab::store
