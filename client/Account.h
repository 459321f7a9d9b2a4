// One signed-in account of the app and everything that serves it: the HTTP API, the keychain,
// the cache, the connection, the sync engine and the outbox. Signing in creates a device on the
// server and keeps its token in the keychain; the next start restores it without the network, so
// the app shows its cache at once and connects in the background.
#pragma once

#include "client/Cache.h"
#include "client/Connection.h"
#include "client/Contacts.h"
#include "client/Groups.h"
#include "client/Keyring.h"
#include "client/Outbox.h"
#include "client/ServerApi.h"
#include "client/SyncEngine.h"

#include <QObject>
#include <QSettings>
#include <QUrl>

#include <memory>

namespace confab::client {

class Account : public QObject
{
    Q_OBJECT
    Q_PROPERTY(State state READ state NOTIFY stateChanged)
    Q_PROPERTY(QString username READ username NOTIFY stateChanged)
    Q_PROPERTY(QString deviceId READ deviceId NOTIFY stateChanged)
    Q_PROPERTY(QUrl serverUrl READ serverUrl NOTIFY stateChanged)
    Q_PROPERTY(QString error READ error NOTIFY errorChanged)
    Q_PROPERTY(bool tokenInFile READ tokenInFile NOTIFY tokenStorageChanged)
public:
    enum class State { SignedOut, SigningIn, SignedIn };
    Q_ENUM(State)

    // `dataDir`: where the settings, the caches and the keychain's fallback file live.
    explicit Account(QString dataDir, QObject *parent = nullptr);
    ~Account() override;

    // The account signed in last time, from the settings and the keychain, without the network.
    // Its cache opens at once (SignedIn before the keychain answers, so the app can show it);
    // the connection starts once the token is read. False when there is none (or its token is
    // gone: then it is SignedOut again).
    void restore(std::function<void(bool restored)> done);
    // Creates a device for the account (and the account first, with registerFirst).
    void signIn(const QUrl &server, const QString &username, const QString &password,
                const QString &deviceName, bool registerFirst = false,
                const QString &displayName = {});
    // Logs this device out on the server (when reachable) and forgets it here.
    void signOut();

    State state() const { return m_state; }
    QString username() const { return m_username; }
    QString deviceId() const { return m_deviceId; }
    QUrl serverUrl() const { return m_serverUrl; }
    QString error() const { return m_error; }
    bool tokenInFile() const { return m_keyring.usingFallback(); }

    // Valid while signed in.
    Cache *cache() const { return m_cache.get(); }
    Connection &connection() { return m_connection; }
    SyncEngine *sync() const { return m_sync.get(); }
    Outbox *outbox() const { return m_outbox.get(); }
    Contacts *contacts() const { return m_contacts.get(); }
    Groups *groups() const { return m_groups.get(); }
    ServerApi &api() { return m_api; }
    Keyring &keyring() { return m_keyring; }

Q_SIGNALS:
    void stateChanged();
    void errorChanged();
    void tokenStorageChanged();

private:
    void fail(const QString &message);
    void finishSignIn(const LoginResponse &login);
    bool open(const QString &username, const QString &token, const QUrl &webSocketUrl);
    // The cache and what lives on it (SignedIn), without the connection.
    bool openCache(const QString &username);
    void connectWith(const QString &token, const QUrl &webSocketUrl);
    void close();
    QString keyFor(const QString &username) const;

    QString m_dataDir;
    QSettings m_settings;
    ServerApi m_api;
    Keyring m_keyring;
    Connection m_connection;
    std::unique_ptr<Cache> m_cache;
    std::unique_ptr<SyncEngine> m_sync;
    std::unique_ptr<Outbox> m_outbox;
    std::unique_ptr<Contacts> m_contacts;
    std::unique_ptr<Groups> m_groups;
    State m_state = State::SignedOut;
    QString m_username;
    QString m_deviceId;
    QUrl m_serverUrl;
    QString m_error;
};

} // namespace confab::client
