#include "server/store/Statements.h"

#include "server/Logging.h"

#include <QSqlError>

namespace confab::store {

Statements::~Statements()
{
    // Statements must go before the connection is closed.
    m_cache.clear();
}

bool Statements::Use::run()
{
    if (m_query->exec())
        return true;
    qCWarning(lcStore) << "statement failed:" << m_query->lastQuery()
                       << m_query->lastError().text();
    return false;
}

Statements::Use Statements::get(const QString &sql)
{
    auto &slot = m_cache[sql];
    if (!slot) {
        slot = std::make_shared<QSqlQuery>(m_db);
        slot->setForwardOnly(true);
        if (!slot->prepare(sql))
            qCWarning(lcStore) << "cannot prepare:" << sql << slot->lastError().text();
    }
    return Use(slot.get());
}

} // namespace confab::store
