// Requests about messages: send, sync, ack, history, and the conversation list and read markers.
#include "common/Conversations.h"
#include "common/Envelope.h"
#include "common/Events.h"
#include "common/Limits.h"
#include "common/Requests.h"
#include "server/Delivery.h"
#include "server/Metrics.h"
#include "server/Router.h"
#include "server/store/Conversations.h"
#include "server/store/Inbox.h"
#include "server/store/QueryPool.h"
#include "server/store/Writer.h"
#include "server/ws/Request.h"

#include <QElapsedTimer>

namespace confab {

using namespace Qt::StringLiterals;

namespace {

qint64 monotonicNs()
{
    static QElapsedTimer clock = [] {
        QElapsedTimer t;
        t.start();
        return t;
    }();
    return clock.nsecsElapsed();
}

int pageLimit(int requested, int fallback, int cap)
{
    return requested <= 0 ? fallback : qMin(requested, cap);
}

void send(const Request &request)
{
    const qint64 started = monotonicNs();
    auto decoded = decode<SendRequest>(request);
    if (!decoded)
        return;
    ServerContext &server = request.server;
    server.writer.submit<store::StoredMessage>(
        [from = request.caller, send = std::move(*decoded)](store::WriteTxn &txn) {
            return store::inbox::append(txn, from, send.to, send.clientId, send.body);
        },
        [&server, from = request.caller, device = request.deviceId, reply = request.reply,
         started](Result<store::StoredMessage> stored) {
            // After the commit: the message is durable, so it may now be shown to anyone.
            if (!stored) {
                reply.error(stored.error());
                return;
            }
            if (stored->duplicate) {
                ++server.metrics.messagesDeduplicated;
            } else {
                ++server.metrics.messagesStored;
                fanOut(server.router, server.metrics, *stored, from.userId, device);
            }
            reply.sendEncoded(SentEvent { Envelope::requestIdOf(reply.requestId()),
                                          stored->senderSeq, stored->message }
                                  .toJsonUtf8());
            server.metrics.sendSeconds.observe((monotonicNs() - started) / 1e9);
        },
        // inbox::append refuses (unknown user, forbidden group) before its first write.
        store::Isolation::ChecksFirst);
}

void sync(const Request &request)
{
    const auto decoded = decode<SyncRequest>(request);
    if (!decoded)
        return;
    const int limit = pageLimit(decoded->limit, limits::kDefaultSyncLimit, limits::kMaxSyncLimit);
    request.server.queries.run<SyncPage>(
        [user = request.caller.userId, after = decoded->after, limit](store::Statements &sql) {
            return store::inbox::syncPage(sql, user, after, limit);
        },
        [reply = request.reply](Result<SyncPage> page) {
            reply.result(page, [](const SyncPage &p) { return p.toJson(); });
        });
}

void ack(const Request &request)
{
    const auto decoded = decode<AckRequest>(request);
    if (!decoded)
        return;
    request.server.writer.submit<Done>(
        [user = request.caller.userId, device = request.deviceId, seq = decoded->seq](
            store::WriteTxn &txn) { return store::inbox::ack(txn, user, device, seq); },
        [reply = request.reply](Result<Done> acked) {
            // ack has no reply, only an error.
            if (!acked)
                reply.error(acked.error());
        },
        store::Isolation::ChecksFirst);
}

void history(const Request &request)
{
    auto decoded = decode<HistoryRequest>(request);
    if (!decoded)
        return;
    const int limit =
        pageLimit(decoded->limit, limits::kDefaultHistoryLimit, limits::kMaxHistoryLimit);
    request.server.queries.run<HistoryPage>(
        [viewer = request.caller, history = std::move(*decoded), limit](store::Statements &sql) {
            return store::inbox::historyPage(sql, viewer, history.conv, history.before, limit);
        },
        [reply = request.reply](Result<HistoryPage> page) {
            reply.result(page, [](const HistoryPage &p) { return p.toJson(); });
        });
}

void conversations(const Request &request)
{
    const auto decoded = decode<ConversationsRequest>(request);
    if (!decoded)
        return;
    const int limit = pageLimit(decoded->limit, limits::kDefaultConversationsLimit,
                                limits::kMaxConversationsLimit);
    request.server.queries.run<ConversationsPage>(
        [user = request.caller.userId, before = decoded->beforeTs, limit](store::Statements &sql) {
            return store::conversations::page(sql, user, before, limit);
        },
        [reply = request.reply](Result<ConversationsPage> page) {
            reply.result(page, [](const ConversationsPage &p) { return p.toJson(); });
        });
}

void read(const Request &request)
{
    const auto decoded = decode<ReadMarker>(request);
    if (!decoded)
        return;
    ServerContext &server = request.server;
    const ConvRef conv = decoded->conv;
    const qint64 user = request.caller.userId;
    server.writer.submit<qint64>(
        [user, conv, seq = decoded->convSeq](store::WriteTxn &txn) {
            return store::conversations::markRead(txn, user, conv, seq);
        },
        [&server, user, conv, reply = request.reply](Result<qint64> readSeq) {
            if (!readSeq) {
                reply.error(readSeq.error());
                return;
            }
            // Every device of the user, the one that read included, learns the marker.
            server.router.deliver(user, 0, encodeFrame(ReadMarker { conv, *readSeq }.toJson()));
        });
}

} // namespace

void registerMessageRequests(QHash<QString, RequestHandler> &handlers)
{
    handlers.insert(SendRequest::kType, &send);
    handlers.insert(SyncRequest::kType, &sync);
    handlers.insert(AckRequest::kType, &ack);
    handlers.insert(HistoryRequest::kType, &history);
    handlers.insert(ConversationsRequest::kType, &conversations);
    handlers.insert(ReadMarker::kType, &read);
}

} // namespace confab
