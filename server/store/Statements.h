// Prepared statements of one connection, prepared on first use and kept for reuse.
#pragma once

#include "server/store/Statement.h"

#include <QHash>
#include <QSqlDatabase>
#include <QString>

#include <memory>

namespace confab::store {

class Statements
{
public:
    // db must be a QSQLITE connection.
    explicit Statements(QSqlDatabase db);
    ~Statements();
    Statements(const Statements &) = delete;
    Statements &operator=(const Statements &) = delete;

    // A prepared statement; finish()ed when it goes out of scope so that a read never holds its
    // snapshot (and a WAL checkpoint) longer than the caller needs it.
    class Use
    {
    public:
        explicit Use(Statement *query)
            : m_query(query)
        { }
        ~Use() { m_query->finish(); }
        Use(const Use &) = delete;
        Use &operator=(const Use &) = delete;
        Statement *operator->() const { return m_query; }
        Statement &operator*() const { return *m_query; }
        // exec() that logs the failure.
        bool run();

    private:
        Statement *m_query;
    };

    Use get(const QString &sql);
    QSqlDatabase &db() { return m_db; }
    sqlite3 *handle() const { return m_handle; }

private:
    QSqlDatabase m_db;
    sqlite3 *m_handle = nullptr; // the connection's, for Statement
    QHash<QString, std::shared_ptr<Statement>> m_cache;
};

} // namespace confab::store
