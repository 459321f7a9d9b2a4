// Caps on concurrent TCP connections, in total and per peer address (an IPv6 peer by its /64). Any
// worker thread may admit and release; the per-address counts sit in a mutex-protected hash holding
// only the addresses that have a connection open.
#pragma once

#include <QHash>
#include <QHostAddress>
#include <QMutex>

#include <atomic>

namespace confab::limits {

class ConnectionCaps
{
public:
    // 0 means no cap.
    ConnectionCaps(int total, int perAddress);

    enum class Admission { Admitted, TotalFull, AddressFull };
    // Counts a new connection from `peer` unless a cap is reached; an admitted connection is
    // released exactly once.
    Admission admit(const QHostAddress &peer);
    void release(const QHostAddress &peer);

    qint64 addressesTracked() const;

private:
    int m_total;
    int m_perAddress;
    std::atomic<int> m_open { 0 };
    mutable QMutex m_mutex;
    QHash<QString, int> m_byAddress; // by limits::addressKey
};

} // namespace confab::limits
