#include "common/JsonNesting.h"

namespace confab {

namespace {
char16_t unitOf(char c)
{
    return static_cast<unsigned char>(c);
}

char16_t unitOf(QChar c)
{
    return c.unicode();
}

template<typename View>
int depthOf(View text, int stopAbove)
{
    int depth = 0;
    int deepest = 0;
    bool inString = false;
    bool escaped = false;
    for (const auto unit : text) {
        const char16_t c = unitOf(unit);
        if (inString) {
            if (escaped)
                escaped = false;
            else if (c == u'\\')
                escaped = true;
            else if (c == u'"')
                inString = false;
            continue;
        }
        switch (c) {
        case u'"':
            inString = true;
            break;
        case u'[':
        case u'{':
            if (++depth > deepest) {
                deepest = depth;
                if (deepest > stopAbove)
                    return deepest;
            }
            break;
        case u']':
        case u'}':
            --depth;
            break;
        default:
            break;
        }
    }
    return deepest;
}
} // namespace

int jsonNestingDepth(QByteArrayView utf8, int stopAbove)
{
    return depthOf(utf8, stopAbove);
}

int jsonNestingDepth(QStringView text, int stopAbove)
{
    return depthOf(text, stopAbove);
}

} // namespace confab
