#include "server/Credentials.h"

#include <QCryptographicHash>

#include <sodium.h>

namespace confab::credentials {

namespace {
constexpr unsigned long long kOpsLimit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
constexpr size_t kMemLimit = crypto_pwhash_MEMLIMIT_INTERACTIVE;
} // namespace

bool initialize()
{
    return sodium_init() >= 0;
}

std::optional<QByteArray> hashPassword(const QString &password)
{
    const QByteArray utf8 = password.toUtf8();
    QByteArray out(crypto_pwhash_STRBYTES, '\0');
    if (crypto_pwhash_str_alg(out.data(), utf8.constData(), utf8.size(), kOpsLimit, kMemLimit,
                              crypto_pwhash_ALG_ARGON2ID13)
        != 0) {
        return std::nullopt;
    }
    out.truncate(qstrnlen(out.constData(), out.size()));
    return out;
}

bool verifyPassword(const QByteArray &hash, const QString &password)
{
    const QByteArray utf8 = password.toUtf8();
    const QByteArray terminated = hash + '\0';
    return crypto_pwhash_str_verify(terminated.constData(), utf8.constData(), utf8.size()) == 0;
}

void verifyAgainstDummy(const QString &password)
{
    static const QByteArray dummy =
        hashPassword(QStringLiteral("confab-dummy-password")).value_or(QByteArray());
    verifyPassword(dummy, password);
}

QString newToken()
{
    QByteArray bytes(32, '\0');
    randombytes_buf(bytes.data(), bytes.size());
    return QString::fromLatin1(
        bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

QByteArray tokenHash(QStringView token)
{
    return QCryptographicHash::hash(token.toUtf8(), QCryptographicHash::Sha256);
}

} // namespace confab::credentials
