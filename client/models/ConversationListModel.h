// The conversation list as the app shows it: one row per conversation, most recent first, with
// its title, last message and unread count, read from the cache. It follows the sync engine and
// the outbox with the finest changes it can (a conversation with a new message moves to the top
// as one row move plus the roles that changed), so a view keeps its state.
#pragma once

#include "client/Cache.h"
#include "common/Presence.h"

#include "client/models/RowDiff.h"
#include <QHash>
#include <QList>
#include <QString>

namespace confab::client {

class Contacts;
class Outbox;
class SyncEngine;

class ConversationListModel : public KeyedListModel
{
    Q_OBJECT
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
    // Keeps the rows whose title or last message contains it (case-insensitive); empty: all.
    Q_PROPERTY(QString filter READ filter WRITE setFilter NOTIFY filterChanged)
public:
    enum Role {
        ConvRole = Qt::UserRole,
        TitleRole,
        IsGroupRole,
        LastBodyRole,
        LastFromRole,
        LastIsOwnRole, // the last message is the account's own: the UI shows "You: ..."
        LastTsRole, // ms; a group without messages: when the account joined it
        UnreadRole,
        ReadSeqRole,
        PeerRole, // the other party of a direct conversation; empty for a group
        PeerStatusRole, // the peer's presence when it is a contact: "online", "offline";
                        // else "unknown"
    };
    Q_ENUM(Role)

    ConversationListModel(Cache &cache, SyncEngine &sync, Outbox &outbox, QString ownUsername,
                          QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    QString filter() const { return m_filter; }
    void setFilter(const QString &filter);

    // A better title than the default ("bob" for user:bob, "Group 7" for group:7): a display
    // name or a group's name, as the app learns them. Empty restores the default.
    Q_INVOKABLE void setTitle(const QString &conv, const QString &title);

    // Where the peers' presence comes from (contacts' presence is pushed; others stay unknown).
    void setContacts(Contacts *contacts);

Q_SIGNALS:
    void countChanged();
    void filterChanged();

private:
    struct Row
    {
        QString conv;
        QString title;
        bool isGroup = false;
        QString lastBody;
        QString lastFrom;
        bool lastIsOwn = false;
        qint64 lastTs = 0;
        qint64 unread = 0;
        qint64 readSeq = 0;
        QString peer;
        QString peerStatus;
    };

    // Reads the cache once the current burst of change signals is over.
    void scheduleReload();
    void reload();
    void readPresence();
    // Applies the source list, filter and titles to the rows, as the smallest set of changes.
    void rebuild();
    QList<Row> rowsFor(const QList<CachedConversation> &source) const;
    Row rowFor(const CachedConversation &conversation) const;
    static QList<int> changedRoles(const Row &before, const Row &after);

    Cache &m_cache;
    QString m_own;
    QList<CachedConversation> m_source; // the cache's list, unfiltered
    QList<Row> m_rows;
    QHash<QString, QString> m_titles;
    QHash<QString, PresenceStatus> m_presence; // contacts' presence, by username
    QString m_filter;
    bool m_reloadQueued = false;
};

} // namespace confab::client
