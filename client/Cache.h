// The local cache of one account (SQLite through QtSql): messages, the outbox, the conversation
// list and the sync cursor. The app starts from it and shows it before any network answer.
// Schema changes are an ordered table of migrations (CacheSchema.cpp).
#pragma once

#include "common/Conversations.h"
#include "common/Groups.h"
#include "common/Message.h"
#include "common/Presence.h"
#include "common/Result.h"

#include <QList>
#include <QSqlDatabase>
#include <QString>

#include <memory>
#include <optional>

namespace confab::client {

struct CachedMessage
{
    enum class State { Sent, Pending, Failed };

    qint64 localId = 0;
    QString conv; // as the account sees it: user:<other> or group:<id>
    qint64 id = 0; // the server's id; 0 until sent
    qint64 convSeq = 0; // 0 until sent
    QString from;
    QString body;
    qint64 ts = 0; // the server's time; the local time while not sent
    QString clientId;
    State state = State::Sent;
    QString error; // why it failed

    friend bool operator==(const CachedMessage &, const CachedMessage &) = default;
};

struct CachedConversation
{
    QString conv;
    std::optional<CachedMessage> last;
    qint64 unread = 0;
    qint64 readSeq = 0;
    qint64 activityTs = 0;

    friend bool operator==(const CachedConversation &, const CachedConversation &) = default;
};

class Cache
{
public:
    // Opens (creating and migrating) the cache of `owner` (the account's username) at `path`.
    static Result<std::unique_ptr<Cache>> open(const QString &path, const QString &owner);
    ~Cache();
    Cache(const Cache &) = delete;
    Cache &operator=(const Cache &) = delete;

    QString owner() const { return m_owner; }

    // The inbox seq up to which everything is stored (what the next sync starts after).
    qint64 cursor() const;
    bool setCursor(qint64 seq);

    // Messages from the server: each stored once (by id); an own message replaces its pending
    // copy (same client_id). Conversations' last message and unread count follow. Returns the
    // rows that were new or changed.
    QList<CachedMessage> storeMessages(const QList<Message> &messages);

    // The outbox: a message typed by the user, stored before it is sent.
    std::optional<CachedMessage> addPending(const QString &conv, const QString &body,
                                            const QString &clientId, qint64 now);
    QList<CachedMessage> outbox(int limit = -1) const; // pending, oldest first; -1: all
    bool markFailed(const QString &clientId, const QString &error);
    bool markPending(const QString &clientId); // retry a failed one
    bool removeUnsent(const QString &clientId); // delete a pending or failed one
    std::optional<CachedMessage> message(const QString &clientId) const;

    // One conversation, ascending: sent messages by conv_seq, then the unsent ones. With
    // `beforeConvSeq`, the `limit` sent messages just below it (older history).
    QList<CachedMessage> messages(const QString &conv, std::optional<qint64> beforeConvSeq,
                                  int limit) const;

    // Conversations as the server listed them (new device, cold start), and as messages and read
    // markers change them; most recent first.
    bool storeConversations(const QList<ConversationSummary> &summaries);
    QList<CachedConversation> conversations() const;
    // A read marker (from this or another device): moves forward only; unread is recounted from
    // the cached messages when the cache holds them, else taken as given.
    bool setReadSeq(const QString &conv, qint64 readSeq);

    // Contacts (the whole list as the server gave it) and their presence as it changes.
    bool storeContacts(const QList<ContactInfo> &contacts);
    bool updatePresence(const PresenceInfo &presence); // false if not a contact
    QList<ContactInfo> contacts() const;

    // Groups the account is a member of.
    bool storeGroups(const QList<GroupInfo> &groups); // the whole list
    bool storeGroup(const GroupInfo &group);
    bool removeGroup(qint64 id);
    QList<GroupInfo> groups() const;
    std::optional<GroupInfo> group(qint64 id) const;

private:
    Cache(QSqlDatabase db, QString connection, QString owner);
    std::optional<CachedMessage> storeOne(const Message &message);
    std::optional<qint64> localIdOf(qint64 serverId) const;
    void touchConversation(const CachedMessage &message);

    QSqlDatabase m_db;
    QString m_connection;
    QString m_owner;
};

// Schema migrations of the cache (an ordered table of functions; PRAGMA user_version).
namespace cacheschema {
int latestVersion();
Result<Done> migrate(QSqlDatabase &db, int target = -1);
} // namespace cacheschema

} // namespace confab::client
