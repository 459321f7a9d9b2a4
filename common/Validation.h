// Validation of what users type and what travels as identifiers (PROTOCOL.md §2, §3).
#pragma once

#include "common/ErrorCode.h"

#include <QString>

#include <optional>

namespace confab::validation {

// Usernames: 3–32 of a-z 0-9 _ . - (compared case-insensitively). Returns the stored, lower-case
// form, or nothing when the name is not valid.
std::optional<QString> normalizeUsername(QStringView name);
bool isValidUsername(QStringView name);

bool isValidPassword(QStringView password);

// Number of Unicode code points; a surrogate pair counts once. Nothing when the text holds a
// lone surrogate (it is not valid Unicode and cannot be stored as UTF-8).
std::optional<qsizetype> codePointCount(QStringView text);

// True for the characters with the Unicode White_Space property.
bool isUnicodeWhiteSpace(char32_t ch);
bool isBlank(QStringView text);

// A message body: non-empty, not only white space, valid Unicode, at most 99,999 code points.
// Nothing when it is fine; otherwise the error to answer (bad_request or too_large).
std::optional<Error> checkBody(QStringView body);

// A display or device name: no control characters, at most `maxChars` code points.
bool isValidLabel(QStringView label, int maxChars);

// Request ids (≤ 64 characters) and client ids (1–64 characters).
bool isValidRequestId(QStringView id);
bool isValidClientId(QStringView id);

// 64-bit ids travel as decimal strings: digits only, no sign, no leading zeros (except "0"),
// within qint64.
std::optional<qint64> parseDecimalId(QStringView text);
QString decimalId(qint64 id);

} // namespace confab::validation
