#include "bench/InboxMirror.h"

namespace confab::bench {

void InboxMirror::reset(qint64 latestSeq)
{
    m_contiguous = latestSeq;
    m_ahead.clear();
}

bool InboxMirror::see(qint64 seq)
{
    if (seq <= m_contiguous)
        return false;
    if (seq == m_contiguous + 1) {
        m_contiguous = seq;
        while (!m_ahead.empty() && *m_ahead.begin() == m_contiguous + 1) {
            m_contiguous = *m_ahead.begin();
            m_ahead.erase(m_ahead.begin());
        }
        return true;
    }
    return m_ahead.insert(seq).second;
}

qint64 InboxMirror::gaps() const
{
    if (m_ahead.empty())
        return 0;
    return *m_ahead.rbegin() - m_contiguous - qint64(m_ahead.size());
}

} // namespace confab::bench
