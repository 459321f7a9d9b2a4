#include "common/JsonWriter.h"

#include <QChar>

#include <algorithm>

namespace confab {

namespace {

constexpr char kHex[] = "0123456789abcdef";

// Writes the escape of a control character; returns the position after it.
char *escapeControl(char *p, char16_t c)
{
    *p++ = '\\';
    switch (c) {
    case u'\b':
        *p++ = 'b';
        return p;
    case u'\f':
        *p++ = 'f';
        return p;
    case u'\n':
        *p++ = 'n';
        return p;
    case u'\r':
        *p++ = 'r';
        return p;
    case u'\t':
        *p++ = 't';
        return p;
    default:
        *p++ = 'u';
        *p++ = '0';
        *p++ = '0';
        *p++ = kHex[(c >> 4) & 0xf];
        *p++ = kHex[c & 0xf];
        return p;
    }
}

char *utf8(char *p, char32_t cp)
{
    if (cp < 0x80) {
        *p++ = char(cp);
    } else if (cp < 0x800) {
        *p++ = char(0xc0 | (cp >> 6));
        *p++ = char(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        *p++ = char(0xe0 | (cp >> 12));
        *p++ = char(0x80 | ((cp >> 6) & 0x3f));
        *p++ = char(0x80 | (cp & 0x3f));
    } else {
        *p++ = char(0xf0 | (cp >> 18));
        *p++ = char(0x80 | ((cp >> 12) & 0x3f));
        *p++ = char(0x80 | ((cp >> 6) & 0x3f));
        *p++ = char(0x80 | (cp & 0x3f));
    }
    return p;
}

// Appends the JSON string of `n` code units (UTF-16, or Latin-1 bytes), quotes included. Room
// for the worst case first (a control character: 6 bytes for one unit), then trimmed.
template<typename Unit>
void appendEscaped(QByteArray &out, const Unit *s, qsizetype n)
{
    const qsizetype start = out.size();
    out.resize(start + 2 + 6 * n);
    char *const base = out.data();
    char *p = base + start;
    *p++ = '"';
    const Unit *const end = s + n;
    while (s != end) {
        const char16_t c = char16_t(*s++);
        if (c < 0x80) {
            if (c < 0x20) {
                p = escapeControl(p, c);
            } else if (c == u'"' || c == u'\\') {
                *p++ = '\\';
                *p++ = char(c);
            } else {
                *p++ = char(c);
            }
        } else if (c == 0xfeff) {
            // Escaped: QJsonDocument drops a raw byte order mark at the start of a string.
            p = std::copy_n("\\ufeff", 6, p);
        } else if (!QChar::isSurrogate(c)) {
            p = utf8(p, c);
        } else if (QChar::isHighSurrogate(c) && s != end && QChar::isLowSurrogate(char16_t(*s))) {
            p = utf8(p, QChar::surrogateToUcs4(c, char16_t(*s++)));
        } else {
            *p++ = '?'; // a lone surrogate, as QString::toUtf8 writes it
        }
    }
    *p++ = '"';
    out.truncate(p - base);
}

} // namespace

JsonWriter::JsonWriter(qsizetype reserve)
{
    m_out.reserve(reserve);
}

void JsonWriter::separate()
{
    if (m_needComma)
        m_out.append(',');
}

void JsonWriter::beginObject()
{
    m_out.append('{');
    m_needComma = false;
}

void JsonWriter::endObject()
{
    m_out.append('}');
    m_needComma = true;
}

void JsonWriter::key(QLatin1StringView name)
{
    separate();
    m_out.append('"');
    m_out.append(name.data(), name.size());
    m_out.append("\":", 2);
    m_needComma = false;
}

void JsonWriter::string(QStringView text)
{
    separate();
    appendString(m_out, text);
    m_needComma = true;
}

void JsonWriter::string(QLatin1StringView text)
{
    separate();
    appendEscaped(m_out, reinterpret_cast<const uchar *>(text.data()), text.size());
    m_needComma = true;
}

void JsonWriter::integer(qint64 value)
{
    separate();
    m_out.append(QByteArray::number(value));
    m_needComma = true;
}

void JsonWriter::decimalString(qint64 value)
{
    separate();
    m_out.append('"');
    m_out.append(QByteArray::number(value));
    m_out.append('"');
    m_needComma = true;
}

void JsonWriter::raw(const QByteArray &json)
{
    separate();
    m_out.append(json);
    m_needComma = true;
}

void JsonWriter::appendString(QByteArray &out, QStringView text)
{
    appendEscaped(out, text.utf16(), text.size());
}

} // namespace confab
