// A cheap look at JSON text before it is parsed: how deeply its arrays and objects nest. One pass,
// no allocation, so a hostile document is refused before QJsonDocument builds anything.
#pragma once

#include "common/Limits.h"

#include <QByteArrayView>
#include <QStringView>

namespace confab {

// The deepest nesting of `[` and `{` outside strings, counting until it exceeds `stopAbove`.
int jsonNestingDepth(QByteArrayView utf8, int stopAbove = limits::kMaxJsonNesting);
int jsonNestingDepth(QStringView text, int stopAbove = limits::kMaxJsonNesting);

} // namespace confab
