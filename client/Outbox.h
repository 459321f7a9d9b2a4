// Messages on their way out. A message is written to the cache first (shown at once as pending,
// with a fresh client_id), sent when online, marked sent with the server's message, resent with
// the same client_id after a reconnect or an app restart (the server stores it once), and marked
// failed with the reason on a permanent error, for the user to retry or delete. At most a window
// of sends is on the wire at once, oldest first; after a send refused with rate_limited the
// outbox pauses a second or two, so a long backlog goes out at the server's pace.
#pragma once

#include "client/Cache.h"
#include "common/Result.h"

#include <QJsonObject>
#include <QObject>
#include <QSet>
#include <QString>

namespace confab::client {

class Connection;
class SyncEngine;

class Outbox : public QObject
{
    Q_OBJECT
public:
    Outbox(Connection &connection, Cache &cache, SyncEngine &sync, QObject *parent = nullptr);

    // Queues a message; nothing when the cache refuses it. The body's limits are the server's.
    std::optional<CachedMessage> send(const QString &conv, const QString &body);
    // A failed message goes out again (same client_id); false if it is not failed.
    bool retry(const QString &clientId);
    // An unsent message is dropped; false if it was sent already.
    bool discard(const QString &clientId);

    int inFlight() const { return int(m_inFlight.size()); }

Q_SIGNALS:
    // A message changed state (pending, sent, failed) or was discarded.
    void messageChanged(const QString &conv, const QString &clientId);

private:
    void flush();
    // Sends pending messages, oldest first, while online, not paused and the window has room.
    void pump();
    void transmit(const CachedMessage &message);
    // The server's answer to a send: sent, failed for good, or still pending.
    void answered(const QString &clientId, const QString &conv, const Result<QJsonObject> &reply);
    void pause(); // after rate_limited

    Connection &m_connection;
    Cache &m_cache;
    SyncEngine &m_sync;
    QSet<QString> m_inFlight; // sent on this connection, no answer yet
    bool m_paused = false;
};

} // namespace confab::client
