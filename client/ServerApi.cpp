#include "client/ServerApi.h"

#include "client/Logging.h"

#include <QJsonDocument>
#include <QNetworkReply>
#include <QNetworkRequest>

namespace confab::client {

using namespace Qt::StringLiterals;

namespace {

QString seconds(int ms)
{
    return QString::number(double(ms) / 1000.0);
}

// Transport failures carry no HTTP status; a timeout is an abort by the transfer timeout (Qt 6.4
// reports OperationCanceledError, later versions TimeoutError), possibly after the headers.
std::optional<QString> transportFailure(const QNetworkReply &reply, int status, int timeoutMs)
{
    const QNetworkReply::NetworkError error = reply.error();
    if (error == QNetworkReply::OperationCanceledError || error == QNetworkReply::TimeoutError)
        return u"no answer within %1 s"_s.arg(seconds(timeoutMs));
    if (status == 0)
        return error == QNetworkReply::NoError ? u"no HTTP answer"_s : reply.errorString();
    return std::nullopt;
}

// The body of a successful answer, or the error: the API's own, or Unavailable for anything that
// is not the API (no answer, a timeout, HTML from some other web server, garbage).
Result<std::optional<QJsonObject>> interpret(QNetworkReply &reply, int timeoutMs)
{
    const int status = reply.attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (const auto failure = transportFailure(reply, status, timeoutMs))
        return Error { ErrorCode::Unavailable, u"Cannot reach the server: "_s + *failure };
    const QByteArray content = reply.readAll();
    const QJsonDocument document = QJsonDocument::fromJson(content);
    if (status >= 200 && status < 300) {
        if (content.trimmed().isEmpty())
            return std::optional<QJsonObject>(); // 204
        if (!document.isObject()) {
            return Error { ErrorCode::Unavailable,
                           u"The server's answer is not JSON (HTTP %1)"_s.arg(status) };
        }
        return std::optional<QJsonObject>(document.object());
    }
    if (const auto error = apiErrorFromJson(document.object()))
        return *error;
    if (status == 401)
        return Error { ErrorCode::Unauthorized, u"The server refused the token (HTTP 401)"_s };
    const QString phrase = reply.attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString();
    const QString answered = phrase.isEmpty() ? QString::number(status)
                                              : u"%1 %2"_s.arg(QString::number(status), phrase);
    return Error { ErrorCode::Unavailable,
                   u"The server answered HTTP %1, not the Confab API"_s.arg(answered) };
}

template<typename T>
Result<T> decode(Result<std::optional<QJsonObject>> answer,
                 Result<T> (*fromJson)(const QJsonObject &))
{
    if (!answer)
        return answer.error();
    if (!answer->has_value())
        return Error { ErrorCode::Unavailable, u"The server answered without a body"_s };
    Result<T> value = fromJson(**answer);
    if (!value) {
        return Error { ErrorCode::Unavailable,
                       u"The server's answer is not the Confab API: "_s + value.error().message };
    }
    return value;
}

Result<Done> decodeDone(const Result<std::optional<QJsonObject>> &answer)
{
    if (!answer)
        return answer.error();
    return Done {};
}

} // namespace

ServerApi::ServerApi(QUrl baseUrl, QObject *parent)
    : QObject(parent)
    , m_baseUrl(normalizedBaseUrl(baseUrl))
{ }

ServerApi::~ServerApi()
{
    // Calls under way end unanswered: their callbacks may point into whatever owned us, and the
    // replies would otherwise finish while our members are being destroyed.
    const auto replies = m_network.findChildren<QNetworkReply *>();
    for (QNetworkReply *reply : replies) {
        reply->disconnect(this);
        reply->abort();
    }
}

void ServerApi::setBaseUrl(const QUrl &baseUrl)
{
    m_baseUrl = normalizedBaseUrl(baseUrl);
}

QUrl ServerApi::normalizedBaseUrl(const QUrl &baseUrl)
{
    if (baseUrl.isEmpty())
        return {};
    QUrl url = baseUrl;
    const QString scheme = baseUrl.scheme().toLower();
    if (scheme == "ws"_L1) {
        url.setScheme(u"http"_s);
    } else if (scheme == "wss"_L1) {
        url.setScheme(u"https"_s);
    } else if (scheme != "http"_L1 && scheme != "https"_L1) {
        // "localhost:8080" parses as scheme "localhost" and path "8080", and "127.0.0.1:8080" as
        // an invalid URL whose text is all path.
        url = QUrl(u"http://"_s + (baseUrl.isValid() ? baseUrl.toString() : baseUrl.path()));
    }
    url.setPath(QString());
    url.setQuery(QString());
    url.setFragment(QString());
    return url;
}

QUrl ServerApi::webSocketUrl(const QUrl &baseUrl, const DiscoveryResponse &discovery)
{
    if (!discovery.servers.isEmpty()) {
        const QUrl offered(discovery.servers.first().url);
        if (offered.isValid() && !offered.host().isEmpty())
            return offered;
    }
    QUrl url = normalizedBaseUrl(baseUrl);
    if (url.isEmpty())
        return {};
    url.setScheme(url.scheme() == "https"_L1 ? u"wss"_s : u"ws"_s);
    url.setPath(u"/ws"_s);
    return url;
}

void ServerApi::registerAccount(const RegisterRequest &request,
                                std::function<void(Result<UserInfo>)> done)
{
    send("POST", u"/api/v1/register"_s, request.toJson(), false,
         [done = std::move(done)](Answer answer) {
             done(decode(std::move(answer), &UserInfo::fromJson));
         });
}

void ServerApi::login(const LoginRequest &request, std::function<void(Result<LoginResponse>)> done)
{
    send("POST", u"/api/v1/login"_s, request.toJson(), false,
         [done = std::move(done)](Answer answer) {
             done(decode(std::move(answer), &LoginResponse::fromJson));
         });
}

void ServerApi::logout(std::function<void(Result<Done>)> done)
{
    send("POST", u"/api/v1/logout"_s, std::nullopt, true,
         [done = std::move(done)](Answer answer) { done(decodeDone(answer)); });
}

void ServerApi::me(std::function<void(Result<MeResponse>)> done)
{
    send("GET", u"/api/v1/me"_s, std::nullopt, true, [done = std::move(done)](Answer answer) {
        done(decode(std::move(answer), &MeResponse::fromJson));
    });
}

void ServerApi::removeDevice(qint64 deviceId, std::function<void(Result<Done>)> done)
{
    send("DELETE", u"/api/v1/devices/"_s + QString::number(deviceId), std::nullopt, true,
         [done = std::move(done)](Answer answer) { done(decodeDone(answer)); });
}

void ServerApi::user(const QString &username, std::function<void(Result<UserInfo>)> done)
{
    // Encoded, so that whatever was typed stays one path segment.
    const QString segment = QString::fromLatin1(QUrl::toPercentEncoding(username));
    send("GET", u"/api/v1/users/"_s + segment, std::nullopt, true,
         [done = std::move(done)](Answer answer) {
             done(decode(std::move(answer), &UserInfo::fromJson));
         });
}

void ServerApi::discovery(std::function<void(Result<DiscoveryResponse>)> done)
{
    send("GET", u"/api/v1/discovery"_s, std::nullopt, false,
         [done = std::move(done)](Answer answer) {
             done(decode(std::move(answer), &DiscoveryResponse::fromJson));
         });
}

void ServerApi::send(const QByteArray &verb, const QString &path,
                     const std::optional<QJsonObject> &body, bool authenticated,
                     std::function<void(Answer)> handle)
{
    if (m_baseUrl.host().isEmpty()) {
        QMetaObject::invokeMethod(
            this,
            [handle = std::move(handle)] {
                handle(Error { ErrorCode::Unavailable,
                               u"Cannot reach the server: no server address"_s });
            },
            Qt::QueuedConnection);
        return;
    }
    QUrl url = m_baseUrl;
    url.setPath(path);
    QNetworkRequest request(url);
    request.setTransferTimeout(m_timeoutMs);
    if (m_ssl)
        request.setSslConfiguration(*m_ssl);
    request.setRawHeader("Accept", "application/json");
    if (authenticated)
        request.setRawHeader("Authorization", "Bearer " + m_token.toUtf8());
    QByteArray data;
    if (body) {
        data = QJsonDocument(*body).toJson(QJsonDocument::Compact);
        request.setHeader(QNetworkRequest::ContentTypeHeader, "application/json"_ba);
    }
    QNetworkReply *reply = m_network.sendCustomRequest(request, verb, data);
    const int timeoutMs = m_timeoutMs;
    connect(reply, &QNetworkReply::finished, this,
            [reply, verb, path, timeoutMs, handle = std::move(handle)] {
                reply->deleteLater();
                Answer answer = interpret(*reply, timeoutMs);
                if (!answer) {
                    qCDebug(lcClientApi, "%s %s: %s", verb.constData(), qUtf8Printable(path),
                            qUtf8Printable(answer.error().message));
                }
                handle(std::move(answer));
            });
}

} // namespace confab::client
