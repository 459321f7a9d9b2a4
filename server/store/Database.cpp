#include "server/store/Database.h"

#include "server/Logging.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QThread>

#include <atomic>

#include <pthread.h>

namespace confab::store {

using namespace Qt::StringLiterals;

Result<QSqlDatabase> openConnection(const DatabaseConfig &config, const QString &connectionName)
{
    QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, connectionName);
    db.setDatabaseName(config.path);
    // A writer holds the lock only for a commit; readers in WAL never wait for it.
    db.setConnectOptions(u"QSQLITE_BUSY_TIMEOUT=10000"_s);
    if (!db.open()) {
        const QString message = db.lastError().text();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(connectionName);
        return Error { ErrorCode::Internal, u"cannot open %1: %2"_s.arg(config.path, message) };
    }
    const QString pragmas[] = {
        u"PRAGMA journal_mode=WAL"_s,
        config.synchronousFull ? u"PRAGMA synchronous=FULL"_s : u"PRAGMA synchronous=NORMAL"_s,
        u"PRAGMA foreign_keys=ON"_s,
        u"PRAGMA temp_store=MEMORY"_s,
    };
    for (const QString &pragma : pragmas) {
        if (auto done = exec(db, pragma); !done)
            return done.error();
    }
    return db;
}

void closeConnection(const QString &connectionName)
{
    {
        QSqlDatabase db = QSqlDatabase::database(connectionName, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(connectionName);
}

QString threadConnectionName(QStringView prefix)
{
    static std::atomic<int> counter { 0 };
    return u"%1-%2"_s.arg(prefix).arg(++counter);
}

void nameThisThread(const QString &name)
{
    ::pthread_setname_np(::pthread_self(), name.toUtf8().left(15).constData());
}

Result<Done> exec(QSqlDatabase &db, const QString &sql)
{
    QSqlQuery query(db);
    if (!query.exec(sql)) {
        const QString message = query.lastError().text();
        qCWarning(lcStore) << "statement failed:" << sql << message;
        return Error { ErrorCode::Internal, message };
    }
    return Done {};
}

} // namespace confab::store
