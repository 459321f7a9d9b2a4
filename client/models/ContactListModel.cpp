#include "client/models/ContactListModel.h"

#include "client/Contacts.h"

namespace confab::client {

using namespace Qt::StringLiterals;

namespace {
QList<int> changedRoles(const ContactInfo &a, const ContactInfo &b)
{
    QList<int> roles;
    if (a.displayName != b.displayName)
        roles.append(ContactListModel::DisplayNameRole);
    if (a.presence.status != b.presence.status)
        roles += { ContactListModel::StatusRole, ContactListModel::OnlineRole };
    if (a.presence.lastActiveAt != b.presence.lastActiveAt)
        roles.append(ContactListModel::LastActiveAtRole);
    return roles;
}
} // namespace

ContactListModel::ContactListModel(Contacts &contacts, QObject *parent)
    : KeyedListModel(parent)
    , m_contacts(contacts)
{
    m_rows = m_contacts.list();
    connect(&m_contacts, &Contacts::contactsChanged, this, &ContactListModel::reload);
}

int ContactListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant ContactListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ContactInfo &row = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case UsernameRole:
        return row.presence.username;
    case DisplayNameRole:
        return row.displayName;
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

QHash<int, QByteArray> ContactListModel::roleNames() const
{
    return { { UsernameRole, "username" },
             { DisplayNameRole, "displayName" },
             { StatusRole, "status" },
             { OnlineRole, "online" },
             { LastActiveAtRole, "lastActiveAt" } };
}

void ContactListModel::reload()
{
    const int before = rowCount();
    applyRowChanges(
        m_rows, m_contacts.list(), [](const ContactInfo &c) { return c.presence.username; },
        &changedRoles);
    if (rowCount() != before)
        Q_EMIT countChanged();
}

void ContactListModel::add(const QString &username)
{
    m_contacts.add(username, [this](Result<Done> done) {
        if (!done)
            Q_EMIT failed(done.error().message);
    });
}

void ContactListModel::remove(const QString &username)
{
    m_contacts.remove(username, [this](Result<Done> done) {
        if (!done)
            Q_EMIT failed(done.error().message);
    });
}

} // namespace confab::client
