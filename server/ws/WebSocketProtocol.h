// The numbers of RFC 6455 the server's own WebSocket endpoint speaks: frame opcodes (§5.2) and
// close codes (§7.4), with the application's own close codes of PROTOCOL.md §4.
#pragma once

#include <QtGlobal>

namespace confab::ws {

enum class Opcode : quint8 {
    Continuation = 0x0,
    Text = 0x1,
    Binary = 0x2,
    Close = 0x8,
    Ping = 0x9,
    Pong = 0xA,
};

constexpr bool isControl(Opcode opcode)
{
    return (quint8(opcode) & 0x8) != 0;
}

namespace close {
constexpr int kNormal = 1000;
constexpr int kGoingAway = 1001;
constexpr int kProtocolError = 1002;
constexpr int kNoStatus = 1005; // never sent: a close frame without a code
constexpr int kAbnormal = 1006; // never sent by the RFC; Qt and we use it for "went wrong"
constexpr int kBadData = 1007; // a text message that is not UTF-8
constexpr int kTooBig = 1009;
constexpr int kInternal = 1011;
// PROTOCOL.md §4 and our extension for a silent device.
constexpr int kHeartbeatTimeout = 4000;
constexpr int kUnauthorized = 4001;
constexpr int kAuthTimeout = 4002;
constexpr int kLoggedOut = 4003;
constexpr int kRateLimit = 4008;

// A code a peer may put in a close frame (RFC 6455 §7.4.1 and §7.4.2).
constexpr bool isValidOnTheWire(int code)
{
    return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1011)
        || (code >= 3000 && code <= 4999);
}
} // namespace close

} // namespace confab::ws
