#include "server/store/MessageRows.h"

#include <QVariant>

namespace confab::store {

using namespace Qt::StringLiterals;

const QString kMessageColumns =
    u"m.id, m.conv_seq, m.client_id, m.body, m.ts, s.username, "
    "CASE WHEN c.kind = 1 THEN 'group:' || c.group_id "
    "WHEN c.user_lo = ? THEN 'user:' || hi.username ELSE 'user:' || lo.username END"_s;

const QString kMessageJoins = u"JOIN users s ON s.id = m.sender_id "
                              "JOIN convs c ON c.id = m.conv_id "
                              "LEFT JOIN users lo ON lo.id = c.user_lo "
                              "LEFT JOIN users hi ON hi.id = c.user_hi"_s;

Message readMessage(const Statement &query, int first)
{
    return Message { query.value(first).toLongLong(),     query.value(first + 6).toString(),
                     query.value(first + 5).toString(),   query.value(first + 3).toString(),
                     query.value(first + 4).toLongLong(), query.value(first + 1).toLongLong(),
                     query.value(first + 2).toString() };
}

Error storageError()
{
    return Error { ErrorCode::Internal, u"storage error"_s };
}

Result<qint64> userIdByName(Statements &sql, const QString &username)
{
    auto query = sql.get(u"SELECT id FROM users WHERE username = ?"_s);
    query->addBindValue(username);
    if (!query.run())
        return storageError();
    if (!query->next())
        return Error { ErrorCode::NotFound, u"no such user: %1"_s.arg(username) };
    return query->value(0).toLongLong();
}

} // namespace confab::store
