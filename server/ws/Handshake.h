// The server's side of the WebSocket opening handshake (RFC 6455 §4.2): checks the client's
// upgrade request and writes the 101 answer, or says which HTTP error refuses it. No
// subprotocol and no extension is agreed, so frames carry no compression.
#pragma once

#include "server/http/HttpRequest.h"

#include <QByteArray>

namespace confab::ws {

struct HandshakeAnswer
{
    bool accepted = false;
    QByteArray switchingProtocols; // when accepted: the whole 101 response
    http::HttpResponse refusal; // when not: 400, or 426 naming the version spoken here
};

// `request` is an upgrade (HttpRequest::isWebSocketUpgrade()) for the WebSocket endpoint.
HandshakeAnswer answerHandshake(const http::HttpRequest &request);

// Sec-WebSocket-Accept for a client's Sec-WebSocket-Key (§4.2.2): base64 of the SHA-1 of the key
// and the protocol's GUID.
QByteArray acceptKey(const QByteArray &clientKey);

} // namespace confab::ws
