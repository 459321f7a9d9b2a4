#include "tests/support/MessageStream.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace confab::test {

using namespace Qt::StringLiterals;

MessageStream::MessageStream(QString to, QString prefix, int window)
    : m_to(std::move(to))
    , m_prefix(std::move(prefix))
    , m_window(window)
{ }

void MessageStream::start(WsClient *client, Mode mode)
{
    detach();
    m_client = client;
    m_running = mode == Mode::Continuous;
    m_connection =
        connect(&client->socket(), &QWebSocket::textMessageReceived, this, &MessageStream::onFrame);
    m_inFlight.clear();
    for (const QString &clientId : std::as_const(m_sent)) {
        if (!m_answered.contains(clientId))
            sendOne(clientId);
    }
    fill();
}

void MessageStream::detach()
{
    disconnect(m_connection);
    m_client = nullptr;
    m_inFlight.clear();
}

void MessageStream::sendOne(const QString &clientId)
{
    m_inFlight.insert(clientId);
    // The request id is the client id: answers are matched by it.
    m_client->send({ { "type"_L1, u"send"_s },
                     { "id"_L1, clientId },
                     { "client_id"_L1, clientId },
                     { "to"_L1, m_to },
                     { "body"_L1, bodyOf(clientId) } });
}

void MessageStream::fill()
{
    while (m_running && m_client && m_client->isOpen() && m_inFlight.size() < m_window) {
        const QString clientId = u"%1-%2"_s.arg(m_prefix).arg(m_sent.size());
        m_sent.append(clientId);
        sendOne(clientId);
    }
}

void MessageStream::onFrame(const QString &text)
{
    const QJsonObject frame = QJsonDocument::fromJson(text.toUtf8()).object();
    const QString id = frame.value("id"_L1).toString();
    if (!m_inFlight.remove(id))
        return;
    if (frame.value("type"_L1).toString() != "sent"_L1) {
        m_problems.append(u"%1 answered %2"_s.arg(id, text));
        return;
    }
    const QJsonObject message = frame.value("message"_L1).toObject();
    const QString messageId = message.value("id"_L1).toString();
    if (message.value("client_id"_L1).toString() != id || messageId.isEmpty())
        m_problems.append(u"%1: unexpected sent %2"_s.arg(id, text));
    const auto known = m_answered.constFind(id);
    if (known != m_answered.constEnd() && *known != messageId)
        m_problems.append(u"%1 was %2, now %3"_s.arg(id, *known, messageId));
    m_answered.insert(id, messageId);
    Q_EMIT answeredOne();
    fill();
}

} // namespace confab::test
