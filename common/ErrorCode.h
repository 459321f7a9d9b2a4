// Error codes of the wire protocol (PROTOCOL.md §2, §3) with their wire names and HTTP statuses.
#pragma once

#include <QString>

#include <optional>

namespace confab {

enum class ErrorCode {
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    TooLarge,
    GroupFull,
    RateLimited,
    Internal,
    // HTTP API only
    InvalidUsername,
    WeakPassword,
    UsernameTaken,
    BadCredentials,
    MethodNotAllowed,
    Unavailable,
};

// The name on the wire, e.g. "bad_request".
QString wireName(ErrorCode code);
std::optional<ErrorCode> errorCodeFromWireName(QStringView name);
// The HTTP status an HTTP API error with this code is answered with.
int httpStatus(ErrorCode code);

// An error as a value: a code and a message for humans.
struct Error
{
    ErrorCode code = ErrorCode::Internal;
    QString message;

    friend bool operator==(const Error &, const Error &) = default;
};

} // namespace confab
