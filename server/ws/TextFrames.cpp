#include "server/ws/TextFrames.h"

#include <QIODevice>

namespace confab::ws {

namespace {
void appendFrameHeader(QByteArray &out, quint8 opcode, bool final, quint64 payloadLength)
{
    char header[10];
    header[0] = char((final ? 0x80 : 0x00) | (opcode & 0x0f));
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
} // namespace

QByteArray frameHeader(quint8 opcode, bool final, quint64 payloadLength)
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
    quint8 opcode = 0x1;
    do {
        const qsizetype length = qMin(fragment, utf8.size() - offset);
        const bool final = offset + length == utf8.size();
        appendFrameHeader(out, opcode, final, quint64(length));
        out.append(utf8.constData() + offset, length);
        offset += length;
        opcode = 0x0;
    } while (offset < utf8.size());
}

void writeTextMessage(QIODevice &device, const QByteArray &utf8, qsizetype maxFrameBytes)
{
    QByteArray frames;
    appendTextMessage(frames, utf8, maxFrameBytes);
    device.write(frames);
}

} // namespace confab::ws
