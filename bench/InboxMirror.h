// What one benchmark device has seen of its user's inbox (every seq from `sent` answers, `msg`
// pushes and `sync` pages), so that an entry seen twice (a live push and the same entry in a
// catch-up page) counts once, and a device knows where to resume after a reconnect. Entries mostly
// arrive in order: only the few seen above a gap are kept.
#pragma once

#include <QtGlobal>

#include <set>

namespace confab::bench {

class InboxMirror
{
public:
    // Starts from the welcome's `latest_seq`: everything up to it is already known.
    void reset(qint64 latestSeq);
    // Records `seq`; true if it was not seen before.
    bool see(qint64 seq);
    // Every entry up to this one was seen: a `sync` resumes after it.
    qint64 cursor() const { return m_contiguous; }
    // Entries below the highest seen that were never seen (after a final sync: lost entries).
    qint64 gaps() const;

private:
    qint64 m_contiguous = 0;
    std::set<qint64> m_ahead; // seen, above a gap
};

} // namespace confab::bench
