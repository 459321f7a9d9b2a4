// Keyring: the private fallback file, a session without any keychain service (and one whose bus
// never answers), and, under tests/client/with-keyring.sh, a real Secret Service.
//
// The process's D-Bus session address is chosen once, in initTestCase, before any keychain job:
// normally a socket that does not exist; under with-keyring.sh (CONFAB_TEST_SYSTEM_KEYRING=1)
// the private bus of its gnome-keyring-daemon.
#include "client/Keyring.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocalServer>
#include <QLocalSocket>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace Qt::StringLiterals;
using confab::client::Keyring;

namespace {

constexpr int kAnswerTimeoutMs = 10'000;
const QString kService = u"ConfabTest"_s;
const QString kNothing = u"(nothing)"_s;
const QString kNoAnswer = u"(no answer)"_s;

// Blocking wrappers that keep failures readable in QCOMPARE.
bool storeAndWait(Keyring &keyring, const QString &key, const QString &secret)
{
    std::optional<bool> result;
    keyring.store(key, secret, [&](bool ok) { result = ok; });
    return QTest::qWaitFor([&] { return result.has_value(); }, kAnswerTimeoutMs) && *result;
}

QString readAndWait(Keyring &keyring, const QString &key)
{
    QString text = kNoAnswer;
    keyring.read(key, [&](std::optional<QString> secret) { text = secret.value_or(kNothing); });
    return QTest::qWaitFor([&] { return text != kNoAnswer; }, kAnswerTimeoutMs) ? text : kNoAnswer;
}

bool removeAndWait(Keyring &keyring, const QString &key)
{
    bool answered = false;
    keyring.remove(key, [&] { answered = true; });
    return QTest::qWaitFor([&] { return answered; }, kAnswerTimeoutMs);
}

int modeOf(const QString &path)
{
    struct stat st = {};
    if (::stat(QFile::encodeName(path).constData(), &st) != 0)
        return -1;
    return int(st.st_mode & 07777);
}

QJsonObject fileContent(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

} // namespace

class TestKeyring : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void fileRoundTrip();
    void fileIsPrivateFromTheStart();
    void readableFileIsRepaired();
    void missingKeys();
    void callbacksComeFromTheEventLoop();

    void noKeychainService();
    void queuedCallsReplayOnTheFile();
    void silentKeychainService();

    void systemKeychain();
    void systemKeychainFindsTokenOfRunWithoutKeychain();

private:
    bool m_systemKeyring = false;
};

void TestKeyring::initTestCase()
{
    m_systemKeyring = qEnvironmentVariableIsSet("CONFAB_TEST_SYSTEM_KEYRING");
    if (!m_systemKeyring)
        qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/confab-test-bus");
}

void TestKeyring::fileRoundTrip()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    Keyring keyring(kService, dir.path());
    QSignalSpy changed(&keyring, &Keyring::backendChanged);
    keyring.setKeychainEnabled(false);
    QVERIFY(keyring.usingFallback());
    QCOMPARE(changed.count(), 1);
    QVERIFY(!keyring.backendMessage().isEmpty());

    QVERIFY(storeAndWait(keyring, u"alice@chat.example.org"_s, u"token-1"_s));
    QCOMPARE(readAndWait(keyring, u"alice@chat.example.org"_s), u"token-1"_s);
    QVERIFY(storeAndWait(keyring, u"alice@chat.example.org"_s, u"token-2"_s));
    QCOMPARE(readAndWait(keyring, u"alice@chat.example.org"_s), u"token-2"_s);
    QVERIFY(storeAndWait(keyring, u"bob@localhost:8080"_s, u"token-b"_s));
    QCOMPARE(readAndWait(keyring, u"alice@chat.example.org"_s), u"token-2"_s);
    QCOMPARE(readAndWait(keyring, u"bob@localhost:8080"_s), u"token-b"_s);

    const QString path = dir.filePath(u"credentials.json"_s);
    QCOMPARE(keyring.fallbackFilePath(), path);
    const QJsonObject expected { { "alice@chat.example.org"_L1, u"token-2"_s },
                                 { "bob@localhost:8080"_L1, u"token-b"_s } };
    QCOMPARE(fileContent(path), expected);

    QVERIFY(removeAndWait(keyring, u"alice@chat.example.org"_s));
    QCOMPARE(readAndWait(keyring, u"alice@chat.example.org"_s), kNothing);
    QCOMPARE(readAndWait(keyring, u"bob@localhost:8080"_s), u"token-b"_s);
    QCOMPARE(fileContent(path), (QJsonObject { { "bob@localhost:8080"_L1, u"token-b"_s } }));

    // A second Keyring on the same directory (the next run of the app) sees the same secrets.
    Keyring again(kService, dir.path());
    again.setKeychainEnabled(false);
    QCOMPARE(readAndWait(again, u"bob@localhost:8080"_s), u"token-b"_s);
    QCOMPARE(changed.count(), 1);
}

void TestKeyring::fileIsPrivateFromTheStart()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    // The directory does not exist yet, nor does its parent.
    const QString fallbackDir = dir.filePath(u"share/confab"_s);
    Keyring keyring(kService, fallbackDir);
    keyring.setKeychainEnabled(false);
    QVERIFY(storeAndWait(keyring, u"alice@host"_s, u"secret"_s));

    const QString path = fallbackDir + u"/credentials.json"_s;
    QCOMPARE(modeOf(path), 0600);
    QCOMPARE(modeOf(fallbackDir), 0700);
    QVERIFY(QFileInfo(path).permissions().testFlag(QFile::ReadOwner));
    QVERIFY(!QFileInfo(path).permissions().testFlag(QFile::ReadOther));
    // No temporary copy is left beside it.
    QCOMPARE(QDir(fallbackDir).entryList(QDir::Files | QDir::Hidden),
             QStringList { u"credentials.json"_s });

    QVERIFY(storeAndWait(keyring, u"bob@host"_s, u"other"_s));
    QCOMPARE(modeOf(path), 0600);
}

void TestKeyring::readableFileIsRepaired()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"credentials.json"_s);
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(R"({"old@host":"kept"})");
    }
    QVERIFY(QFile::setPermissions(
        path, QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup | QFile::ReadOther));
    QCOMPARE(modeOf(path), 0644);

    Keyring keyring(kService, dir.path());
    keyring.setKeychainEnabled(false);
    QCOMPARE(readAndWait(keyring, u"old@host"_s), u"kept"_s);
    QVERIFY(storeAndWait(keyring, u"new@host"_s, u"fresh"_s));
    QCOMPARE(modeOf(path), 0600);
    QCOMPARE(readAndWait(keyring, u"old@host"_s), u"kept"_s);
    QCOMPARE(readAndWait(keyring, u"new@host"_s), u"fresh"_s);
}

void TestKeyring::missingKeys()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    Keyring keyring(kService, dir.path());
    keyring.setKeychainEnabled(false);

    // No file at all yet: nothing to read, nothing to remove, and no file made for it.
    QCOMPARE(readAndWait(keyring, u"nobody@host"_s), kNothing);
    QVERIFY(removeAndWait(keyring, u"nobody@host"_s));
    QVERIFY(!QFileInfo::exists(keyring.fallbackFilePath()));

    QVERIFY(storeAndWait(keyring, u"alice@host"_s, u"secret"_s));
    QCOMPARE(readAndWait(keyring, u"nobody@host"_s), kNothing);
    QVERIFY(removeAndWait(keyring, u"nobody@host"_s));
    QCOMPARE(readAndWait(keyring, u"alice@host"_s), u"secret"_s);
}

void TestKeyring::callbacksComeFromTheEventLoop()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    Keyring keyring(kService, dir.path());
    keyring.setKeychainEnabled(false);

    QStringList order;
    keyring.store(u"k"_s, u"v"_s, [&](bool ok) { order << (ok ? u"stored"_s : u"failed"_s); });
    keyring.read(u"k"_s, [&](std::optional<QString> s) { order << s.value_or(kNothing); });
    keyring.remove(u"k"_s, [&] { order << u"removed"_s; });
    keyring.read(u"k"_s, [&](std::optional<QString> s) { order << s.value_or(kNothing); });
    QVERIFY(order.isEmpty()); // not one answered inside its call
    QTRY_COMPARE_WITH_TIMEOUT(order.size(), 4, kAnswerTimeoutMs);
    QCOMPARE(order, (QStringList { u"stored"_s, u"v"_s, u"removed"_s, kNothing }));
}

void TestKeyring::noKeychainService()
{
    if (m_systemKeyring)
        QSKIP("runs without a keychain service (client_keyring), not under with-keyring.sh");
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    Keyring keyring(kService, dir.path());
    QVERIFY(!keyring.usingFallback());
    QSignalSpy changed(&keyring, &Keyring::backendChanged);

    QElapsedTimer clock;
    clock.start();
    std::optional<bool> stored;
    keyring.store(u"alice@host"_s, u"token"_s, [&](bool ok) { stored = ok; });
    QVERIFY(!stored.has_value());
    // "Did not hang": the answer comes within a few seconds.
    QTRY_VERIFY_WITH_TIMEOUT(stored.has_value(), 5'000);
    qInfo("answered after %lld ms: %s", qint64(clock.elapsed()),
          qUtf8Printable(keyring.backendMessage()));
    QVERIFY(*stored);
    QVERIFY(keyring.usingFallback());
    QCOMPARE(changed.count(), 1);
    QVERIFY(keyring.backendMessage().startsWith(u"No keychain available ("_s));
    QVERIFY(keyring.backendMessage().endsWith(u"readable only by you"_s));
    QCOMPARE(modeOf(keyring.fallbackFilePath()), 0600);
    QCOMPARE(fileContent(keyring.fallbackFilePath()),
             (QJsonObject { { "alice@host"_L1, u"token"_s } }));

    // From now on the file, without another change.
    QCOMPARE(readAndWait(keyring, u"alice@host"_s), u"token"_s);
    QVERIFY(removeAndWait(keyring, u"alice@host"_s));
    QCOMPARE(readAndWait(keyring, u"alice@host"_s), kNothing);
    QCOMPARE(changed.count(), 1);
    // Switching the keychain off and on again does not bring back a keychain that failed.
    const QString message = keyring.backendMessage();
    keyring.setKeychainEnabled(false);
    keyring.setKeychainEnabled(true);
    QVERIFY(keyring.usingFallback());
    QCOMPARE(keyring.backendMessage(), message);
    QCOMPARE(changed.count(), 1);
}

void TestKeyring::queuedCallsReplayOnTheFile()
{
    if (m_systemKeyring)
        QSKIP("runs without a keychain service (client_keyring), not under with-keyring.sh");
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    Keyring keyring(kService, dir.path());
    QSignalSpy changed(&keyring, &Keyring::backendChanged);

    // All issued before the keychain's failure is known: they wait behind the first job and are
    // redone on the file in call order.
    QStringList order;
    keyring.read(u"k"_s, [&](std::optional<QString> s) { order << s.value_or(kNothing); });
    keyring.store(u"k"_s, u"v1"_s, [&](bool ok) { order << (ok ? u"stored"_s : u"failed"_s); });
    keyring.store(u"k"_s, u"v2"_s, [&](bool ok) { order << (ok ? u"stored"_s : u"failed"_s); });
    keyring.read(u"k"_s, [&](std::optional<QString> s) { order << s.value_or(kNothing); });
    keyring.remove(u"other"_s, [&] { order << u"removed"_s; });
    QTRY_COMPARE_WITH_TIMEOUT(order.size(), 5, kAnswerTimeoutMs);
    QCOMPARE(order, (QStringList { kNothing, u"stored"_s, u"stored"_s, u"v2"_s, u"removed"_s }));
    QCOMPARE(changed.count(), 1);
    QVERIFY(keyring.usingFallback());
}

void TestKeyring::silentKeychainService()
{
    if (m_systemKeyring)
        QSKIP("runs without a keychain service (client_keyring), not under with-keyring.sh");
    // A session bus that accepts connections and never says a word: the D-Bus handshake hangs.
    // (The bus address is read again on each attempt while no connection has been made.)
    QTemporaryDir busDir;
    QVERIFY(busDir.isValid());
    QLocalServer bus;
    QVERIFY(bus.listen(busDir.filePath(u"bus"_s)));
    QSignalSpy busConnected(&bus, &QLocalServer::newConnection);
    qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=" + QFile::encodeName(bus.fullServerName()));

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    Keyring keyring(kService, dir.path());
    keyring.setKeychainTimeout(1'000);
    QSignalSpy changed(&keyring, &Keyring::backendChanged);
    QElapsedTimer clock;
    clock.start();
    std::optional<bool> stored;
    keyring.store(u"alice@host"_s, u"token"_s, [&](bool ok) { stored = ok; });
    QTRY_VERIFY_WITH_TIMEOUT(stored.has_value(), 5'000);
    QVERIFY2(clock.elapsed() >= 900, qUtf8Printable(keyring.backendMessage()));
    QVERIFY(*stored);
    QVERIFY(busConnected.count() >= 1); // the keychain did try this bus
    QVERIFY(keyring.usingFallback());
    QCOMPARE(changed.count(), 1);
    QCOMPARE(keyring.backendMessage(),
             u"No keychain available (it did not answer within 1 s); "
             "the token is stored in a file readable only by you"_s);
    QCOMPARE(readAndWait(keyring, u"alice@host"_s), u"token"_s);
}

void TestKeyring::systemKeychain()
{
    if (!m_systemKeyring)
        QSKIP("needs a Secret Service: ctest runs it as client_keyring_system via with-keyring.sh");
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    Keyring keyring(kService, dir.path());
    QSignalSpy changed(&keyring, &Keyring::backendChanged);

    QVERIFY(storeAndWait(keyring, u"alice@host"_s, u"token-1"_s));
    QVERIFY2(!keyring.usingFallback(), qUtf8Printable(keyring.backendMessage()));
    QCOMPARE(readAndWait(keyring, u"alice@host"_s), u"token-1"_s);
    QVERIFY(storeAndWait(keyring, u"alice@host"_s, u"token-2"_s));
    QVERIFY(storeAndWait(keyring, u"bob@host"_s, u"token-b"_s));
    QCOMPARE(readAndWait(keyring, u"alice@host"_s), u"token-2"_s);
    QCOMPARE(readAndWait(keyring, u"bob@host"_s), u"token-b"_s);
    QCOMPARE(readAndWait(keyring, u"nobody@host"_s), kNothing);

    // It is in the keychain itself: another Keyring with another (empty) directory finds it.
    QTemporaryDir otherDir;
    Keyring other(kService, otherDir.path());
    QCOMPARE(readAndWait(other, u"alice@host"_s), u"token-2"_s);
    // ...and a different service does not.
    Keyring otherService(kService + u"-other"_s, otherDir.path());
    QCOMPARE(readAndWait(otherService, u"alice@host"_s), kNothing);

    QVERIFY(removeAndWait(keyring, u"alice@host"_s));
    QCOMPARE(readAndWait(keyring, u"alice@host"_s), kNothing);
    QCOMPARE(readAndWait(keyring, u"bob@host"_s), u"token-b"_s);
    QVERIFY(removeAndWait(keyring, u"bob@host"_s));
    QVERIFY(removeAndWait(keyring, u"nobody@host"_s)); // missing: fine

    QVERIFY(!keyring.usingFallback());
    QVERIFY(!other.usingFallback() && !otherService.usingFallback());
    QVERIFY(keyring.backendMessage().isEmpty());
    QCOMPARE(changed.count(), 0);
    // Nothing was written to the fallback file, nor anywhere else in its directory.
    QVERIFY(!QFileInfo::exists(keyring.fallbackFilePath()));
    QVERIFY(QDir(dir.path()).isEmpty(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot));
    QVERIFY(QDir(otherDir.path()).isEmpty(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot));
}

void TestKeyring::systemKeychainFindsTokenOfRunWithoutKeychain()
{
    if (!m_systemKeyring)
        QSKIP("needs a Secret Service: ctest runs it as client_keyring_system via with-keyring.sh");
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    {
        // An earlier run that had no keychain.
        Keyring earlier(kService, dir.path());
        earlier.setKeychainEnabled(false);
        QVERIFY(storeAndWait(earlier, u"carol@host"_s, u"from-file"_s));
        QVERIFY(storeAndWait(earlier, u"dave@host"_s, u"also-file"_s));
    }
    Keyring keyring(kService, dir.path());
    QCOMPARE(readAndWait(keyring, u"carol@host"_s), u"from-file"_s);
    QVERIFY(!keyring.usingFallback());

    // Stored again, it moves to the keychain and leaves the file.
    QVERIFY(storeAndWait(keyring, u"carol@host"_s, u"from-keychain"_s));
    QCOMPARE(readAndWait(keyring, u"carol@host"_s), u"from-keychain"_s);
    QCOMPARE(fileContent(keyring.fallbackFilePath()),
             (QJsonObject { { "dave@host"_L1, u"also-file"_s } }));
    // Removing takes it out of the file as well, so it does not come back from there.
    QVERIFY(removeAndWait(keyring, u"dave@host"_s));
    QCOMPARE(readAndWait(keyring, u"dave@host"_s), kNothing);
    QCOMPARE(fileContent(keyring.fallbackFilePath()), QJsonObject {});
    QCOMPARE(modeOf(keyring.fallbackFilePath()), 0600);
    QVERIFY(removeAndWait(keyring, u"carol@host"_s));
    QVERIFY(!keyring.usingFallback());
}

QTEST_GUILESS_MAIN(TestKeyring)
#include "tst_keyring.moc"
