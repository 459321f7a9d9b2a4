#include "server/ws/Handshake.h"

#include <QCryptographicHash>

namespace confab::ws {

using namespace Qt::StringLiterals;

namespace {
constexpr QByteArrayView kGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
constexpr QByteArrayView kVersion = "13";
constexpr qsizetype kKeyBytes = 16;

HandshakeAnswer refuse(int status, const QString &message)
{
    HandshakeAnswer answer;
    answer.refusal = http::errorResponse(status, Error { ErrorCode::BadRequest, message });
    if (status == 426)
        answer.refusal.headers.append({ "Sec-WebSocket-Version", kVersion.toByteArray() });
    return answer;
}
} // namespace

QByteArray acceptKey(const QByteArray &clientKey)
{
    const QByteArray keyAndGuid = clientKey + kGuid.toByteArray();
    return QCryptographicHash::hash(keyAndGuid, QCryptographicHash::Sha1).toBase64();
}

HandshakeAnswer answerHandshake(const http::HttpRequest &request)
{
    if (request.versionMinor < 1)
        return refuse(400, u"a WebSocket handshake needs HTTP/1.1"_s);
    if (request.header("Sec-WebSocket-Version").trimmed() != kVersion)
        return refuse(426, u"only WebSocket version 13 is spoken here"_s);
    const QByteArray key = request.header("Sec-WebSocket-Key").trimmed();
    const auto decoded =
        QByteArray::fromBase64Encoding(key, QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || decoded.decoded.size() != kKeyBytes)
        return refuse(400, u"Sec-WebSocket-Key must be 16 bytes in base64"_s);

    HandshakeAnswer answer;
    answer.accepted = true;
    answer.switchingProtocols = "HTTP/1.1 101 Switching Protocols\r\n"
                                "Upgrade: websocket\r\n"
                                "Connection: Upgrade\r\n"
                                "Sec-WebSocket-Accept: "
        + acceptKey(key) + "\r\n\r\n";
    return answer;
}

} // namespace confab::ws
