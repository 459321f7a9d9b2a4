// The account's devices (the settings page's "Devices" list): what the server says in /me, with
// the one this app runs on marked, and removal of the others (which signs them out).
#pragma once

#include "common/HttpTypes.h"

#include "client/models/RowDiff.h"
#include <QList>
#include <QString>

namespace confab::client {

class ServerApi;

class DeviceListModel : public KeyedListModel
{
    Q_OBJECT
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
    // This device's id (decimal string): its row has isCurrent.
    Q_PROPERTY(QString currentDeviceId READ currentDeviceId WRITE setCurrentDeviceId NOTIFY
                   currentDeviceIdChanged)
    // Why the last call failed; empty once a call succeeds.
    Q_PROPERTY(QString error READ error NOTIFY errorChanged)
    // A call is under way.
    Q_PROPERTY(bool busy READ busy NOTIFY busyChanged)
public:
    enum Role {
        DeviceIdRole = Qt::UserRole, // decimal string (64-bit ids lose precision in JavaScript)
        NameRole,
        CreatedAtRole, // ms
        LastSeenAtRole, // ms; 0: never connected
        OnlineRole,
        IsCurrentRole,
    };
    Q_ENUM(Role)

    explicit DeviceListModel(ServerApi &api, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    QString currentDeviceId() const { return m_currentDeviceId; }
    void setCurrentDeviceId(const QString &deviceId);
    QString error() const { return m_error; }
    bool busy() const { return m_calls > 0; }

    // Asks the server for the list again.
    Q_INVOKABLE void refresh();
    // Removes a device (its token is revoked, its connection closed), then refreshes.
    Q_INVOKABLE void remove(const QString &deviceId);

Q_SIGNALS:
    void countChanged();
    void currentDeviceIdChanged();
    void errorChanged();
    void busyChanged();

private:
    void apply(const QList<DeviceInfo> &next);
    void callStarted();
    void callFinished(const QString &error);
    static QList<int> changedRoles(const DeviceInfo &before, const DeviceInfo &after);

    ServerApi &m_api;
    QList<DeviceInfo> m_rows;
    QString m_currentDeviceId;
    QString m_error;
    int m_calls = 0;
    quint64 m_refreshSerial = 0; // only the newest refresh's answer is shown
};

} // namespace confab::client
