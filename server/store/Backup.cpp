#include "server/store/Backup.h"

#include "server/store/Database.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>

#include <fcntl.h>
#include <unistd.h>

namespace confab::store {

using namespace Qt::StringLiterals;

namespace {

// fsync() of a file or a directory; false when it cannot be opened or synced.
bool syncPath(const QString &path, bool directory)
{
    const int fd =
        ::open(QFile::encodeName(path).constData(), directory ? O_RDONLY | O_DIRECTORY : O_RDONLY);
    if (fd < 0)
        return false;
    const bool synced = ::fsync(fd) == 0;
    ::close(fd);
    return synced;
}

Result<Done> vacuumInto(const QString &databasePath, const QString &partial)
{
    const QString name = threadConnectionName(u"backup");
    Result<Done> result = Done {};
    {
        auto db = openConnection(DatabaseConfig { databasePath, true }, name);
        if (!db)
            return db.error();
        QSqlQuery query(db.value());
        if (!query.prepare(u"VACUUM INTO ?"_s)) {
            result = Error { ErrorCode::Internal, query.lastError().text() };
        } else {
            query.addBindValue(partial);
            if (!query.exec())
                result = Error { ErrorCode::Internal, query.lastError().text() };
        }
    }
    closeConnection(name);
    return result;
}

} // namespace

Result<Done> backupDatabase(const QString &databasePath, const QString &target)
{
    auto fail = [](const QString &message) {
        return Error { ErrorCode::Internal, message };
    };
    if (!QFileInfo(databasePath).isFile())
        return fail(u"no database at %1"_s.arg(databasePath));
    const QFileInfo targetInfo(target);
    if (targetInfo.exists() || targetInfo.isSymLink())
        return fail(u"%1 already exists; choose a new file"_s.arg(target));
    const QDir directory = targetInfo.absoluteDir();
    if (!directory.exists())
        return fail(u"cannot write %1: no directory %2"_s.arg(target, directory.path()));

    // Written under a temporary name, so that an interrupted backup never looks complete.
    const QString partial = targetInfo.absoluteFilePath() + u".partial"_s;
    if (QFileInfo::exists(partial))
        return fail(u"%1 exists (an interrupted backup?); remove it first"_s.arg(partial));
    if (auto copied = vacuumInto(databasePath, partial); !copied) {
        QFile::remove(partial);
        return fail(u"cannot write %1: %2"_s.arg(target, copied.error().message));
    }
    if (!syncPath(partial, false)) {
        QFile::remove(partial);
        return fail(u"cannot flush %1 to disk"_s.arg(partial));
    }
    // link() never replaces a file that appeared meanwhile (rename() would).
    const bool linked = ::link(QFile::encodeName(partial).constData(),
                               QFile::encodeName(targetInfo.absoluteFilePath()).constData())
        == 0;
    QFile::remove(partial);
    if (!linked)
        return fail(u"cannot create %1 (does it exist now?)"_s.arg(target));
    syncPath(directory.path(), true);
    return Done {};
}

} // namespace confab::store
