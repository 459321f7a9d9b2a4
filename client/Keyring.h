// Device tokens in the OS keychain (QtKeychain), with a fallback for systems that have none.
//
// Where no keychain service answers (QtKeychain fails, e.g. with OtherError "Cannot autolaunch
// D-Bus" or "Object does not exist at path .../collection/login"; its own insecure fallback does
// nothing when libsecret is present), secrets go to a file readable only by the user (0600) in
// `fallbackDir`, and usingFallback() says so, for the UI to show. Nothing here ever blocks: every
// call answers through its callback on the calling thread, within a few seconds at most.
#pragma once

#include <QObject>
#include <QString>

#include <functional>
#include <optional>

namespace confab::client {

class Keyring : public QObject
{
    Q_OBJECT
    Q_PROPERTY(bool usingFallback READ usingFallback NOTIFY backendChanged)
    Q_PROPERTY(QString backendMessage READ backendMessage NOTIFY backendChanged)
public:
    // `service`: the keychain service name (e.g. "Confab"); `fallbackDir`: where the fallback
    // file lives (the app's data directory).
    Keyring(QString service, QString fallbackDir, QObject *parent = nullptr);

    // `key` names the secret (e.g. "alice@chat.example.org"). done(true) once it is stored.
    void store(const QString &key, const QString &secret, std::function<void(bool ok)> done);
    // done(nothing) when no secret is stored under the key.
    void read(const QString &key, std::function<void(std::optional<QString> secret)> done);
    void remove(const QString &key, std::function<void()> done);

    // True once the keychain failed and the file is used instead; then backendMessage() says why.
    bool usingFallback() const { return m_usingFallback; }
    QString backendMessage() const { return m_backendMessage; }

    // Tests: skip the keychain and use the file directly.
    void setKeychainEnabled(bool enabled);

Q_SIGNALS:
    void backendChanged();

private:
    // (implementation state: add what you need)
    QString m_service;
    QString m_fallbackDir;
    bool m_keychainEnabled = true;
    bool m_usingFallback = false;
    QString m_backendMessage;
};

} // namespace confab::client
