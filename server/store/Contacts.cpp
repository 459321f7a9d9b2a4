#include "server/store/Contacts.h"

#include "server/store/MessageRows.h"

#include <QVariant>

namespace confab::store::contacts {

using namespace Qt::StringLiterals;

Result<qint64> add(WriteTxn &txn, qint64 userId, const QString &contact)
{
    const auto contactId = userIdByName(txn.sql, contact);
    if (!contactId)
        return contactId;
    if (*contactId == userId)
        return Error { ErrorCode::BadRequest, u"you cannot add yourself"_s };
    auto insert = txn.sql.get(u"INSERT INTO contacts (user_id, contact_id, created_at) "
                              "VALUES (?, ?, ?) ON CONFLICT DO NOTHING"_s);
    insert->addBindValue(userId);
    insert->addBindValue(*contactId);
    insert->addBindValue(txn.now);
    if (!insert.run())
        return storageError();
    return contactId;
}

Result<qint64> remove(WriteTxn &txn, qint64 userId, const QString &contact)
{
    const auto contactId = userIdByName(txn.sql, contact);
    if (!contactId)
        return contactId;
    auto erase = txn.sql.get(u"DELETE FROM contacts WHERE user_id = ? AND contact_id = ?"_s);
    erase->addBindValue(userId);
    erase->addBindValue(*contactId);
    if (!erase.run())
        return storageError();
    return contactId;
}

Result<QList<ContactRow>> list(Statements &sql, qint64 userId)
{
    auto query = sql.get(u"SELECT u.id, u.username, u.display_name, u.last_active_at "
                         "FROM contacts c JOIN users u ON u.id = c.contact_id "
                         "WHERE c.user_id = ? ORDER BY u.username"_s);
    query->addBindValue(userId);
    if (!query.run())
        return storageError();
    QList<ContactRow> rows;
    while (query->next()) {
        rows.append(ContactRow { query->value(0).toLongLong(), query->value(1).toString(),
                                 query->value(2).toString(), query->value(3).toLongLong() });
    }
    return rows;
}

Result<QHash<qint64, QSet<qint64>>> allWatchers(Statements &sql)
{
    auto query = sql.get(u"SELECT contact_id, user_id FROM contacts"_s);
    if (!query.run())
        return storageError();
    QHash<qint64, QSet<qint64>> watchers;
    while (query->next())
        watchers[query->value(0).toLongLong()].insert(query->value(1).toLongLong());
    return watchers;
}

Result<QList<ContactRow>> visibleTo(Statements &sql, qint64 userId, const QStringList &usernames)
{
    QList<ContactRow> rows;
    for (const QString &name : usernames) {
        auto query = sql.get(
            u"SELECT u.id, u.username, u.display_name, u.last_active_at FROM users u "
            "WHERE u.username = ? AND (u.id = ? "
            "OR EXISTS (SELECT 1 FROM contacts c WHERE c.user_id = ? AND c.contact_id = u.id) "
            "OR EXISTS (SELECT 1 FROM group_members a JOIN group_members b "
            "ON b.group_id = a.group_id AND b.active = 1 JOIN groups g ON g.id = a.group_id "
            "AND g.closed_at IS NULL WHERE a.user_id = ? AND a.active = 1 AND b.user_id = u.id))"_s);
        query->addBindValue(name);
        query->addBindValue(userId);
        query->addBindValue(userId);
        query->addBindValue(userId);
        if (!query.run())
            return storageError();
        if (query->next()) {
            rows.append(ContactRow { query->value(0).toLongLong(), query->value(1).toString(),
                                     query->value(2).toString(), query->value(3).toLongLong() });
        }
    }
    return rows;
}

Result<Done> setLastActive(WriteTxn &txn, const QHash<qint64, qint64> &lastActiveByUser)
{
    for (auto it = lastActiveByUser.cbegin(); it != lastActiveByUser.cend(); ++it) {
        auto update = txn.sql.get(u"UPDATE users SET last_active_at = MAX(COALESCE("
                                  "last_active_at, 0), ?) WHERE id = ?"_s);
        update->addBindValue(it.value());
        update->addBindValue(it.key());
        if (!update.run())
            return storageError();
    }
    return Done {};
}

} // namespace confab::store::contacts
