// `confabd backup`: a consistent copy of the SQLite database, taken while the server runs.
#pragma once

#include "common/Result.h"

#include <QString>

namespace confab::store {

// Copies the database at `databasePath` to `target`, which must not exist yet. The copy is one
// read transaction's snapshot (SQLite `VACUUM INTO` on a separate connection): every transaction
// committed before it began is in it, nothing half-done is, and the server's writer is never
// blocked. The file appears under its name only when complete and flushed to disk.
Result<Done> backupDatabase(const QString &databasePath, const QString &target);

} // namespace confab::store
