#include "tests/support/HttpClient.h"

#include <QJsonDocument>
#include <QNetworkReply>
#include <QTcpSocket>
#include <QTest>

namespace confab::test {

using namespace Qt::StringLiterals;

namespace {
constexpr int kTimeoutMs = 30'000;
} // namespace

QString HttpReply::errorCode() const
{
    return json.value("error"_L1).toObject().value("code"_L1).toString();
}

QByteArray HttpReply::header(const QByteArray &name) const
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

HttpReply HttpClient::get(const QUrl &url, const QString &token)
{
    return send("GET", url, {}, token);
}

HttpReply HttpClient::post(const QUrl &url, const QJsonObject &body, const QString &token)
{
    return send("POST", url, QJsonDocument(body).toJson(QJsonDocument::Compact), token);
}

HttpReply HttpClient::postRaw(const QUrl &url, const QByteArray &body, const QString &token)
{
    return send("POST", url, body, token);
}

HttpReply HttpClient::send(const QByteArray &method, const QUrl &url, const QByteArray &body,
                           const QString &token)
{
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    if (!token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + token.toUtf8());
    QNetworkReply *reply = m_network.sendCustomRequest(request, method, body);
    [[maybe_unused]] const bool finished =
        QTest::qWaitFor([&] { return reply->isFinished(); }, kTimeoutMs);
    HttpReply result;
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.body = reply->readAll();
    result.headers = reply->rawHeaderPairs();
    const QJsonDocument document = QJsonDocument::fromJson(result.body);
    if (document.isObject())
        result.json = document.object();
    reply->deleteLater();
    return result;
}

QByteArray HttpClient::raw(quint16 port, const QByteArray &bytes, int timeoutMs)
{
    QTcpSocket socket;
    socket.connectToHost(u"127.0.0.1"_s, port);
    if (!socket.waitForConnected(kTimeoutMs))
        return {};
    socket.write(bytes);
    QByteArray answer;
    [[maybe_unused]] const bool closed = QTest::qWaitFor(
        [&] {
            answer += socket.readAll();
            return socket.state() == QAbstractSocket::UnconnectedState;
        },
        timeoutMs);
    answer += socket.readAll();
    return answer;
}

} // namespace confab::test
