// Device tokens in the OS keychain (QtKeychain), with a fallback for systems that have none.
//
// Where no keychain service answers (QtKeychain fails, e.g. with OtherError "Cannot autolaunch
// D-Bus" or "Object does not exist at path .../collection/login"; its own insecure fallback does
// nothing when libsecret is present), secrets go to a file readable only by the user (0600) in
// `fallbackDir`, and usingFallback() says so, for the UI to show. Nothing here ever blocks: every
// call answers through its callback on the calling thread, within a few seconds at most.
// Callbacks always come from the event loop (queued), never from inside the call, whether the
// keychain or the file answers; a Keyring destroyed before that drops them.
#pragma once

#include <QObject>
#include <QPointer>
#include <QString>
#include <QTimer>

#include <deque>
#include <functional>
#include <optional>

namespace QKeychain {
class Job;
}

namespace confab::client {

class Keyring : public QObject
{
    Q_OBJECT
    Q_PROPERTY(bool usingFallback READ usingFallback NOTIFY backendChanged)
    Q_PROPERTY(QString backendMessage READ backendMessage NOTIFY backendChanged)
public:
    // `service`: the keychain service name (e.g. "Confab"); `fallbackDir`: where the fallback
    // file lives (the app's data directory; created, 0700, when first needed).
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
    // How long one keychain job may take before the keychain counts as broken (default 3 s).
    void setKeychainTimeout(int ms) { m_jobTimer.setInterval(ms); }

    // The fallback file: <fallbackDir>/credentials.json.
    QString fallbackFilePath() const;

Q_SIGNALS:
    void backendChanged();

private:
    struct Operation
    {
        enum class Kind { Store, Read, Remove };
        Kind kind = Kind::Read;
        QString key;
        QString secret; // Store only
        std::function<void(bool)> stored;
        std::function<void(std::optional<QString>)> read;
        std::function<void()> removed;
    };

    void submit(Operation operation);
    void startNextJob();
    void onJobFinished(QKeychain::Job *job);
    void onJobTimedOut();
    void switchToFallback(const QString &message);
    void runOnFile(const Operation &operation);
    std::optional<QString> readFromFile(const QString &key) const;
    bool writeToFile(const QString &key, const QString &secret) const;
    bool removeFromFile(const QString &key) const;
    void answer(std::function<void()> callback);

    QString m_service;
    QString m_fallbackDir;
    bool m_keychainEnabled = true;
    bool m_usingFallback = false;
    bool m_keychainFailed = false; // as opposed to switched off by setKeychainEnabled(false)
    QString m_backendMessage;
    // Keychain operations in call order; the first one is in flight as m_job. QtKeychain runs
    // jobs one at a time anyway, and keeping our own queue lets a switch to the fallback replay
    // whatever is still waiting, in order.
    std::deque<Operation> m_queue;
    QPointer<QKeychain::Job> m_job;
    QTimer m_jobTimer;
};

} // namespace confab::client
