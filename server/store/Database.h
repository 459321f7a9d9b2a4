// Opening the SQLite database: one QSqlDatabase connection per thread (QtSql connections cannot
// be shared across threads), WAL mode, and the pragmas every connection needs.
#pragma once

#include "common/Result.h"

#include <QSqlDatabase>
#include <QString>

namespace confab::store {

struct DatabaseConfig
{
    QString path; // the SQLite file
    // FULL: a committed transaction survives power loss, not only a crash of the process.
    bool synchronousFull = true;
};

// Opens a new connection named `connectionName` for the calling thread. The caller closes it with
// closeConnection() on the same thread.
Result<QSqlDatabase> openConnection(const DatabaseConfig &config, const QString &connectionName);
void closeConnection(const QString &connectionName);

// A unique connection name for the calling thread, with a readable prefix.
QString threadConnectionName(QStringView prefix);

// Names the calling thread (as top, perf and gdb show it; at most 15 bytes are kept).
void nameThisThread(const QString &name);

// Runs one statement without parameters; the error text on failure.
Result<Done> exec(QSqlDatabase &db, const QString &sql);

} // namespace confab::store
