#include "client/Account.h"

#include "client/Logging.h"

#include <QDir>
#include <QPointer>

namespace confab::client {

using namespace Qt::StringLiterals;

namespace {
const QString kServerKey = u"account/server"_s;
const QString kUsernameKey = u"account/username"_s;
const QString kDeviceKey = u"account/device"_s;
const QString kWebSocketKey = u"account/websocket"_s;
} // namespace

Account::Account(QString dataDir, QObject *parent)
    : QObject(parent)
    , m_dataDir(std::move(dataDir))
    , m_settings(QDir(m_dataDir).filePath(u"account.ini"_s), QSettings::IniFormat)
    , m_keyring(u"Confab"_s, m_dataDir)
{
    connect(&m_keyring, &Keyring::backendChanged, this, &Account::tokenStorageChanged);
    // Logged out from another device, or the token is no longer valid: this device is signed out.
    connect(&m_connection, &Connection::tokenRejected, this, [this](int, const QString &reason) {
        signOut();
        m_error = u"Signed out: %1"_s.arg(reason.isEmpty() ? u"the server refused this device"_s
                                                           : reason);
        Q_EMIT errorChanged();
    });
}

Account::~Account()
{
    close();
}

QString Account::keyFor(const QString &username) const
{
    return username + u'@' + m_serverUrl.authority();
}

void Account::fail(const QString &message)
{
    m_error = message;
    Q_EMIT errorChanged();
    if (m_state != State::SignedIn) {
        m_state = State::SignedOut;
        Q_EMIT stateChanged();
    }
}

void Account::restore(std::function<void(bool)> done)
{
    const QString username = m_settings.value(kUsernameKey).toString();
    m_serverUrl = m_settings.value(kServerKey).toUrl();
    if (username.isEmpty() || !m_serverUrl.isValid()) {
        done(false);
        return;
    }
    m_deviceId = m_settings.value(kDeviceKey).toString();
    m_api.setBaseUrl(m_serverUrl);
    // The cache first: the app shows it at once, however long the keychain takes to answer.
    if (!openCache(username)) {
        done(false);
        return;
    }
    QPointer<Account> self(this);
    m_keyring.read(keyFor(username), [self, done](std::optional<QString> token) {
        if (!self) {
            done(false);
            return;
        }
        if (!token) {
            self->close();
            self->m_username.clear();
            self->m_state = State::SignedOut;
            Q_EMIT self->stateChanged();
            done(false);
            return;
        }
        const QUrl ws = self->m_settings.value(kWebSocketKey).toUrl();
        self->connectWith(*token,
                          ws.isValid() ? ws : ServerApi::webSocketUrl(self->m_serverUrl, {}));
        done(true);
    });
}

void Account::signIn(const QUrl &server, const QString &username, const QString &password,
                     const QString &deviceName, bool registerFirst, const QString &displayName)
{
    close();
    m_serverUrl = server;
    m_api.setBaseUrl(server);
    m_state = State::SigningIn;
    m_error.clear();
    Q_EMIT stateChanged();
    Q_EMIT errorChanged();

    QPointer<Account> self(this);
    auto login = [self, username, password, deviceName] {
        if (!self)
            return;
        self->m_api.login(LoginRequest { username, password, deviceName },
                          [self](Result<LoginResponse> response) {
                              if (!self)
                                  return;
                              if (!response)
                                  self->fail(response.error().message);
                              else
                                  self->finishSignIn(*response);
                          });
    };
    if (!registerFirst) {
        login();
        return;
    }
    m_api.registerAccount(RegisterRequest { username, password, displayName },
                          [self, login](Result<UserInfo> created) {
                              if (!self)
                                  return;
                              if (!created)
                                  self->fail(created.error().message);
                              else
                                  login();
                          });
}

void Account::finishSignIn(const LoginResponse &login)
{
    QPointer<Account> self(this);
    m_api.setToken(login.token);
    m_deviceId = QString::number(login.deviceId);
    // Where to connect: discovery when offered, else the server's own /ws.
    m_api.discovery([self, login](Result<DiscoveryResponse> discovery) {
        if (!self)
            return;
        const QUrl ws = ServerApi::webSocketUrl(self->m_serverUrl,
                                                discovery ? *discovery : DiscoveryResponse {});
        self->m_keyring.store(self->keyFor(login.username), login.token,
                              [self, login, ws](bool ok) {
                                  if (!self)
                                      return;
                                  if (!ok) {
                                      self->fail(u"The device token could not be stored."_s);
                                      return;
                                  }
                                  self->m_settings.setValue(kServerKey, self->m_serverUrl);
                                  self->m_settings.setValue(kUsernameKey, login.username);
                                  self->m_settings.setValue(kDeviceKey, self->m_deviceId);
                                  self->m_settings.setValue(kWebSocketKey, ws);
                                  self->m_settings.sync();
                                  if (!self->open(login.username, login.token, ws))
                                      self->fail(u"The local cache cannot be opened."_s);
                              });
    });
}

bool Account::open(const QString &username, const QString &token, const QUrl &webSocketUrl)
{
    if (!openCache(username))
        return false;
    connectWith(token, webSocketUrl);
    return true;
}

bool Account::openCache(const QString &username)
{
    auto cache = Cache::open(QDir(m_dataDir).filePath(username + u"/cache.sqlite3"_s), username);
    if (!cache) {
        qCWarning(lcClientCache) << cache.error().message;
        return false;
    }
    m_cache = std::move(cache).value();
    m_sync = std::make_unique<SyncEngine>(m_connection, *m_cache);
    m_outbox = std::make_unique<Outbox>(m_connection, *m_cache, *m_sync);
    m_contacts = std::make_unique<Contacts>(m_connection, *m_cache, *m_sync);
    m_groups = std::make_unique<Groups>(m_connection, *m_cache, *m_sync);
    m_username = username;
    m_state = State::SignedIn;
    Q_EMIT stateChanged();
    return true;
}

void Account::connectWith(const QString &token, const QUrl &webSocketUrl)
{
    m_api.setToken(token);
    m_connection.setUrl(webSocketUrl);
    m_connection.setToken(token);
    m_connection.start();
}

void Account::close()
{
    m_connection.stop();
    m_groups.reset();
    m_contacts.reset();
    m_outbox.reset();
    m_sync.reset();
    m_cache.reset();
}

void Account::signOut()
{
    const QString key = keyFor(m_username);
    // Best effort: a server that cannot be reached keeps the device until it is removed from
    // another one; this one forgets its token either way.
    m_api.logout([](Result<Done>) {});
    close();
    m_keyring.remove(key, [] {});
    m_settings.remove(u"account"_s);
    m_settings.sync();
    m_username.clear();
    m_deviceId.clear();
    m_state = State::SignedOut;
    Q_EMIT stateChanged();
}

} // namespace confab::client
