// Keeps the cache in step with the server's inbox. After each welcome it pages `sync` from the
// cached cursor until nothing is left and refreshes the conversation list (a new device with an
// empty cache starts its cursor at the welcome's latest_seq and pages through the whole list),
// applies live messages, notices a gap in seq and fills it, and acks only what is stored. Read
// markers go out when a conversation is read, and markers from other devices come in, so unread
// counts agree.
#pragma once

#include "common/Message.h"

#include <QObject>
#include <QSet>
#include <QString>
#include <QTimer>

namespace confab::client {

class Cache;
class Connection;

class SyncEngine : public QObject
{
    Q_OBJECT
    Q_PROPERTY(bool syncing READ syncing NOTIFY syncingChanged)
public:
    SyncEngine(Connection &connection, Cache &cache, QObject *parent = nullptr);

    // True while the inbox or the conversation list is being fetched after a welcome.
    bool syncing() const { return m_inboxSyncs + m_listLoads > 0; }

    // Older messages of a conversation, from the server, below `beforeConvSeq` (none: the
    // newest). historyLoaded follows (also on failure, with ok false).
    void loadHistory(const QString &conv, std::optional<qint64> beforeConvSeq, int limit = 50);
    // The user has seen `conv` up to `convSeq`: tell the server (every device then learns it).
    void markRead(const QString &conv, qint64 convSeq);
    // Asks the server for the conversation list again (unread counts, groups without messages).
    void refreshConversations();
    // This device's own message, answered `sent` (the server pushes it to the other devices
    // only): stored, and its seq counted like any other entry.
    void absorbSent(qint64 seq, const Message &message);

Q_SIGNALS:
    void syncingChanged();
    // Messages stored or changed, per conversation.
    void messagesChanged(const QString &conv);
    void conversationsChanged();
    void historyLoaded(const QString &conv, bool ok, bool more);
    // Frames this engine does not handle (presence, groups, ...), for the rest of the client.
    void eventReceived(const QJsonObject &frame);

private:
    void onWelcome();
    void onEvent(const QJsonObject &frame);
    void syncFrom(qint64 after);
    void absorb(const QList<QPair<qint64, Message>> &entries);
    void scheduleAck();
    void loadConversations(std::optional<qint64> beforeTs);
    void begin(int &running); // counts a running fetch; syncingChanged on the first
    void end(int &running);

    Connection &m_connection;
    Cache &m_cache;
    int m_inboxSyncs = 0; // sync paging chains running
    int m_listLoads = 0; // conversation list paging chains running
    QSet<qint64> m_aboveCursor; // seqs stored beyond a gap, waiting for the gap to fill
    QTimer m_ackTimer;
    qint64 m_acked = 0;
};

} // namespace confab::client
