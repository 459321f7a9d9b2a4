// The account's contacts with their presence, for the contacts page: one row per contact, by
// username, updated in place as presence events arrive.
#pragma once

#include "common/Presence.h"

#include "client/models/RowDiff.h"

namespace confab::client {

class Contacts;

class ContactListModel : public KeyedListModel
{
    Q_OBJECT
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
public:
    enum Role {
        UsernameRole = Qt::UserRole,
        DisplayNameRole,
        StatusRole, // "online", "offline" or "unknown"
        OnlineRole,
        LastActiveAtRole, // ms; 0 when never seen
    };
    Q_ENUM(Role)

    explicit ContactListModel(Contacts &contacts, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    Q_INVOKABLE void add(const QString &username);
    Q_INVOKABLE void remove(const QString &username);

Q_SIGNALS:
    void countChanged();
    // A call failed; `message` says why, for the UI.
    void failed(const QString &message);

private:
    void reload();

    Contacts &m_contacts;
    QList<ContactInfo> m_rows;
};

} // namespace confab::client
