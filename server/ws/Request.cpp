#include "server/ws/Request.h"

#include "common/Events.h"
#include "server/Worker.h"

namespace confab {

using namespace Qt::StringLiterals;

Reply::Reply(Worker *worker, quint64 sessionId, QJsonValue requestId)
    : m_worker(worker)
    , m_sessionId(sessionId)
    , m_requestId(std::move(requestId))
{ }

void Reply::send(QJsonObject json) const
{
    if (!m_requestId.isUndefined())
        json.insert("id"_L1, m_requestId);
    sendEncoded(encodeFrame(json));
}

void Reply::sendEncoded(QByteArray json) const
{
    m_worker->handOff(m_sessionId, Worker::Frame::Reply, std::move(json));
}

void Reply::error(const Error &error) const
{
    m_worker->handOff(m_sessionId, Worker::Frame::Error,
                      encodeFrame(ErrorEvent { m_requestId, error.code, error.message }.toJson()));
}

const QHash<QString, RequestHandler> &requestHandlers()
{
    static const QHash<QString, RequestHandler> handlers = [] {
        QHash<QString, RequestHandler> all;
        registerMessageRequests(all);
        registerGroupRequests(all);
        registerContactRequests(all);
        return all;
    }();
    return handlers;
}

} // namespace confab
