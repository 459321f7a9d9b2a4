// A small JSON writer for the hot frames (msg, sent): objects of strings, integers and
// pre-encoded values, appended straight to UTF-8 bytes without building a QJsonObject.
// Strings are escaped per RFC 8259: '"', '\' and U+0000..U+001F, and U+FEFF (which
// QJsonDocument would drop at the start of a string); everything else is UTF-8.
#pragma once

#include <QByteArray>
#include <QLatin1StringView>
#include <QStringView>

namespace confab {

class JsonWriter
{
public:
    explicit JsonWriter(qsizetype reserve = 256);

    void beginObject();
    void endObject();
    // The key of the next member; a value (or an object) must follow.
    void key(QLatin1StringView name);

    void string(QStringView text);
    void string(QLatin1StringView text);
    void integer(qint64 value);
    // An integer as a decimal string (the protocol's ids and seqs).
    void decimalString(qint64 value);
    // A value that is already JSON (not checked).
    void raw(const QByteArray &json);

    // One member: key() and its value.
    void member(QLatin1StringView name, QStringView text)
    {
        key(name);
        string(text);
    }
    void member(QLatin1StringView name, QLatin1StringView text)
    {
        key(name);
        string(text);
    }
    void integerMember(QLatin1StringView name, qint64 value)
    {
        key(name);
        integer(value);
    }
    void decimalMember(QLatin1StringView name, qint64 value)
    {
        key(name);
        decimalString(value);
    }

    QByteArray take() { return std::move(m_out); }

    // Appends `text` as a JSON string, quotes included.
    static void appendString(QByteArray &out, QStringView text);

private:
    void separate();

    QByteArray m_out;
    bool m_needComma = false;
};

} // namespace confab
