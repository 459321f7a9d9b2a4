// The stateless HTTP API of PROTOCOL.md §2: register, login, logout, me, devices, users,
// discovery, health and metrics. Requests are answered on the accounts pool, whose threads may
// block (argon2id hashing, waiting for the writer's commit); the event loops never do.
#pragma once

#include "common/Result.h"
#include "server/http/HttpParser.h"
#include "server/store/Accounts.h"

#include <QHostAddress>
#include <QJsonObject>

#include <functional>

namespace confab {

struct ServerContext;

class HttpApi
{
public:
    using Respond = std::function<void(http::HttpResponse)>;

    // The context must outlive the API; set before the first request.
    void setContext(ServerContext *context) { m_context = context; }

    static const http::HttpLimits &limits();

    // Answers `request` through `respond`, called once from any thread.
    void handle(const http::HttpRequest &request, const QHostAddress &peer, Respond respond);

private:
    struct Call;
    http::HttpResponse route(const Call &call, store::Statements &sql);

    http::HttpResponse registerAccount(const Call &call);
    http::HttpResponse login(const Call &call, store::Statements &sql);
    http::HttpResponse logout(const Call &call, const store::DeviceAuth &device);
    http::HttpResponse me(const store::DeviceAuth &device, store::Statements &sql);
    http::HttpResponse removeDevice(const store::DeviceAuth &device, const QString &idText);
    http::HttpResponse user(const QString &username, store::Statements &sql);
    http::HttpResponse discovery(const Call &call);
    http::HttpResponse health(store::Statements &sql);
    http::HttpResponse metrics();

    Result<store::DeviceAuth> authenticate(const Call &call, store::Statements &sql);

    ServerContext *m_context = nullptr;
};

} // namespace confab
