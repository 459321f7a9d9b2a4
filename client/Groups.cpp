#include "client/Groups.h"

#include "client/Cache.h"
#include "client/Connection.h"
#include "client/Logging.h"
#include "client/SyncEngine.h"

#include <QPointer>

namespace confab::client {

using namespace Qt::StringLiterals;

Groups::Groups(Connection &connection, Cache &cache, SyncEngine &sync, QObject *parent)
    : QObject(parent)
    , m_connection(connection)
    , m_cache(cache)
{
    connect(&m_connection, &Connection::welcomed, this, &Groups::refresh);
    connect(&sync, &SyncEngine::eventReceived, this, &Groups::onEvent);
}

QList<GroupInfo> Groups::list() const
{
    return m_cache.groups();
}

std::optional<GroupInfo> Groups::group(qint64 id) const
{
    return m_cache.group(id);
}

void Groups::refresh()
{
    QPointer<Groups> self(this);
    m_connection.request({ { "type"_L1, kGroupListType } }, [self](Result<QJsonObject> reply) {
        if (!self)
            return;
        const auto groups =
            reply ? GroupsEvent::fromJson(*reply) : Result<GroupsEvent>(reply.error());
        if (!groups) {
            qCInfo(lcClientSync) << "groups:" << groups.error().message;
            return;
        }
        self->m_cache.storeGroups(groups->groups);
        Q_EMIT self->groupsChanged();
    });
}

void Groups::change(const QJsonObject &request, Done done)
{
    QPointer<Groups> self(this);
    m_connection.request(request, [self, done](Result<QJsonObject> reply) {
        const auto event = reply ? GroupEvent::fromJson(*reply) : Result<GroupEvent>(reply.error());
        if (!event) {
            done(event.error());
            return;
        }
        if (self) {
            self->m_cache.storeGroup(event->group);
            Q_EMIT self->groupsChanged();
        }
        done(event->group);
    });
}

void Groups::create(const QString &name, const QStringList &members, Done done)
{
    change(GroupCreateRequest { name, members }.toJson(), std::move(done));
}

void Groups::add(qint64 group, const QStringList &members, Done done)
{
    change(GroupAddRequest { group, members }.toJson(), std::move(done));
}

void Groups::remove(qint64 group, const QString &member, Done done)
{
    change(GroupRemoveRequest { group, member }.toJson(), std::move(done));
}

void Groups::rename(qint64 group, const QString &name, Done done)
{
    change(GroupRenameRequest { group, name }.toJson(), std::move(done));
}

void Groups::leave(qint64 group, std::function<void(Result<confab::Done>)> done)
{
    QPointer<Groups> self(this);
    m_connection.request(GroupLeaveRequest { group }.toJson(),
                         [self, group, done](Result<QJsonObject> reply) {
                             if (!reply) {
                                 done(reply.error());
                                 return;
                             }
                             if (self) {
                                 self->m_cache.removeGroup(group);
                                 Q_EMIT self->groupsChanged();
                             }
                             done(confab::Done {});
                         });
}

void Groups::onEvent(const QJsonObject &frame)
{
    const QString type = frame.value("type"_L1).toString();
    if (type == GroupEvent::kUpdated) {
        if (const auto event = GroupEvent::fromJson(frame)) {
            m_cache.storeGroup(event->group);
            Q_EMIT groupsChanged();
        }
    } else if (type == GroupRemovedEvent::kType) {
        // The conversation and its history stay; the group leaves the list.
        if (const auto event = GroupRemovedEvent::fromJson(frame)) {
            m_cache.removeGroup(event->group);
            Q_EMIT groupsChanged();
        }
    }
}

} // namespace confab::client
