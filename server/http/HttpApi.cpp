#include "server/http/HttpApi.h"

#include "common/HttpTypes.h"
#include "common/JsonNesting.h"
#include "common/Validation.h"
#include "server/Config.h"
#include "server/Credentials.h"
#include "server/Logging.h"
#include "server/Metrics.h"
#include "server/Router.h"
#include "server/ServerContext.h"
#include "server/limits/AbuseLimits.h"
#include "server/store/QueryPool.h"
#include "server/store/Writer.h"
#include "server/ws/WebSocketProtocol.h"

#include <QJsonDocument>
#include <QJsonParseError>
#include <QSqlQuery>

namespace confab {

using namespace Qt::StringLiterals;
using http::HttpRequest;
using http::HttpResponse;

namespace {

HttpResponse json(int status, const QJsonObject &body)
{
    HttpResponse response;
    response.status = status;
    response.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    return response;
}

HttpResponse failure(const Error &error)
{
    return http::errorResponse(httpStatus(error.code), error);
}

HttpResponse failure(ErrorCode code, const QString &message)
{
    return failure(Error { code, message });
}

// 429 with Retry-After: the seconds until the limit lets the next attempt through.
HttpResponse rateLimited(qint64 retryAfterMs)
{
    const qint64 seconds = qMax<qint64>(1, (retryAfterMs + 999) / 1000);
    HttpResponse response =
        failure(ErrorCode::RateLimited, u"too many attempts; try again in %1 s"_s.arg(seconds));
    response.headers.append(
        std::pair<QByteArray, QByteArray>("Retry-After", QByteArray::number(seconds)));
    return response;
}

HttpResponse noContent()
{
    HttpResponse response;
    response.status = 204;
    response.contentType.clear();
    return response;
}

HttpResponse methodNotAllowed(const QByteArray &allow)
{
    HttpResponse response = failure(ErrorCode::MethodNotAllowed, u"method not allowed"_s);
    response.headers.append({ "Allow", allow });
    return response;
}

Result<QJsonObject> jsonBody(const HttpRequest &request, Metrics &metrics)
{
    if (jsonNestingDepth(request.body) > limits::kMaxJsonNesting) {
        metrics.refuse(Refusal::JsonNesting);
        return Error { ErrorCode::BadRequest,
                       u"JSON nested deeper than %1 levels"_s.arg(limits::kMaxJsonNesting) };
    }
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(request.body, &error);
    if (error.error != QJsonParseError::NoError)
        return Error { ErrorCode::BadRequest,
                       u"malformed JSON body: %1"_s.arg(error.errorString()) };
    if (!document.isObject())
        return Error { ErrorCode::BadRequest, u"the body must be a JSON object"_s };
    return document.object();
}

} // namespace

struct HttpApi::Call
{
    const HttpRequest &request;
    QHostAddress peer;
    QStringList segments; // path split on '/', without the empty first one
};

const http::HttpLimits &HttpApi::limits()
{
    static const http::HttpLimits limits { 16 * 1024, 1024 * 1024, 100 };
    return limits;
}

void HttpApi::handle(const HttpRequest &request, const QHostAddress &peer, Respond respond)
{
    m_context->accounts.post(
        [this, request, peer, respond = std::move(respond)](store::Statements &sql) {
            Call call { request, peer, request.path.split(u'/', Qt::SkipEmptyParts) };
            HttpResponse response = route(call, sql);
            qCDebug(lcHttp, "%s %s -> %d", request.method.constData(), qUtf8Printable(request.path),
                    response.status);
            respond(std::move(response));
        });
}

HttpResponse HttpApi::route(const Call &call, store::Statements &sql)
{
    const QByteArray &method = call.request.method;
    const QStringList &s = call.segments;
    const bool api = s.size() >= 3 && s[0] == "api"_L1 && s[1] == "v1"_L1;
    auto expect = [&](const char *allowed) {
        return method == allowed;
    };

    if (s == QStringList { u"healthz"_s })
        return expect("GET") ? health(sql) : methodNotAllowed("GET");
    if (s == QStringList { u"metrics"_s })
        return expect("GET") ? metrics() : methodNotAllowed("GET");
    if (!api || s.size() > 4)
        return failure(ErrorCode::NotFound, u"no such resource: %1"_s.arg(call.request.path));

    const QString &resource = s[2];
    if (s.size() == 3 && resource == "register"_L1)
        return expect("POST") ? registerAccount(call) : methodNotAllowed("POST");
    if (s.size() == 3 && resource == "login"_L1)
        return expect("POST") ? login(call, sql) : methodNotAllowed("POST");
    if (s.size() == 3 && resource == "discovery"_L1)
        return expect("GET") ? discovery(call) : methodNotAllowed("GET");

    // Everything else needs a device token.
    const bool known = (s.size() == 3 && (resource == "logout"_L1 || resource == "me"_L1))
        || (s.size() == 4 && (resource == "devices"_L1 || resource == "users"_L1));
    if (!known)
        return failure(ErrorCode::NotFound, u"no such resource: %1"_s.arg(call.request.path));
    const char *allowed = resource == "logout"_L1 ? "POST"
        : resource == "devices"_L1                ? "DELETE"
                                                  : "GET";
    if (!expect(allowed))
        return methodNotAllowed(allowed);
    const auto device = authenticate(call, sql);
    if (!device)
        return failure(device.error());
    if (resource == "logout"_L1)
        return logout(call, *device);
    if (resource == "me"_L1)
        return me(*device, sql);
    if (resource == "devices"_L1)
        return removeDevice(*device, s[3]);
    return user(s[3], sql);
}

Result<store::DeviceAuth> HttpApi::authenticate(const Call &call, store::Statements &sql)
{
    const QByteArray header = call.request.header("Authorization");
    if (!header.startsWith("Bearer ") || header.size() <= 7)
        return Error { ErrorCode::Unauthorized, u"missing 'Authorization: Bearer <token>'"_s };
    const QString token = QString::fromLatin1(header.mid(7).trimmed());
    auto device = store::accounts::deviceByToken(sql, credentials::tokenHash(token));
    if (!device && device.error().code != ErrorCode::Internal)
        return Error { ErrorCode::Unauthorized, u"the token is not valid"_s };
    return device;
}

HttpResponse HttpApi::registerAccount(const Call &call)
{
    const auto body = jsonBody(call.request, m_context->metrics);
    if (!body)
        return failure(body.error());
    const auto request = RegisterRequest::fromJson(*body);
    if (!request)
        return failure(request.error());
    qint64 retryAfterMs = 0;
    if (!m_context->limits.registerPerAddress.tryTake(limits::addressKey(call.peer),
                                                      &retryAfterMs)) {
        m_context->metrics.refuse(Refusal::RegisterAddress);
        return rateLimited(retryAfterMs);
    }
    const auto hash = credentials::hashPassword(request->password);
    if (!hash)
        return failure(ErrorCode::Internal, u"cannot hash the password"_s);
    const auto created =
        m_context->writer.run<UserInfo>([request = *request, hash = *hash](store::WriteTxn &txn) {
            return store::accounts::createUser(txn, request.username, request.displayName, hash);
        });
    if (!created)
        return failure(created.error());
    ++m_context->metrics.registrations;
    qCInfo(lcHttp, "registered %s", qUtf8Printable(created->username));
    return json(201, created->toJson());
}

HttpResponse HttpApi::login(const Call &call, store::Statements &sql)
{
    const auto body = jsonBody(call.request, m_context->metrics);
    if (!body)
        return failure(body.error());
    const auto request = LoginRequest::fromJson(*body);
    if (!request)
        return failure(request.error());
    const auto badCredentials = [&] {
        ++m_context->metrics.loginFailures;
        return failure(ErrorCode::BadCredentials, u"wrong username or password"_s);
    };
    const auto username = validation::normalizeUsername(request->username);
    // Limited before anything looks the account up, so a known and an unknown username are
    // limited and answered alike.
    qint64 retryAfterMs = 0;
    if (!m_context->limits.loginPerAddress.tryTake(limits::addressKey(call.peer), &retryAfterMs)) {
        m_context->metrics.refuse(Refusal::LoginAddress);
        return rateLimited(retryAfterMs);
    }
    if (!m_context->limits.loginPerUser.tryTake(username ? *username : request->username.toLower(),
                                                &retryAfterMs)) {
        m_context->metrics.refuse(Refusal::LoginUser);
        return rateLimited(retryAfterMs);
    }
    const auto account = username ? store::accounts::findAccount(sql, *username)
                                  : Result<store::Account>(ErrorCode::NotFound, {});
    if (!account) {
        if (account.error().code == ErrorCode::Internal)
            return failure(account.error());
        credentials::verifyAgainstDummy(request->password);
        return badCredentials();
    }
    if (!credentials::verifyPassword(account->passwordHash, request->password))
        return badCredentials();

    const QString token = credentials::newToken();
    const QString deviceName = request->deviceName.isEmpty() ? u"device"_s : request->deviceName;
    const qint64 userId = account->userId;
    const int maxDevices = m_context->config.maxDevicesPerAccount;
    const auto device = m_context->writer.run<qint64>(
        [userId, deviceName, maxDevices,
         hash = credentials::tokenHash(token)](store::WriteTxn &txn) -> Result<qint64> {
            if (maxDevices > 0) {
                const auto count = store::accounts::deviceCount(txn.sql, userId);
                if (!count)
                    return count.error();
                if (*count >= maxDevices)
                    return Error { ErrorCode::Forbidden,
                                   u"this account has %1 devices, the most allowed; remove one "
                                   "first"_s.arg(maxDevices) };
            }
            return store::accounts::createDevice(txn, userId, deviceName, hash);
        });
    if (!device) {
        if (device.error().code == ErrorCode::Forbidden)
            m_context->metrics.refuse(Refusal::Devices);
        return failure(device.error());
    }
    ++m_context->metrics.logins;
    return json(200, LoginResponse { token, *device, account->username }.toJson());
}

HttpResponse HttpApi::logout(const Call &, const store::DeviceAuth &device)
{
    return removeDevice(device, validation::decimalId(device.deviceId));
}

HttpResponse HttpApi::removeDevice(const store::DeviceAuth &device, const QString &idText)
{
    const auto deviceId = validation::parseDecimalId(idText);
    if (!deviceId)
        return failure(ErrorCode::NotFound, u"no such device"_s);
    const qint64 userId = device.userId;
    const auto removed =
        m_context->writer.run<Done>([userId, id = *deviceId](store::WriteTxn &txn) {
            return store::accounts::removeDevice(txn, userId, id);
        });
    if (!removed)
        return failure(removed.error());
    m_context->router.revoke(userId, *deviceId, ws::close::kLoggedOut);
    return noContent();
}

HttpResponse HttpApi::me(const store::DeviceAuth &device, store::Statements &sql)
{
    const auto user = store::accounts::findUser(sql, device.username);
    auto devices = store::accounts::devicesOf(sql, device.userId);
    if (!user || !devices)
        return failure(ErrorCode::Internal, u"storage error"_s);
    const QSet<qint64> online = m_context->router.onlineDevices(device.userId);
    for (DeviceInfo &info : devices.value())
        info.online = online.contains(info.deviceId);
    return json(200, MeResponse { user->username, user->displayName, *devices }.toJson());
}

HttpResponse HttpApi::user(const QString &username, store::Statements &sql)
{
    const auto normalized = validation::normalizeUsername(username);
    if (!normalized)
        return failure(ErrorCode::NotFound, u"no such user"_s);
    const auto found = store::accounts::findUser(sql, *normalized);
    if (!found)
        return failure(found.error());
    return json(200, found->toJson());
}

HttpResponse HttpApi::discovery(const Call &call)
{
    QString url = m_context->config.publicUrl;
    if (url.isEmpty()) {
        QByteArray host = call.request.header("Host");
        if (host.isEmpty()) {
            const auto &config = m_context->config;
            host = config.host.toString().toUtf8() + ':' + QByteArray::number(config.port);
        }
        url = (m_context->config.tls() ? u"wss://"_s : u"ws://"_s) + QString::fromUtf8(host)
            + u"/ws"_s;
    }
    return json(200, DiscoveryResponse { { ServerInfo { url, 0.0 } } }.toJson());
}

HttpResponse HttpApi::health(store::Statements &sql)
{
    auto probe = sql.get(u"SELECT 1 FROM users LIMIT 1"_s);
    if (!probe.run())
        return failure(ErrorCode::Unavailable, u"storage is not usable"_s);
    return json(200, QJsonObject { { "status"_L1, u"ok"_s } });
}

HttpResponse HttpApi::metrics()
{
    HttpResponse response;
    response.contentType = "text/plain; version=0.0.4";
    response.body = m_context->metrics.render();
    return response;
}

} // namespace confab
