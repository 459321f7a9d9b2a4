#include "client/models/ConversationListModel.h"

#include "client/Contacts.h"
#include "client/Outbox.h"
#include "client/SyncEngine.h"
#include "common/ConvRef.h"

#include <QSet>

namespace confab::client {

ConversationListModel::ConversationListModel(Cache &cache, SyncEngine &sync, Outbox &outbox,
                                             QString ownUsername, QObject *parent)
    : KeyedListModel(parent)
    , m_cache(cache)
    , m_own(std::move(ownUsername))
{
    m_source = m_cache.conversations();
    readPresence();
    m_rows = rowsFor(m_source);

    connect(&sync, &SyncEngine::conversationsChanged, this, &ConversationListModel::scheduleReload);
    connect(&sync, &SyncEngine::messagesChanged, this, &ConversationListModel::scheduleReload);
    connect(&outbox, &Outbox::messageChanged, this, &ConversationListModel::scheduleReload);

    connect(this, &QAbstractItemModel::rowsInserted, this, &ConversationListModel::countChanged);
    connect(this, &QAbstractItemModel::rowsRemoved, this, &ConversationListModel::countChanged);
    connect(this, &QAbstractItemModel::modelReset, this, &ConversationListModel::countChanged);
}

int ConversationListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant ConversationListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows.at(index.row());
    switch (role) {
    case TitleRole:
        return row.title;
    case ConvRole:
        return row.conv;
    case IsGroupRole:
        return row.isGroup;
    case LastBodyRole:
        return row.lastBody;
    case LastFromRole:
        return row.lastFrom;
    case LastIsOwnRole:
        return row.lastIsOwn;
    case LastTsRole:
        return row.lastTs;
    case UnreadRole:
        return row.unread;
    case ReadSeqRole:
        return row.readSeq;
    case PeerRole:
        return row.peer;
    case PeerStatusRole:
        return row.peerStatus;
    default:
        return {};
    }
}

QHash<int, QByteArray> ConversationListModel::roleNames() const
{
    return {
        { ConvRole, "conv" },
        { TitleRole, "title" },
        { IsGroupRole, "isGroup" },
        { LastBodyRole, "lastBody" },
        { LastFromRole, "lastFrom" },
        { LastIsOwnRole, "lastIsOwn" },
        { LastTsRole, "lastTs" },
        { UnreadRole, "unread" },
        { ReadSeqRole, "readSeq" },
        { PeerRole, "peer" },
        { PeerStatusRole, "peerStatus" },
    };
}

void ConversationListModel::setFilter(const QString &filter)
{
    if (filter == m_filter)
        return;
    m_filter = filter;
    rebuild();
    Q_EMIT filterChanged();
}

void ConversationListModel::setTitle(const QString &conv, const QString &title)
{
    if (m_titles.value(conv) == title)
        return;
    if (title.isEmpty())
        m_titles.remove(conv);
    else
        m_titles.insert(conv, title);
    rebuild();
}

void ConversationListModel::scheduleReload()
{
    // A sync page touches many conversations at once and signals each: one query serves them all.
    if (m_reloadQueued)
        return;
    m_reloadQueued = true;
    QMetaObject::invokeMethod(this, &ConversationListModel::reload, Qt::QueuedConnection);
}

void ConversationListModel::setContacts(Contacts *contacts)
{
    if (contacts)
        connect(contacts, &Contacts::contactsChanged, this, &ConversationListModel::scheduleReload);
    scheduleReload();
}

void ConversationListModel::readPresence()
{
    m_presence.clear();
    for (const ContactInfo &contact : m_cache.contacts())
        m_presence.insert(contact.presence.username, contact.presence.status);
}

void ConversationListModel::reload()
{
    m_reloadQueued = false;
    m_source = m_cache.conversations();
    readPresence();
    rebuild();
}

void ConversationListModel::rebuild()
{
    applyRowChanges(
        m_rows, rowsFor(m_source), [](const Row &row) { return row.conv; }, &changedRoles);
}

QList<ConversationListModel::Row>
ConversationListModel::rowsFor(const QList<CachedConversation> &source) const
{
    QList<Row> rows;
    rows.reserve(source.size());
    for (const CachedConversation &conversation : source) {
        Row row = rowFor(conversation);
        if (m_filter.isEmpty() || row.title.contains(m_filter, Qt::CaseInsensitive)
            || row.lastBody.contains(m_filter, Qt::CaseInsensitive))
            rows.append(std::move(row));
    }
    return rows;
}

ConversationListModel::Row
ConversationListModel::rowFor(const CachedConversation &conversation) const
{
    Row row;
    row.conv = conversation.conv;
    const auto ref = ConvRef::parse(conversation.conv);
    row.isGroup = ref && ref->isGroup();
    if (ref && ref->isUser()) {
        row.peer = ref->username;
        row.peerStatus = presenceStatusName(m_presence.value(row.peer, PresenceStatus::Unknown));
    }
    row.title = m_titles.value(conversation.conv);
    if (row.title.isEmpty()) {
        row.title = !ref     ? conversation.conv
            : ref->isGroup() ? tr("Group %1").arg(ref->groupId)
                             : ref->username;
    }
    if (conversation.last) {
        row.lastBody = conversation.last->body;
        row.lastFrom = conversation.last->from;
        row.lastIsOwn = conversation.last->from == m_own;
        row.lastTs = conversation.last->ts;
    } else {
        row.lastTs = conversation.activityTs;
    }
    row.unread = conversation.unread;
    row.readSeq = conversation.readSeq;
    return row;
}

QList<int> ConversationListModel::changedRoles(const Row &before, const Row &after)
{
    QList<int> roles;
    auto check = [&roles](bool changed, Role role) {
        if (changed)
            roles.append(role);
    };
    check(before.title != after.title, TitleRole);
    check(before.isGroup != after.isGroup, IsGroupRole);
    check(before.lastBody != after.lastBody, LastBodyRole);
    check(before.lastFrom != after.lastFrom, LastFromRole);
    check(before.lastIsOwn != after.lastIsOwn, LastIsOwnRole);
    check(before.lastTs != after.lastTs, LastTsRole);
    check(before.unread != after.unread, UnreadRole);
    check(before.readSeq != after.readSeq, ReadSeqRole);
    check(before.peer != after.peer, PeerRole);
    check(before.peerStatus != after.peerStatus, PeerStatusRole);
    return roles;
}

} // namespace confab::client
