#include "common/ErrorCode.h"

#include <array>
#include <utility>

namespace confab {

namespace {
struct CodeInfo
{
    ErrorCode code;
    const char16_t *name;
    int status;
};

constexpr std::array kCodes {
    CodeInfo { ErrorCode::BadRequest, u"bad_request", 400 },
    CodeInfo { ErrorCode::Unauthorized, u"unauthorized", 401 },
    CodeInfo { ErrorCode::Forbidden, u"forbidden", 403 },
    CodeInfo { ErrorCode::NotFound, u"not_found", 404 },
    CodeInfo { ErrorCode::TooLarge, u"too_large", 413 },
    CodeInfo { ErrorCode::GroupFull, u"group_full", 409 },
    CodeInfo { ErrorCode::RateLimited, u"rate_limited", 429 },
    CodeInfo { ErrorCode::Internal, u"internal", 500 },
    CodeInfo { ErrorCode::InvalidUsername, u"invalid_username", 400 },
    CodeInfo { ErrorCode::WeakPassword, u"weak_password", 400 },
    CodeInfo { ErrorCode::UsernameTaken, u"username_taken", 409 },
    CodeInfo { ErrorCode::BadCredentials, u"bad_credentials", 401 },
    CodeInfo { ErrorCode::MethodNotAllowed, u"method_not_allowed", 405 },
    CodeInfo { ErrorCode::Unavailable, u"unavailable", 503 },
};

const CodeInfo &info(ErrorCode code)
{
    for (const CodeInfo &entry : kCodes) {
        if (entry.code == code)
            return entry;
    }
    Q_UNREACHABLE();
}
} // namespace

QString wireName(ErrorCode code)
{
    return QString::fromUtf16(info(code).name);
}

std::optional<ErrorCode> errorCodeFromWireName(QStringView name)
{
    for (const CodeInfo &entry : kCodes) {
        if (name == QStringView(entry.name))
            return entry.code;
    }
    return std::nullopt;
}

int httpStatus(ErrorCode code)
{
    return info(code).status;
}

} // namespace confab
