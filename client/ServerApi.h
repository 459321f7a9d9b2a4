// The HTTP API of a Confab server (PROTOCOL.md §2), asynchronous. Every call answers exactly once
// through its callback, on the thread that made the call: the decoded body, the server's error
// (its code and message), or ErrorCode::Unavailable with a readable reason when the server cannot
// be reached or answers something that is not the API (timeouts included). A ServerApi destroyed
// with calls under way drops their callbacks.
#pragma once

#include "common/HttpTypes.h"
#include "common/Result.h"

#include <QNetworkAccessManager>
#include <QObject>
#include <QSslConfiguration>
#include <QUrl>

#include <functional>
#include <optional>

namespace confab::client {

class ServerApi : public QObject
{
    Q_OBJECT
public:
    // `baseUrl`: http(s)://host:port of the server (a trailing path is ignored). Without a scheme
    // ("localhost:8080", "chat.example.org") it means http; ws(s):// means http(s)://.
    explicit ServerApi(QUrl baseUrl = {}, QObject *parent = nullptr);
    ~ServerApi() override;

    void setBaseUrl(const QUrl &baseUrl);
    QUrl baseUrl() const { return m_baseUrl; }
    // The device token used by the calls that need one.
    void setToken(const QString &token) { m_token = token; }
    QString token() const { return m_token; }
    // TLS settings for https:// servers, e.g. a CA to trust for a self-signed certificate
    // (default: the system's).
    void setSslConfiguration(const QSslConfiguration &ssl) { m_ssl = ssl; }
    // Requests that take longer fail with Unavailable (default 15 s).
    void setTimeout(int ms) { m_timeoutMs = ms; }

    void registerAccount(const RegisterRequest &request,
                         std::function<void(Result<UserInfo>)> done);
    void login(const LoginRequest &request, std::function<void(Result<LoginResponse>)> done);
    void logout(std::function<void(Result<Done>)> done);
    void me(std::function<void(Result<MeResponse>)> done);
    void removeDevice(qint64 deviceId, std::function<void(Result<Done>)> done);
    void user(const QString &username, std::function<void(Result<UserInfo>)> done);
    void discovery(std::function<void(Result<DiscoveryResponse>)> done);

    // The WebSocket URL to use: the first server discovery offers, else ws(s)://<base>/ws.
    static QUrl webSocketUrl(const QUrl &baseUrl, const DiscoveryResponse &discovery);
    // `baseUrl` as the calls use it: scheme http or https, no path, query or fragment.
    static QUrl normalizedBaseUrl(const QUrl &baseUrl);

private:
    // What a call got back, before decoding: the error, or the JSON body (none for a 204).
    using Answer = Result<std::optional<QJsonObject>>;
    void send(const QByteArray &verb, const QString &path, const std::optional<QJsonObject> &body,
              bool authenticated, std::function<void(Answer)> handle);

    QNetworkAccessManager m_network;
    QUrl m_baseUrl;
    QString m_token;
    std::optional<QSslConfiguration> m_ssl;
    int m_timeoutMs = 15'000;
};

} // namespace confab::client
