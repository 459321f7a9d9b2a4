#include "server/store/Statements.h"

#include "server/Logging.h"

#include <QSqlDriver>

namespace confab::store {

Statements::Statements(QSqlDatabase db)
    : m_db(std::move(db))
{
    const QVariant handle = m_db.driver()->handle();
    if (handle.isValid() && qstrcmp(handle.typeName(), "sqlite3*") == 0)
        m_handle = *static_cast<sqlite3 *const *>(handle.constData());
    if (!m_handle)
        qCCritical(lcStore, "not an open SQLite connection: %s", qUtf8Printable(m_db.driverName()));
}

Statements::~Statements()
{
    // Statements must go before the connection is closed.
    m_cache.clear();
}

bool Statements::Use::run()
{
    if (m_query->exec())
        return true;
    qCWarning(lcStore) << "statement failed:" << m_query->lastQuery() << m_query->lastError();
    return false;
}

Statements::Use Statements::get(const QString &sql)
{
    auto &slot = m_cache[sql];
    if (!slot) {
        slot = std::make_shared<Statement>(m_handle, sql);
        if (!slot->prepared())
            qCWarning(lcStore) << "cannot prepare:" << sql << slot->lastError();
    }
    return Use(slot.get());
}

} // namespace confab::store
