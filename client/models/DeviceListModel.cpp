#include "client/models/DeviceListModel.h"

#include "client/ServerApi.h"

#include <QPointer>
#include <QSet>

namespace confab::client {

DeviceListModel::DeviceListModel(ServerApi &api, QObject *parent)
    : KeyedListModel(parent)
    , m_api(api)
{
    connect(this, &QAbstractItemModel::rowsInserted, this, &DeviceListModel::countChanged);
    connect(this, &QAbstractItemModel::rowsRemoved, this, &DeviceListModel::countChanged);
    connect(this, &QAbstractItemModel::modelReset, this, &DeviceListModel::countChanged);
}

int DeviceListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant DeviceListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const DeviceInfo &device = m_rows.at(index.row());
    switch (role) {
    case DeviceIdRole:
        return QString::number(device.deviceId);
    case NameRole:
        return device.name;
    case CreatedAtRole:
        return device.createdAt;
    case LastSeenAtRole:
        return device.lastSeenAt;
    case OnlineRole:
        return device.online;
    case IsCurrentRole:
        return QString::number(device.deviceId) == m_currentDeviceId;
    default:
        return {};
    }
}

QHash<int, QByteArray> DeviceListModel::roleNames() const
{
    return {
        { DeviceIdRole, "deviceId" },     { NameRole, "name" },     { CreatedAtRole, "createdAt" },
        { LastSeenAtRole, "lastSeenAt" }, { OnlineRole, "online" }, { IsCurrentRole, "isCurrent" },
    };
}

void DeviceListModel::setCurrentDeviceId(const QString &deviceId)
{
    if (deviceId == m_currentDeviceId)
        return;
    const QString previous = m_currentDeviceId;
    m_currentDeviceId = deviceId;
    for (qsizetype i = 0; i < m_rows.size(); ++i) {
        const QString id = QString::number(m_rows.at(i).deviceId);
        if (id == previous || id == deviceId) {
            const QModelIndex changed = index(int(i));
            Q_EMIT dataChanged(changed, changed, { IsCurrentRole });
        }
    }
    Q_EMIT currentDeviceIdChanged();
}

void DeviceListModel::refresh()
{
    callStarted();
    const quint64 serial = ++m_refreshSerial;
    QPointer<DeviceListModel> self(this);
    m_api.me([self, serial](Result<MeResponse> me) {
        if (!self)
            return;
        if (me && serial == self->m_refreshSerial)
            self->apply(me->devices);
        self->callFinished(me ? QString() : me.error().message);
    });
}

void DeviceListModel::remove(const QString &deviceId)
{
    bool ok = false;
    const qint64 id = deviceId.toLongLong(&ok);
    if (!ok || id <= 0) {
        callStarted();
        callFinished(tr("Not a device id: %1").arg(deviceId));
        return;
    }
    callStarted();
    QPointer<DeviceListModel> self(this);
    m_api.removeDevice(id, [self](Result<Done> removed) {
        if (!self)
            return;
        // Refreshed before this call counts as finished, so busy stays true throughout. A failure
        // leaves the list as it is, with the reason shown.
        if (removed)
            self->refresh();
        self->callFinished(removed ? QString() : removed.error().message);
    });
}

void DeviceListModel::apply(const QList<DeviceInfo> &next)
{
    applyRowChanges(
        m_rows, next, [](const DeviceInfo &device) { return device.deviceId; }, &changedRoles);
}

void DeviceListModel::callStarted()
{
    if (++m_calls == 1)
        Q_EMIT busyChanged();
}

void DeviceListModel::callFinished(const QString &error)
{
    if (error != m_error) {
        m_error = error;
        Q_EMIT errorChanged();
    }
    if (--m_calls == 0)
        Q_EMIT busyChanged();
}

QList<int> DeviceListModel::changedRoles(const DeviceInfo &before, const DeviceInfo &after)
{
    QList<int> roles;
    if (before.name != after.name)
        roles.append(NameRole);
    if (before.createdAt != after.createdAt)
        roles.append(CreatedAtRole);
    if (before.lastSeenAt != after.lastSeenAt)
        roles.append(LastSeenAtRole);
    if (before.online != after.online)
        roles.append(OnlineRole);
    return roles;
}

} // namespace confab::client
