// A WebSocket peer at the byte level, for tests of the server's own frame handling: it writes the
// opening handshake and client frames by hand (masked, of any opcode, well-formed or not) and
// reads the server's frames back off the TCP socket. Waits on the socket with generous timeouts.
#pragma once

#include <QByteArray>
#include <QTcpSocket>

#include <optional>

namespace confab::test {

// One frame as the server sent it.
struct ServerFrame
{
    quint8 opcode = 0;
    bool final = true;
    QByteArray payload;
    // A close frame's code (its first two bytes), or -1.
    int closeCode() const;
};

// A client frame: FIN set unless `final` is false, masked unless `masked` is false.
QByteArray clientFrame(quint8 opcode, const QByteArray &payload, bool final = true,
                       bool masked = true);

// The opening handshake of RFC 6455 §4.1 for /ws.
QByteArray handshakeRequest();

class RawWebSocket
{
public:
    static constexpr int kTimeoutMs = 30'000;

    // Connects and sends the handshake, followed at once by `behindHandshake` if given.
    bool open(quint16 port, const QByteArray &behindHandshake = {});
    // The server's answer to the handshake (status line and headers).
    QByteArray handshakeAnswer() const { return m_answer; }

    void write(const QByteArray &bytes) { m_socket.write(bytes); }
    // The next frame from the server, or nothing when it did not come in time.
    std::optional<ServerFrame> nextFrame(int timeoutMs = kTimeoutMs);
    // The next frame that is not a text frame (skipping the server's events).
    std::optional<ServerFrame> nextControlFrame(int timeoutMs = kTimeoutMs);
    // Waits for the server to close the TCP connection.
    bool waitForClosed(int timeoutMs = kTimeoutMs);

private:
    std::optional<ServerFrame> takeFrame();

    QTcpSocket m_socket;
    QByteArray m_answer;
    QByteArray m_buffer;
};

} // namespace confab::test
