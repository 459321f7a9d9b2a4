#include "client/models/GroupMemberModel.h"

#include "client/Contacts.h"
#include "client/Groups.h"
#include "common/Validation.h"

#include <QPointer>

namespace confab::client {

GroupMemberModel::GroupMemberModel(Groups &groups, Contacts &contacts, QObject *parent)
    : KeyedListModel(parent)
    , m_groups(groups)
    , m_contacts(contacts)
{
    connect(&m_groups, &Groups::groupsChanged, this, &GroupMemberModel::reload);
}

QString GroupMemberModel::group() const
{
    return m_groupId > 0 ? validation::decimalId(m_groupId) : QString();
}

void GroupMemberModel::setGroup(const QString &groupId)
{
    const qint64 id = validation::parseDecimalId(groupId).value_or(0);
    if (id == m_groupId)
        return;
    m_groupId = id;
    beginResetModel();
    m_rows.clear();
    endResetModel();
    reload();
    Q_EMIT groupChanged();
    refreshPresence();
}

void GroupMemberModel::reload()
{
    const auto info = m_groupId > 0 ? m_groups.group(m_groupId) : std::nullopt;
    QList<Row> after;
    if (info) {
        for (const QString &member : info->members) {
            // Keep what is known of a member's presence until the next fetch.
            const auto known = std::find_if(m_rows.cbegin(), m_rows.cend(),
                                            [&](const Row &r) { return r.username == member; });
            after.append(
                Row { member, member == info->owner,
                      known != m_rows.cend() ? known->presence : PresenceInfo { member, {}, 0 } });
        }
    }
    const QString name = info ? info->name : QString();
    const QString owner = info ? info->owner : QString();
    const int before = rowCount();
    applyRowChanges(
        m_rows, after, [](const Row &r) { return r.username; },
        [](const Row &a, const Row &b) {
            return a.isOwner != b.isOwner ? QList<int> { IsOwnerRole } : QList<int> {};
        });
    if (rowCount() != before)
        Q_EMIT countChanged();
    if (name != m_name) {
        m_name = name;
        Q_EMIT groupChanged();
    }
    if (owner != m_owner) {
        m_owner = owner;
        Q_EMIT ownerChanged();
    }
}

void GroupMemberModel::refreshPresence()
{
    QStringList usernames;
    for (const Row &row : std::as_const(m_rows))
        usernames.append(row.username);
    if (usernames.isEmpty())
        return;
    QPointer<GroupMemberModel> self(this);
    m_contacts.query(usernames, [self](Result<QList<PresenceInfo>> users) {
        if (self && users)
            self->applyPresence(*users);
    });
}

void GroupMemberModel::applyPresence(const QList<PresenceInfo> &users)
{
    for (const PresenceInfo &user : users) {
        for (qsizetype i = 0; i < m_rows.size(); ++i) {
            Row &row = m_rows[i];
            if (row.username != user.username)
                continue;
            QList<int> roles;
            if (row.presence.status != user.status)
                roles += { StatusRole, OnlineRole };
            if (row.presence.lastActiveAt != user.lastActiveAt)
                roles.append(LastActiveAtRole);
            row.presence = user;
            if (!roles.isEmpty())
                Q_EMIT dataChanged(index(int(i)), index(int(i)), roles);
        }
    }
}

int GroupMemberModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant GroupMemberModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case UsernameRole:
        return row.username;
    case IsOwnerRole:
        return row.isOwner;
    case StatusRole:
        return presenceStatusName(row.presence.status);
    case OnlineRole:
        return row.presence.status == PresenceStatus::Online;
    case LastActiveAtRole:
        return row.presence.lastActiveAt;
    default:
        return {};
    }
}

QHash<int, QByteArray> GroupMemberModel::roleNames() const
{
    return { { UsernameRole, "username" },
             { IsOwnerRole, "isOwner" },
             { StatusRole, "status" },
             { OnlineRole, "online" },
             { LastActiveAtRole, "lastActiveAt" } };
}

} // namespace confab::client
