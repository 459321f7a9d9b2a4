#include "common/Validation.h"

#include "common/Limits.h"

namespace confab::validation {

namespace {
constexpr char32_t kInvalid = 0xFFFFFFFF;

// Decodes the code point at `i` and advances past it; kInvalid for a lone surrogate.
char32_t nextCodePoint(QStringView text, qsizetype &i)
{
    const QChar ch = text[i++];
    if (!ch.isSurrogate())
        return ch.unicode();
    if (ch.isHighSurrogate() && i < text.size() && text[i].isLowSurrogate())
        return QChar::surrogateToUcs4(ch, text[i++]);
    return kInvalid;
}

bool isUsernameChar(QChar ch)
{
    const char16_t c = ch.unicode();
    return (c >= u'a' && c <= u'z') || (c >= u'0' && c <= u'9') || c == u'_' || c == u'.'
        || c == u'-';
}
} // namespace

std::optional<QString> normalizeUsername(QStringView name)
{
    if (name.size() < limits::kMinUsernameChars || name.size() > limits::kMaxUsernameChars)
        return std::nullopt;
    QString lower;
    lower.reserve(name.size());
    for (QChar ch : name) {
        // Only ASCII letters fold; anything else outside the alphabet is refused below.
        const QChar folded = (ch >= u'A' && ch <= u'Z') ? QChar(ch.unicode() + (u'a' - u'A')) : ch;
        if (!isUsernameChar(folded))
            return std::nullopt;
        lower.append(folded);
    }
    return lower;
}

bool isValidUsername(QStringView name)
{
    return normalizeUsername(name).has_value();
}

bool isValidPassword(QStringView password)
{
    const auto count = codePointCount(password);
    return count && *count >= limits::kMinPasswordChars && *count <= limits::kMaxPasswordChars;
}

std::optional<qsizetype> codePointCount(QStringView text)
{
    qsizetype count = 0;
    for (qsizetype i = 0; i < text.size();) {
        if (nextCodePoint(text, i) == kInvalid)
            return std::nullopt;
        ++count;
    }
    return count;
}

bool isUnicodeWhiteSpace(char32_t ch)
{
    // The White_Space property of Unicode's PropList.txt, spelled out so the answer does not
    // depend on the Unicode version of the Qt build.
    switch (ch) {
    case 0x0009:
    case 0x000A:
    case 0x000B:
    case 0x000C:
    case 0x000D:
    case 0x0020:
    case 0x0085:
    case 0x00A0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
        return true;
    default:
        return ch >= 0x2000 && ch <= 0x200A;
    }
}

bool isBlank(QStringView text)
{
    for (qsizetype i = 0; i < text.size();) {
        if (!isUnicodeWhiteSpace(nextCodePoint(text, i)))
            return false;
    }
    return true;
}

std::optional<Error> checkBody(QStringView body)
{
    const auto count = codePointCount(body);
    if (!count)
        return Error { ErrorCode::BadRequest, QStringLiteral("body is not valid Unicode") };
    if (*count > limits::kMaxBodyCodePoints) {
        return Error { ErrorCode::TooLarge,
                       QStringLiteral("body has %1 characters; at most %2 are allowed")
                           .arg(*count)
                           .arg(limits::kMaxBodyCodePoints) };
    }
    if (isBlank(body))
        return Error { ErrorCode::BadRequest, QStringLiteral("body is empty") };
    return std::nullopt;
}

bool isValidLabel(QStringView label, int maxChars)
{
    const auto count = codePointCount(label);
    if (!count || *count > maxChars)
        return false;
    for (QChar ch : label) {
        if (ch.category() == QChar::Other_Control)
            return false;
    }
    return true;
}

bool isValidRequestId(QStringView id)
{
    return id.size() <= limits::kMaxRequestIdChars;
}

bool isValidClientId(QStringView id)
{
    // The client id is stored (the idempotency record), so it must be valid Unicode: distinct
    // ids holding lone surrogates would collapse into one once converted to UTF-8.
    return !id.isEmpty() && id.size() <= limits::kMaxClientIdChars
        && codePointCount(id).has_value();
}

std::optional<qint64> parseDecimalId(QStringView text)
{
    if (text.isEmpty() || text.size() > 19)
        return std::nullopt;
    if (text.size() > 1 && text.front() == u'0')
        return std::nullopt;
    for (QChar ch : text) {
        if (ch < u'0' || ch > u'9')
            return std::nullopt;
    }
    bool ok = false;
    const qint64 value = text.toLongLong(&ok);
    if (!ok)
        return std::nullopt;
    return value;
}

QString decimalId(qint64 id)
{
    return QString::number(id);
}

} // namespace confab::validation
