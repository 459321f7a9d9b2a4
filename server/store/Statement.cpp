#include "server/store/Statement.h"

#include <sqlite3.h>

namespace confab::store {

using namespace Qt::StringLiterals;

Statement::Statement(sqlite3 *db, const QString &sql)
    : m_db(db)
    , m_sql(sql)
{
    if (!m_db) {
        m_prepareError = u"no SQLite connection"_s;
        return;
    }
    const QByteArray utf8 = sql.toUtf8();
    if (sqlite3_prepare_v3(m_db, utf8.constData(), int(utf8.size()), SQLITE_PREPARE_PERSISTENT,
                           &m_stmt, nullptr)
        != SQLITE_OK) {
        m_prepareError = QString::fromUtf8(sqlite3_errmsg(m_db));
        sqlite3_finalize(m_stmt);
        m_stmt = nullptr;
    }
}

Statement::~Statement()
{
    sqlite3_finalize(m_stmt);
}

void Statement::bindInteger(qint64 value)
{
    if (m_stmt)
        sqlite3_bind_int64(m_stmt, m_nextBind, value);
    ++m_nextBind;
}

void Statement::addBindValue(double value)
{
    if (m_stmt)
        sqlite3_bind_double(m_stmt, m_nextBind, value);
    ++m_nextBind;
}

void Statement::bindNull()
{
    if (m_stmt)
        sqlite3_bind_null(m_stmt, m_nextBind);
    ++m_nextBind;
}

void Statement::bindBytes(const QByteArray &bytes, bool asText)
{
    if (!m_stmt) {
        ++m_nextBind;
        return;
    }
    // Kept until finish(), so SQLite may use the bytes without copying them.
    m_bound.append(bytes);
    const QByteArray &kept = m_bound.last();
    if (asText)
        sqlite3_bind_text(m_stmt, m_nextBind++, kept.constData(), int(kept.size()), SQLITE_STATIC);
    else
        sqlite3_bind_blob(m_stmt, m_nextBind++, kept.constData(), int(kept.size()), SQLITE_STATIC);
}

void Statement::addBindValue(const QString &value)
{
    if (value.isNull())
        bindNull();
    else
        bindBytes(value.toUtf8(), true);
}

void Statement::addBindValue(const QByteArray &value)
{
    if (value.isNull())
        bindNull();
    else
        bindBytes(value, false);
}

void Statement::addBindValue(const QVariant &value)
{
    if (value.isNull()) {
        bindNull();
        return;
    }
    switch (value.metaType().id()) {
    case QMetaType::Bool:
    case QMetaType::Int:
    case QMetaType::UInt:
    case QMetaType::Long:
    case QMetaType::LongLong:
    case QMetaType::ULongLong:
        bindInteger(value.toLongLong());
        return;
    case QMetaType::Double:
        addBindValue(value.toDouble());
        return;
    case QMetaType::QByteArray:
        addBindValue(value.toByteArray());
        return;
    default:
        addBindValue(value.toString());
        return;
    }
}

int Statement::step()
{
    const int rc = sqlite3_step(m_stmt);
    m_done = rc != SQLITE_ROW;
    return rc;
}

bool Statement::exec()
{
    if (!m_stmt)
        return false;
    const int rc = step();
    m_rowPending = rc == SQLITE_ROW;
    m_changes = sqlite3_changes(m_db);
    return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

bool Statement::next()
{
    if (m_rowPending) {
        m_rowPending = false;
        return true;
    }
    if (!m_stmt || m_done)
        return false;
    return step() == SQLITE_ROW;
}

QVariant Statement::value(int column) const
{
    switch (sqlite3_column_type(m_stmt, column)) {
    case SQLITE_INTEGER:
        return QVariant(qint64(sqlite3_column_int64(m_stmt, column)));
    case SQLITE_FLOAT:
        return QVariant(sqlite3_column_double(m_stmt, column));
    case SQLITE_TEXT: {
        const auto *text = reinterpret_cast<const char *>(sqlite3_column_text(m_stmt, column));
        return QVariant(QString::fromUtf8(text, sqlite3_column_bytes(m_stmt, column)));
    }
    case SQLITE_BLOB: {
        const auto *data = static_cast<const char *>(sqlite3_column_blob(m_stmt, column));
        return QVariant(QByteArray(data, sqlite3_column_bytes(m_stmt, column)));
    }
    default:
        return QVariant();
    }
}

QVariant Statement::lastInsertId() const
{
    return QVariant(qint64(sqlite3_last_insert_rowid(m_db)));
}

int Statement::numRowsAffected() const
{
    return m_changes;
}

QString Statement::lastError() const
{
    return m_stmt ? QString::fromUtf8(sqlite3_errmsg(m_db)) : m_prepareError;
}

void Statement::finish()
{
    if (m_stmt) {
        sqlite3_reset(m_stmt);
        sqlite3_clear_bindings(m_stmt);
    }
    m_bound.clear();
    m_nextBind = 1;
    m_rowPending = false;
    m_done = true;
}

} // namespace confab::store
