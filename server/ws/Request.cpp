#include "server/ws/Request.h"

#include "server/Worker.h"
#include "server/ws/Session.h"

#include <QJsonDocument>

namespace confab {

using namespace Qt::StringLiterals;

Reply::Reply(Worker *worker, Session *session, QJsonValue requestId)
    : m_worker(worker)
    , m_session(session)
    , m_requestId(std::move(requestId))
{ }

void Reply::send(QJsonObject json) const
{
    if (!m_requestId.isUndefined())
        json.insert("id"_L1, m_requestId);
    m_worker->post([session = m_session, json = std::move(json)] {
        if (session)
            session->sendJson(json);
    });
}

void Reply::error(const Error &error) const
{
    m_worker->post([session = m_session, id = m_requestId, error] {
        if (session)
            session->sendError(id, error);
    });
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

QString encodeFrame(const QJsonObject &json)
{
    return QString::fromUtf8(QJsonDocument(json).toJson(QJsonDocument::Compact));
}

} // namespace confab
