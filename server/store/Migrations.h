// The schema, built by an ordered table of migrations. Migration N takes a database from
// version N-1 to N; PRAGMA user_version records the version. Never edit a released migration:
// append a new one.
#pragma once

#include "common/Result.h"

#include <QSqlDatabase>

#include <span>

namespace confab::store {

struct Migration
{
    int version;
    const char *description;
    Result<Done> (*apply)(QSqlDatabase &db);
};

std::span<const Migration> migrations();
int latestSchemaVersion();
int schemaVersion(QSqlDatabase &db);

// Upgrades the database to `target` (default: the latest), each migration in its own transaction.
// Fails on a database newer than this build knows.
Result<Done> migrate(QSqlDatabase &db, int target = -1);

} // namespace confab::store
