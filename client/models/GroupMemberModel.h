// The members of one group, in the order they joined, with their presence. Presence of a group's
// members is fetched on demand (presence.query), never pushed, as the protocol asks of big
// groups: when the group is set, and again on refreshPresence().
#pragma once

#include "common/Presence.h"

#include "client/models/RowDiff.h"

namespace confab::client {

class Contacts;
class Groups;

class GroupMemberModel : public KeyedListModel
{
    Q_OBJECT
    Q_PROPERTY(QString group READ group WRITE setGroup NOTIFY groupChanged)
    Q_PROPERTY(QString name READ name NOTIFY groupChanged)
    Q_PROPERTY(QString owner READ owner NOTIFY ownerChanged)
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
public:
    enum Role {
        UsernameRole = Qt::UserRole,
        IsOwnerRole,
        StatusRole, // "online", "offline" or "unknown" (not fetched yet)
        OnlineRole,
        LastActiveAtRole,
    };
    Q_ENUM(Role)

    GroupMemberModel(Groups &groups, Contacts &contacts, QObject *parent = nullptr);

    QString group() const;
    void setGroup(const QString &groupId);
    QString name() const { return m_name; }
    QString owner() const { return m_owner; }

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    Q_INVOKABLE void refreshPresence();

Q_SIGNALS:
    void groupChanged();
    void ownerChanged();
    void countChanged();

private:
    struct Row
    {
        QString username;
        bool isOwner = false;
        PresenceInfo presence;
    };

    void reload();
    void applyPresence(const QList<PresenceInfo> &users);

    Groups &m_groups;
    Contacts &m_contacts;
    qint64 m_groupId = 0;
    QString m_name;
    QString m_owner;
    QList<Row> m_rows;
};

} // namespace confab::client
