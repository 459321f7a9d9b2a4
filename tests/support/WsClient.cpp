#include "tests/support/WsClient.h"

#include <QJsonDocument>
#include <QTest>

namespace confab::test {

using namespace Qt::StringLiterals;

WsClient::WsClient()
{
    // Large enough for the biggest frames the tests provoke.
    m_socket.setMaxAllowedIncomingMessageSize(8 * 1024 * 1024);
    connect(&m_socket, &QWebSocket::textMessageReceived, this, [this](const QString &text) {
        m_frames.append(QJsonDocument::fromJson(text.toUtf8()).object());
    });
    connect(&m_socket, &QWebSocket::disconnected, this,
            [this] { m_closeCode = int(m_socket.closeCode()); });
}

bool WsClient::open(const QUrl &url)
{
    m_closeCode = -1;
    m_socket.open(url);
    return QTest::qWaitFor(
               [&] {
                   return m_socket.state() == QAbstractSocket::ConnectedState
                       || m_socket.state() == QAbstractSocket::UnconnectedState;
               },
               kTimeoutMs)
        && isOpen();
}

std::optional<QJsonObject> WsClient::login(const QUrl &url, const QString &token)
{
    if (!open(url))
        return std::nullopt;
    send({ { "type"_L1, u"auth"_s }, { "token"_L1, token } });
    return waitForType(u"welcome"_s);
}

void WsClient::send(const QJsonObject &frame)
{
    sendText(QString::fromUtf8(QJsonDocument(frame).toJson(QJsonDocument::Compact)));
}

void WsClient::sendText(const QString &text)
{
    m_socket.sendTextMessage(text);
}

std::optional<QJsonObject> WsClient::request(QJsonObject frame, int timeoutMs)
{
    const QString id = u"t%1"_s.arg(m_nextId++);
    frame.insert("id"_L1, id);
    send(frame);
    return waitFor([&](const QJsonObject &f) { return f.value("id"_L1).toString() == id; },
                   timeoutMs);
}

std::optional<QJsonObject> WsClient::waitFor(const std::function<bool(const QJsonObject &)> &match,
                                             int timeoutMs)
{
    std::optional<QJsonObject> found;
    [[maybe_unused]] const bool matched = QTest::qWaitFor(
        [&] {
            for (qsizetype i = 0; i < m_frames.size(); ++i) {
                if (match(m_frames[i])) {
                    found = m_frames.takeAt(i);
                    return true;
                }
            }
            return false;
        },
        timeoutMs);
    return found;
}

std::optional<QJsonObject> WsClient::waitForType(const QString &type, int timeoutMs)
{
    return waitFor([&](const QJsonObject &f) { return f.value("type"_L1).toString() == type; },
                   timeoutMs);
}

bool WsClient::hasPending(const QString &type) const
{
    for (const QJsonObject &frame : m_frames) {
        if (frame.value("type"_L1).toString() == type)
            return true;
    }
    return false;
}

QList<QJsonObject> WsClient::takeAll(const QString &type)
{
    QList<QJsonObject> taken;
    m_frames.removeIf([&](const QJsonObject &f) {
        if (f.value("type"_L1).toString() != type)
            return false;
        taken.append(f);
        return true;
    });
    return taken;
}

bool WsClient::waitForClosed(int timeoutMs)
{
    return QTest::qWaitFor([&] { return m_socket.state() == QAbstractSocket::UnconnectedState; },
                           timeoutMs);
}

} // namespace confab::test
