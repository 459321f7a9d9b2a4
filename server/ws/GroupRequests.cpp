// Requests about groups: create, add, remove, leave, rename, list (PROTOCOL.md §3.2).
#include "common/Groups.h"
#include "server/Router.h"
#include "server/store/Groups.h"
#include "server/store/QueryPool.h"
#include "server/store/Writer.h"
#include "server/ws/Request.h"

namespace confab {

using namespace Qt::StringLiterals;

namespace {

using Change = std::function<Result<store::GroupChange>(store::WriteTxn &)>;

// After the commit: every current member's devices get group.updated; those who left or were
// removed get group.removed (on a leave, not the device that left: it gets `ok`).
void announce(Router &router, const store::GroupChange &change, qint64 exceptDevice)
{
    const QByteArray updated =
        encodeFrame(GroupEvent { GroupEvent::kUpdated, QString(), change.group }.toJson());
    for (qint64 member : change.memberIds)
        router.deliver(member, 0, updated);
    const QByteArray removed = encodeFrame(GroupRemovedEvent { change.group.id }.toJson());
    for (qint64 former : change.removedIds)
        router.deliver(former, exceptDevice, removed);
}

// Runs a change in the writer, announces it, and answers with the group (or `ok`).
void apply(const Request &request, Change change, bool answerOk = false)
{
    Router &router = request.server.router;
    const qint64 exceptDevice = answerOk ? request.deviceId : 0;
    request.server.writer.submit<store::GroupChange>(
        std::move(change),
        [&router, reply = request.reply, answerOk, exceptDevice](Result<store::GroupChange> done) {
            if (!done) {
                reply.error(done.error());
                return;
            }
            announce(router, *done, exceptDevice);
            if (answerOk)
                reply.send(OkEvent {}.toJson());
            else
                reply.send(GroupEvent { GroupEvent::kReply, QString(), done->group }.toJson());
        });
}

void create(const Request &request)
{
    auto decoded = decode<GroupCreateRequest>(request);
    if (!decoded)
        return;
    apply(request, [owner = request.caller, create = std::move(*decoded)](store::WriteTxn &txn) {
        return store::groups::create(txn, owner, create.name, create.members);
    });
}

void add(const Request &request)
{
    auto decoded = decode<GroupAddRequest>(request);
    if (!decoded)
        return;
    apply(request, [actor = request.caller, add = std::move(*decoded)](store::WriteTxn &txn) {
        return store::groups::add(txn, actor, add.group, add.members);
    });
}

void remove(const Request &request)
{
    auto decoded = decode<GroupRemoveRequest>(request);
    if (!decoded)
        return;
    apply(request, [actor = request.caller, remove = std::move(*decoded)](store::WriteTxn &txn) {
        return store::groups::remove(txn, actor, remove.group, remove.member);
    });
}

void leave(const Request &request)
{
    const auto decoded = decode<GroupLeaveRequest>(request);
    if (!decoded)
        return;
    apply(
        request,
        [actor = request.caller, group = decoded->group](store::WriteTxn &txn) {
            return store::groups::leave(txn, actor, group);
        },
        true);
}

void rename(const Request &request)
{
    auto decoded = decode<GroupRenameRequest>(request);
    if (!decoded)
        return;
    apply(request, [actor = request.caller, rename = std::move(*decoded)](store::WriteTxn &txn) {
        return store::groups::rename(txn, actor, rename.group, rename.name);
    });
}

void list(const Request &request)
{
    request.server.queries.run<QList<GroupInfo>>(
        [user = request.caller.userId](store::Statements &sql) {
            return store::groups::groupsOf(sql, user);
        },
        [reply = request.reply](Result<QList<GroupInfo>> groups) {
            reply.result(groups, [](const QList<GroupInfo> &g) {
                return GroupsEvent { QString(), g }.toJson();
            });
        });
}

} // namespace

void registerGroupRequests(QHash<QString, RequestHandler> &handlers)
{
    handlers.insert(GroupCreateRequest::kType, &create);
    handlers.insert(GroupAddRequest::kType, &add);
    handlers.insert(GroupRemoveRequest::kType, &remove);
    handlers.insert(GroupLeaveRequest::kType, &leave);
    handlers.insert(GroupRenameRequest::kType, &rename);
    handlers.insert(kGroupListType, &list);
}

} // namespace confab
