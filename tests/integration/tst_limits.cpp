// The abuse limits of docs/security.md against a real confabd: login attempts per username and per
// address, registrations per address, sends per device (rate_limited, then 4008), concurrent
// connections per address and in total, devices per account, and the --trusted-proxy address.
// Each limit: the refusal and its error, the /metrics counter, and recovery once the window
// passed. Each test starts its own server with only the limit it tests, set small.
#include "tests/support/Accounts.h"
#include "tests/support/Metrics.h"
#include "tests/support/WsClient.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTest>

#include <functional>
#include <memory>

using namespace Qt::StringLiterals;
using namespace confab::test;

namespace {
constexpr int kCloseRateLimit = 4008;
constexpr int kTimeoutMs = 60'000;

const QStringList kQuiet { u"--log-level"_s, u"warning"_s };

// Every per-address and per-device rate off; a test turns on the one it tests.
const QStringList kAllRatesOff { u"--login-rate-user"_s,       u"0"_s,
                                 u"--login-rate-address"_s,    u"0"_s,
                                 u"--register-rate-address"_s, u"0"_s,
                                 u"--send-rate-device"_s,      u"0"_s };

QStringList limitsWith(const QStringList &arguments)
{
    return kQuiet + kAllRatesOff + arguments;
}

struct Answer
{
    int status = 0;
    QByteArray body;
    QString errorCode() const
    {
        return QJsonDocument::fromJson(body)
            .object()
            .value("error"_L1)
            .toObject()
            .value("code"_L1)
            .toString();
    }
};

// One POST on its own connection, with extra header lines (e.g. X-Forwarded-For).
Answer rawPost(const ServerProcess &server, const QByteArray &path, const QJsonObject &body,
               const QByteArray &extraHeaders = {})
{
    const QByteArray json = QJsonDocument(body).toJson(QJsonDocument::Compact);
    const QByteArray answer = HttpClient::raw(
        server.port(),
        "POST " + path + " HTTP/1.1\r\nHost: test\r\nConnection: close\r\n"
            + "Content-Type: application/json\r\nContent-Length: " + QByteArray::number(json.size())
            + "\r\n" + extraHeaders + "\r\n" + json);
    Answer result;
    const qsizetype headEnd = answer.indexOf("\r\n\r\n");
    if (!answer.startsWith("HTTP/1.1 ") || headEnd < 0)
        return result;
    result.status = answer.mid(9, 3).toInt();
    result.body = answer.sliced(headEnd + 4);
    return result;
}

Answer login(const ServerProcess &server, const QString &username, const QString &password,
             const QByteArray &extraHeaders = {})
{
    return rawPost(server, "/api/v1/login",
                   { { "username"_L1, username }, { "password"_L1, password } }, extraHeaders);
}

Answer registerUser(const ServerProcess &server, const QString &username)
{
    return rawPost(server, "/api/v1/register",
                   { { "username"_L1, username }, { "password"_L1, kPassword } });
}

QJsonObject sendFrame(const QString &to, const QString &clientId)
{
    return { { "type"_L1, u"send"_s },
             { "to"_L1, to },
             { "body"_L1, u"hello"_s },
             { "client_id"_L1, clientId } };
}

// An open TCP connection the server has taken (it answered a request on it).
std::unique_ptr<QTcpSocket> holdConnection(const ServerProcess &server)
{
    auto socket = std::make_unique<QTcpSocket>();
    socket->connectToHost(u"127.0.0.1"_s, server.port());
    if (!socket->waitForConnected(kTimeoutMs))
        return nullptr;
    socket->write("GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n");
    QByteArray answer;
    const bool answered = QTest::qWaitFor(
        [&] {
            answer += socket->readAll();
            return answer.contains("\r\n\r\n")
                || socket->state() == QAbstractSocket::UnconnectedState;
        },
        kTimeoutMs);
    if (!answered || !answer.startsWith("HTTP/1.1 200"))
        return nullptr;
    return socket;
}

// Polls `condition` (once per try, unlike QTRY_*, which evaluates it again at the end: a request
// that takes a token must not be made twice).
bool eventually(const std::function<bool()> &condition)
{
    return QTest::qWaitFor(condition, kTimeoutMs);
}

QByteArray healthz(const ServerProcess &server)
{
    return HttpClient::raw(server.port(),
                           "GET /healthz HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
}
} // namespace

class TestLimits : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void loginPerUsername();
    void loginPerAddress();
    void registrationsPerAddress();
    void sendsPerDevice();
    void sendRateIsSharedByADevicesConnections();
    void connectionsPerAddress();
    void connectionsInTotal();
    void devicesPerAccount();
    void rateLimitsOff();
    void trustedProxy();
    void badLimitFlags();
};

void TestLimits::loginPerUsername()
{
    ServerProcess server(limitsWith({ u"--login-rate-user"_s, u"2/20"_s }),
                         ServerProcess::RateLimits::On);
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    QCOMPARE(registerUser(server, u"alice"_s).status, 201);

    // Two attempts per username, right or wrong, then 429; an unknown username alike.
    QCOMPARE(login(server, u"alice"_s, u"wrong password"_s).status, 401);
    QCOMPARE(login(server, u"ALICE"_s, kPassword).status, 200);
    const Answer known = login(server, u"alice"_s, kPassword);
    QCOMPARE(known.status, 429);
    QCOMPARE(known.errorCode(), u"rate_limited"_s);

    QCOMPARE(login(server, u"nobody"_s, kPassword).status, 401);
    QCOMPARE(login(server, u"nobody"_s, kPassword).status, 401);
    const Answer unknown = login(server, u"nobody"_s, kPassword);
    QCOMPARE(unknown.status, 429);
    // Nothing tells a known username from an unknown one (but the seconds to wait).
    static const QRegularExpression digits(u"\\d+"_s);
    QCOMPARE(QString::fromUtf8(unknown.body).remove(digits),
             QString::fromUtf8(known.body).remove(digits));

    // Another username is not affected.
    QCOMPARE(registerUser(server, u"bob"_s).status, 201);
    QCOMPARE(login(server, u"bob"_s, kPassword).status, 200);
    QCOMPARE(refusals(server, "login_user"), std::optional<double>(2));
    QCOMPARE(refusals(server, "login_address"), std::optional<double>(0));

    // A token comes back within 10 s (2 per 20 s).
    QVERIFY(eventually([&] { return login(server, u"alice"_s, kPassword).status == 200; }));
}

void TestLimits::loginPerAddress()
{
    ServerProcess server(limitsWith({ u"--login-rate-address"_s, u"3/30"_s }),
                         ServerProcess::RateLimits::On);
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    QCOMPARE(registerUser(server, u"carol"_s).status, 201);

    QCOMPARE(login(server, u"user1"_s, kPassword).status, 401);
    QCOMPARE(login(server, u"user2"_s, kPassword).status, 401);
    QCOMPARE(login(server, u"carol"_s, kPassword).status, 200);
    const Answer refused = login(server, u"carol"_s, kPassword);
    QCOMPARE(refused.status, 429);
    QCOMPARE(refused.errorCode(), u"rate_limited"_s);
    QCOMPARE(login(server, u"user3"_s, kPassword).status, 429);
    QCOMPARE(refusals(server, "login_address"), std::optional<double>(2));
    QCOMPARE(refusals(server, "login_user"), std::optional<double>(0));
    QVERIFY(metric(server, "confab_limit_tracked_keys{limit=\"login_address\"}").value_or(0) >= 1);

    QVERIFY(eventually([&] { return login(server, u"carol"_s, kPassword).status == 200; }));
}

void TestLimits::registrationsPerAddress()
{
    ServerProcess server(limitsWith({ u"--register-rate-address"_s, u"2/20"_s }),
                         ServerProcess::RateLimits::On);
    QVERIFY2(server.start(), qPrintable(server.errorString()));

    QCOMPARE(registerUser(server, u"reg1"_s).status, 201);
    QCOMPARE(registerUser(server, u"reg2"_s).status, 201);
    const Answer refused = registerUser(server, u"reg3"_s);
    QCOMPARE(refused.status, 429);
    QCOMPARE(refused.errorCode(), u"rate_limited"_s);
    QCOMPARE(refusals(server, "register_address"), std::optional<double>(1));
    // The refused registration did not happen.
    QCOMPARE(login(server, u"reg3"_s, kPassword).status, 401);

    QVERIFY(eventually([&] { return registerUser(server, u"reg3"_s).status == 201; }));
    QCOMPARE(login(server, u"reg3"_s, kPassword).status, 200);
}

void TestLimits::sendsPerDevice()
{
    ServerProcess server(limitsWith({ u"--send-rate-device"_s, u"3/1"_s }),
                         ServerProcess::RateLimits::On);
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    HttpClient http;
    const TestDevice dave = makeDevice(http, server, u"dave"_s);
    QVERIFY(dave.ok());
    WsClient ws;
    QVERIFY(ws.login(server.wsUrl(), dave.token));

    // A burst of three passes; the fourth at once is refused, the connection stays.
    for (int i = 0; i < 3; ++i)
        ws.send(sendFrame(u"user:dave"_s, u"burst-%1"_s.arg(i)));
    const auto refused = ws.request(sendFrame(u"user:dave"_s, u"over"_s));
    QVERIFY(refused);
    QCOMPARE(refused->value("type"_L1).toString(), u"error"_s);
    QCOMPARE(refused->value("code"_L1).toString(), u"rate_limited"_s);
    for (int i = 0; i < 3; ++i)
        QVERIFY(ws.waitForType(u"sent"_s));
    QVERIFY(ws.isOpen());
    QVERIFY(refusals(server, "send").value_or(0) >= 1);

    // A token comes back within a third of a second (3 per second). Tried only after that, so
    // the retries themselves are not an abuse.
    QElapsedTimer sinceRefusal;
    sinceRefusal.start();
    QVERIFY(eventually([&] {
        if (!sinceRefusal.hasExpired(400))
            return false;
        sinceRefusal.restart();
        const auto reply = ws.request(sendFrame(u"user:dave"_s, u"later"_s));
        return reply && reply->value("type"_L1).toString() == u"sent"_s;
    }));

    // Sustained abuse: far over the rate, the device is cut off with 4008.
    for (int i = 0; i < 50; ++i)
        ws.send(sendFrame(u"user:dave"_s, u"flood-%1"_s.arg(i)));
    QVERIFY(ws.waitForClosed());
    QCOMPARE(ws.closeCode(), kCloseRateLimit);
    QCOMPARE(refusals(server, "send_abuse_close"), std::optional<double>(1));

    // It may come back.
    WsClient again;
    QVERIFY(again.login(server.wsUrl(), dave.token));
}

void TestLimits::sendRateIsSharedByADevicesConnections()
{
    ServerProcess server(limitsWith({ u"--send-rate-device"_s, u"2/60"_s }),
                         ServerProcess::RateLimits::On);
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    HttpClient http;
    const TestDevice frank = makeDevice(http, server, u"frank"_s);
    const TestDevice other = makeDevice(http, server, u"frank"_s, false, u"other"_s);
    QVERIFY(frank.ok() && other.ok());
    WsClient first;
    WsClient second;
    WsClient otherDevice;
    QVERIFY(first.login(server.wsUrl(), frank.token));
    QVERIFY(second.login(server.wsUrl(), frank.token));
    QVERIFY(otherDevice.login(server.wsUrl(), other.token));

    auto reply = [](WsClient &ws, const QString &clientId) {
        const auto answer = ws.request(sendFrame(u"user:frank"_s, clientId));
        return answer
            ? answer->value("type"_L1).toString() + u' ' + answer->value("code"_L1).toString()
            : u"none"_s;
    };
    QCOMPARE(reply(first, u"a"_s), u"sent "_s);
    QCOMPARE(reply(second, u"b"_s), u"sent "_s);
    // The device's two tokens are spent, whichever connection it uses.
    QCOMPARE(reply(first, u"c"_s), u"error rate_limited"_s);
    QCOMPARE(reply(second, u"d"_s), u"error rate_limited"_s);
    // Another device of the same account has its own.
    QCOMPARE(reply(otherDevice, u"e"_s), u"sent "_s);
}

void TestLimits::connectionsPerAddress()
{
    ServerProcess server(
        limitsWith({ u"--max-connections-per-address"_s, u"3"_s, u"--workers"_s, u"1"_s }),
        ServerProcess::RateLimits::On);
    QVERIFY2(server.start(), qPrintable(server.errorString()));

    std::vector<std::unique_ptr<QTcpSocket>> held;
    for (int i = 0; i < 3; ++i) {
        held.push_back(holdConnection(server));
        QVERIFY(held.back());
    }
    const QByteArray refused = healthz(server);
    QVERIFY2(refused.startsWith("HTTP/1.1 503"), refused.constData());
    // A well-formed answer: its Content-Length is its body, an API error.
    const qsizetype headEnd = refused.indexOf("\r\n\r\n");
    QVERIFY(headEnd > 0);
    const QByteArray body = refused.sliced(headEnd + 4);
    const QByteArray contentLength = "Content-Length: " + QByteArray::number(body.size());
    QVERIFY(refused.first(headEnd).contains(contentLength));
    QCOMPARE(QJsonDocument::fromJson(body)
                 .object()
                 .value("error"_L1)
                 .toObject()
                 .value("code"_L1)
                 .toString(),
             u"unavailable"_s);

    held.pop_back(); // closes one; the server frees its place when it sees the close
    QTRY_VERIFY_WITH_TIMEOUT(healthz(server).startsWith("HTTP/1.1 200"), kTimeoutMs);
    held.clear();
    QTRY_VERIFY_WITH_TIMEOUT(refusals(server, "connections_address").value_or(0) >= 1, kTimeoutMs);
    QCOMPARE(refusals(server, "connections_total"), std::optional<double>(0));
}

void TestLimits::connectionsInTotal()
{
    // The total cap holds even with --rate-limits off.
    ServerProcess server(kQuiet
                         + QStringList { u"--max-connections"_s, u"2"_s, u"--workers"_s, u"1"_s });
    QVERIFY2(server.start(), qPrintable(server.errorString()));

    auto first = holdConnection(server);
    auto second = holdConnection(server);
    QVERIFY(first && second);
    const QByteArray refused = healthz(server);
    QVERIFY2(refused.startsWith("HTTP/1.1 503"), refused.constData());

    first.reset();
    QTRY_VERIFY_WITH_TIMEOUT(healthz(server).startsWith("HTTP/1.1 200"), kTimeoutMs);
    second.reset();
    QTRY_VERIFY_WITH_TIMEOUT(refusals(server, "connections_total").value_or(0) >= 1, kTimeoutMs);
}

void TestLimits::devicesPerAccount()
{
    ServerProcess server(limitsWith({ u"--max-devices"_s, u"2"_s }), ServerProcess::RateLimits::On);
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    QCOMPARE(registerUser(server, u"erin"_s).status, 201);

    const Answer first = login(server, u"erin"_s, kPassword);
    QCOMPARE(first.status, 200);
    QCOMPARE(login(server, u"erin"_s, kPassword).status, 200);
    const Answer third = login(server, u"erin"_s, kPassword);
    QCOMPARE(third.status, 403);
    QCOMPARE(third.errorCode(), u"forbidden"_s);
    QCOMPARE(refusals(server, "devices"), std::optional<double>(1));

    // Logging one device out makes room.
    HttpClient http;
    const QString token = QJsonDocument::fromJson(first.body).object().value("token"_L1).toString();
    QCOMPARE(http.post(server.httpUrl(u"/api/v1/logout"_s), {}, token).status, 204);
    QCOMPARE(login(server, u"erin"_s, kPassword).status, 200);
}

void TestLimits::rateLimitsOff()
{
    // Tiny limits, switched off: nothing is refused; the device cap is not a rate and stays.
    ServerProcess server(
        kQuiet
        + QStringList { u"--login-rate-user"_s, u"1/60"_s, u"--login-rate-address"_s, u"1/60"_s,
                        u"--register-rate-address"_s, u"1/60"_s, u"--send-rate-device"_s, u"1/60"_s,
                        u"--max-connections-per-address"_s, u"1"_s });
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    for (int i = 0; i < 3; ++i)
        QCOMPARE(registerUser(server, u"free%1"_s.arg(i)).status, 201);
    for (int i = 0; i < 3; ++i)
        QCOMPARE(login(server, u"free0"_s, kPassword).status, 200);
    HttpClient http;
    const TestDevice device = makeDevice(http, server, u"free1"_s, false);
    QVERIFY(device.ok());
    WsClient ws;
    QVERIFY(ws.login(server.wsUrl(), device.token));
    for (int i = 0; i < 5; ++i) {
        const auto reply = ws.request(sendFrame(u"user:free0"_s, u"free-%1"_s.arg(i)));
        QVERIFY(reply);
        QCOMPARE(reply->value("type"_L1).toString(), u"sent"_s);
    }
    for (const char *limit :
         { "login_user", "login_address", "register_address", "send", "connections_address" })
        QCOMPARE(refusals(server, limit), std::optional<double>(0));
}

void TestLimits::trustedProxy()
{
    // Behind the trusted proxy, each X-Forwarded-For client has its own budget.
    ServerProcess behind(
        limitsWith({ u"--login-rate-address"_s, u"1/60"_s, u"--trusted-proxy"_s, u"127.0.0.1"_s }),
        ServerProcess::RateLimits::On);
    QVERIFY2(behind.start(), qPrintable(behind.errorString()));
    QCOMPARE(login(behind, u"x1"_s, kPassword, "X-Forwarded-For: 203.0.113.7\r\n").status, 401);
    QCOMPARE(login(behind, u"x2"_s, kPassword, "X-Forwarded-For: 203.0.113.7\r\n").status, 429);
    // The proxy appends the address it saw; what the client claimed before it is not believed.
    QCOMPARE(
        login(behind, u"x3"_s, kPassword, "X-Forwarded-For: 203.0.113.7, 198.51.100.1\r\n").status,
        401);
    QCOMPARE(
        login(behind, u"x4"_s, kPassword, "X-Forwarded-For: 198.51.100.1, 203.0.113.7\r\n").status,
        429);

    // Without --trusted-proxy the header is ignored: a forged one does not escape the limit.
    ServerProcess direct(limitsWith({ u"--login-rate-address"_s, u"1/60"_s }),
                         ServerProcess::RateLimits::On);
    QVERIFY2(direct.start(), qPrintable(direct.errorString()));
    QCOMPARE(login(direct, u"y1"_s, kPassword, "X-Forwarded-For: 203.0.113.8\r\n").status, 401);
    QCOMPARE(login(direct, u"y2"_s, kPassword, "X-Forwarded-For: 203.0.113.9\r\n").status, 429);
}

void TestLimits::badLimitFlags()
{
    for (const QStringList &arguments :
         { QStringList { u"--login-rate-user"_s, u"ten"_s },
           QStringList { u"--send-rate-device"_s, u"5/0"_s },
           QStringList { u"--max-devices"_s, u"-1"_s },
           QStringList { u"--request-timeout"_s, u"0"_s },
           QStringList { u"--rate-limits"_s, u"maybe"_s },
           QStringList { u"--tls-cert"_s, u"/nonexistent.pem"_s },
           QStringList { u"--trusted-proxy"_s, u"proxy.example"_s } }) {
        QProcess process;
        process.start(ServerProcess::executable(), arguments);
        QVERIFY(process.waitForFinished(kTimeoutMs));
        QVERIFY2(process.exitCode() == 2, qPrintable(arguments.join(u' ')));
    }
}

QTEST_GUILESS_MAIN(TestLimits)
#include "tst_limits.moc"
