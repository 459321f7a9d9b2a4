#include "client/Contacts.h"

#include "client/Cache.h"
#include "client/Connection.h"
#include "client/Logging.h"
#include "client/SyncEngine.h"

#include <QPointer>

namespace confab::client {

using namespace Qt::StringLiterals;

Contacts::Contacts(Connection &connection, Cache &cache, SyncEngine &sync, QObject *parent)
    : QObject(parent)
    , m_connection(connection)
    , m_cache(cache)
{
    connect(&m_connection, &Connection::welcomed, this, &Contacts::refresh);
    connect(&sync, &SyncEngine::eventReceived, this, &Contacts::onEvent);
}

QList<ContactInfo> Contacts::list() const
{
    return m_cache.contacts();
}

void Contacts::refresh()
{
    QPointer<Contacts> self(this);
    m_connection.request({ { "type"_L1, kContactsListType } }, [self](Result<QJsonObject> reply) {
        if (!self)
            return;
        const auto contacts =
            reply ? ContactsEvent::fromJson(*reply) : Result<ContactsEvent>(reply.error());
        if (!contacts) {
            qCInfo(lcClientSync) << "contacts:" << contacts.error().message;
            return;
        }
        self->m_cache.storeContacts(contacts->contacts);
        Q_EMIT self->contactsChanged();
    });
}

void Contacts::add(const QString &username, std::function<void(Result<Done>)> done)
{
    change(ContactRequest::kAdd, username, std::move(done));
}

void Contacts::remove(const QString &username, std::function<void(Result<Done>)> done)
{
    change(ContactRequest::kRemove, username, std::move(done));
}

void Contacts::change(QLatin1StringView type, const QString &username,
                      std::function<void(Result<Done>)> done)
{
    QPointer<Contacts> self(this);
    m_connection.request(ContactRequest { type, username.toLower() }.toJson(),
                         [self, done](Result<QJsonObject> reply) {
                             if (!reply) {
                                 done(reply.error());
                                 return;
                             }
                             if (self)
                                 self->refresh();
                             done(Done {});
                         });
}

void Contacts::query(const QStringList &usernames,
                     std::function<void(Result<QList<PresenceInfo>>)> done)
{
    m_connection.request(PresenceQueryRequest { usernames }.toJson(),
                         [done](Result<QJsonObject> reply) {
                             const auto result = reply ? PresenceResultEvent::fromJson(*reply)
                                                       : Result<PresenceResultEvent>(reply.error());
                             if (!result)
                                 done(result.error());
                             else
                                 done(result->users);
                         });
}

void Contacts::onEvent(const QJsonObject &frame)
{
    if (frame.value("type"_L1).toString() != PresenceEvent::kType)
        return;
    const auto event = PresenceEvent::fromJson(frame);
    if (!event)
        return;
    m_cache.updatePresence(event->presence);
    Q_EMIT presenceChanged(event->presence);
    Q_EMIT contactsChanged();
}

} // namespace confab::client
