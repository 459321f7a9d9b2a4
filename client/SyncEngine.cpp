#include "client/SyncEngine.h"

#include "client/Cache.h"
#include "client/Connection.h"
#include "client/Logging.h"
#include "common/Conversations.h"
#include "common/Events.h"
#include "common/Requests.h"

#include <QPointer>

namespace confab::client {

using namespace Qt::StringLiterals;

namespace {
constexpr int kSyncPage = 500;
constexpr int kConversationsPage = 200;
// Acks are batched: one per burst of messages.
constexpr int kAckDelayMs = 250;
} // namespace

SyncEngine::SyncEngine(Connection &connection, Cache &cache, QObject *parent)
    : QObject(parent)
    , m_connection(connection)
    , m_cache(cache)
{
    m_ackTimer.setSingleShot(true);
    m_ackTimer.setInterval(kAckDelayMs);
    connect(&m_ackTimer, &QTimer::timeout, this, [this] {
        const qint64 cursor = m_cache.cursor();
        if (cursor > m_acked && m_connection.send(AckRequest { cursor }.toJson()))
            m_acked = cursor;
    });
    connect(&m_connection, &Connection::welcomed, this, &SyncEngine::onWelcome);
    connect(&m_connection, &Connection::eventReceived, this, &SyncEngine::onEvent);
}

void SyncEngine::onWelcome()
{
    const WelcomeEvent &welcome = m_connection.welcome();
    m_acked = welcome.ackedSeq;
    m_aboveCursor.clear();
    const qint64 cursor = m_cache.cursor();
    if (cursor == 0 && m_cache.conversations().isEmpty() && welcome.latestSeq > 0) {
        // A new device: the conversation list now, each conversation's history when it is
        // opened; the inbox before this moment is not paged through.
        qCInfo(lcClientSync, "new device: starting at seq %lld", welcome.latestSeq);
        m_cache.setCursor(welcome.latestSeq);
        scheduleAck();
        loadConversations(std::nullopt);
        // What arrived between the welcome and now still comes through sync.
        syncFrom(welcome.latestSeq);
        return;
    }
    // Unread counts and groups without messages may have changed while offline; and a new
    // device whose first list load was cut off gets its list here.
    loadConversations(std::nullopt);
    if (cursor > welcome.latestSeq) {
        // The server knows less than this cache (restored from a backup): start over from it.
        qCWarning(lcClientSync, "cursor %lld is ahead of the server's %lld; resetting", cursor,
                  welcome.latestSeq);
        m_cache.setCursor(welcome.latestSeq);
    }
    syncFrom(m_cache.cursor());
}

void SyncEngine::syncFrom(qint64 after)
{
    begin(m_inboxSyncs);
    QPointer<SyncEngine> self(this);
    m_connection.request(
        SyncRequest { after, kSyncPage }.toJson(), [self](Result<QJsonObject> reply) {
            if (!self)
                return;
            auto page = reply ? SyncPage::fromJson(*reply) : Result<SyncPage>(reply.error());
            if (!page) {
                // Offline again: the next welcome syncs from the cursor.
                qCInfo(lcClientSync) << "sync stopped:" << page.error().message;
                self->end(self->m_inboxSyncs);
                return;
            }
            QList<QPair<qint64, Message>> entries;
            for (const InboxEntry &entry : page->entries)
                entries.append({ entry.seq, entry.message });
            self->absorb(entries);
            const qint64 last = page->entries.isEmpty() ? 0 : page->entries.constLast().seq;
            if (page->more && last > 0)
                self->syncFrom(last); // the next page, before this chain ends
            self->end(self->m_inboxSyncs);
        });
}

void SyncEngine::absorb(const QList<QPair<qint64, Message>> &entries)
{
    QList<Message> messages;
    messages.reserve(entries.size());
    for (const auto &[seq, message] : entries)
        messages.append(message);
    const QList<CachedMessage> changed = m_cache.storeMessages(messages);

    // The cursor moves only over stored entries with no gap below them.
    qint64 cursor = m_cache.cursor();
    for (const auto &entry : entries) {
        if (entry.first > cursor)
            m_aboveCursor.insert(entry.first);
    }
    const qint64 before = cursor;
    while (m_aboveCursor.remove(cursor + 1))
        ++cursor;
    if (cursor != before) {
        m_cache.setCursor(cursor);
        scheduleAck();
    }

    QSet<QString> convs;
    for (const CachedMessage &message : changed)
        convs.insert(message.conv);
    for (const QString &conv : std::as_const(convs))
        Q_EMIT messagesChanged(conv);
    if (!convs.isEmpty())
        Q_EMIT conversationsChanged();

    if (!m_aboveCursor.isEmpty() && m_inboxSyncs == 0) {
        qCInfo(lcClientSync, "gap after seq %lld: syncing", cursor);
        syncFrom(cursor);
    }
}

void SyncEngine::absorbSent(qint64 seq, const Message &message)
{
    absorb({ { seq, message } });
}

void SyncEngine::scheduleAck()
{
    if (!m_ackTimer.isActive())
        m_ackTimer.start();
}

void SyncEngine::onEvent(const QJsonObject &frame)
{
    const QString type = frame.value("type"_L1).toString();
    if (type == MsgEvent::kType) {
        const auto event = MsgEvent::fromJson(frame);
        if (!event) {
            qCWarning(lcClientSync) << "malformed msg:" << event.error().message;
            return;
        }
        absorb({ { event->entry.seq, event->entry.message } });
        return;
    }
    if (type == ReadMarker::kType) {
        const auto marker = ReadMarker::fromJson(frame);
        if (marker && m_cache.setReadSeq(marker->conv.toString(), marker->convSeq))
            Q_EMIT conversationsChanged();
        return;
    }
    Q_EMIT eventReceived(frame);
}

void SyncEngine::loadHistory(const QString &conv, std::optional<qint64> beforeConvSeq, int limit)
{
    const auto ref = ConvRef::parse(conv);
    if (!ref) {
        Q_EMIT historyLoaded(conv, false, false);
        return;
    }
    QPointer<SyncEngine> self(this);
    m_connection.request(HistoryRequest { *ref, beforeConvSeq, limit }.toJson(),
                         [self, conv](Result<QJsonObject> reply) {
                             if (!self)
                                 return;
                             auto page = reply ? HistoryPage::fromJson(*reply)
                                               : Result<HistoryPage>(reply.error());
                             if (!page) {
                                 Q_EMIT self->historyLoaded(conv, false, false);
                                 return;
                             }
                             if (!self->m_cache.storeMessages(page->messages).isEmpty())
                                 Q_EMIT self->messagesChanged(conv);
                             Q_EMIT self->historyLoaded(conv, true, page->more);
                         });
}

void SyncEngine::markRead(const QString &conv, qint64 convSeq)
{
    const auto ref = ConvRef::parse(conv);
    if (ref)
        m_connection.send(ReadMarker { *ref, convSeq }.toJson());
}

void SyncEngine::refreshConversations()
{
    loadConversations(std::nullopt);
}

void SyncEngine::begin(int &running)
{
    if (++running == 1 && m_inboxSyncs + m_listLoads == 1)
        Q_EMIT syncingChanged();
}

void SyncEngine::end(int &running)
{
    if (--running == 0 && m_inboxSyncs + m_listLoads == 0)
        Q_EMIT syncingChanged();
}

void SyncEngine::loadConversations(std::optional<qint64> beforeTs)
{
    begin(m_listLoads);
    QPointer<SyncEngine> self(this);
    m_connection.request(ConversationsRequest { kConversationsPage, beforeTs }.toJson(),
                         [self](Result<QJsonObject> reply) {
                             if (!self)
                                 return;
                             auto page = reply ? ConversationsPage::fromJson(*reply)
                                               : Result<ConversationsPage>(reply.error());
                             if (!page) {
                                 qCInfo(lcClientSync) << "conversations:" << page.error().message;
                                 self->end(self->m_listLoads);
                                 return;
                             }
                             self->m_cache.storeConversations(page->conversations);
                             Q_EMIT self->conversationsChanged();
                             if (page->more && !page->conversations.isEmpty())
                                 self->loadConversations(
                                     page->conversations.constLast().activityTs);
                             self->end(self->m_listLoads);
                         });
}

} // namespace confab::client
