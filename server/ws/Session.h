// One WebSocket connection of one device: its frames (read by a FrameReader and written straight
// on its TCP socket), the close handshake, authentication, the requests of PROTOCOL.md §3.1, live
// delivery and the heartbeat deadline. Lives on its worker's thread; storage work goes to the
// writer and the query pool and comes back through Worker::bind.
#pragma once

#include "common/Envelope.h"
#include "common/Result.h"
#include "server/store/Accounts.h"
#include "server/store/Inbox.h"
#include "server/ws/FrameReader.h"

#include <QJsonObject>
#include <QList>
#include <QObject>

QT_BEGIN_NAMESPACE
class QTcpSocket;
QT_END_NAMESPACE

namespace confab {

class Worker;
struct ServerContext;

class Session : public QObject
{
    Q_OBJECT
public:
    // Takes `socket` (its handshake answered) and reads what is already waiting in it.
    Session(QTcpSocket *socket, quint64 id, Worker *worker);
    ~Session() override;

    quint64 id() const { return m_id; }

    // A pushed frame (UTF-8) for this device (buffered until the welcome is out).
    void deliver(const QByteArray &frame);
    void close(int code, const QString &reason);
    void abort();
    void checkDeadlines(qint64 nowMs);
    // Stop taking requests (the server is shutting down).
    void stopTakingRequests() { m_takingRequests = false; }

    void sendJson(const QJsonObject &json);
    void sendError(const QJsonValue &requestId, const Error &error);
    // Sends one text message already encoded as UTF-8.
    void sendFrame(const QByteArray &utf8);
    // An error event already encoded (counted as an error sent).
    void sendErrorFrame(const QByteArray &utf8);
    // Between cork() and uncork(), frames collect and go out in one write (one system call):
    // the worker corks the sessions it hands a batch of frames to.
    void cork() { m_corked = true; }
    void uncork();
    bool corked() const { return m_corked; }

private:
    // The socket is open and no close frame went out: a frame may be written.
    bool canWriteFrames() const;
    // Writes frames now, or with the others once uncorked.
    void writeFrames(const QByteArray &frames);
    enum class State { AwaitingAuth, Authenticating, Welcoming, Active, Closing };

    void onReadyRead();
    // False once the connection is closing and nothing more of it is to be read.
    bool onMessage(ws::ClientMessage &message);
    void onCloseFrame(const ws::ClientMessage &message);
    void sendClose(int code, const QString &reason);
    void handleFrame(const QByteArray &utf8);
    void onBinary();
    void onDisconnected();
    void touch();

    void dispatch(const Envelope &envelope);
    void handleAuth(const Envelope &envelope);
    // The device's send rate (shared by its connections): false, answered rate_limited or
    // closed with 4008, when over it.
    bool admitSend(const Envelope &envelope);
    void onTokenChecked(Result<store::DeviceAuth> device);
    void onWelcome(Result<qint64> latestSeq);

    QTcpSocket *m_tcp; // a child
    ws::FrameReader m_reader;
    quint64 m_id;
    Worker *m_worker;
    ServerContext &m_context;
    State m_state = State::AwaitingAuth;
    bool m_takingRequests = true;
    bool m_attached = false;
    bool m_online = false; // counted by Presence
    bool m_closeSent = false; // no frame may follow a close frame
    store::DeviceAuth m_device;
    QList<QByteArray> m_held; // deliveries that arrived before the welcome
    QByteArray m_corkedFrames; // frames written by uncork()
    bool m_corked = false;
    QList<QByteArray> m_waiting; // requests that arrived before the welcome
    qint64 m_lastActivityMs = 0;
    qint64 m_authDeadlineMs = 0;
    qint64 m_closingSinceMs = 0;
};

} // namespace confab
