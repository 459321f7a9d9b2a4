// The messages of one conversation as the chat view shows them, oldest first: the newest page
// from the cache when the conversation is opened, older pages prepended on demand (from the
// cache, else from the server), and every change applied in place (a pending message that is
// sent keeps its row), so a view keeps its scroll position. Grouping hints (showSender,
// dayBreak) come with each row.
#pragma once

#include "client/Cache.h"

#include <QAbstractListModel>
#include <QList>
#include <QString>

#include <optional>

namespace confab::client {

class Outbox;
class SyncEngine;

class MessageListModel : public QAbstractListModel
{
    Q_OBJECT
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
    Q_PROPERTY(QString conv READ conv WRITE setConv NOTIFY convChanged)
    // Older history was asked of the server and has not come yet.
    Q_PROPERTY(bool loadingOlder READ loadingOlder NOTIFY loadingOlderChanged)
    // The first message of the conversation is loaded: loadOlder() has nothing more to get.
    Q_PROPERTY(bool atStart READ atStart NOTIFY atStartChanged)
public:
    enum Role {
        LocalIdRole = Qt::UserRole, // stable for the row's life, also across pending -> sent
        MessageIdRole, // the server's id as a decimal string; empty until sent
        ConvRole,
        FromRole,
        BodyRole,
        TsRole, // ms; the local time of writing while not sent
        ConvSeqRole, // 0 until sent
        ClientIdRole,
        IsOwnRole,
        StateRole, // "sent", "pending" or "failed"
        ErrorRole, // why a failed message failed
        ShowSenderRole, // false when the previous row has the same sender
        DayBreakRole, // the first row, or the previous row is on another local calendar day
    };
    Q_ENUM(Role)

    static constexpr int kPageSize = 50;

    MessageListModel(Cache &cache, SyncEngine &sync, Outbox &outbox, QString ownUsername,
                     QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    QString conv() const { return m_conv; }
    // Shows another conversation (a reset): its newest page from the cache. A conversation the
    // cache knows nothing of starts empty; call loadOlder() to fetch its newest page.
    void setConv(const QString &conv);
    bool loadingOlder() const { return m_loadingOlder; }
    bool atStart() const { return m_atStart; }

    // The page before the oldest row: from the cache when it holds it, else from the server
    // (loadingOlder until it comes). The rows are inserted at the top.
    Q_INVOKABLE void loadOlder();
    // Tells the server (and so every device) that the conversation is read up to its newest
    // sent message.
    Q_INVOKABLE void markRead();

Q_SIGNALS:
    void countChanged();
    void convChanged();
    void loadingOlderChanged();
    void atStartChanged();

private:
    struct Grouping
    {
        bool showSender = true;
        bool dayBreak = true;
    };

    void scheduleRefresh(const QString &conv);
    // Reads the loaded range (from the oldest loaded conv_seq on) again and applies the
    // difference.
    void refresh();
    void onHistoryLoaded(const QString &conv, bool ok, bool more);
    // Prepends the cached page before the oldest row; false when the cache has none.
    bool prependFromCache();
    // The newest page of sent messages (only those that follow each other without a gap) and
    // every unsent one.
    QList<CachedMessage> newestPage() const;
    void apply(const QList<CachedMessage> &next);
    std::optional<qint64> oldestConvSeq() const;
    Grouping groupingAt(qsizetype row) const;
    void emitGroupingChange(qsizetype row, Grouping before, QList<int> roles);
    void setLoadingOlder(bool loading);
    void setAtStart(bool atStart);
    bool hasFirstMessage() const;
    void updateAtStart();
    static QList<int> changedRoles(const CachedMessage &before, const CachedMessage &after,
                                   const QString &own);

    Cache &m_cache;
    SyncEngine &m_sync;
    QString m_own;
    QString m_conv;
    QList<CachedMessage> m_rows;
    bool m_loadingOlder = false;
    bool m_atStart = false;
    bool m_refreshQueued = false;
};

} // namespace confab::client
