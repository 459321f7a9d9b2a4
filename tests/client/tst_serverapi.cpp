// ServerApi against a real confabd (every call, its successes and its errors), and against
// servers that are not confabd: none at all, one that never answers, and one that answers
// something other than the API.
#include "client/ServerApi.h"
#include "tests/support/Accounts.h"

#include <QElapsedTimer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace confab;
using client::ServerApi;
using test::kPassword;

namespace {

constexpr int kAnswerTimeoutMs = 20'000;
const QString kOk = u"ok"_s;

// Runs one call and waits for its answer; a missing answer is reported as an Internal error.
template<typename T, typename Call>
Result<T> await(Call &&call, int timeoutMs = kAnswerTimeoutMs)
{
    std::optional<Result<T>> result;
    int answers = 0;
    call([&](Result<T> answer) {
        ++answers;
        result.emplace(std::move(answer));
    });
    if (!QTest::qWaitFor([&] { return result.has_value(); }, timeoutMs))
        return Error { ErrorCode::Internal, u"test: no answer"_s };
    if (answers != 1)
        return Error { ErrorCode::Internal, u"test: answered %1 times"_s.arg(answers) };
    return std::move(*result);
}

// "ok", or the error's wire name: readable in a failing QCOMPARE.
template<typename T>
QString outcome(const Result<T> &result)
{
    return result ? kOk : wireName(result.error().code);
}

template<typename T>
QByteArray describe(const Result<T> &result)
{
    return result ? QByteArray("ok") : result.error().message.toUtf8();
}

// A port nothing listens on (taken from the OS, then released).
quint16 unusedPort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost))
        return 0;
    return probe.serverPort();
}

// Accepts connections and answers every request with `response`, then closes; with an empty
// `response`, closes at once; with `silent`, says nothing at all, ever.
void serveCanned(QTcpServer &server, const QByteArray &response, bool silent = false)
{
    QObject::connect(&server, &QTcpServer::newConnection, &server, [&server, response, silent] {
        while (QTcpSocket *socket = server.nextPendingConnection()) {
            if (silent)
                continue; // stays open, as a child of the server
            if (response.isEmpty()) {
                socket->disconnectFromHost();
                continue;
            }
            QObject::connect(socket, &QTcpSocket::readyRead, socket, [socket, response] {
                if (!socket->peek(socket->bytesAvailable()).contains("\r\n\r\n"))
                    return;
                socket->readAll();
                socket->write(response);
                socket->disconnectFromHost();
            });
        }
    });
}

} // namespace

class TestServerApi : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void registerAccount_data();
    void registerAccount();
    void login_data();
    void login();
    void me();
    void user_data();
    void user();
    void removeDevice();
    void logout();
    void discovery();
    void webSocketUrl_data();
    void webSocketUrl();
    void baseUrlWithoutScheme_data();
    void baseUrlWithoutScheme();

    void unreachable_data();
    void unreachable();
    void timeout();
    void notTheApi_data();
    void notTheApi();

private:
    QUrl baseUrl() const { return QUrl(u"http://127.0.0.1:%1"_s.arg(m_server.port())); }
    // Registers `username` (unless it exists) and logs in one device.
    LoginResponse device(const QString &username, const QString &deviceName = u"test"_s);

    test::ServerProcess m_server;
};

void TestServerApi::initTestCase()
{
    QVERIFY2(m_server.start(), qPrintable(m_server.errorString()));
    ServerApi api(baseUrl());
    const auto taken = await<UserInfo>([&](auto done) {
        api.registerAccount({ u"taken"_s, kPassword, u"Taken"_s }, done);
    });
    QVERIFY2(taken, describe(taken).constData());
}

void TestServerApi::cleanupTestCase()
{
    QCOMPARE(m_server.stop(), 0);
}

LoginResponse TestServerApi::device(const QString &username, const QString &deviceName)
{
    ServerApi api(baseUrl());
    const auto registered = await<UserInfo>([&](auto done) {
        api.registerAccount({ username, kPassword, {} }, done);
    });
    if (!registered && registered.error().code != ErrorCode::UsernameTaken)
        return {};
    const auto login = await<LoginResponse>([&](auto done) {
        api.login({ username, kPassword, deviceName }, done);
    });
    return login ? *login : LoginResponse {};
}

void TestServerApi::registerAccount_data()
{
    QTest::addColumn<QString>("username");
    QTest::addColumn<QString>("password");
    QTest::addColumn<QString>("displayName");
    QTest::addColumn<QString>("expected"); // "ok" or the error code
    QTest::addColumn<QString>("storedName");
    QTest::addColumn<QString>("shownName");

    QTest::newRow("created") << u"carol"_s << kPassword << u"Carol C."_s << kOk << u"carol"_s
                             << u"Carol C."_s;
    QTest::newRow("normalised") << u"DaVe"_s << kPassword << QString() << kOk << u"dave"_s
                                << u"dave"_s;
    QTest::newRow("taken") << u"taken"_s << kPassword << QString() << u"username_taken"_s
                           << QString() << QString();
    QTest::newRow("taken, other case")
        << u"TAKEN"_s << kPassword << QString() << u"username_taken"_s << QString() << QString();
    QTest::newRow("weak password")
        << u"frank"_s << u"short"_s << QString() << u"weak_password"_s << QString() << QString();
    QTest::newRow("invalid username")
        << u"x!y"_s << kPassword << QString() << u"invalid_username"_s << QString() << QString();
    QTest::newRow("username too short")
        << u"ab"_s << kPassword << QString() << u"invalid_username"_s << QString() << QString();
}

void TestServerApi::registerAccount()
{
    QFETCH(QString, username);
    QFETCH(QString, password);
    QFETCH(QString, displayName);
    QFETCH(QString, expected);
    QFETCH(QString, storedName);
    QFETCH(QString, shownName);

    ServerApi api(baseUrl());
    const auto result = await<UserInfo>([&](auto done) {
        api.registerAccount({ username, password, displayName }, done);
    });
    QCOMPARE(outcome(result), expected);
    if (result) {
        QCOMPARE(result->username, storedName);
        QCOMPARE(result->displayName, shownName);
    } else {
        QVERIFY(!result.error().message.isEmpty()); // the server's explanation
    }
}

void TestServerApi::login_data()
{
    QTest::addColumn<QString>("username");
    QTest::addColumn<QString>("password");
    QTest::addColumn<QString>("expected");

    QTest::newRow("ok") << u"taken"_s << kPassword << kOk;
    QTest::newRow("username in another case") << u"TaKeN"_s << kPassword << kOk;
    QTest::newRow("bad password") << u"taken"_s << u"wrong password"_s << u"bad_credentials"_s;
    QTest::newRow("unknown user") << u"nobody"_s << kPassword << u"bad_credentials"_s;
}

void TestServerApi::login()
{
    QFETCH(QString, username);
    QFETCH(QString, password);
    QFETCH(QString, expected);

    ServerApi api(baseUrl());
    const auto result = await<LoginResponse>([&](auto done) {
        api.login({ username, password, u"laptop"_s }, done);
    });
    QCOMPARE(outcome(result), expected);
    if (result) {
        QVERIFY(result->token.size() >= 22); // at least 128 bits, however encoded
        QVERIFY(result->deviceId > 0);
        QCOMPARE(result->username, u"taken"_s);
    }
}

void TestServerApi::me()
{
    const LoginResponse laptop = device(u"mia"_s, u"laptop"_s);
    const LoginResponse phone = device(u"mia"_s, u"phone"_s);
    QVERIFY(!laptop.token.isEmpty() && !phone.token.isEmpty());
    QVERIFY(laptop.deviceId != phone.deviceId);

    ServerApi api(baseUrl());
    api.setToken(phone.token);
    QCOMPARE(api.token(), phone.token);
    const auto me = await<MeResponse>([&](auto done) { api.me(done); });
    QVERIFY2(me, describe(me).constData());
    QCOMPARE(me->username, u"mia"_s);
    QCOMPARE(me->displayName, u"mia"_s);
    QCOMPARE(me->devices.size(), 2);
    QHash<qint64, QString> names;
    for (const DeviceInfo &info : me->devices) {
        names.insert(info.deviceId, info.name);
        QVERIFY(info.createdAt > 0);
        QVERIFY(!info.online); // nobody is connected over WebSocket
    }
    QCOMPARE(names.value(laptop.deviceId), u"laptop"_s);
    QCOMPARE(names.value(phone.deviceId), u"phone"_s);

    api.setToken({});
    QCOMPARE(outcome(await<MeResponse>([&](auto done) { api.me(done); })), u"unauthorized"_s);
    api.setToken(u"not-a-token"_s);
    QCOMPARE(outcome(await<MeResponse>([&](auto done) { api.me(done); })), u"unauthorized"_s);
}

void TestServerApi::user_data()
{
    QTest::addColumn<QString>("username");
    QTest::addColumn<bool>("authenticated");
    QTest::addColumn<QString>("expected");

    QTest::newRow("found") << u"taken"_s << true << kOk;
    QTest::newRow("found, other case") << u"TAKEN"_s << true << kOk;
    QTest::newRow("unknown") << u"nobody"_s << true << u"not_found"_s;
    QTest::newRow("not a username") << u"no/such"_s << true << u"not_found"_s;
    QTest::newRow("without a token") << u"taken"_s << false << u"unauthorized"_s;
}

void TestServerApi::user()
{
    QFETCH(QString, username);
    QFETCH(bool, authenticated);
    QFETCH(QString, expected);

    const LoginResponse viewer = device(u"viewer"_s);
    QVERIFY(!viewer.token.isEmpty());
    ServerApi api(baseUrl());
    if (authenticated)
        api.setToken(viewer.token);
    const auto result = await<UserInfo>([&](auto done) { api.user(username, done); });
    QCOMPARE(outcome(result), expected);
    if (result) {
        QCOMPARE(result->username, u"taken"_s);
        QCOMPARE(result->displayName, u"Taken"_s);
    }
}

void TestServerApi::removeDevice()
{
    const LoginResponse kept = device(u"rita"_s, u"kept"_s);
    const LoginResponse removed = device(u"rita"_s, u"removed"_s);
    QVERIFY(!kept.token.isEmpty() && !removed.token.isEmpty());

    ServerApi api(baseUrl());
    api.setToken(kept.token);
    const auto done =
        await<Done>([&](auto callback) { api.removeDevice(removed.deviceId, callback); });
    QVERIFY2(done, describe(done).constData());

    ServerApi removedApi(baseUrl());
    removedApi.setToken(removed.token);
    QCOMPARE(outcome(await<MeResponse>([&](auto callback) { removedApi.me(callback); })),
             u"unauthorized"_s);
    const auto me = await<MeResponse>([&](auto callback) { api.me(callback); });
    QVERIFY2(me, describe(me).constData());
    QCOMPARE(me->devices.size(), 1);
    QCOMPARE(me->devices.first().deviceId, kept.deviceId);

    QCOMPARE(
        outcome(await<Done>([&](auto callback) { api.removeDevice(removed.deviceId, callback); })),
        u"not_found"_s);
}

void TestServerApi::logout()
{
    const LoginResponse session = device(u"leo"_s);
    QVERIFY(!session.token.isEmpty());
    ServerApi api(baseUrl());
    api.setToken(session.token);
    QCOMPARE(outcome(await<MeResponse>([&](auto done) { api.me(done); })), kOk);

    const auto done = await<Done>([&](auto callback) { api.logout(callback); });
    QVERIFY2(done, describe(done).constData());
    QCOMPARE(outcome(await<MeResponse>([&](auto callback) { api.me(callback); })),
             u"unauthorized"_s);
    QCOMPARE(outcome(await<Done>([&](auto callback) { api.logout(callback); })), u"unauthorized"_s);
}

void TestServerApi::discovery()
{
    ServerApi api(baseUrl());
    const auto found = await<DiscoveryResponse>([&](auto done) { api.discovery(done); });
    QVERIFY2(found, describe(found).constData());
    QVERIFY(!found->servers.isEmpty());
    const QString offered = found->servers.first().url;
    QVERIFY2(offered.endsWith(u"/ws"_s), qUtf8Printable(offered));
    QCOMPARE(QUrl(offered), m_server.wsUrl());
    QCOMPARE(ServerApi::webSocketUrl(api.baseUrl(), *found), QUrl(offered));
    QCOMPARE(ServerApi::webSocketUrl(api.baseUrl(), DiscoveryResponse {}), m_server.wsUrl());
}

void TestServerApi::webSocketUrl_data()
{
    QTest::addColumn<QString>("base");
    QTest::addColumn<QString>("offered"); // empty: discovery offers no server
    QTest::addColumn<QString>("expected");

    QTest::newRow("http") << u"http://chat.example.org:8080"_s << QString()
                          << u"ws://chat.example.org:8080/ws"_s;
    QTest::newRow("https") << u"https://chat.example.org"_s << QString()
                           << u"wss://chat.example.org/ws"_s;
    QTest::newRow("trailing path")
        << u"http://host:1234/some/path/?q=1#f"_s << QString() << u"ws://host:1234/ws"_s;
    QTest::newRow("no scheme, host:port")
        << u"localhost:8080"_s << QString() << u"ws://localhost:8080/ws"_s;
    QTest::newRow("no scheme, ip:port")
        << u"127.0.0.1:8080"_s << QString() << u"ws://127.0.0.1:8080/ws"_s;
    QTest::newRow("no scheme, host")
        << u"chat.example.org"_s << QString() << u"ws://chat.example.org/ws"_s;
    QTest::newRow("wss base") << u"wss://chat.example.org/ws"_s << QString()
                              << u"wss://chat.example.org/ws"_s;
    QTest::newRow("discovery wins")
        << u"http://a.example.org:1"_s << u"wss://b.example.org:8443/ws"_s
        << u"wss://b.example.org:8443/ws"_s;
    QTest::newRow("no base, discovery")
        << QString() << u"ws://b.example.org/ws"_s << u"ws://b.example.org/ws"_s;
    QTest::newRow("unusable offer")
        << u"https://a.example.org"_s << u"not a url"_s << u"wss://a.example.org/ws"_s;
    QTest::newRow("nothing") << QString() << QString() << QString();
}

void TestServerApi::webSocketUrl()
{
    QFETCH(QString, base);
    QFETCH(QString, offered);
    QFETCH(QString, expected);

    DiscoveryResponse discovery;
    if (!offered.isEmpty())
        discovery.servers.append({ offered, 0.0 });
    QCOMPARE(ServerApi::webSocketUrl(QUrl(base), discovery), QUrl(expected));
}

void TestServerApi::baseUrlWithoutScheme_data()
{
    QTest::addColumn<QString>("host");
    QTest::newRow("ip:port") << u"127.0.0.1"_s;
    QTest::newRow("localhost:port") << u"localhost"_s;
}

void TestServerApi::baseUrlWithoutScheme()
{
    QFETCH(QString, host);
    const QString base = u"%1:%2"_s.arg(host).arg(m_server.port());
    ServerApi api(QUrl(base + u"/ignored/path"_s));
    QCOMPARE(api.baseUrl(), QUrl(u"http://"_s + base));
    const auto found = await<DiscoveryResponse>([&](auto done) { api.discovery(done); });
    QVERIFY2(found, describe(found).constData());
    // confabd builds the URL from the Host header it was sent.
    QCOMPARE(ServerApi::webSocketUrl(api.baseUrl(), *found), QUrl(u"ws://%1/ws"_s.arg(base)));

    api.setBaseUrl(QUrl(u"ws://%1/ws"_s.arg(base)));
    QCOMPARE(api.baseUrl(), QUrl(u"http://"_s + base));
}

void TestServerApi::unreachable_data()
{
    QTest::addColumn<QUrl>("base");
    QTest::addColumn<QString>("reason");

    const quint16 port = unusedPort();
    QVERIFY(port != 0);
    QTest::newRow("nothing listens") << QUrl(u"http://127.0.0.1:%1"_s.arg(port))
                                     << u"Cannot reach the server: Connection refused"_s;
    QTest::newRow("unknown host")
        << QUrl(u"http://confab-test.invalid:8080"_s)
        << u"Cannot reach the server: Host confab-test.invalid not found"_s;
    QTest::newRow("no address") << QUrl() << u"Cannot reach the server: no server address"_s;
}

void TestServerApi::unreachable()
{
    QFETCH(QUrl, base);
    QFETCH(QString, reason);

    ServerApi api(base);
    api.setToken(u"whatever"_s);
    QElapsedTimer clock;
    clock.start();
    const auto me = await<MeResponse>([&](auto done) { api.me(done); });
    QCOMPARE(outcome(me), u"unavailable"_s);
    QCOMPARE(me.error().message, reason);
    QVERIFY2(clock.elapsed() < 5'000, QByteArray::number(clock.elapsed()).constData());
    const auto login = await<LoginResponse>([&](auto done) {
        api.login({ u"a"_s, u"b"_s, {} }, done);
    });
    QCOMPARE(outcome(login), u"unavailable"_s);
}

void TestServerApi::timeout()
{
    QTcpServer silent;
    serveCanned(silent, {}, true);
    QVERIFY(silent.listen(QHostAddress::LocalHost));

    ServerApi api(QUrl(u"http://127.0.0.1:%1"_s.arg(silent.serverPort())));
    api.setTimeout(700);
    QElapsedTimer clock;
    clock.start();
    const auto found = await<DiscoveryResponse>([&](auto done) { api.discovery(done); });
    const qint64 elapsed = clock.elapsed();
    QCOMPARE(outcome(found), u"unavailable"_s);
    QCOMPARE(found.error().message, u"Cannot reach the server: no answer within 0.7 s"_s);
    QVERIFY2(elapsed >= 600 && elapsed < 5'000, QByteArray::number(elapsed).constData());
}

void TestServerApi::notTheApi_data()
{
    QTest::addColumn<QByteArray>("response"); // empty: the connection closes without a word
    QTest::addColumn<QString>("expected");
    QTest::addColumn<QString>("message");

    const auto http = [](QByteArrayView status, QByteArrayView type,
                         QByteArrayView body) -> QByteArray {
        QByteArray response = "HTTP/1.1 " + status.toByteArray() + "\r\n";
        if (!type.isEmpty())
            response += "Content-Type: " + type.toByteArray() + "\r\n";
        return response + "Content-Length: " + QByteArray::number(body.size())
            + "\r\nConnection: close\r\n\r\n" + body.toByteArray();
    };
    QTest::newRow("web page") << http("200 OK", "text/html", "<html>hello</html>")
                              << u"unavailable"_s
                              << u"The server's answer is not JSON (HTTP 200)"_s;
    QTest::newRow("404 page") << http("404 Not Found", "text/html", "<html>no</html>")
                              << u"unavailable"_s
                              << u"The server answered HTTP 404 Not Found, not the Confab API"_s;
    QTest::newRow("502 from a proxy") << http("502 Bad Gateway", {}, {}) << u"unavailable"_s
                                      << u"The server answered HTTP 502 Bad Gateway, not the "
                                         "Confab API"_s;
    QTest::newRow("401 without a body") << http("401 Unauthorized", {}, {}) << u"unauthorized"_s
                                        << u"The server refused the token (HTTP 401)"_s;
    QTest::newRow("API error") << http("500 Internal Server Error", "application/json",
                                       R"({"error":{"code":"internal","message":"disk full"}})")
                               << u"internal"_s << u"disk full"_s;
    QTest::newRow("rate limited") << http("429 Too Many Requests", "application/json",
                                          R"({"error":{"code":"rate_limited","message":"slow"}})")
                                  << u"rate_limited"_s << u"slow"_s;
    QTest::newRow("JSON of another shape")
        << http("200 OK", "application/json", R"({"hello":"world"})") << u"unavailable"_s
        << u"The server's answer is not the Confab API: missing field 'username'"_s;
    QTest::newRow("no body") << http("204 No Content", {}, {}) << u"unavailable"_s
                             << u"The server answered without a body"_s;
    QTest::newRow("not HTTP") << QByteArray("SSH-2.0-OpenSSH_9.2\r\n\r\n") << u"unavailable"_s
                              << QString();
    QTest::newRow("closed at once") << QByteArray() << u"unavailable"_s << QString();
}

void TestServerApi::notTheApi()
{
    QFETCH(QByteArray, response);
    QFETCH(QString, expected);
    QFETCH(QString, message);

    QTcpServer other;
    serveCanned(other, response);
    QVERIFY(other.listen(QHostAddress::LocalHost));
    ServerApi api(QUrl(u"http://127.0.0.1:%1"_s.arg(other.serverPort())));
    api.setToken(u"token"_s);
    const auto me = await<MeResponse>([&](auto done) { api.me(done); });
    QCOMPARE(outcome(me), expected);
    if (message.isEmpty()) {
        QVERIFY2(me.error().message.startsWith(u"Cannot reach the server: "_s),
                 describe(me).constData());
        QVERIFY(me.error().message.size() > 25); // and something after it
    } else {
        QCOMPARE(me.error().message, message);
    }
}

QTEST_GUILESS_MAIN(TestServerApi)
#include "tst_serverapi.moc"
