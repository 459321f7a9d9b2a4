// Signing in, restoring the session on the next start without a password, signing out, and the
// errors a person sees, against a real confabd.
#include "client/Account.h"
#include "tests/support/Accounts.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace confab;
using namespace confab::client;
using namespace confab::test;

namespace {
constexpr int kTimeoutMs = 20'000;
}

class TestAccount : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void registerSignInRestoreSignOut();
    void wrongPasswordSaysSo();
    void unreachableServerSaysSo();
    void takenUsernameSaysSo();
    void deviceRemovedElsewhereSignsOut();

private:
    QUrl serverUrl() const { return m_server.httpUrl(QString()); }

    ServerProcess m_server;
    HttpClient m_http;
};

void TestAccount::initTestCase()
{
    QVERIFY2(m_server.start(), qPrintable(m_server.errorString()));
}

void TestAccount::cleanupTestCase()
{
    QCOMPARE(m_server.stop(), 0);
}

void TestAccount::registerSignInRestoreSignOut()
{
    QTemporaryDir data;
    QVERIFY(data.isValid());
    QString token;
    {
        Account account(data.path());
        account.keyring().setKeychainEnabled(false);
        account.signIn(serverUrl(), u"Dana"_s, kPassword, u"laptop"_s, true, u"Dana D"_s);
        QCOMPARE(account.state(), Account::State::SigningIn);
        QTRY_COMPARE_WITH_TIMEOUT(account.state(), Account::State::SignedIn, kTimeoutMs);
        QCOMPARE(account.username(), u"dana"_s);
        QVERIFY(!account.deviceId().isEmpty());
        QVERIFY(account.tokenInFile());
        QTRY_COMPARE_WITH_TIMEOUT(account.connection().state(), Connection::State::Online,
                                  kTimeoutMs);
        token = account.api().token();
        QVERIFY(!token.isEmpty());
        QCOMPARE(m_http.get(m_server.httpUrl(u"/api/v1/me"_s), token).status, 200);
    }
    // The next start: no password, no network needed to get going.
    {
        Account account(data.path());
        account.keyring().setKeychainEnabled(false);
        bool restored = false;
        bool answered = false;
        account.restore([&](bool ok) {
            restored = ok;
            answered = true;
        });
        QTRY_VERIFY_WITH_TIMEOUT(answered, kTimeoutMs);
        QVERIFY(restored);
        QCOMPARE(account.state(), Account::State::SignedIn);
        QCOMPARE(account.username(), u"dana"_s);
        QVERIFY(account.cache());
        QTRY_COMPARE_WITH_TIMEOUT(account.connection().state(), Connection::State::Online,
                                  kTimeoutMs);
        account.signOut();
        QCOMPARE(account.state(), Account::State::SignedOut);
        QTRY_COMPARE_WITH_TIMEOUT(m_http.get(m_server.httpUrl(u"/api/v1/me"_s), token).status, 401,
                                  kTimeoutMs);
    }
    Account after(data.path());
    after.keyring().setKeychainEnabled(false);
    bool restored = true;
    bool answered = false;
    after.restore([&](bool ok) {
        restored = ok;
        answered = true;
    });
    QTRY_VERIFY_WITH_TIMEOUT(answered, kTimeoutMs);
    QVERIFY(!restored);
}

void TestAccount::wrongPasswordSaysSo()
{
    QVERIFY(makeDevice(m_http, m_server, u"erin"_s).ok());
    QTemporaryDir data;
    Account account(data.path());
    account.keyring().setKeychainEnabled(false);
    account.signIn(serverUrl(), u"erin"_s, u"not the password"_s, u"phone"_s);
    QTRY_COMPARE_WITH_TIMEOUT(account.state(), Account::State::SignedOut, kTimeoutMs);
    QVERIFY2(account.error().contains(u"password"_s), qPrintable(account.error()));
}

void TestAccount::unreachableServerSaysSo()
{
    QTemporaryDir data;
    Account account(data.path());
    account.keyring().setKeychainEnabled(false);
    // A port nothing listens on.
    account.signIn(QUrl(u"http://127.0.0.1:1"_s), u"frank"_s, kPassword, u"phone"_s);
    QTRY_COMPARE_WITH_TIMEOUT(account.state(), Account::State::SignedOut, kTimeoutMs);
    QVERIFY(!account.error().isEmpty());
}

void TestAccount::takenUsernameSaysSo()
{
    QVERIFY(makeDevice(m_http, m_server, u"gina"_s).ok());
    QTemporaryDir data;
    Account account(data.path());
    account.keyring().setKeychainEnabled(false);
    account.signIn(serverUrl(), u"gina"_s, kPassword, u"phone"_s, true);
    QTRY_COMPARE_WITH_TIMEOUT(account.state(), Account::State::SignedOut, kTimeoutMs);
    QVERIFY2(account.error().contains(u"taken"_s), qPrintable(account.error()));
}

void TestAccount::deviceRemovedElsewhereSignsOut()
{
    QTemporaryDir data;
    Account account(data.path());
    account.keyring().setKeychainEnabled(false);
    account.signIn(serverUrl(), u"hugo"_s, kPassword, u"laptop"_s, true);
    QTRY_COMPARE_WITH_TIMEOUT(account.connection().state(), Connection::State::Online, kTimeoutMs);
    // Another device of hugo's removes this one.
    const TestDevice other = makeDevice(m_http, m_server, u"hugo"_s, false, u"phone"_s);
    QVERIFY(other.ok());
    const HttpReply removed = m_http.send(
        "DELETE", m_server.httpUrl(u"/api/v1/devices/"_s + account.deviceId()), {}, other.token);
    QCOMPARE(removed.status, 204);
    QTRY_COMPARE_WITH_TIMEOUT(account.state(), Account::State::SignedOut, kTimeoutMs);
    QVERIFY(!account.error().isEmpty());
}

QTEST_GUILESS_MAIN(TestAccount)
#include "tst_account.moc"
