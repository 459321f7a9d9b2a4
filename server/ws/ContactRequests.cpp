// Requests about contacts and presence (PROTOCOL.md §3.3).
#include "common/Groups.h"
#include "common/Presence.h"
#include "server/Presence.h"
#include "server/store/Contacts.h"
#include "server/store/QueryPool.h"
#include "server/store/Writer.h"
#include "server/ws/Request.h"

namespace confab {

using namespace Qt::StringLiterals;

namespace {

void change(const Request &request)
{
    const auto decoded = decode<ContactRequest>(request);
    if (!decoded)
        return;
    const bool adding = decoded->type == ContactRequest::kAdd;
    Presence &presence = request.server.presence;
    request.server.writer.submit<qint64>(
        [adding, user = request.caller.userId, name = decoded->username](store::WriteTxn &txn) {
            return adding ? store::contacts::add(txn, user, name)
                          : store::contacts::remove(txn, user, name);
        },
        [&presence, adding, user = request.caller.userId,
         reply = request.reply](Result<qint64> contact) {
            if (!contact) {
                reply.error(contact.error());
                return;
            }
            if (adding)
                presence.addWatcher(user, *contact);
            else
                presence.removeWatcher(user, *contact);
            reply.send(OkEvent {}.toJson());
        });
}

void list(const Request &request)
{
    Presence &presence = request.server.presence;
    request.server.queries.run<QList<store::ContactRow>>(
        [user = request.caller.userId](store::Statements &sql) {
            return store::contacts::list(sql, user);
        },
        [&presence, reply = request.reply](Result<QList<store::ContactRow>> rows) {
            reply.result(rows, [&](const QList<store::ContactRow> &contacts) {
                ContactsEvent event;
                for (const store::ContactRow &row : contacts) {
                    event.contacts.append(ContactInfo {
                        row.displayName,
                        presence.snapshot(row.userId, row.username, row.lastActiveAt) });
                }
                return event.toJson();
            });
        });
}

void query(const Request &request)
{
    const auto decoded = decode<PresenceQueryRequest>(request);
    if (!decoded)
        return;
    Presence &presence = request.server.presence;
    request.server.queries.run<QList<store::ContactRow>>(
        [user = request.caller.userId, names = decoded->usernames](store::Statements &sql) {
            return store::contacts::visibleTo(sql, user, names);
        },
        [&presence, names = decoded->usernames,
         reply = request.reply](Result<QList<store::ContactRow>> visible) {
            reply.result(visible, [&](const QList<store::ContactRow> &rows) {
                PresenceResultEvent event;
                for (const QString &name : names) {
                    const auto row = std::find_if(rows.cbegin(), rows.cend(), [&](const auto &r) {
                        return r.username == name;
                    });
                    // Outside the caller's scope, unknown names included: nothing to learn.
                    event.users.append(
                        row == rows.cend()
                            ? PresenceInfo { name, PresenceStatus::Unknown, 0 }
                            : presence.snapshot(row->userId, row->username, row->lastActiveAt));
                }
                return event.toJson();
            });
        });
}

} // namespace

void registerContactRequests(QHash<QString, RequestHandler> &handlers)
{
    handlers.insert(ContactRequest::kAdd, &change);
    handlers.insert(ContactRequest::kRemove, &change);
    handlers.insert(kContactsListType, &list);
    handlers.insert(PresenceQueryRequest::kType, &query);
}

} // namespace confab
