// Every call of the HTTP API (PROTOCOL.md §2) against a real confabd, and every HTTP error the
// server gives: validation, credentials, tokens, devices, routing, methods, and malformed or
// oversized requests sent as raw bytes. The server must keep serving after all of it.
#include "tests/support/Accounts.h"
#include "tests/support/WsClient.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace confab::test;

namespace {

// One response read off a raw connection.
struct RawResponse
{
    int status = 0; // 0: no (complete) response
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    QJsonObject json;

    QByteArray header(QByteArrayView name) const
    {
        for (const auto &[key, value] : headers) {
            if (key.compare(name, Qt::CaseInsensitive) == 0)
                return value;
        }
        return {};
    }
    QString errorCode() const
    {
        return json.value("error"_L1).toObject().value("code"_L1).toString();
    }
};

// Splits what the server wrote on one connection into its responses (framed by Content-Length;
// a response without one has no body, which is what confabd sends for 204).
QList<RawResponse> parseResponses(QByteArrayView stream)
{
    QList<RawResponse> responses;
    while (!stream.isEmpty()) {
        const qsizetype headEnd = stream.indexOf("\r\n\r\n");
        if (headEnd < 0)
            break;
        const QList<QByteArray> lines = stream.first(headEnd).toByteArray().split('\n');
        RawResponse response;
        const QList<QByteArray> statusLine = lines.first().trimmed().split(' ');
        if (statusLine.size() < 2 || !statusLine[0].startsWith("HTTP/1."))
            break;
        response.status = statusLine[1].toInt();
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const qsizetype colon = lines[i].indexOf(':');
            if (colon > 0)
                response.headers.append(
                    { lines[i].first(colon).trimmed(), lines[i].sliced(colon + 1).trimmed() });
        }
        const qsizetype length = response.header("Content-Length").toLongLong();
        stream = stream.sliced(headEnd + 4);
        if (stream.size() < length)
            break;
        response.body = stream.first(length).toByteArray();
        stream = stream.sliced(length);
        const QJsonDocument document = QJsonDocument::fromJson(response.body);
        if (document.isObject())
            response.json = document.object();
        responses.append(response);
    }
    return responses;
}

template<typename Reply>
QString errorMessage(const Reply &reply)
{
    return reply.json.value("error"_L1).toObject().value("message"_L1).toString();
}

QJsonObject credentials(const QString &username, const QString &password = kPassword)
{
    return { { "username"_L1, username }, { "password"_L1, password } };
}

QJsonObject findDevice(const QJsonObject &me, const QString &deviceId)
{
    const QJsonArray devices = me.value("devices"_L1).toArray();
    for (const QJsonValue &device : devices) {
        if (device.toObject().value("device_id"_L1).toString() == deviceId)
            return device.toObject();
    }
    return {};
}

QByteArray upgradeHead(const QByteArray &path)
{
    return "GET " + path
        + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
}

} // namespace

// An API error: the status, and {"error":{"code":...,"message":...}} with a human message.
#define QCOMPARE_API_ERROR(reply, expectedStatus, expectedCode)                                    \
    do {                                                                                           \
        QCOMPARE((reply).status, expectedStatus);                                                  \
        QCOMPARE((reply).errorCode(), QString(expectedCode));                                      \
        QVERIFY2(!errorMessage(reply).isEmpty(), (reply).body.constData());                        \
    } while (false)

class TestHttpApi : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void registerCreatesAccount();
    void registerKeepsDisplayName();
    void registerAcceptsBoundaryUsernames_data();
    void registerAcceptsBoundaryUsernames();
    void registerRejectsInvalidUsername_data();
    void registerRejectsInvalidUsername();
    void registerRejectsWeakPassword();
    void registerRejectsTakenUsername();
    void rejectsMalformedBody_data();
    void rejectsMalformedBody();

    void loginCreatesDevice();
    void loginRejectsBadCredentials();
    void everyLoginIsANewDevice();
    void unauthorizedWithoutValidToken_data();
    void unauthorizedWithoutValidToken();
    void logoutRevokesOnlyThisDevice();
    void meListsDevices();
    void deleteDevice();
    void deleteDeviceOfOtherUserIsNotFound();
    void userLookup();
    void tokensSurviveRestart();

    void discovery();
    void health();
    void metrics();
    void unknownRoute_data();
    void unknownRoute();
    void wrongMethod_data();
    void wrongMethod();

    void bodyTooLarge();
    void bodyAtLimitIsAccepted();
    void rawRequestErrors_data();
    void rawRequestErrors();
    void pipelinedRequests_data();
    void pipelinedRequests();

    void serverKeepsServing();

private:
    QUrl url(const QString &path) const { return m_server.httpUrl(path); }
    HttpReply registerUser(const QJsonObject &body)
    {
        return m_http.post(url(u"/api/v1/register"_s), body);
    }
    HttpReply login(const QJsonObject &body) { return m_http.post(url(u"/api/v1/login"_s), body); }
    HttpReply me(const QString &token) { return m_http.get(url(u"/api/v1/me"_s), token); }
    // One request on its own connection ("Connection: close" is added).
    RawResponse rawRequest(const QByteArray &method, const QByteArray &path,
                           const QList<QByteArray> &headerLines = {});

    ServerProcess m_server;
    HttpClient m_http;
    TestDevice m_owner; // an account whose device stays valid throughout
};

RawResponse TestHttpApi::rawRequest(const QByteArray &method, const QByteArray &path,
                                    const QList<QByteArray> &headerLines)
{
    QByteArray request = method + ' ' + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    for (const QByteArray &line : headerLines)
        request += line + "\r\n";
    request += "Connection: close\r\n\r\n";
    const QList<RawResponse> responses = parseResponses(HttpClient::raw(m_server.port(), request));
    return responses.size() == 1 ? responses.first() : RawResponse {};
}

void TestHttpApi::initTestCase()
{
    QVERIFY2(m_server.start(), qPrintable(m_server.errorString()));
    m_owner = makeDevice(m_http, m_server, u"owner"_s);
    QVERIFY(m_owner.ok());
}

void TestHttpApi::cleanupTestCase()
{
    QCOMPARE(m_server.stop(), 0);
}

void TestHttpApi::registerCreatesAccount()
{
    const HttpReply reply = registerUser(credentials(u"NewUser"_s));
    QCOMPARE(reply.status, 201);
    QVERIFY(reply.header("Content-Type").startsWith("application/json"));
    QCOMPARE(reply.json.value("username"_L1).toString(), u"newuser"_s);
    QCOMPARE(reply.json.value("display_name"_L1).toString(), u"newuser"_s);
    // Stored lower-case: the account is found under its lower-case name.
    const HttpReply found = m_http.get(url(u"/api/v1/users/newuser"_s), m_owner.token);
    QCOMPARE(found.status, 200);
    QCOMPARE(found.json.value("username"_L1).toString(), u"newuser"_s);
}

void TestHttpApi::registerKeepsDisplayName()
{
    QJsonObject body = credentials(u"grace"_s);
    body.insert("display_name"_L1, u"Grace Hopper"_s);
    const HttpReply reply = registerUser(body);
    QCOMPARE(reply.status, 201);
    QCOMPARE(reply.json.value("username"_L1).toString(), u"grace"_s);
    QCOMPARE(reply.json.value("display_name"_L1).toString(), u"Grace Hopper"_s);
    const HttpReply found = m_http.get(url(u"/api/v1/users/grace"_s), m_owner.token);
    QCOMPARE(found.json.value("display_name"_L1).toString(), u"Grace Hopper"_s);
}

void TestHttpApi::registerAcceptsBoundaryUsernames_data()
{
    QTest::addColumn<QString>("username");
    QTest::newRow("3 characters") << u"abc"_s;
    QTest::newRow("32 characters") << QString(32, u'z');
    QTest::newRow("every allowed kind") << u"a_b.c-d09"_s;
}

void TestHttpApi::registerAcceptsBoundaryUsernames()
{
    QFETCH(QString, username);
    const HttpReply reply = registerUser(credentials(username));
    QCOMPARE(reply.status, 201);
    QCOMPARE(reply.json.value("username"_L1).toString(), username);
}

void TestHttpApi::registerRejectsInvalidUsername_data()
{
    QTest::addColumn<QString>("username");
    QTest::newRow("empty") << QString();
    QTest::newRow("2 characters") << u"ab"_s;
    QTest::newRow("33 characters") << QString(33, u'y');
    QTest::newRow("space") << u"bad name"_s;
    QTest::newRow("exclamation mark") << u"bob!"_s;
    QTest::newRow("at sign") << u"bob@example"_s;
    QTest::newRow("slash") << u"bob/x"_s;
    QTest::newRow("non-ASCII letter") << u"\u00e9mile"_s;
}

void TestHttpApi::registerRejectsInvalidUsername()
{
    QFETCH(QString, username);
    const HttpReply reply = registerUser(credentials(username));
    QCOMPARE_API_ERROR(reply, 400, u"invalid_username"_s);
    QVERIFY(reply.header("Content-Type").startsWith("application/json"));
}

void TestHttpApi::registerRejectsWeakPassword()
{
    QCOMPARE_API_ERROR(registerUser(credentials(u"weakling"_s, u"1234567"_s)), 400,
                       u"weak_password"_s);
    QCOMPARE_API_ERROR(registerUser(credentials(u"weakling"_s, QString())), 400,
                       u"weak_password"_s);
    // Refused means not created: 8 characters then succeed under the same name.
    QCOMPARE(registerUser(credentials(u"weakling"_s, u"12345678"_s)).status, 201);
}

void TestHttpApi::registerRejectsTakenUsername()
{
    QCOMPARE(registerUser(credentials(u"dave"_s)).status, 201);
    QCOMPARE_API_ERROR(registerUser(credentials(u"dave"_s)), 409, u"username_taken"_s);
    QCOMPARE_API_ERROR(registerUser(credentials(u"DAVE"_s, u"another password"_s)), 409,
                       u"username_taken"_s);
    QCOMPARE_API_ERROR(registerUser(credentials(u"Dave"_s)), 409, u"username_taken"_s);
    // The first account is untouched: its password still logs in.
    QCOMPARE(login(credentials(u"dave"_s)).status, 200);
}

void TestHttpApi::rejectsMalformedBody_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("body");
    const QByteArray password = "\"password\":\"correct horse battery\"";
    for (const QString &path : { u"/api/v1/register"_s, u"/api/v1/login"_s }) {
        const QByteArray p = path.toLatin1();
        QTest::addRow("%s: truncated JSON", p.constData()) << path << QByteArray("{\"username\":");
        QTest::addRow("%s: not JSON", p.constData()) << path << QByteArray("username=x&password=y");
        QTest::addRow("%s: empty", p.constData()) << path << QByteArray();
        QTest::addRow("%s: array", p.constData())
            << path << QByteArray("[\"mallory\",\"correct horse battery\"]");
        QTest::addRow("%s: string", p.constData()) << path << QByteArray("\"mallory\"");
        QTest::addRow("%s: number", p.constData()) << path << QByteArray("42");
        QTest::addRow("%s: null", p.constData()) << path << QByteArray("null");
        QTest::addRow("%s: username a number", p.constData())
            << path << QByteArray("{\"username\":42," + password + '}');
        QTest::addRow("%s: username null", p.constData())
            << path << QByteArray("{\"username\":null," + password + '}');
        QTest::addRow("%s: password a number", p.constData())
            << path << QByteArray("{\"username\":\"mallory\",\"password\":12345678}");
        QTest::addRow("%s: password an array", p.constData())
            << path << QByteArray("{\"username\":\"mallory\",\"password\":[\"a\"]}");
        QTest::addRow("%s: username missing", p.constData())
            << path << QByteArray('{' + password + '}');
    }
    QTest::newRow("register: display_name a number")
        << u"/api/v1/register"_s
        << QByteArray("{\"username\":\"mallory\"," + password + ",\"display_name\":7}");
    QTest::newRow("login: device_name an object")
        << u"/api/v1/login"_s
        << QByteArray("{\"username\":\"owner\"," + password + ",\"device_name\":{}}");
}

void TestHttpApi::rejectsMalformedBody()
{
    QFETCH(QString, path);
    QFETCH(QByteArray, body);
    QCOMPARE_API_ERROR(m_http.postRaw(url(path), body), 400, u"bad_request"_s);
    // Nothing was created by any of them.
    QCOMPARE(m_http.get(url(u"/api/v1/users/mallory"_s), m_owner.token).status, 404);
}

void TestHttpApi::loginCreatesDevice()
{
    QCOMPARE(registerUser(credentials(u"erin"_s)).status, 201);
    for (const QString &spelling : { u"erin"_s, u"ERIN"_s, u"Erin"_s }) {
        const HttpReply reply = login(credentials(spelling));
        QCOMPARE(reply.status, 200);
        QVERIFY(reply.header("Content-Type").startsWith("application/json"));
        QCOMPARE(reply.json.value("username"_L1).toString(), u"erin"_s);
        // At least 128 bits: 22 characters of base64 or 32 of hex.
        const QString token = reply.json.value("token"_L1).toString();
        QVERIFY2(token.size() >= 22, qPrintable(token));
        // 64-bit ids travel as decimal strings.
        const QJsonValue deviceId = reply.json.value("device_id"_L1);
        QVERIFY(deviceId.isString());
        static const QRegularExpression decimal(u"^[0-9]+$"_s);
        QVERIFY2(decimal.match(deviceId.toString()).hasMatch(), qPrintable(deviceId.toString()));
        QCOMPARE(me(token).status, 200);
    }
}

void TestHttpApi::loginRejectsBadCredentials()
{
    QCOMPARE(registerUser(credentials(u"frank"_s)).status, 201);
    const HttpReply wrongPassword = login(credentials(u"frank"_s, u"not the password"_s));
    QCOMPARE_API_ERROR(wrongPassword, 401, u"bad_credentials"_s);
    QVERIFY(!wrongPassword.json.contains("token"_L1));
    // Nothing tells an unknown account from a wrong password.
    const HttpReply unknownUser = login(credentials(u"nosuchuser"_s));
    QCOMPARE_API_ERROR(unknownUser, 401, u"bad_credentials"_s);
    QCOMPARE(errorMessage(unknownUser), errorMessage(wrongPassword));
    const HttpReply invalidName = login(credentials(u"x!"_s));
    QCOMPARE_API_ERROR(invalidName, 401, u"bad_credentials"_s);
    QCOMPARE(errorMessage(invalidName), errorMessage(wrongPassword));
    // A password differing only in case is a wrong password.
    QCOMPARE_API_ERROR(login(credentials(u"frank"_s, kPassword.toUpper())), 401,
                       u"bad_credentials"_s);
}

void TestHttpApi::everyLoginIsANewDevice()
{
    const TestDevice first = makeDevice(m_http, m_server, u"gina"_s);
    const TestDevice second = makeDevice(m_http, m_server, u"gina"_s, false);
    QVERIFY(first.ok() && second.ok());
    QVERIFY(first.token != second.token);
    QVERIFY(first.deviceId != second.deviceId);
    // Both are valid at once, and /me lists both.
    for (const TestDevice &device : { first, second }) {
        const HttpReply reply = me(device.token);
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.json.value("devices"_L1).toArray().size(), 2);
        QVERIFY(!findDevice(reply.json, first.deviceId).isEmpty());
        QVERIFY(!findDevice(reply.json, second.deviceId).isEmpty());
    }
}

void TestHttpApi::unauthorizedWithoutValidToken_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QByteArray>("authorization"); // the whole header line; empty for none

    const QByteArray token = m_owner.token.toLatin1();
    const QList<QPair<const char *, QByteArray>> headers {
        { "no header", QByteArray() },
        { "Bearer without token", "Authorization: Bearer" },
        { "Bearer and blanks", "Authorization: Bearer   " },
        { "Basic scheme", "Authorization: Basic x" },
        { "valid token, Basic scheme", "Authorization: Basic " + token },
        { "valid token, no scheme", "Authorization: " + token },
        { "unknown token", "Authorization: Bearer AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" },
        { "valid token, one character changed",
          "Authorization: Bearer " + token.chopped(1) + (token.endsWith('A') ? 'B' : 'A') },
    };
    const QList<QPair<QByteArray, QByteArray>> calls {
        { "GET", "/api/v1/me" },
        { "POST", "/api/v1/logout" },
        { "DELETE", "/api/v1/devices/" + m_owner.deviceId.toLatin1() },
        { "GET", "/api/v1/users/owner" },
    };
    for (const auto &[method, path] : calls) {
        for (const auto &[name, header] : headers) {
            QTest::addRow("%s %s: %s", method.constData(), path.constData(), name)
                << method << path << header;
        }
    }
}

void TestHttpApi::unauthorizedWithoutValidToken()
{
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, path);
    QFETCH(QByteArray, authorization);
    QList<QByteArray> headers;
    if (!authorization.isEmpty())
        headers.append(authorization);
    if (method == "POST" || method == "DELETE")
        headers.append("Content-Length: 0");
    const RawResponse reply = rawRequest(method, path, headers);
    QCOMPARE_API_ERROR(reply, 401, u"unauthorized"_s);
    // Refused means nothing happened: the owner's device is still logged in.
    QCOMPARE(me(m_owner.token).status, 200);
}

void TestHttpApi::logoutRevokesOnlyThisDevice()
{
    const TestDevice leaving = makeDevice(m_http, m_server, u"hank"_s, true, u"laptop"_s);
    const TestDevice staying = makeDevice(m_http, m_server, u"hank"_s, false, u"phone"_s);
    QVERIFY(leaving.ok() && staying.ok());
    WsClient leavingSocket;
    WsClient stayingSocket;
    QVERIFY(leavingSocket.login(m_server.wsUrl(), leaving.token));
    QVERIFY(stayingSocket.login(m_server.wsUrl(), staying.token));

    const HttpReply logout = m_http.post(url(u"/api/v1/logout"_s), {}, leaving.token);
    QCOMPARE(logout.status, 204);
    QVERIFY(logout.body.isEmpty());

    QCOMPARE_API_ERROR(me(leaving.token), 401, u"unauthorized"_s);
    QCOMPARE_API_ERROR(m_http.post(url(u"/api/v1/logout"_s), {}, leaving.token), 401,
                       u"unauthorized"_s);
    QVERIFY(leavingSocket.waitForClosed());
    QTRY_COMPARE(leavingSocket.closeCode(), 4003);

    // The other device is untouched: connected, answering, and alone in /me.
    QVERIFY(stayingSocket.isOpen());
    const auto pong = stayingSocket.request({ { "type"_L1, u"ping"_s } });
    QVERIFY(pong);
    QCOMPARE(pong->value("type"_L1).toString(), u"pong"_s);
    const HttpReply stayingMe = me(staying.token);
    QCOMPARE(stayingMe.status, 200);
    const QJsonArray devices = stayingMe.json.value("devices"_L1).toArray();
    QCOMPARE(devices.size(), 1);
    QCOMPARE(devices.first().toObject().value("device_id"_L1).toString(), staying.deviceId);

    // The revoked token cannot open a session either (PROTOCOL.md §3: error, then 4001).
    WsClient again;
    QVERIFY(again.open(m_server.wsUrl()));
    again.send({ { "type"_L1, u"auth"_s }, { "token"_L1, leaving.token } });
    const auto error = again.waitForType(u"error"_s);
    QVERIFY(error);
    QCOMPARE(error->value("code"_L1).toString(), u"unauthorized"_s);
    QVERIFY(again.waitForClosed());
    QTRY_COMPARE(again.closeCode(), 4001);
}

void TestHttpApi::meListsDevices()
{
    const qint64 before = QDateTime::currentMSecsSinceEpoch();
    QJsonObject body = credentials(u"iris"_s);
    body.insert("display_name"_L1, u"Iris West"_s);
    QCOMPARE(registerUser(body).status, 201);
    const TestDevice laptop = makeDevice(m_http, m_server, u"iris"_s, false, u"laptop"_s);
    const TestDevice phone = makeDevice(m_http, m_server, u"iris"_s, false, u"phone"_s);
    QVERIFY(laptop.ok() && phone.ok());
    const qint64 after = QDateTime::currentMSecsSinceEpoch();

    const HttpReply reply = me(phone.token);
    QCOMPARE(reply.status, 200);
    QVERIFY(reply.header("Content-Type").startsWith("application/json"));
    QCOMPARE(reply.json.value("username"_L1).toString(), u"iris"_s);
    QCOMPARE(reply.json.value("display_name"_L1).toString(), u"Iris West"_s);
    QCOMPARE(reply.json.value("devices"_L1).toArray().size(), 2);
    for (const auto &[device, name] :
         { std::pair(laptop, u"laptop"_s), std::pair(phone, u"phone"_s) }) {
        const QJsonObject entry = findDevice(reply.json, device.deviceId);
        QVERIFY2(!entry.isEmpty(), qPrintable(device.deviceId));
        QCOMPARE(entry.value("name"_L1).toString(), name);
        const QJsonValue createdAt = entry.value("created_at"_L1);
        QVERIFY(createdAt.isDouble());
        // Server clock, milliseconds; this machine's clock is the same one.
        QVERIFY(createdAt.toInteger() >= before - 1000 && createdAt.toInteger() <= after + 1000);
        QCOMPARE(entry.value("online"_L1), QJsonValue(false));
        // Never connected: no last_seen_at yet.
        QVERIFY(!entry.value("last_seen_at"_L1).isDouble());
    }

    auto laptopEntry = [&] {
        return findDevice(me(phone.token).json, laptop.deviceId);
    };
    {
        WsClient socket;
        QVERIFY(socket.login(m_server.wsUrl(), laptop.token));
        const QJsonObject online = laptopEntry();
        QCOMPARE(online.value("online"_L1), QJsonValue(true));
        QCOMPARE(findDevice(me(phone.token).json, phone.deviceId).value("online"_L1),
                 QJsonValue(false));
        QTRY_VERIFY_WITH_TIMEOUT(laptopEntry().value("last_seen_at"_L1).isDouble(), 10'000);
        QVERIFY(laptopEntry().value("last_seen_at"_L1).toInteger()
                >= online.value("created_at"_L1).toInteger());
        socket.socket().close();
        QVERIFY(socket.waitForClosed());
    }
    QTRY_COMPARE_WITH_TIMEOUT(laptopEntry().value("online"_L1), QJsonValue(false), 10'000);
    QVERIFY(laptopEntry().value("last_seen_at"_L1).isDouble());
    QVERIFY(!findDevice(me(phone.token).json, phone.deviceId).value("last_seen_at"_L1).isDouble());
}

void TestHttpApi::deleteDevice()
{
    const TestDevice keeper = makeDevice(m_http, m_server, u"jack"_s, true, u"desktop"_s);
    const TestDevice lost = makeDevice(m_http, m_server, u"jack"_s, false, u"lost phone"_s);
    QVERIFY(keeper.ok() && lost.ok());
    WsClient keeperSocket;
    WsClient lostSocket;
    QVERIFY(keeperSocket.login(m_server.wsUrl(), keeper.token));
    QVERIFY(lostSocket.login(m_server.wsUrl(), lost.token));

    const QUrl lostUrl = url(u"/api/v1/devices/"_s + lost.deviceId);
    const HttpReply removed = m_http.send("DELETE", lostUrl, {}, keeper.token);
    QCOMPARE(removed.status, 204);
    QVERIFY(removed.body.isEmpty());
    QCOMPARE_API_ERROR(me(lost.token), 401, u"unauthorized"_s);
    QVERIFY(lostSocket.waitForClosed());
    QTRY_COMPARE(lostSocket.closeCode(), 4003);

    QVERIFY(keeperSocket.isOpen());
    QVERIFY(keeperSocket.request({ { "type"_L1, u"ping"_s } }));
    const HttpReply keeperMe = me(keeper.token);
    QCOMPARE(keeperMe.json.value("devices"_L1).toArray().size(), 1);
    QVERIFY(findDevice(keeperMe.json, lost.deviceId).isEmpty());

    // Gone is gone; ids that never were are not found either.
    QCOMPARE_API_ERROR(m_http.send("DELETE", lostUrl, {}, keeper.token), 404, u"not_found"_s);
    for (const QString &id :
         { u"999999999"_s, u"0"_s, u"-1"_s, u"abc"_s, u"1x"_s, u"99999999999999999999999"_s }) {
        const HttpReply reply =
            m_http.send("DELETE", url(u"/api/v1/devices/"_s + id), {}, keeper.token);
        QCOMPARE_API_ERROR(reply, 404, u"not_found"_s);
    }

    // A device may remove itself.
    QCOMPARE(m_http.send("DELETE", url(u"/api/v1/devices/"_s + keeper.deviceId), {}, keeper.token)
                 .status,
             204);
    QCOMPARE_API_ERROR(me(keeper.token), 401, u"unauthorized"_s);
    QVERIFY(keeperSocket.waitForClosed());
    QTRY_COMPARE(keeperSocket.closeCode(), 4003);
}

void TestHttpApi::deleteDeviceOfOtherUserIsNotFound()
{
    const TestDevice victim = makeDevice(m_http, m_server, u"kate"_s);
    const TestDevice attacker = makeDevice(m_http, m_server, u"leo"_s);
    QVERIFY(victim.ok() && attacker.ok());
    WsClient victimSocket;
    QVERIFY(victimSocket.login(m_server.wsUrl(), victim.token));

    const HttpReply reply =
        m_http.send("DELETE", url(u"/api/v1/devices/"_s + victim.deviceId), {}, attacker.token);
    // 404, not 403: nothing tells that the id exists.
    QCOMPARE_API_ERROR(reply, 404, u"not_found"_s);
    QCOMPARE(me(victim.token).status, 200);
    QVERIFY(victimSocket.isOpen());
    QVERIFY(victimSocket.request({ { "type"_L1, u"ping"_s } }));
    QCOMPARE(me(attacker.token).status, 200);
}

void TestHttpApi::userLookup()
{
    QJsonObject body = credentials(u"mona"_s);
    body.insert("display_name"_L1, u"Mona Lisa"_s);
    QCOMPARE(registerUser(body).status, 201);
    for (const QString &spelling : { u"mona"_s, u"MONA"_s, u"Mona"_s }) {
        const HttpReply reply = m_http.get(url(u"/api/v1/users/"_s + spelling), m_owner.token);
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.json.value("username"_L1).toString(), u"mona"_s);
        QCOMPARE(reply.json.value("display_name"_L1).toString(), u"Mona Lisa"_s);
        QVERIFY(!reply.json.contains("password"_L1));
    }
    for (const QString &name : { u"nobody"_s, u"no!"_s, u"x"_s }) {
        QCOMPARE_API_ERROR(m_http.get(url(u"/api/v1/users/"_s + name), m_owner.token), 404,
                           u"not_found"_s);
    }
}

void TestHttpApi::tokensSurviveRestart()
{
    const TestDevice kept = makeDevice(m_http, m_server, u"nina"_s);
    const TestDevice revoked = makeDevice(m_http, m_server, u"nina"_s, false);
    QVERIFY(kept.ok() && revoked.ok());
    QCOMPARE(m_http.post(url(u"/api/v1/logout"_s), {}, revoked.token).status, 204);

    QVERIFY2(m_server.restart(), qPrintable(m_server.errorString()));

    QCOMPARE(me(kept.token).status, 200);
    QCOMPARE(me(m_owner.token).status, 200);
    QCOMPARE_API_ERROR(me(revoked.token), 401, u"unauthorized"_s);
    WsClient socket;
    QVERIFY(socket.login(m_server.wsUrl(), kept.token));
}

void TestHttpApi::discovery()
{
    // No token needed: a client asks before it has logged in.
    const HttpReply reply = m_http.get(url(u"/api/v1/discovery"_s));
    QCOMPARE(reply.status, 200);
    QVERIFY(reply.header("Content-Type").startsWith("application/json"));
    const QJsonArray servers = reply.json.value("servers"_L1).toArray();
    QVERIFY(!servers.isEmpty());
    const QJsonObject best = servers.first().toObject();
    const QString wsUrl = best.value("url"_L1).toString();
    QVERIFY2(wsUrl.startsWith("ws://"_L1) && wsUrl.endsWith("/ws"_L1), qPrintable(wsUrl));
    QVERIFY(best.value("load"_L1).isDouble());
    // It names a server that really takes sessions.
    WsClient socket;
    QVERIFY2(socket.login(QUrl(wsUrl), m_owner.token), qPrintable(wsUrl));
}

void TestHttpApi::health()
{
    QCOMPARE(m_http.get(url(u"/healthz"_s)).status, 200);
    QCOMPARE(m_http.get(url(u"/healthz?probe=1"_s)).status, 200);
}

void TestHttpApi::metrics()
{
    const HttpReply reply = m_http.get(url(u"/metrics"_s));
    QCOMPARE(reply.status, 200);
    QVERIFY2(reply.header("Content-Type").startsWith("text/plain"),
             reply.header("Content-Type").constData());
    QVERIFY(reply.body.contains("confab_http_requests_total"));
    QVERIFY(reply.body.contains("confab_messages_stored_total"));
    // Prometheus text: "name value" lines; this server has answered requests already.
    static const QRegularExpression requests(u"^confab_http_requests_total(\\{[^}]*\\})? (\\S+)$"_s,
                                             QRegularExpression::MultilineOption);
    const auto match = requests.match(QString::fromUtf8(reply.body));
    QVERIFY2(match.hasMatch(), reply.body.constData());
    QVERIFY(match.captured(2).toDouble() >= 1);
}

void TestHttpApi::unknownRoute_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::newRow("/api/v1/nope") << QByteArray("GET") << u"/api/v1/nope"_s;
    QTest::newRow("/api/v2/me") << QByteArray("GET") << u"/api/v2/me"_s;
    QTest::newRow("/") << QByteArray("GET") << u"/"_s;
    QTest::newRow("/api/v1") << QByteArray("GET") << u"/api/v1"_s;
    QTest::newRow("/api/v1/users") << QByteArray("GET") << u"/api/v1/users"_s;
    QTest::newRow("/api/v1/devices") << QByteArray("DELETE") << u"/api/v1/devices"_s;
    QTest::newRow("/api/v1/me/more") << QByteArray("GET") << u"/api/v1/me/more"_s;
    QTest::newRow("/api/v1/users/owner/x") << QByteArray("GET") << u"/api/v1/users/owner/x"_s;
    QTest::newRow("/healthz/x") << QByteArray("GET") << u"/healthz/x"_s;
    QTest::newRow("/index.html") << QByteArray("GET") << u"/index.html"_s;
    QTest::newRow("POST /api/v1/nope") << QByteArray("POST") << u"/api/v1/nope"_s;
}

void TestHttpApi::unknownRoute()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    const HttpReply reply = m_http.send(method, url(path), {}, m_owner.token);
    QCOMPARE_API_ERROR(reply, 404, u"not_found"_s);
}

void TestHttpApi::wrongMethod_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("allowed");
    QTest::newRow("PUT register") << QByteArray("PUT") << u"/api/v1/register"_s
                                  << QByteArray("POST");
    QTest::newRow("GET register") << QByteArray("GET") << u"/api/v1/register"_s
                                  << QByteArray("POST");
    QTest::newRow("GET login") << QByteArray("GET") << u"/api/v1/login"_s << QByteArray("POST");
    QTest::newRow("GET logout") << QByteArray("GET") << u"/api/v1/logout"_s << QByteArray("POST");
    QTest::newRow("POST healthz") << QByteArray("POST") << u"/healthz"_s << QByteArray("GET");
    QTest::newRow("POST metrics") << QByteArray("POST") << u"/metrics"_s << QByteArray("GET");
    QTest::newRow("DELETE me") << QByteArray("DELETE") << u"/api/v1/me"_s << QByteArray("GET");
    QTest::newRow("POST me") << QByteArray("POST") << u"/api/v1/me"_s << QByteArray("GET");
    QTest::newRow("PUT users") << QByteArray("PUT") << u"/api/v1/users/owner"_s
                               << QByteArray("GET");
    QTest::newRow("DELETE discovery")
        << QByteArray("DELETE") << u"/api/v1/discovery"_s << QByteArray("GET");
    QTest::newRow("GET device") << QByteArray("GET") << u"/api/v1/devices/1"_s
                                << QByteArray("DELETE");
    QTest::newRow("PATCH device") << QByteArray("PATCH") << u"/api/v1/devices/1"_s
                                  << QByteArray("DELETE");
}

void TestHttpApi::wrongMethod()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(QByteArray, allowed);
    const HttpReply reply = m_http.send(method, url(path), {}, m_owner.token);
    QCOMPARE(reply.status, 405);
    QVERIFY2(reply.header("Allow").contains(allowed), reply.header("Allow").constData());
    QVERIFY2(!reply.errorCode().isEmpty(), reply.body.constData());
    QCOMPARE(me(m_owner.token).status, 200);
}

void TestHttpApi::bodyTooLarge()
{
    // A bit over 1 MiB, otherwise a perfectly good registration.
    QJsonObject body = credentials(u"bigbody"_s);
    body.insert("display_name"_L1, QString(1024 * 1024 + 1024, u'a'));
    const HttpReply reply = m_http.postRaw(url(u"/api/v1/register"_s),
                                           QJsonDocument(body).toJson(QJsonDocument::Compact));
    QCOMPARE(reply.status, 413);
    QCOMPARE(reply.errorCode(), u"too_large"_s);
    QCOMPARE(m_http.get(url(u"/api/v1/users/bigbody"_s), m_owner.token).status, 404);

    // Refused on the declared length alone, before any of the body is sent.
    const RawResponse declared = rawRequest(
        "POST", "/api/v1/register",
        { "Content-Type: application/json", "Content-Length: " + QByteArray::number(2 << 20) });
    QCOMPARE_API_ERROR(declared, 413, u"too_large"_s);
}

void TestHttpApi::bodyAtLimitIsAccepted()
{
    // Exactly 1 MiB of JSON (padded with white space) is within the limit.
    QByteArray body = QJsonDocument(credentials(u"fullbody"_s)).toJson(QJsonDocument::Compact);
    body.append(QByteArray(1024 * 1024 - body.size(), ' '));
    QCOMPARE(body.size(), 1024 * 1024);
    QCOMPARE(m_http.postRaw(url(u"/api/v1/register"_s), body).status, 201);
}

void TestHttpApi::rawRequestErrors_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("status");

    QTest::newRow("garbage") << QByteArray("HELLO\r\n\r\n") << 400;
    QTest::newRow("binary") << QByteArray("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11)
                            << 400;
    QTest::newRow("target not origin-form")
        << QByteArray("GET healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n") << 400;
    QTest::newRow("conflicting Content-Length")
        << QByteArray("POST /api/v1/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n"
                      "Content-Length: 3\r\n\r\n{}")
        << 400;
    QTest::newRow("negative Content-Length") << QByteArray(
        "POST /api/v1/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: -1\r\n\r\n")
                                             << 400;
    QTest::newRow("chunked") << QByteArray(
        "POST /api/v1/register HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        "2\r\n{}\r\n0\r\n\r\n")
                             << 411;
    QTest::newRow("20 KiB header")
        << QByteArray("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: "
                      + QByteArray(20 * 1024, 'a') + "\r\n\r\n")
        << 431;
    QByteArray manyHeaders("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for (int i = 0; i < 200; ++i)
        manyHeaders += "X-H" + QByteArray::number(i) + ": 1\r\n";
    QTest::newRow("200 header fields") << manyHeaders + "\r\n" << 431;
    QTest::newRow("HTTP/2.0") << QByteArray("GET /healthz HTTP/2.0\r\nHost: 127.0.0.1\r\n\r\n")
                              << 505;
    QTest::newRow("WebSocket upgrade on /other") << upgradeHead("/other") << 404;
    QTest::newRow("WebSocket upgrade on /api/v1/me") << upgradeHead("/api/v1/me") << 404;
}

void TestHttpApi::rawRequestErrors()
{
    QFETCH(QByteArray, request);
    QFETCH(int, status);
    const QByteArray answer = HttpClient::raw(m_server.port(), request);
    const QList<RawResponse> responses = parseResponses(answer);
    QVERIFY2(responses.size() == 1, answer.constData());
    const RawResponse &response = responses.first();
    QCOMPARE(response.status, status);
    QVERIFY2(!response.errorCode().isEmpty(), response.body.constData());
    // After a request it cannot read, the server cannot know where the next one starts.
    if (status != 404)
        QCOMPARE(response.header("Connection").toLower(), QByteArray("close"));
    QCOMPARE(m_http.get(url(u"/healthz"_s)).status, 200);
}

void TestHttpApi::pipelinedRequests_data()
{
    QTest::addColumn<QList<QByteArray>>("requests"); // the last one asks to close
    QTest::addColumn<QList<int>>("statuses");
    const QByteArray health = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    QTest::newRow("two healthz") << QList<QByteArray> { health, health } << QList<int> { 200, 200 };
    QTest::newRow("mixed") << QList<QByteArray> {
        "GET /api/v1/nope HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        "POST /api/v1/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n\r\n{}",
        health,
        "GET /api/v1/me HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    } << QList<int> { 404, 400, 200, 401 };
}

void TestHttpApi::pipelinedRequests()
{
    QFETCH(QList<QByteArray>, requests);
    QFETCH(QList<int>, statuses);
    QByteArray bytes;
    for (qsizetype i = 0; i < requests.size(); ++i) {
        QByteArray request = requests[i];
        if (i == requests.size() - 1)
            request.replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n");
        bytes += request;
    }
    const QByteArray answer = HttpClient::raw(m_server.port(), bytes);
    const QList<RawResponse> responses = parseResponses(answer);
    QCOMPARE(responses.size(), statuses.size());
    for (qsizetype i = 0; i < responses.size(); ++i) {
        QCOMPARE(responses[i].status, statuses[i]);
        // Every answer but the last keeps the connection open for the next request.
        if (i < responses.size() - 1)
            QVERIFY(responses[i].header("Connection").toLower() != "close");
    }
}

void TestHttpApi::serverKeepsServing()
{
    QCOMPARE(m_http.get(url(u"/healthz"_s)).status, 200);
    QCOMPARE(me(m_owner.token).status, 200);
    const TestDevice late = makeDevice(m_http, m_server, u"latecomer"_s);
    QVERIFY(late.ok());
    WsClient socket;
    QVERIFY(socket.login(m_server.wsUrl(), late.token));
}

QTEST_GUILESS_MAIN(TestHttpApi)
#include "tst_httpapi.moc"
