// Password hashes (argon2id, libsodium) and device tokens (256 random bits, stored as SHA-256).
#pragma once

#include <QByteArray>
#include <QString>

#include <optional>

namespace confab::credentials {

// Must run once before any other call (libsodium's sodium_init); false if it cannot.
bool initialize();

// argon2id with libsodium's INTERACTIVE limits: about 80 ms and 64 MiB here. Slow on purpose:
// call it off the event loops. Nothing when memory runs out.
std::optional<QByteArray> hashPassword(const QString &password);
bool verifyPassword(const QByteArray &hash, const QString &password);
// Spends the same time as a real verification, so an unknown username cannot be told apart from
// a wrong password by timing.
void verifyAgainstDummy(const QString &password);

// A new random token (43 characters of base64url) and the hash to store for it.
QString newToken();
QByteArray tokenHash(QStringView token);

} // namespace confab::credentials
