#include "client/models/MessageListModel.h"

#include "client/Outbox.h"
#include "client/SyncEngine.h"

#include <QDateTime>
#include <QHash>
#include <QSet>

namespace confab::client {

using namespace Qt::StringLiterals;

namespace {

bool isSent(const CachedMessage &message)
{
    return message.state == CachedMessage::State::Sent;
}

QString stateName(CachedMessage::State state)
{
    switch (state) {
    case CachedMessage::State::Sent:
        return u"sent"_s;
    case CachedMessage::State::Pending:
        return u"pending"_s;
    case CachedMessage::State::Failed:
        return u"failed"_s;
    }
    return {};
}

QDate localDay(qint64 ts)
{
    return QDateTime::fromMSecsSinceEpoch(ts).date();
}

// The sent messages of `page` (ascending) that reach down from `top` without a gap. conv_seq has
// no gaps on the server, so a gap in the cache is history it never fetched (a new device, a
// group rejoined): showing past it would hide messages.
qsizetype contiguousFrom(const QList<CachedMessage> &page, qsizetype end, qint64 top)
{
    qsizetype first = end;
    while (first > 0 && page.at(first - 1).convSeq == top - (end - first))
        --first;
    return first;
}

} // namespace

MessageListModel::MessageListModel(Cache &cache, SyncEngine &sync, Outbox &outbox,
                                   QString ownUsername, QObject *parent)
    : QAbstractListModel(parent)
    , m_cache(cache)
    , m_sync(sync)
    , m_own(std::move(ownUsername))
{
    connect(&sync, &SyncEngine::messagesChanged, this, &MessageListModel::scheduleRefresh);
    connect(&outbox, &Outbox::messageChanged, this, &MessageListModel::scheduleRefresh);
    connect(&sync, &SyncEngine::historyLoaded, this, &MessageListModel::onHistoryLoaded);

    connect(this, &QAbstractItemModel::rowsInserted, this, &MessageListModel::countChanged);
    connect(this, &QAbstractItemModel::rowsRemoved, this, &MessageListModel::countChanged);
    connect(this, &QAbstractItemModel::modelReset, this, &MessageListModel::countChanged);
}

int MessageListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant MessageListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const CachedMessage &m = m_rows.at(index.row());
    switch (role) {
    case LocalIdRole:
        return m.localId;
    case MessageIdRole:
        return m.id != 0 ? QString::number(m.id) : QString();
    case ConvRole:
        return m.conv;
    case FromRole:
        return m.from;
    case BodyRole:
        return m.body;
    case TsRole:
        return m.ts;
    case ConvSeqRole:
        return m.convSeq;
    case ClientIdRole:
        return m.clientId;
    case IsOwnRole:
        return m.from == m_own;
    case StateRole:
        return stateName(m.state);
    case ErrorRole:
        return m.error;
    case ShowSenderRole:
        return groupingAt(index.row()).showSender;
    case DayBreakRole:
        return groupingAt(index.row()).dayBreak;
    default:
        return {};
    }
}

QHash<int, QByteArray> MessageListModel::roleNames() const
{
    return {
        { LocalIdRole, "localId" },   { MessageIdRole, "messageId" },
        { ConvRole, "conv" },         { FromRole, "from" },
        { BodyRole, "body" },         { TsRole, "ts" },
        { ConvSeqRole, "convSeq" },   { ClientIdRole, "clientId" },
        { IsOwnRole, "isOwn" },       { StateRole, "state" },
        { ErrorRole, "error" },       { ShowSenderRole, "showSender" },
        { DayBreakRole, "dayBreak" },
    };
}

void MessageListModel::setConv(const QString &conv)
{
    if (conv == m_conv)
        return;
    beginResetModel();
    m_conv = conv;
    m_rows = conv.isEmpty() ? QList<CachedMessage>() : newestPage();
    endResetModel();
    Q_EMIT convChanged();
    // An answer for the previous conversation is no longer awaited.
    setLoadingOlder(false);
    setAtStart(hasFirstMessage());
}

void MessageListModel::loadOlder()
{
    if (m_conv.isEmpty() || m_loadingOlder || m_atStart)
        return;
    const std::optional<qint64> oldest = oldestConvSeq();
    if (oldest && prependFromCache())
        return;
    setLoadingOlder(true);
    m_sync.loadHistory(m_conv, oldest, kPageSize);
}

void MessageListModel::markRead()
{
    for (qsizetype i = m_rows.size() - 1; i >= 0; --i) {
        if (isSent(m_rows.at(i))) {
            m_sync.markRead(m_conv, m_rows.at(i).convSeq);
            return;
        }
    }
}

void MessageListModel::scheduleRefresh(const QString &conv)
{
    // Sending one message signals twice (stored, then state changed): one read serves both.
    if (conv != m_conv || m_refreshQueued)
        return;
    m_refreshQueued = true;
    QMetaObject::invokeMethod(
        this,
        [this] {
            m_refreshQueued = false;
            refresh();
        },
        Qt::QueuedConnection);
}

void MessageListModel::refresh()
{
    if (m_conv.isEmpty())
        return;
    const std::optional<qint64> oldest = oldestConvSeq();
    if (!oldest) {
        apply(newestPage());
        updateAtStart();
        return;
    }
    // The cache pages only downwards from the newest: ask for enough to reach the oldest row,
    // more if new messages pushed it out of reach.
    qsizetype loaded = 0;
    for (const CachedMessage &m : std::as_const(m_rows))
        loaded += isSent(m) ? 1 : 0;
    int limit = int(loaded) + kPageSize;
    QList<CachedMessage> next;
    for (;;) {
        next = m_cache.messages(m_conv, std::nullopt, limit);
        qsizetype sent = 0;
        for (const CachedMessage &m : std::as_const(next))
            sent += isSent(m) ? 1 : 0;
        if (sent < limit || next.constFirst().convSeq <= *oldest)
            break;
        limit *= 2;
    }
    next.removeIf([&oldest](const CachedMessage &m) { return isSent(m) && m.convSeq < *oldest; });
    apply(next);
}

void MessageListModel::onHistoryLoaded(const QString &conv, bool ok, bool more)
{
    if (conv != m_conv || !m_loadingOlder)
        return;
    if (ok) {
        if (oldestConvSeq())
            prependFromCache();
        else
            refresh(); // the conversation's newest page: rows before the unsent ones
        if (!more)
            setAtStart(true);
    }
    setLoadingOlder(false);
}

bool MessageListModel::prependFromCache()
{
    const std::optional<qint64> oldest = oldestConvSeq();
    if (!oldest)
        return false;
    QList<CachedMessage> older = m_cache.messages(m_conv, *oldest, kPageSize);
    older.remove(0, contiguousFrom(older, older.size(), *oldest - 1));
    if (older.isEmpty())
        return false;
    const Grouping before = groupingAt(0);
    beginInsertRows({}, 0, int(older.size()) - 1);
    m_rows = older + m_rows;
    endInsertRows();
    // The old first row has a neighbour now.
    emitGroupingChange(older.size(), before, {});
    updateAtStart();
    return true;
}

QList<CachedMessage> MessageListModel::newestPage() const
{
    QList<CachedMessage> page = m_cache.messages(m_conv, std::nullopt, kPageSize);
    qsizetype sent = 0;
    while (sent < page.size() && isSent(page.at(sent)))
        ++sent;
    if (sent > 0)
        page.remove(0, contiguousFrom(page, sent, page.at(sent - 1).convSeq));
    return page;
}

void MessageListModel::apply(const QList<CachedMessage> &next)
{
    // Rows are known by their local id, which a pending message keeps when it is sent.
    QHash<qint64, Grouping> groupingBefore;
    for (qsizetype i = 0; i < m_rows.size(); ++i)
        groupingBefore.insert(m_rows.at(i).localId, groupingAt(i));
    QSet<qint64> wanted;
    for (const CachedMessage &m : next)
        wanted.insert(m.localId);

    // Gone (discarded unsent messages), bottom up, a run at a time.
    for (qsizetype last = m_rows.size() - 1; last >= 0;) {
        if (wanted.contains(m_rows.at(last).localId)) {
            --last;
            continue;
        }
        qsizetype first = last;
        while (first > 0 && !wanted.contains(m_rows.at(first - 1).localId))
            --first;
        beginRemoveRows({}, int(first), int(last));
        m_rows.remove(first, last - first + 1);
        endRemoveRows();
        last = first - 1;
    }

    QSet<qint64> present;
    for (const CachedMessage &m : std::as_const(m_rows))
        present.insert(m.localId);

    // Top down: each place holds its row already, or the row moves up from below (an unsent
    // message sent before an older unsent one), or new rows are inserted there.
    QHash<qint64, QList<int>> changed;
    for (qsizetype i = 0; i < next.size(); ++i) {
        const CachedMessage &wantedRow = next.at(i);
        if (i >= m_rows.size() || m_rows.at(i).localId != wantedRow.localId) {
            if (present.contains(wantedRow.localId)) {
                qsizetype from = i + 1;
                while (m_rows.at(from).localId != wantedRow.localId)
                    ++from;
                beginMoveRows({}, int(from), int(from), {}, int(i));
                m_rows.move(from, i);
                endMoveRows();
            } else {
                qsizetype last = i;
                while (last + 1 < next.size() && !present.contains(next.at(last + 1).localId))
                    ++last;
                beginInsertRows({}, int(i), int(last));
                for (qsizetype k = i; k <= last; ++k)
                    m_rows.insert(k, next.at(k));
                endInsertRows();
                i = last;
                continue;
            }
        }
        const QList<int> roles = changedRoles(m_rows.at(i), wantedRow, m_own);
        if (!roles.isEmpty()) {
            m_rows[i] = wantedRow;
            changed.insert(wantedRow.localId, roles);
        }
    }

    // One dataChanged per row that was there before: its own changes and its grouping's.
    for (qsizetype i = 0; i < m_rows.size(); ++i) {
        const auto before = groupingBefore.constFind(m_rows.at(i).localId);
        if (before != groupingBefore.constEnd())
            emitGroupingChange(i, *before, changed.value(m_rows.at(i).localId));
    }
}

std::optional<qint64> MessageListModel::oldestConvSeq() const
{
    if (m_rows.isEmpty() || !isSent(m_rows.constFirst()))
        return std::nullopt;
    return m_rows.constFirst().convSeq;
}

MessageListModel::Grouping MessageListModel::groupingAt(qsizetype row) const
{
    if (row <= 0 || row >= m_rows.size())
        return {};
    const CachedMessage &previous = m_rows.at(row - 1);
    const CachedMessage &current = m_rows.at(row);
    return { previous.from != current.from, localDay(previous.ts) != localDay(current.ts) };
}

void MessageListModel::emitGroupingChange(qsizetype row, Grouping before, QList<int> roles)
{
    const Grouping now = groupingAt(row);
    if (now.showSender != before.showSender)
        roles.append(ShowSenderRole);
    if (now.dayBreak != before.dayBreak)
        roles.append(DayBreakRole);
    if (roles.isEmpty())
        return;
    const QModelIndex changedIndex = index(int(row));
    Q_EMIT dataChanged(changedIndex, changedIndex, roles);
}

void MessageListModel::setLoadingOlder(bool loading)
{
    if (loading == m_loadingOlder)
        return;
    m_loadingOlder = loading;
    Q_EMIT loadingOlderChanged();
}

void MessageListModel::setAtStart(bool atStart)
{
    if (atStart == m_atStart)
        return;
    m_atStart = atStart;
    Q_EMIT atStartChanged();
}

bool MessageListModel::hasFirstMessage() const
{
    // conv_seq starts at 1: with that message loaded there is nothing older to ask for.
    const std::optional<qint64> oldest = oldestConvSeq();
    return oldest && *oldest <= 1;
}

void MessageListModel::updateAtStart()
{
    if (hasFirstMessage())
        setAtStart(true);
}

QList<int> MessageListModel::changedRoles(const CachedMessage &before, const CachedMessage &after,
                                          const QString &own)
{
    QList<int> roles;
    auto check = [&roles](bool differs, Role role) {
        if (differs)
            roles.append(role);
    };
    check(before.id != after.id, MessageIdRole);
    check(before.conv != after.conv, ConvRole);
    check(before.from != after.from, FromRole);
    check(before.body != after.body, BodyRole);
    check(before.ts != after.ts, TsRole);
    check(before.convSeq != after.convSeq, ConvSeqRole);
    check(before.clientId != after.clientId, ClientIdRole);
    check((before.from == own) != (after.from == own), IsOwnRole);
    check(before.state != after.state, StateRole);
    check(before.error != after.error, ErrorRole);
    return roles;
}

} // namespace confab::client
