// TLS on confabd's one port (--tls-cert, --tls-key) with a self-signed certificate made here with
// the openssl CLI: https:// and wss:// work for a client that trusts it, discovery offers wss://,
// plain HTTP and an untrusting client get nothing; the client library (ServerApi, Connection)
// works against it through its QSslConfiguration.
#include "client/Connection.h"
#include "client/ServerApi.h"
#include "tests/support/Accounts.h"
#include "tests/support/WsClient.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QProcess>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace confab;
using namespace confab::test;

namespace {
constexpr int kTimeoutMs = 30'000;

struct Reply
{
    int status = 0;
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    QJsonObject json;
};
} // namespace

class TestTls : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void httpsWithTheTrustedCertificate();
    void discoveryOffersWss();
    void untrustedCertificateIsRefused();
    void plainHttpGetsNoAnswer();
    void wssSession();
    void clientLibrary();
    void badCertificateFilesStopTheStart();

private:
    QUrl url(const QString &scheme, const QString &path) const
    {
        return QUrl(u"%1://127.0.0.1:%2%3"_s.arg(scheme).arg(m_server->port()).arg(path));
    }
    Reply request(const QByteArray &verb, const QUrl &url, const QJsonObject &body = {},
                  bool trust = true);
    QSslConfiguration trusting() const;

    QTemporaryDir m_dir;
    QString m_cert;
    QString m_key;
    std::unique_ptr<ServerProcess> m_server;
    QNetworkAccessManager m_network;
};

void TestTls::initTestCase()
{
    QVERIFY(QSslSocket::supportsSsl());
    const QString openssl = QStandardPaths::findExecutable(u"openssl"_s);
    QVERIFY2(!openssl.isEmpty(), "the openssl CLI is needed (scripts/packages.txt)");
    m_cert = m_dir.filePath(u"cert.pem"_s);
    m_key = m_dir.filePath(u"key.pem"_s);
    QProcess process;
    process.start(openssl,
                  { u"req"_s, u"-x509"_s, u"-newkey"_s, u"rsa:2048"_s, u"-nodes"_s, u"-keyout"_s,
                    m_key, u"-out"_s, m_cert, u"-days"_s, u"2"_s, u"-subj"_s, u"/CN=localhost"_s,
                    u"-addext"_s, u"subjectAltName=IP:127.0.0.1,DNS:localhost"_s });
    QVERIFY(process.waitForFinished(kTimeoutMs));
    QVERIFY2(process.exitCode() == 0, process.readAllStandardError().constData());

    m_server = std::make_unique<ServerProcess>(QStringList {
        u"--log-level"_s, u"warning"_s, u"--tls-cert"_s, m_cert, u"--tls-key"_s, m_key });
    QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
}

QSslConfiguration TestTls::trusting() const
{
    QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
    ssl.setCaCertificates(QSslCertificate::fromPath(m_cert));
    return ssl;
}

Reply TestTls::request(const QByteArray &verb, const QUrl &url, const QJsonObject &body, bool trust)
{
    QNetworkRequest request(url);
    request.setTransferTimeout(kTimeoutMs);
    if (trust)
        request.setSslConfiguration(trusting());
    QByteArray data;
    if (!body.isEmpty()) {
        data = QJsonDocument(body).toJson(QJsonDocument::Compact);
        request.setHeader(QNetworkRequest::ContentTypeHeader, "application/json"_ba);
    }
    // A client without the CA gets a network of its own: no reused trusted connection.
    QNetworkAccessManager untrusting;
    QNetworkReply *reply = (trust ? m_network : untrusting).sendCustomRequest(request, verb, data);
    Reply result;
    if (!QTest::qWaitFor([&] { return reply->isFinished(); }, kTimeoutMs))
        return result;
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.error = reply->error();
    result.json = QJsonDocument::fromJson(reply->readAll()).object();
    reply->deleteLater();
    return result;
}

void TestTls::httpsWithTheTrustedCertificate()
{
    const Reply health = request("GET", url(u"https"_s, u"/healthz"_s));
    QCOMPARE(health.error, QNetworkReply::NoError);
    QCOMPARE(health.status, 200);
    QCOMPARE(health.json.value("status"_L1).toString(), u"ok"_s);

    const Reply registered =
        request("POST", url(u"https"_s, u"/api/v1/register"_s),
                { { "username"_L1, u"tlsuser"_s }, { "password"_L1, kPassword } });
    QCOMPARE(registered.status, 201);
}

void TestTls::discoveryOffersWss()
{
    const Reply discovery = request("GET", url(u"https"_s, u"/api/v1/discovery"_s));
    QCOMPARE(discovery.status, 200);
    const QString offered =
        discovery.json.value("servers"_L1).toArray().first().toObject().value("url"_L1).toString();
    QCOMPARE(offered, url(u"wss"_s, u"/ws"_s).toString());
}

void TestTls::untrustedCertificateIsRefused()
{
    const Reply untrusted = request("GET", url(u"https"_s, u"/healthz"_s), {}, false);
    QCOMPARE(untrusted.status, 0);
    QCOMPARE(untrusted.error, QNetworkReply::SslHandshakeFailedError);
    // The server goes on serving.
    QCOMPARE(request("GET", url(u"https"_s, u"/healthz"_s)).status, 200);
}

void TestTls::plainHttpGetsNoAnswer()
{
    const QByteArray answer = HttpClient::raw(
        m_server->port(), "GET /healthz HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
    QVERIFY2(!answer.startsWith("HTTP/1.1 200"), answer.constData());
    QCOMPARE(request("GET", url(u"https"_s, u"/healthz"_s)).status, 200);
}

void TestTls::wssSession()
{
    const Reply login = request("POST", url(u"https"_s, u"/api/v1/login"_s),
                                { { "username"_L1, u"tlsuser"_s }, { "password"_L1, kPassword } });
    QCOMPARE(login.status, 200);
    const QString token = login.json.value("token"_L1).toString();

    WsClient ws;
    ws.socket().setSslConfiguration(trusting());
    const auto welcome = ws.login(url(u"wss"_s, u"/ws"_s), token);
    QVERIFY(welcome);
    QCOMPARE(welcome->value("username"_L1).toString(), u"tlsuser"_s);
    const auto sent = ws.request({ { "type"_L1, u"send"_s },
                                   { "to"_L1, u"user:tlsuser"_s },
                                   { "body"_L1, u"over TLS"_s },
                                   { "client_id"_L1, u"tls-1"_s } });
    QVERIFY(sent);
    QCOMPARE(sent->value("type"_L1).toString(), u"sent"_s);

    // Without trust, the WebSocket does not open.
    WsClient untrusting;
    QVERIFY(!untrusting.open(url(u"wss"_s, u"/ws"_s)));
}

void TestTls::clientLibrary()
{
    client::ServerApi api(url(u"https"_s, {}));
    api.setSslConfiguration(trusting());
    std::optional<Result<LoginResponse>> login;
    api.login(LoginRequest { u"tlsuser"_s, kPassword, u"client"_s },
              [&](Result<LoginResponse> result) { login = std::move(result); });
    QTRY_VERIFY_WITH_TIMEOUT(login.has_value(), kTimeoutMs);
    QVERIFY2(login->ok(), login->ok() ? "" : qPrintable(login->error().message));

    std::optional<Result<DiscoveryResponse>> discovery;
    api.discovery([&](Result<DiscoveryResponse> result) { discovery = std::move(result); });
    QTRY_VERIFY_WITH_TIMEOUT(discovery.has_value(), kTimeoutMs);
    QVERIFY(discovery->ok());
    const QUrl wsUrl = client::ServerApi::webSocketUrl(api.baseUrl(), discovery->value());
    QCOMPARE(wsUrl.scheme(), u"wss"_s);

    client::Connection connection;
    connection.setSslConfiguration(trusting());
    connection.setUrl(wsUrl);
    connection.setToken(login->value().token);
    QSignalSpy welcomed(&connection, &client::Connection::welcomed);
    connection.start();
    QTRY_COMPARE_WITH_TIMEOUT(connection.state(), client::Connection::State::Online, kTimeoutMs);
    QCOMPARE(welcomed.size(), 1);
    connection.stop();

    // The same client without the CA does not get in.
    client::ServerApi untrusting(url(u"https"_s, {}));
    std::optional<Result<DiscoveryResponse>> refused;
    untrusting.discovery([&](Result<DiscoveryResponse> result) { refused = std::move(result); });
    QTRY_VERIFY_WITH_TIMEOUT(refused.has_value(), kTimeoutMs);
    QVERIFY(!refused->ok());
    QCOMPARE(refused->error().code, ErrorCode::Unavailable);
}

void TestTls::badCertificateFilesStopTheStart()
{
    // A key that is not a key: confabd refuses to start rather than serve without TLS.
    QProcess process;
    process.start(ServerProcess::executable(),
                  { u"--listen"_s, u"127.0.0.1:0"_s, u"--data"_s, m_dir.filePath(u"data"_s),
                    u"--tls-cert"_s, m_cert, u"--tls-key"_s, m_cert });
    QVERIFY(process.waitForFinished(kTimeoutMs));
    QVERIFY(process.exitCode() != 0);
    QVERIFY2(process.readAllStandardError().contains("key"), "the error names the key");
}

QTEST_GUILESS_MAIN(TestTls)
#include "tst_tls.moc"
