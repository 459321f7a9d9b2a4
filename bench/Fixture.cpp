#include "bench/Fixture.h"

#include "server/Credentials.h"
#include "server/store/Accounts.h"
#include "server/store/Database.h"
#include "server/store/Migrations.h"
#include "server/store/Writer.h"

#include <QDir>
#include <QFile>
#include <QSaveFile>

namespace confab::bench {

using namespace Qt::StringLiterals;

namespace {
const QString kDatabase = u"confab.sqlite3"_s;
const QString kDevices = u"bench-devices.tsv"_s;
const QString kPassword = u"bench password"_s;

QList<BenchDevice> readDevices(const QString &path)
{
    QList<BenchDevice> devices;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return devices;
    for (const QByteArray &line : file.readAll().split('\n')) {
        const QList<QByteArray> fields = line.split('\t');
        if (fields.size() == 2)
            devices.append({ QString::fromUtf8(fields[0]), QString::fromUtf8(fields[1]) });
    }
    return devices;
}
} // namespace

QString Fixture::username(int index)
{
    return u"bench%1"_s.arg(index, 5, 10, QChar(u'0'));
}

QList<BenchDevice> Fixture::prepare(const QString &dir, int users, QString *error)
{
    QList<BenchDevice> devices = readDevices(QDir(dir).filePath(kDevices));
    if (devices.size() >= users)
        return devices;

    if (!QDir().mkpath(dir) || !credentials::initialize()) {
        *error = u"cannot create %1"_s.arg(dir);
        return {};
    }
    const store::DatabaseConfig config { QDir(dir).filePath(kDatabase), false };
    {
        const QString name = u"bench-migrate"_s;
        auto db = store::openConnection(config, name);
        if (!db) {
            *error = db.error().message;
            return {};
        }
        auto migrated = store::migrate(db.value());
        db.value() = QSqlDatabase();
        store::closeConnection(name);
        if (!migrated) {
            *error = migrated.error().message;
            return {};
        }
    }
    // One password hash serves every user: the benchmark never logs in with it.
    const auto hash = credentials::hashPassword(kPassword);
    if (!hash) {
        *error = u"cannot hash a password"_s;
        return {};
    }

    store::Writer writer(config);
    if (auto started = writer.start(); !started) {
        *error = started.error().message;
        return {};
    }
    constexpr int kChunk = 1000;
    while (devices.size() < users) {
        const int first = int(devices.size());
        const int last = qMin(users, first + kChunk);
        QList<BenchDevice> chunk;
        for (int i = first; i < last; ++i)
            chunk.append({ username(i), credentials::newToken() });
        auto written = writer.run<Done>([&chunk, &hash](store::WriteTxn &txn) -> Result<Done> {
            for (const BenchDevice &device : std::as_const(chunk)) {
                if (auto user = store::accounts::createUser(txn, device.username, {}, *hash); !user)
                    return user.error();
                auto account = store::accounts::findAccount(txn.sql, device.username);
                if (!account)
                    return account.error();
                auto made = store::accounts::createDevice(txn, account.value().userId, u"bench"_s,
                                                          credentials::tokenHash(device.token));
                if (!made)
                    return made.error();
            }
            return Done {};
        });
        if (!written) {
            *error = written.error().message;
            return {};
        }
        devices.append(chunk);
    }
    writer.stop();

    QSaveFile file(QDir(dir).filePath(kDevices));
    if (!file.open(QIODevice::WriteOnly)) {
        *error = file.errorString();
        return {};
    }
    for (const BenchDevice &device : std::as_const(devices))
        file.write(device.username.toUtf8() + '\t' + device.token.toUtf8() + '\n');
    if (!file.commit()) {
        *error = file.errorString();
        return {};
    }
    return devices;
}

bool Fixture::copyInto(const QString &dir, const QString &dataDir, QString *error)
{
    for (const QString &suffix : { QString(), u"-wal"_s }) {
        const QString from = QDir(dir).filePath(kDatabase + suffix);
        if (!QFile::exists(from))
            continue;
        if (!QFile::copy(from, QDir(dataDir).filePath(kDatabase + suffix))) {
            *error = u"cannot copy %1 to %2"_s.arg(from, dataDir);
            return false;
        }
    }
    return true;
}

} // namespace confab::bench
