// Storage of accounts and their devices (the HTTP API's data).
#pragma once

#include "common/HttpTypes.h"
#include "common/Result.h"
#include "server/store/Statements.h"
#include "server/store/Writer.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace confab::store {

struct Account
{
    qint64 userId = 0;
    QString username;
    QString displayName;
    QByteArray passwordHash; // argon2id, libsodium's encoded string
};

// A device found by its token: who it is, and where its inbox stands.
struct DeviceAuth
{
    qint64 deviceId = 0;
    qint64 userId = 0;
    QString username;
    qint64 ackedSeq = 0;
};

namespace accounts {

// username_taken when the name exists.
Result<UserInfo> createUser(WriteTxn &txn, const QString &username, const QString &displayName,
                            const QByteArray &passwordHash);
// not_found when there is no such user.
Result<Account> findAccount(Statements &sql, const QString &username);
Result<UserInfo> findUser(Statements &sql, const QString &username);

Result<qint64> createDevice(WriteTxn &txn, qint64 userId, const QString &name,
                            const QByteArray &tokenHash);
// unauthorized when no device has this token (never issued, or revoked).
Result<DeviceAuth> deviceByToken(Statements &sql, const QByteArray &tokenHash);
// not_found unless the device exists and belongs to the user. Its token stops working at once.
Result<Done> removeDevice(WriteTxn &txn, qint64 userId, qint64 deviceId);
Result<QList<DeviceInfo>> devicesOf(Statements &sql, qint64 userId);
// How many devices (tokens) the user has.
Result<int> deviceCount(Statements &sql, qint64 userId);
// Records that the device was seen now (on connect and on disconnect).
Result<Done> touchDevice(WriteTxn &txn, qint64 deviceId);

} // namespace accounts
} // namespace confab::store
