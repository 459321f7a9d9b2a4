#include "server/ws/FrameWriter.h"

#include <QIODevice>
#include <QString>

namespace confab::ws {

namespace {
// The most a control frame carries (RFC 6455 §5.5).
constexpr qsizetype kMaxControlPayload = 125;

void appendFrameHeader(QByteArray &out, Opcode opcode, bool final, quint64 payloadLength)
{
    char header[10];
    header[0] = char((final ? 0x80 : 0x00) | (quint8(opcode) & 0x0f));
    qsizetype size = 2;
    if (payloadLength <= 125) {
        header[1] = char(payloadLength);
    } else if (payloadLength <= 0xffff) {
        header[1] = char(126);
        header[2] = char(payloadLength >> 8);
        header[3] = char(payloadLength & 0xff);
        size = 4;
    } else {
        header[1] = char(127);
        for (int i = 0; i < 8; ++i)
            header[2 + i] = char((payloadLength >> (8 * (7 - i))) & 0xff);
        size = 10;
    }
    out.append(header, size);
}

// Whether byte `i` of `utf8` starts a character (is not a continuation byte).
bool startsCharacter(const QByteArray &utf8, qsizetype i)
{
    return i >= utf8.size() || (quint8(utf8.at(i)) & 0xc0) != 0x80;
}
} // namespace

QByteArray frameHeader(Opcode opcode, bool final, quint64 payloadLength)
{
    QByteArray header;
    appendFrameHeader(header, opcode, final, payloadLength);
    return header;
}

void appendTextMessage(QByteArray &out, const QByteArray &utf8, qsizetype maxFrameBytes)
{
    const qsizetype fragment = maxFrameBytes > 0 ? maxFrameBytes : utf8.size();
    out.reserve(out.size() + utf8.size() + 10 * (utf8.size() / qMax<qsizetype>(fragment, 1) + 1));
    qsizetype offset = 0;
    Opcode opcode = Opcode::Text;
    do {
        const qsizetype length = qMin(fragment, utf8.size() - offset);
        const bool final = offset + length == utf8.size();
        appendFrameHeader(out, opcode, final, quint64(length));
        out.append(utf8.constData() + offset, length);
        offset += length;
        opcode = Opcode::Continuation;
    } while (offset < utf8.size());
}

void writeTextMessage(QIODevice &device, const QByteArray &utf8, qsizetype maxFrameBytes)
{
    QByteArray frames;
    appendTextMessage(frames, utf8, maxFrameBytes);
    device.write(frames);
}

void appendControlFrame(QByteArray &out, Opcode opcode, QByteArrayView payload)
{
    const qsizetype length = qMin(payload.size(), kMaxControlPayload);
    appendFrameHeader(out, opcode, true, quint64(length));
    out.append(payload.data(), length);
}

QByteArray closePayload(int code, const QString &reason)
{
    QByteArray payload;
    payload.append(char((code >> 8) & 0xff));
    payload.append(char(code & 0xff));
    const QByteArray utf8 = reason.toUtf8();
    qsizetype length = qMin(utf8.size(), kMaxControlPayload - 2);
    while (length > 0 && !startsCharacter(utf8, length))
        --length;
    payload.append(utf8.constData(), length);
    return payload;
}

} // namespace confab::ws
