// One prepared SQLite statement, run through SQLite's C API on the handle of a QtSql connection.
//
// The store's statements are small (a few bound values, a row or none), and for those QSqlQuery
// cost more than SQLite itself: a QSqlRecord built on every execution, a QString and a hash
// lookup for every bound value (perf, the writer thread at 10,000 messages/s). This class keeps
// the part of QSqlQuery's interface the store uses: positional binds, exec, next, value.
#pragma once

#include <QByteArray>
#include <QString>
#include <QVarLengthArray>
#include <QVariant>

#include <type_traits>

struct sqlite3;
struct sqlite3_stmt;

namespace confab::store {

class Statement
{
public:
    Statement(sqlite3 *db, const QString &sql);
    ~Statement();
    Statement(const Statement &) = delete;
    Statement &operator=(const Statement &) = delete;

    bool prepared() const { return m_stmt != nullptr; }

    // Binds the next `?` (the first after exec or finish is the first `?`). A null QVariant
    // binds NULL; integers and bools bind as INTEGER, QByteArray as BLOB, the rest as TEXT.
    void addBindValue(const QVariant &value);
    template<typename Integer>
    requires std::is_integral_v<Integer>
    void addBindValue(Integer value) { bindInteger(qint64(value)); }
    void addBindValue(double value);
    // A null QString binds NULL (as QtSql does), an empty one ''.
    void addBindValue(const QString &value);
    void addBindValue(const QByteArray &value); // a BLOB (NULL if null)

    // Runs the statement with the bound values. A row it returns is read with next() first.
    bool exec();
    // Moves to the next row; false when there is none (or on an error: see lastError()).
    bool next();
    // A column of the current row: qint64, double, QString, QByteArray, or a null QVariant.
    QVariant value(int column) const;

    QVariant lastInsertId() const;
    int numRowsAffected() const;
    QString lastError() const;
    const QString &lastQuery() const { return m_sql; }

    // Resets the statement (ending its read snapshot) and forgets the bound values.
    void finish();

private:
    void bindInteger(qint64 value);
    void bindNull();
    void bindBytes(const QByteArray &bytes, bool asText);
    int step();

    sqlite3 *m_db = nullptr;
    sqlite3_stmt *m_stmt = nullptr;
    QString m_sql;
    QString m_prepareError;
    int m_nextBind = 1;
    bool m_rowPending = false; // exec() stepped onto a row that next() has not shown yet
    bool m_done = true;
    int m_changes = 0;
    QVarLengthArray<QByteArray, 4> m_bound; // text and blobs, kept until finish()
};

} // namespace confab::store
