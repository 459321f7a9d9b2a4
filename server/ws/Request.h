// One request on an authenticated WebSocket, as the request handlers see it: who asks, what, and
// how to answer from any thread.
#pragma once

#include "common/ErrorCode.h"
#include "common/Result.h"
#include "server/Delivery.h"
#include "server/ServerContext.h"
#include "server/store/Inbox.h"

#include <QJsonObject>
#include <QJsonValue>

#include <functional>

namespace confab {

class Worker;

// Answers one request. Copyable and callable from any thread: it encodes the frame on the
// calling thread and hands it to the session's worker (in order with the deliveries to that
// session), which sends it only if the session is still there. Success replies carry the
// request id.
class Reply
{
public:
    Reply(Worker *worker, quint64 sessionId, QJsonValue requestId);

    void send(QJsonObject json) const;
    // A reply already encoded as UTF-8 JSON, request id included.
    void sendEncoded(QByteArray json) const;
    void error(const Error &error) const;
    void error(ErrorCode code, const QString &message) const { error(Error { code, message }); }
    // Sends toJson(value) or the error.
    template<typename T, typename ToJson>
    void result(const Result<T> &result, ToJson toJson) const
    {
        if (result)
            send(toJson(result.value()));
        else
            error(result.error());
    }
    const QJsonValue &requestId() const { return m_requestId; }

private:
    Worker *m_worker;
    quint64 m_sessionId;
    QJsonValue m_requestId;
};

struct Request
{
    store::Sender caller;
    qint64 deviceId = 0;
    QJsonObject body;
    Reply reply;
    ServerContext &server;
};

using RequestHandler = void (*)(const Request &request);

// The handlers of each request type, by the type's name (auth and ping excepted: the session
// answers those itself).
const QHash<QString, RequestHandler> &requestHandlers();

// The handlers, by module.
void registerMessageRequests(QHash<QString, RequestHandler> &handlers);
void registerGroupRequests(QHash<QString, RequestHandler> &handlers);
void registerContactRequests(QHash<QString, RequestHandler> &handlers);

// Decodes the body as T, or answers the error and returns nothing.
template<typename T>
std::optional<T> decode(const Request &request)
{
    auto decoded = T::fromJson(request.body);
    if (!decoded) {
        request.reply.error(decoded.error());
        return std::nullopt;
    }
    return std::move(decoded).value();
}

} // namespace confab
