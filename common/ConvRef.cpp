#include "common/ConvRef.h"

#include "common/Validation.h"

namespace confab {

std::optional<ConvRef> ConvRef::parse(QStringView text)
{
    if (text.startsWith(u"user:")) {
        if (auto name = validation::normalizeUsername(text.mid(5)))
            return ConvRef::user(*name);
    } else if (text.startsWith(u"group:")) {
        if (auto id = validation::parseDecimalId(text.mid(6)))
            return ConvRef::group(*id);
    }
    return std::nullopt;
}

QString ConvRef::toString() const
{
    return isUser() ? QStringLiteral("user:") + username
                    : QStringLiteral("group:") + validation::decimalId(groupId);
}

} // namespace confab
