// Prepared statements of one connection, prepared on first use and kept for reuse.
#pragma once

#include <QHash>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>

#include <memory>

namespace confab::store {

class Statements
{
public:
    explicit Statements(QSqlDatabase db)
        : m_db(std::move(db))
    { }
    ~Statements();
    Statements(const Statements &) = delete;
    Statements &operator=(const Statements &) = delete;

    // A prepared statement; finish()ed when it goes out of scope so that a read never holds its
    // snapshot (and a WAL checkpoint) longer than the caller needs it.
    class Use
    {
    public:
        explicit Use(QSqlQuery *query)
            : m_query(query)
        { }
        ~Use() { m_query->finish(); }
        Use(const Use &) = delete;
        Use &operator=(const Use &) = delete;
        QSqlQuery *operator->() const { return m_query; }
        QSqlQuery &operator*() const { return *m_query; }
        // exec() that logs the failure.
        bool run();

    private:
        QSqlQuery *m_query;
    };

    Use get(const QString &sql);
    QSqlDatabase &db() { return m_db; }

private:
    QSqlDatabase m_db;
    QHash<QString, std::shared_ptr<QSqlQuery>> m_cache;
};

} // namespace confab::store
