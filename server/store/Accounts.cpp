#include "server/store/Accounts.h"

#include <QVariant>

namespace confab::store::accounts {

using namespace Qt::StringLiterals;

namespace {
Error storageError()
{
    return Error { ErrorCode::Internal, u"storage error"_s };
}
} // namespace

Result<UserInfo> createUser(WriteTxn &txn, const QString &username, const QString &displayName,
                            const QByteArray &passwordHash)
{
    {
        auto exists = txn.sql.get(u"SELECT 1 FROM users WHERE username = ?"_s);
        exists->addBindValue(username);
        if (!exists.run())
            return storageError();
        if (exists->next())
            return Error { ErrorCode::UsernameTaken, u"this username is taken"_s };
    }
    const QString shownName = displayName.isEmpty() ? username : displayName;
    auto insert = txn.sql.get(u"INSERT INTO users (username, display_name, password_hash, "
                              "created_at) VALUES (?, ?, ?, ?)"_s);
    insert->addBindValue(username);
    insert->addBindValue(shownName);
    insert->addBindValue(QString::fromLatin1(passwordHash));
    insert->addBindValue(txn.now);
    if (!insert.run())
        return storageError();
    return UserInfo { username, shownName };
}

Result<Account> findAccount(Statements &sql, const QString &username)
{
    auto query = sql.get(
        u"SELECT id, username, display_name, password_hash FROM users WHERE username = ?"_s);
    query->addBindValue(username);
    if (!query.run())
        return storageError();
    if (!query->next())
        return Error { ErrorCode::NotFound, u"no such user"_s };
    return Account { query->value(0).toLongLong(), query->value(1).toString(),
                     query->value(2).toString(), query->value(3).toString().toLatin1() };
}

Result<UserInfo> findUser(Statements &sql, const QString &username)
{
    auto query = sql.get(u"SELECT username, display_name FROM users WHERE username = ?"_s);
    query->addBindValue(username);
    if (!query.run())
        return storageError();
    if (!query->next())
        return Error { ErrorCode::NotFound, u"no such user"_s };
    return UserInfo { query->value(0).toString(), query->value(1).toString() };
}

Result<qint64> createDevice(WriteTxn &txn, qint64 userId, const QString &name,
                            const QByteArray &tokenHash)
{
    auto insert = txn.sql.get(u"INSERT INTO devices (user_id, name, token_hash, created_at) "
                              "VALUES (?, ?, ?, ?)"_s);
    insert->addBindValue(userId);
    insert->addBindValue(name);
    insert->addBindValue(tokenHash);
    insert->addBindValue(txn.now);
    if (!insert.run())
        return storageError();
    return insert->lastInsertId().toLongLong();
}

Result<int> deviceCount(Statements &sql, qint64 userId)
{
    auto query = sql.get(u"SELECT COUNT(*) FROM devices WHERE user_id = ?"_s);
    query->addBindValue(userId);
    if (!query.run() || !query->next())
        return storageError();
    return query->value(0).toInt();
}

Result<DeviceAuth> deviceByToken(Statements &sql, const QByteArray &tokenHash)
{
    auto query = sql.get(u"SELECT d.id, d.user_id, u.username, d.acked_seq FROM devices d "
                         "JOIN users u ON u.id = d.user_id WHERE d.token_hash = ?"_s);
    query->addBindValue(tokenHash);
    if (!query.run())
        return storageError();
    if (!query->next())
        return Error { ErrorCode::Unauthorized, u"the token is not valid"_s };
    return DeviceAuth { query->value(0).toLongLong(), query->value(1).toLongLong(),
                        query->value(2).toString(), query->value(3).toLongLong() };
}

Result<Done> removeDevice(WriteTxn &txn, qint64 userId, qint64 deviceId)
{
    auto remove = txn.sql.get(u"DELETE FROM devices WHERE id = ? AND user_id = ?"_s);
    remove->addBindValue(deviceId);
    remove->addBindValue(userId);
    if (!remove.run())
        return storageError();
    if (remove->numRowsAffected() != 1)
        return Error { ErrorCode::NotFound, u"no such device"_s };
    return Done {};
}

Result<QList<DeviceInfo>> devicesOf(Statements &sql, qint64 userId)
{
    auto query = sql.get(u"SELECT id, name, created_at, last_seen_at FROM devices "
                         "WHERE user_id = ? ORDER BY id"_s);
    query->addBindValue(userId);
    if (!query.run())
        return storageError();
    QList<DeviceInfo> devices;
    while (query->next()) {
        devices.append(DeviceInfo { query->value(0).toLongLong(), query->value(1).toString(),
                                    query->value(2).toLongLong(), query->value(3).toLongLong(),
                                    false });
    }
    return devices;
}

Result<Done> touchDevice(WriteTxn &txn, qint64 deviceId)
{
    auto update = txn.sql.get(u"UPDATE devices SET last_seen_at = ? WHERE id = ?"_s);
    update->addBindValue(txn.now);
    update->addBindValue(deviceId);
    if (!update.run())
        return storageError();
    return Done {};
}

} // namespace confab::store::accounts
