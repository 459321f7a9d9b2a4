#include "client/Keyring.h"

#include "client/Logging.h"

#include <qt6keychain/keychain.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

namespace confab::client {

using namespace Qt::StringLiterals;

namespace {

// D-Bus calls can hang (a bus that accepts and never answers); a keychain this slow is broken.
constexpr int kDefaultJobTimeoutMs = 3'000;

constexpr QFile::Permissions kPrivateFile = QFile::ReadOwner | QFile::WriteOwner;
constexpr QFile::Permissions kPrivateDirectory =
    QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner;

const QString kFileNote = u"the token is stored in a file readable only by you"_s;

// The fallback file's secrets; an empty object when there is no file yet, nothing when it
// cannot be read or is not a JSON object.
std::optional<QJsonObject> loadSecrets(const QString &path)
{
    QFile file(path);
    if (!file.exists())
        return QJsonObject {};
    if (!file.open(QIODevice::ReadOnly)) {
        qCWarning(lcClientKeyring, "cannot read %s: %s", qUtf8Printable(path),
                  qUtf8Printable(file.errorString()));
        return std::nullopt;
    }
    const QByteArray content = file.readAll();
    // An empty file is one whose first write failed after it was created (see saveSecrets).
    if (content.trimmed().isEmpty())
        return QJsonObject {};
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(content, &error);
    if (!document.isObject()) {
        qCWarning(lcClientKeyring, "%s is not a JSON object (%s)", qUtf8Printable(path),
                  qUtf8Printable(error.errorString()));
        return std::nullopt;
    }
    return document.object();
}

bool ensurePrivateDirectory(const QString &dir)
{
    if (QFileInfo(dir).isDir())
        return true;
    // The parents are ordinary directories (e.g. ~/.local/share); only ours is private, so
    // that not even the list of accounts with a stored token shows.
    if (!QDir().mkpath(QFileInfo(dir).absolutePath()) || !QDir().mkdir(dir, kPrivateDirectory)) {
        qCWarning(lcClientKeyring, "cannot create %s", qUtf8Printable(dir));
        return false;
    }
    return true;
}

bool saveSecrets(const QString &dir, const QString &path, const QJsonObject &secrets)
{
    if (!ensurePrivateDirectory(dir))
        return false;
    // QSaveFile creates its temporary copy of a file that does not exist yet with the umask's
    // permissions (usually 0644), and that of an existing file with 0600. So a new file is first
    // created empty and private, and the secrets never sit in a readable file, not even briefly.
    if (!QFileInfo::exists(path)) {
        QFile create(path);
        if (!create.open(QIODevice::WriteOnly | QIODevice::NewOnly, kPrivateFile)) {
            qCWarning(lcClientKeyring, "cannot create %s: %s", qUtf8Printable(path),
                      qUtf8Printable(create.errorString()));
            return false;
        }
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        qCWarning(lcClientKeyring, "cannot write %s: %s", qUtf8Printable(path),
                  qUtf8Printable(file.errorString()));
        return false;
    }
    // Also repairs an existing file someone made readable; set before any byte is written.
    file.setPermissions(kPrivateFile);
    file.write(QJsonDocument(secrets).toJson(QJsonDocument::Indented));
    if (!file.commit()) {
        qCWarning(lcClientKeyring, "cannot write %s: %s", qUtf8Printable(path),
                  qUtf8Printable(file.errorString()));
        return false;
    }
    return true;
}

} // namespace

Keyring::Keyring(QString service, QString fallbackDir, QObject *parent)
    : QObject(parent)
    , m_service(std::move(service))
    , m_fallbackDir(QDir::cleanPath(fallbackDir.isEmpty() ? u"."_s : fallbackDir))
{
    m_jobTimer.setSingleShot(true);
    m_jobTimer.setInterval(kDefaultJobTimeoutMs);
    connect(&m_jobTimer, &QTimer::timeout, this, &Keyring::onJobTimedOut);
}

QString Keyring::fallbackFilePath() const
{
    return m_fallbackDir + u"/credentials.json"_s;
}

void Keyring::store(const QString &key, const QString &secret, std::function<void(bool)> done)
{
    submit({ Operation::Kind::Store, key, secret, std::move(done), {}, {} });
}

void Keyring::read(const QString &key, std::function<void(std::optional<QString>)> done)
{
    submit({ Operation::Kind::Read, key, {}, {}, std::move(done), {} });
}

void Keyring::remove(const QString &key, std::function<void()> done)
{
    submit({ Operation::Kind::Remove, key, {}, {}, {}, std::move(done) });
}

void Keyring::setKeychainEnabled(bool enabled)
{
    if (enabled == m_keychainEnabled)
        return;
    m_keychainEnabled = enabled;
    if (!enabled) {
        qCInfo(lcClientKeyring, "keychain switched off");
        // A keychain that failed keeps its message: that is still why the file is used.
        if (!m_usingFallback)
            switchToFallback(u"The keychain is switched off; "_s + kFileNote);
    } else if (m_usingFallback && !m_keychainFailed) {
        // Undoes only the switch-off: a keychain that failed stays out of use.
        m_usingFallback = false;
        m_backendMessage.clear();
        Q_EMIT backendChanged();
    }
}

void Keyring::submit(Operation operation)
{
    if (m_usingFallback) {
        runOnFile(operation);
        return;
    }
    m_queue.push_back(std::move(operation));
    startNextJob();
}

void Keyring::startNextJob()
{
    if (m_job || m_queue.empty())
        return;
    const Operation &operation = m_queue.front();
    QKeychain::Job *job = nullptr;
    switch (operation.kind) {
    case Operation::Kind::Store: {
        auto *write = new QKeychain::WritePasswordJob(m_service);
        write->setTextData(operation.secret);
        job = write;
        break;
    }
    case Operation::Kind::Read:
        job = new QKeychain::ReadPasswordJob(m_service);
        break;
    case Operation::Kind::Remove:
        job = new QKeychain::DeletePasswordJob(m_service);
        break;
    }
    // No parent: a job still running when we are destroyed must live on, because QtKeychain's
    // libsecret callbacks point at it; it deletes itself once finished.
    job->setAutoDelete(true);
    // Its "insecure fallback" writes plain QSettings, and does nothing where libsecret is
    // installed; ours is the private file.
    job->setInsecureFallback(false);
    job->setKey(operation.key);
    connect(job, &QKeychain::Job::finished, this, &Keyring::onJobFinished);
    m_job = job;
    m_jobTimer.start();
    job->start();
}

void Keyring::onJobFinished(QKeychain::Job *job)
{
    if (job != m_job)
        return; // abandoned after a timeout
    m_jobTimer.stop();
    m_job.clear();
    Operation operation = std::move(m_queue.front());
    m_queue.pop_front();

    const QKeychain::Error error = job->error();
    const bool notFound = error == QKeychain::EntryNotFound;
    if (error != QKeychain::NoError && !(notFound && operation.kind != Operation::Kind::Store)) {
        const QString reason = job->errorString().isEmpty() ? u"keychain error %1"_s.arg(int(error))
                                                            : job->errorString();
        m_keychainFailed = true;
        // Redone on the file, ahead of the operations queued behind it.
        m_queue.push_front(std::move(operation));
        qCWarning(lcClientKeyring, "keychain job failed (error %d: %s); using %s", int(error),
                  qUtf8Printable(reason), qUtf8Printable(fallbackFilePath()));
        switchToFallback(u"No keychain available (%1); "_s.arg(reason) + kFileNote);
        return;
    }

    const QString &key = operation.key;
    switch (operation.kind) {
    case Operation::Kind::Store:
        // A copy an earlier run left in the file (it had no keychain) is now stale.
        removeFromFile(key);
        answer([done = std::move(operation.stored)] {
            if (done)
                done(true);
        });
        break;
    case Operation::Kind::Read: {
        // Not in the keychain: perhaps an earlier run without a keychain stored it in the file.
        std::optional<QString> secret = notFound
            ? readFromFile(key)
            : std::optional<QString>(static_cast<QKeychain::ReadPasswordJob *>(job)->textData());
        answer([done = std::move(operation.read), secret = std::move(secret)] {
            if (done)
                done(secret);
        });
        break;
    }
    case Operation::Kind::Remove:
        removeFromFile(key);
        answer([done = std::move(operation.removed)] {
            if (done)
                done();
        });
        break;
    }
    startNextJob();
}

void Keyring::onJobTimedOut()
{
    if (!m_job)
        return;
    m_keychainFailed = true;
    qCWarning(lcClientKeyring, "keychain job took longer than %d ms; using %s",
              m_jobTimer.interval(), qUtf8Printable(fallbackFilePath()));
    switchToFallback(u"No keychain available (it did not answer within %1 s); "_s.arg(
                         double(m_jobTimer.interval()) / 1000.0)
                     + kFileNote);
}

void Keyring::switchToFallback(const QString &message)
{
    if (m_job) {
        // The job may still finish (a hung D-Bus call can take minutes); it then deletes itself,
        // unheard.
        disconnect(m_job, nullptr, this, nullptr);
        m_job.clear();
    }
    m_jobTimer.stop();
    const bool changed = !m_usingFallback || m_backendMessage != message;
    m_usingFallback = true;
    m_backendMessage = message;
    // What the keychain left undone is redone on the file in call order, before anyone hears of
    // the change (a slot of backendChanged may well call us again).
    std::deque<Operation> pending;
    pending.swap(m_queue);
    for (const Operation &operation : pending)
        runOnFile(operation);
    if (changed)
        Q_EMIT backendChanged();
}

void Keyring::runOnFile(const Operation &operation)
{
    switch (operation.kind) {
    case Operation::Kind::Store: {
        const bool ok = writeToFile(operation.key, operation.secret);
        answer([done = operation.stored, ok] {
            if (done)
                done(ok);
        });
        break;
    }
    case Operation::Kind::Read:
        answer([done = operation.read, secret = readFromFile(operation.key)] {
            if (done)
                done(secret);
        });
        break;
    case Operation::Kind::Remove:
        removeFromFile(operation.key);
        answer([done = operation.removed] {
            if (done)
                done();
        });
        break;
    }
}

std::optional<QString> Keyring::readFromFile(const QString &key) const
{
    const auto secrets = loadSecrets(fallbackFilePath());
    if (!secrets)
        return std::nullopt;
    const QJsonValue value = secrets->value(key);
    if (!value.isString())
        return std::nullopt;
    return value.toString();
}

bool Keyring::writeToFile(const QString &key, const QString &secret) const
{
    // A corrupt file is replaced: its tokens are lost either way, and a new login restores them.
    QJsonObject secrets = loadSecrets(fallbackFilePath()).value_or(QJsonObject {});
    secrets.insert(key, secret);
    return saveSecrets(m_fallbackDir, fallbackFilePath(), secrets);
}

bool Keyring::removeFromFile(const QString &key) const
{
    auto secrets = loadSecrets(fallbackFilePath());
    // Only an existing entry costs a write: with a working keychain the file is never created.
    if (!secrets || !secrets->contains(key))
        return true;
    secrets->remove(key);
    return saveSecrets(m_fallbackDir, fallbackFilePath(), *secrets);
}

void Keyring::answer(std::function<void()> callback)
{
    // Always from the event loop, never inside the call: callers need not fear re-entrance,
    // and the file and the keychain answer alike. Dropped if we are destroyed first.
    QMetaObject::invokeMethod(this, std::move(callback), Qt::QueuedConnection);
}

} // namespace confab::client
