// The client's WebSocket connection against real confabd processes: welcome, requests and
// replies, pushed events, reconnection with backoff, token rejection and the heartbeat. What a
// correct server never does (junk frames, arbitrary close codes, no answer at all) is played by
// a scripted stand-in on a loopback port.
#include "client/Connection.h"
#include "tests/support/Accounts.h"
#include "tests/support/WsClient.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QPointer>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>
#include <QWebSocketServer>

#include <algorithm>
#include <memory>
#include <optional>

#include <signal.h>

using namespace Qt::StringLiterals;
using namespace confab;
using namespace confab::test;
using confab::client::Connection;

Q_DECLARE_METATYPE(confab::ErrorCode)

namespace {

constexpr int kTimeoutMs = 20'000;

// Short delays, so that tests see several retries; jitter as in production.
const Connection::Backoff kFastBackoff { 100, 1'000, 2.0, 0.25, 10'000 };

QString uniqueName()
{
    static int next = 0;
    return u"conn_user%1"_s.arg(++next);
}

QJsonObject frameOfType(const QString &type)
{
    return { { "type"_L1, type } };
}

QJsonObject ping()
{
    return frameOfType(u"ping"_s);
}

std::unique_ptr<Connection> connectionTo(const QUrl &url, const QString &token,
                                         const Connection::Backoff &backoff = kFastBackoff)
{
    auto connection = std::make_unique<Connection>();
    connection->setUrl(url);
    connection->setToken(token);
    connection->setBackoff(backoff);
    return connection;
}

// Where a request's callback puts its result; shared, so it outlives a deleted Connection.
using ReplyBox = std::shared_ptr<std::optional<Result<QJsonObject>>>;

ReplyBox requestInto(Connection &connection, const QJsonObject &frame)
{
    auto box = std::make_shared<std::optional<Result<QJsonObject>>>();
    connection.request(frame, [box](Result<QJsonObject> result) { box->emplace(result); });
    return box;
}

// What the Connection showed at each stateChanged: later retries must not hide what the first
// failure looked like.
struct Snapshot
{
    Connection::State state;
    QString lastError;
    QDateTime nextRetryAt;
    qint64 retryInMs; // nextRetryAt - now, when the signal came
    int retryDelayMs; // the wait the connection chose
};
using SnapshotLog = std::shared_ptr<QList<Snapshot>>;

SnapshotLog recordStates(Connection &connection)
{
    auto log = std::make_shared<QList<Snapshot>>();
    QObject::connect(&connection, &Connection::stateChanged, &connection, [&connection, log] {
        const QDateTime next = connection.nextRetryAt();
        log->append({ connection.state(), connection.lastError(), next,
                      next.isValid() ? QDateTime::currentDateTime().msecsTo(next) : -1,
                      connection.retryDelayMs() });
    });
    return log;
}

QList<Snapshot> offlineSnapshots(const SnapshotLog &log)
{
    QList<Snapshot> offline;
    for (const Snapshot &s : std::as_const(*log)) {
        if (s.state == Connection::State::Offline)
            offline.append(s);
    }
    return offline;
}

// A loopback port nobody listens on (so connecting to it is refused).
quint16 freePort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort();
}

// Stops a process (SIGSTOP) so that it keeps its sockets open but answers nothing; lets it go
// again on destruction, so that a failing test does not leave a frozen confabd behind.
class Frozen
{
public:
    explicit Frozen(qint64 pid)
        : m_pid(pid)
    {
        ::kill(pid_t(m_pid), SIGSTOP);
    }
    ~Frozen()
    {
        if (m_pid > 0)
            ::kill(pid_t(m_pid), SIGCONT);
    }
    // kill() returns before every thread has stopped (a worker may still answer a frame sent
    // right after it): true once all of them are stopped, as /proc says.
    bool waitUntilStopped() const
    {
        return QTest::qWaitFor(
            [this] {
                const QDir tasks(u"/proc/%1/task"_s.arg(m_pid));
                const QStringList ids = tasks.entryList(QDir::Dirs | QDir::NoDotAndDotDot);
                return !ids.isEmpty()
                    && std::all_of(ids.begin(), ids.end(), [&](const QString &id) {
                           QFile stat(tasks.filePath(id + u"/stat"_s));
                           if (!stat.open(QIODevice::ReadOnly))
                               return true; // the thread is gone
                           // "pid (name) S ...": the state follows the last ')'.
                           const QByteArray text = stat.readAll();
                           const qsizetype end = text.lastIndexOf(')');
                           return end >= 0 && text.size() > end + 2 && text.at(end + 2) == 'T';
                       });
            },
            kTimeoutMs);
    }
    void forget() { m_pid = 0; } // the process is gone
    Q_DISABLE_COPY_MOVE(Frozen)

private:
    qint64 m_pid;
};

// confabd on a port of our choosing and an existing data directory: ServerProcess always picks
// a new port, and these tests need the server back where the client expects it.
class SamePortServer
{
public:
    bool start(quint16 port, const QString &dataDir)
    {
        m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_process.start(ServerProcess::executable(),
                        { u"--listen"_s, u"127.0.0.1:%1"_s.arg(port), u"--data"_s, dataDir });
        if (!m_process.waitForStarted(kTimeoutMs))
            return false;
        QByteArray output;
        return QTest::qWaitFor(
                   [&] {
                       output += m_process.readAllStandardOutput();
                       return output.contains("confabd listening on")
                           || m_process.state() == QProcess::NotRunning;
                   },
                   kTimeoutMs)
            && m_process.state() == QProcess::Running;
    }
    ~SamePortServer()
    {
        if (m_process.state() == QProcess::NotRunning)
            return;
        m_process.terminate();
        if (!m_process.waitForFinished(kTimeoutMs))
            m_process.kill();
        m_process.waitForFinished();
    }

private:
    QProcess m_process;
};

// A scripted WebSocket server: `onText` answers what a client sends.
struct StandIn
{
    QWebSocketServer server { u"stand-in"_s, QWebSocketServer::NonSecureMode };
    std::function<void(QWebSocket *, const QString &)> onText;
    int connections = 0;

    bool listen()
    {
        QObject::connect(&server, &QWebSocketServer::newConnection, &server, [this] {
            while (QWebSocket *socket = server.nextPendingConnection()) {
                ++connections;
                socket->setParent(&server); // QWebSocketServer leaves them to us
                QObject::connect(socket, &QWebSocket::textMessageReceived, socket,
                                 [this, socket](const QString &text) { onText(socket, text); });
            }
        });
        return server.listen(QHostAddress::LocalHost, 0);
    }
    QUrl url() const { return QUrl(u"ws://127.0.0.1:%1/ws"_s.arg(server.serverPort())); }
};

void sendJson(QWebSocket *socket, const QJsonObject &frame)
{
    socket->sendTextMessage(QString::fromUtf8(QJsonDocument(frame).toJson(QJsonDocument::Compact)));
}

QJsonObject standInWelcome()
{
    WelcomeEvent welcome;
    welcome.username = u"standin"_s;
    welcome.deviceId = 7;
    welcome.heartbeatS = 30;
    return welcome.toJson();
}

} // namespace

class TestConnection : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void connectsAndIsWelcomed();
    void requestGetsItsReply();
    void requestGetsTheServersError_data();
    void requestGetsTheServersError();
    void requestWhileOfflineIsUnavailableLater();
    void pushedFramesAreEvents();
    void nonJsonFramesAreIgnored();
    void closeCodes_data();
    void closeCodes();
    void unansweredAttemptIsAbandoned();
    void backoffGrows_data();
    void backoffGrows();
    void serverGoingAwayIsRetriedUntilItIsBack();
    void reconnectNowSkipsTheWait();
    void pendingRequestsFailWhenTheServerGoesAway();
    void revokedTokenStopsRetrying();
    void badTokenStopsRetrying();
    void heartbeatKeepsTheConnectionAlive();
    void silentServerIsDeclaredGone();
    void stopGoesOfflineWithoutRetries();
    void deletingFromASlotIsSafe_data();
    void deletingFromASlotIsSafe();

private:
    ServerProcess m_server;
    HttpClient m_http;
};

void TestConnection::initTestCase()
{
    QVERIFY2(m_server.start(), qPrintable(m_server.errorString()));
}

void TestConnection::cleanupTestCase()
{
    QCOMPARE(m_server.stop(), 0);
}

void TestConnection::connectsAndIsWelcomed()
{
    const TestDevice device = makeDevice(m_http, m_server, uniqueName());
    QVERIFY(device.ok());
    auto connection = connectionTo(m_server.wsUrl(), device.token);
    QSignalSpy welcomed(connection.get(), &Connection::welcomed);
    const SnapshotLog log = recordStates(*connection);

    connection->start();
    QCOMPARE(connection->state(), Connection::State::Connecting);
    QVERIFY(welcomed.wait(kTimeoutMs));
    QCOMPARE(welcomed.size(), 1);
    QCOMPARE(connection->state(), Connection::State::Online);
    QVERIFY(connection->lastError().isEmpty());
    QVERIFY(!connection->nextRetryAt().isValid());

    const WelcomeEvent &welcome = connection->welcome();
    QCOMPARE(welcome.username, device.username);
    QCOMPARE(QString::number(welcome.deviceId), device.deviceId);
    QCOMPARE(welcome.heartbeatS, 30);
    QCOMPARE(welcome.latestSeq, 0);
    QCOMPARE(welcome.ackedSeq, 0);
    QVERIFY(welcome.maxBodyChars > 0);
    QCOMPARE(welcomed.first().first().value<WelcomeEvent>(), welcome);

    QCOMPARE(log->size(), 2);
    QCOMPARE(log->at(0).state, Connection::State::Connecting);
    QCOMPARE(log->at(1).state, Connection::State::Online);
}

void TestConnection::requestGetsItsReply()
{
    const TestDevice device = makeDevice(m_http, m_server, uniqueName());
    QVERIFY(device.ok());
    auto connection = connectionTo(m_server.wsUrl(), device.token);
    connection->start();
    QTRY_COMPARE_WITH_TIMEOUT(connection->state(), Connection::State::Online, kTimeoutMs);

    const ReplyBox first = requestInto(*connection, ping());
    const ReplyBox second = requestInto(*connection, ping());
    QTRY_VERIFY_WITH_TIMEOUT(first->has_value() && second->has_value(), kTimeoutMs);
    QVERIFY((*first)->ok());
    QCOMPARE((**first)->value("type"_L1).toString(), u"pong"_s);
    // Each request got its own fresh id, echoed in its own reply.
    const QString firstId = (**first)->value("id"_L1).toString();
    const QString secondId = (**second)->value("id"_L1).toString();
    QVERIFY(firstId.startsWith(u'c'));
    QVERIFY(secondId.startsWith(u'c'));
    QVERIFY(firstId != secondId);
}

void TestConnection::requestGetsTheServersError_data()
{
    QTest::addColumn<QJsonObject>("frame");
    QTest::addColumn<ErrorCode>("code");

    QTest::newRow("history of a stranger")
        << QJsonObject { { "type"_L1, u"history"_s }, { "conv"_L1, u"user:nobody_x"_s } }
        << ErrorCode::NotFound;
    QTest::newRow("unknown type") << frameOfType(u"no.such.thing"_s) << ErrorCode::BadRequest;
    QTest::newRow("empty body") << QJsonObject { { "type"_L1, u"send"_s },
                                                 { "to"_L1, u"user:nobody_x"_s },
                                                 { "body"_L1, u"   "_s },
                                                 { "client_id"_L1, u"x1"_s } }
                                << ErrorCode::BadRequest;
}

void TestConnection::requestGetsTheServersError()
{
    QFETCH(QJsonObject, frame);
    QFETCH(ErrorCode, code);

    const TestDevice device = makeDevice(m_http, m_server, uniqueName());
    QVERIFY(device.ok());
    auto connection = connectionTo(m_server.wsUrl(), device.token);
    QSignalSpy events(connection.get(), &Connection::eventReceived);
    connection->start();
    QTRY_COMPARE_WITH_TIMEOUT(connection->state(), Connection::State::Online, kTimeoutMs);

    const ReplyBox reply = requestInto(*connection, frame);
    QTRY_VERIFY_WITH_TIMEOUT(reply->has_value(), kTimeoutMs);
    QVERIFY(!(*reply)->ok());
    QCOMPARE((*reply)->error().code, code);
    QVERIFY(!(*reply)->error().message.isEmpty());
    // An error that answers a request is not an event as well.
    QCOMPARE(events.size(), 0);
    QCOMPARE(connection->state(), Connection::State::Online);
}

void TestConnection::requestWhileOfflineIsUnavailableLater()
{
    Connection connection; // never started
    QCOMPARE(connection.state(), Connection::State::Offline);
    QVERIFY(!connection.send(ping()));

    const ReplyBox reply = requestInto(connection, ping());
    // Not inside the call: the caller may not be ready for its callback yet.
    QVERIFY(!reply->has_value());
    QTRY_VERIFY_WITH_TIMEOUT(reply->has_value(), kTimeoutMs);
    QVERIFY(!(*reply)->ok());
    QCOMPARE((*reply)->error().code, ErrorCode::Unavailable);
    QCOMPARE((*reply)->error().message, u"offline"_s);
}

void TestConnection::pushedFramesAreEvents()
{
    const TestDevice bob = makeDevice(m_http, m_server, uniqueName());
    const TestDevice alice = makeDevice(m_http, m_server, uniqueName());
    QVERIFY(bob.ok() && alice.ok());
    auto connection = connectionTo(m_server.wsUrl(), bob.token);
    QSignalSpy events(connection.get(), &Connection::eventReceived);
    connection->start();
    QTRY_COMPARE_WITH_TIMEOUT(connection->state(), Connection::State::Online, kTimeoutMs);

    WsClient other;
    QVERIFY(other.login(m_server.wsUrl(), alice.token));
    const auto sent = other.request({ { "type"_L1, u"send"_s },
                                      { "to"_L1, QString(u"user:"_s + bob.username) },
                                      { "body"_L1, u"hello bob"_s },
                                      { "client_id"_L1, u"k1"_s } });
    QVERIFY(sent);
    QCOMPARE(sent->value("type"_L1).toString(), u"sent"_s);

    QTRY_COMPARE_WITH_TIMEOUT(events.size(), 1, kTimeoutMs);
    const QJsonObject msg = events.takeFirst().first().toJsonObject();
    QCOMPARE(msg.value("type"_L1).toString(), u"msg"_s);
    QCOMPARE(msg.value("message"_L1).toObject().value("body"_L1).toString(), u"hello bob"_s);
    QCOMPARE(msg.value("message"_L1).toObject().value("conv"_L1).toString(),
             u"user:"_s + alice.username);

    // An error that answers no request (ack has none) is an event too.
    QVERIFY(connection->send({ { "type"_L1, u"ack"_s }, { "seq"_L1, u"999"_s } }));
    QTRY_COMPARE_WITH_TIMEOUT(events.size(), 1, kTimeoutMs);
    const QJsonObject error = events.takeFirst().first().toJsonObject();
    QCOMPARE(error.value("type"_L1).toString(), u"error"_s);
    QCOMPARE(error.value("code"_L1).toString(), u"bad_request"_s);
}

void TestConnection::nonJsonFramesAreIgnored()
{
    StandIn standIn;
    standIn.onText = [](QWebSocket *socket, const QString &) {
        socket->sendTextMessage(u"this is not json"_s);
        socket->sendTextMessage(u"[1, 2, 3]"_s);
        sendJson(socket, standInWelcome());
        sendJson(socket,
                 { { "type"_L1, u"presence"_s },
                   { "username"_L1, u"bob"_s },
                   { "status"_L1, u"online"_s } });
    };
    QVERIFY(standIn.listen());
    auto connection = connectionTo(standIn.url(), u"token"_s);
    QSignalSpy events(connection.get(), &Connection::eventReceived);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"not a JSON object: this is not"_s));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"not a JSON object: \\[1, 2, 3\\]"_s));

    connection->start();
    QTRY_COMPARE_WITH_TIMEOUT(events.size(), 1, kTimeoutMs);
    QCOMPARE(events.first().first().toJsonObject().value("type"_L1).toString(), u"presence"_s);
    QCOMPARE(connection->state(), Connection::State::Online);
    QCOMPARE(connection->welcome().username, u"standin"_s);
}

void TestConnection::closeCodes_data()
{
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("reason");
    QTest::addColumn<bool>("welcomeFirst");
    QTest::addColumn<bool>("rejected");

    QTest::newRow("4001 unauthorized") << 4001 << u"bad token"_s << false << true;
    QTest::newRow("4003 logged out") << 4003 << u"the device was logged out"_s << true << true;
    QTest::newRow("4002 auth timeout") << 4002 << u"no auth"_s << false << false;
    QTest::newRow("4000 heartbeat") << 4000 << u"heartbeat timeout"_s << true << false;
    QTest::newRow("4008 rate limit") << 4008 << u"slow down"_s << true << false;
    QTest::newRow("1001 going away") << 1001 << u"server shutting down"_s << true << false;
    QTest::newRow("1000 no reason") << 1000 << QString() << true << false;
}

void TestConnection::closeCodes()
{
    QFETCH(int, code);
    QFETCH(QString, reason);
    QFETCH(bool, welcomeFirst);
    QFETCH(bool, rejected);

    StandIn standIn;
    standIn.onText = [&](QWebSocket *socket, const QString &) {
        if (welcomeFirst)
            sendJson(socket, standInWelcome());
        socket->close(QWebSocketProtocol::CloseCode(code), reason);
    };
    QVERIFY(standIn.listen());
    auto connection = connectionTo(standIn.url(), u"token"_s);
    QSignalSpy tokenRejected(connection.get(), &Connection::tokenRejected);
    const SnapshotLog log = recordStates(*connection);

    connection->start();
    QTRY_VERIFY_WITH_TIMEOUT(!offlineSnapshots(log).isEmpty(), kTimeoutMs);
    const Snapshot offline = offlineSnapshots(log).first();
    if (rejected) {
        QCOMPARE(tokenRejected.size(), 1);
        QCOMPARE(tokenRejected.first().at(0).toInt(), code);
        QCOMPARE(tokenRejected.first().at(1).toString(), reason);
        QVERIFY(!offline.nextRetryAt.isValid());
        QVERIFY(offline.lastError.contains(QString::number(code)));
        // Retrying cannot help: not even on request.
        connection->reconnectNow();
        QCOMPARE(connection->state(), Connection::State::Offline);
        QVERIFY(!connection->nextRetryAt().isValid());
    } else {
        QCOMPARE(tokenRejected.size(), 0);
        QVERIFY(offline.nextRetryAt.isValid());
        const QString expected = reason.isEmpty()
            ? u"The server closed the connection (%1)"_s.arg(code)
            : u"The server closed the connection (%1: %2)"_s.arg(code).arg(reason);
        QCOMPARE(offline.lastError, expected);
        // And it tries again by itself.
        QTRY_VERIFY_WITH_TIMEOUT(standIn.connections >= 2, kTimeoutMs);
    }
}

void TestConnection::unansweredAttemptIsAbandoned()
{
    // Accepts TCP connections and never answers the WebSocket handshake.
    QTcpServer silent;
    QVERIFY(silent.listen(QHostAddress::LocalHost, 0));
    QSignalSpy accepted(&silent, &QTcpServer::newConnection);
    auto connection = connectionTo(QUrl(u"ws://127.0.0.1:%1/ws"_s.arg(silent.serverPort())),
                                   u"token"_s, { 100, 100, 2.0, 0.0, 300 });
    const SnapshotLog log = recordStates(*connection);

    QElapsedTimer elapsed;
    elapsed.start();
    connection->start();
    QTRY_VERIFY_WITH_TIMEOUT(!offlineSnapshots(log).isEmpty(), kTimeoutMs);
    QVERIFY(elapsed.elapsed() >= 300);
    const Snapshot offline = offlineSnapshots(log).first();
    QCOMPARE(offline.lastError, u"No answer from the server"_s);
    QVERIFY(offline.nextRetryAt.isValid());
    // It counts as a failure like any other: the next attempt follows.
    QTRY_VERIFY_WITH_TIMEOUT(accepted.size() >= 2, kTimeoutMs);
}

void TestConnection::backoffGrows_data()
{
    QTest::addColumn<int>("initialMs");
    QTest::addColumn<double>("factor");
    QTest::addColumn<int>("maxMs");
    QTest::addColumn<double>("jitter");
    QTest::addColumn<QList<int>>("expected");

    QTest::newRow("doubling") << 100 << 2.0 << 800 << 0.0 << QList<int> { 100, 200, 400, 800, 800 };
    QTest::newRow("tripling") << 100 << 3.0 << 500 << 0.0 << QList<int> { 100, 300, 500, 500 };
    QTest::newRow("with jitter") << 200 << 2.0 << 800 << 0.5 << QList<int> { 200, 400, 800, 800 };
}

void TestConnection::backoffGrows()
{
    QFETCH(int, initialMs);
    QFETCH(double, factor);
    QFETCH(int, maxMs);
    QFETCH(double, jitter);
    QFETCH(QList<int>, expected);

    const quint16 port = freePort();
    QVERIFY(port != 0);
    auto connection = connectionTo(QUrl(u"ws://127.0.0.1:%1/ws"_s.arg(port)), u"token"_s,
                                   { initialMs, maxMs, factor, jitter, 10'000 });
    const SnapshotLog log = recordStates(*connection);
    connection->start();
    QTRY_VERIFY_WITH_TIMEOUT(offlineSnapshots(log).size() >= expected.size(), kTimeoutMs);
    connection->stop();

    const QList<Snapshot> offline = offlineSnapshots(log);
    QCOMPARE(offline.first().lastError, u"Connection refused"_s);
    for (qsizetype i = 0; i < expected.size(); ++i) {
        const qint64 delay = offline.at(i).retryDelayMs;
        const qint64 low = qint64(expected.at(i) * (1.0 - jitter));
        const qint64 high = qint64(expected.at(i) * (1.0 + jitter)) + 1;
        // nextRetryAt is that wait from the moment it was chosen (the test may read it later,
        // on a loaded machine much later).
        QVERIFY(offline.at(i).retryInMs <= delay);
        QVERIFY2(
            delay >= low && delay <= high,
            qPrintable(u"retry %1: %2 ms, expected %3..%4"_s.arg(i).arg(delay).arg(low).arg(high)));
    }
}

void TestConnection::serverGoingAwayIsRetriedUntilItIsBack()
{
    ServerProcess server;
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    const TestDevice device = makeDevice(m_http, server, uniqueName());
    QVERIFY(device.ok());
    auto connection = connectionTo(server.wsUrl(), device.token);
    QSignalSpy welcomed(connection.get(), &Connection::welcomed);
    connection->start();
    QVERIFY(welcomed.wait(kTimeoutMs));
    const SnapshotLog log = recordStates(*connection);

    const quint16 port = server.port();
    QCOMPARE(server.stop(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(!offlineSnapshots(log).isEmpty(), kTimeoutMs);
    const Snapshot gone = offlineSnapshots(log).first();
    QCOMPARE(gone.lastError, u"The server closed the connection (1001: server shutting down)"_s);
    // In the future: the first retry after being online waits initialMs (± jitter).
    QVERIFY2(gone.retryInMs > 0 && gone.retryInMs <= 125,
             qPrintable(QString::number(gone.retryInMs)));

    // Nobody there for a while: it keeps trying.
    QTRY_VERIFY_WITH_TIMEOUT(offlineSnapshots(log).size() >= 3, kTimeoutMs);
    QCOMPARE(offlineSnapshots(log).last().lastError, u"Connection refused"_s);

    SamePortServer back;
    QVERIFY(back.start(port, server.dataDir()));
    QVERIFY(welcomed.wait(kTimeoutMs));
    QCOMPARE(connection->state(), Connection::State::Online);
    QCOMPARE(connection->welcome().username, device.username);
    QVERIFY(connection->lastError().isEmpty());
    QVERIFY(!connection->nextRetryAt().isValid());
    const ReplyBox reply = requestInto(*connection, ping());
    QTRY_VERIFY_WITH_TIMEOUT(reply->has_value(), kTimeoutMs);
    QVERIFY((*reply)->ok());
}

void TestConnection::reconnectNowSkipsTheWait()
{
    ServerProcess server;
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    const TestDevice device = makeDevice(m_http, server, uniqueName());
    QVERIFY(device.ok());
    auto connection =
        connectionTo(server.wsUrl(), device.token, { 60'000, 60'000, 2.0, 0.0, 10'000 });
    connection->start();
    QTRY_COMPARE_WITH_TIMEOUT(connection->state(), Connection::State::Online, kTimeoutMs);

    // Online: nothing to do.
    QSignalSpy stateChanged(connection.get(), &Connection::stateChanged);
    connection->reconnectNow();
    QCOMPARE(stateChanged.size(), 0);

    const quint16 port = server.port();
    QCOMPARE(server.stop(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(connection->state(), Connection::State::Offline, kTimeoutMs);
    QVERIFY(connection->nextRetryAt() > QDateTime::currentDateTime().addSecs(50));

    SamePortServer back;
    QVERIFY(back.start(port, server.dataDir()));
    connection->reconnectNow();
    QCOMPARE(connection->state(), Connection::State::Connecting);
    QVERIFY(!connection->nextRetryAt().isValid());
    // Well under the 60 s the scheduled retry would have taken.
    QTRY_COMPARE_WITH_TIMEOUT(connection->state(), Connection::State::Online, 15'000);
}

void TestConnection::pendingRequestsFailWhenTheServerGoesAway()
{
    ServerProcess server;
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    const TestDevice device = makeDevice(m_http, server, uniqueName());
    QVERIFY(device.ok());
    auto connection = connectionTo(server.wsUrl(), device.token);
    connection->start();
    QTRY_COMPARE_WITH_TIMEOUT(connection->state(), Connection::State::Online, kTimeoutMs);

    // Frozen, the server cannot answer: the requests are surely still pending when it dies.
    Frozen frozen(server.process().processId());
    QVERIFY(frozen.waitUntilStopped());
    const ReplyBox first = requestInto(*connection, ping());
    const ReplyBox second = requestInto(*connection, ping());
    server.kill();
    frozen.forget();

    QTRY_VERIFY_WITH_TIMEOUT(first->has_value() && second->has_value(), kTimeoutMs);
    for (const ReplyBox &reply : { first, second }) {
        QVERIFY(!(*reply)->ok());
        QCOMPARE((*reply)->error().code, ErrorCode::Unavailable);
        QCOMPARE((*reply)->error().message, u"connection lost"_s);
    }
    QCOMPARE(connection->state(), Connection::State::Offline);
    QVERIFY(!connection->lastError().isEmpty());
    QVERIFY(connection->nextRetryAt().isValid());
}

void TestConnection::revokedTokenStopsRetrying()
{
    const TestDevice device = makeDevice(m_http, m_server, uniqueName());
    QVERIFY(device.ok());
    auto connection = connectionTo(m_server.wsUrl(), device.token);
    QSignalSpy tokenRejected(connection.get(), &Connection::tokenRejected);
    connection->start();
    QTRY_COMPARE_WITH_TIMEOUT(connection->state(), Connection::State::Online, kTimeoutMs);

    const HttpReply logout =
        m_http.post(m_server.httpUrl(u"/api/v1/logout"_s), QJsonObject(), device.token);
    QCOMPARE(logout.status, 204);
    QTRY_COMPARE_WITH_TIMEOUT(tokenRejected.size(), 1, kTimeoutMs);
    QCOMPARE(tokenRejected.first().at(0).toInt(), 4003);
    QCOMPARE(connection->state(), Connection::State::Offline);
    QVERIFY(!connection->nextRetryAt().isValid());
    QVERIFY(connection->lastError().contains(u"4003"_s));
    connection->reconnectNow();
    QCOMPARE(connection->state(), Connection::State::Offline);
}

void TestConnection::badTokenStopsRetrying()
{
    const TestDevice device = makeDevice(m_http, m_server, uniqueName());
    QVERIFY(device.ok());
    auto connection = connectionTo(m_server.wsUrl(), u"not-a-valid-token"_s);
    QSignalSpy tokenRejected(connection.get(), &Connection::tokenRejected);
    const SnapshotLog log = recordStates(*connection);
    connection->start();
    QVERIFY(tokenRejected.wait(kTimeoutMs));
    QCOMPARE(tokenRejected.first().at(0).toInt(), 4001);
    QVERIFY(!tokenRejected.first().at(1).toString().isEmpty());
    QCOMPARE(connection->state(), Connection::State::Offline);
    QVERIFY(!connection->nextRetryAt().isValid());
    QCOMPARE(offlineSnapshots(log).size(), 1);
    connection->reconnectNow();
    QCOMPARE(connection->state(), Connection::State::Offline);

    // start() with a good token is the way back.
    connection->setToken(device.token);
    connection->start();
    QTRY_COMPARE_WITH_TIMEOUT(connection->state(), Connection::State::Online, kTimeoutMs);
    QCOMPARE(tokenRejected.size(), 1);
}

void TestConnection::heartbeatKeepsTheConnectionAlive()
{
    ServerProcess server({ u"--heartbeat"_s, u"1"_s });
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    const TestDevice device = makeDevice(m_http, server, uniqueName());
    QVERIFY(device.ok());
    auto connection = connectionTo(server.wsUrl(), device.token);
    connection->start();
    QTRY_COMPARE_WITH_TIMEOUT(connection->state(), Connection::State::Online, kTimeoutMs);
    QCOMPARE(connection->welcome().heartbeatS, 1);
    QSignalSpy stateChanged(connection.get(), &Connection::stateChanged);
    QElapsedTimer elapsed;
    elapsed.start();

    // The control: a device of the same user that never pings is dropped (4000) in ~2 s.
    const TestDevice silent = makeDevice(m_http, server, device.username, false);
    QVERIFY(silent.ok());
    WsClient control;
    QVERIFY(control.login(server.wsUrl(), silent.token));
    QVERIFY(control.waitForClosed(kTimeoutMs));
    QCOMPARE(control.closeCode(), 4000);

    // A bounded wait is the point here: nothing may happen for 4+ s (four heartbeats), long
    // past the point where the control was dropped.
    const qint64 remaining = std::max<qint64>(1, 4'500 - elapsed.elapsed());
    QVERIFY(!stateChanged.wait(int(remaining)));
    QCOMPARE(connection->state(), Connection::State::Online);
    const ReplyBox reply = requestInto(*connection, ping());
    QTRY_VERIFY_WITH_TIMEOUT(reply->has_value(), kTimeoutMs);
    QVERIFY((*reply)->ok());
}

void TestConnection::silentServerIsDeclaredGone()
{
    ServerProcess server({ u"--heartbeat"_s, u"1"_s });
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    const TestDevice device = makeDevice(m_http, server, uniqueName());
    QVERIFY(device.ok());
    auto connection = connectionTo(server.wsUrl(), device.token);
    connection->start();
    QTRY_COMPARE_WITH_TIMEOUT(connection->state(), Connection::State::Online, kTimeoutMs);
    const SnapshotLog log = recordStates(*connection);

    QElapsedTimer elapsed;
    elapsed.start();
    Frozen frozen(server.process().processId());
    QVERIFY(frozen.waitUntilStopped());
    const ReplyBox reply = requestInto(*connection, ping());
    QTRY_VERIFY_WITH_TIMEOUT(!offlineSnapshots(log).isEmpty(), kTimeoutMs);
    // 2 × heartbeat + margin (3 s here) after the last frame, which came at most one ping
    // interval (0.5 s) before the freeze; the TCP connection itself stays up all along.
    QVERIFY2(elapsed.elapsed() >= 2'000, qPrintable(QString::number(elapsed.elapsed())));
    QVERIFY2(elapsed.elapsed() <= 6'000, qPrintable(QString::number(elapsed.elapsed())));
    const Snapshot gone = offlineSnapshots(log).first();
    QCOMPARE(gone.lastError, u"No answer from the server"_s);
    QVERIFY(gone.nextRetryAt.isValid());
    QVERIFY(reply->has_value());
    QVERIFY(!(*reply)->ok());
    QCOMPARE((*reply)->error().code, ErrorCode::Unavailable);
}

void TestConnection::stopGoesOfflineWithoutRetries()
{
    const TestDevice device = makeDevice(m_http, m_server, uniqueName());
    QVERIFY(device.ok());
    auto connection = connectionTo(m_server.wsUrl(), device.token);
    connection->start();
    QTRY_COMPARE_WITH_TIMEOUT(connection->state(), Connection::State::Online, kTimeoutMs);

    const ReplyBox reply = requestInto(*connection, ping());
    QSignalSpy stateChanged(connection.get(), &Connection::stateChanged);
    connection->stop();
    QCOMPARE(stateChanged.size(), 1);
    QCOMPARE(connection->state(), Connection::State::Offline);
    QVERIFY(!connection->nextRetryAt().isValid());
    QVERIFY(connection->lastError().isEmpty());
    QVERIFY(!connection->send(ping()));
    QVERIFY(reply->has_value());
    QVERIFY(!(*reply)->ok());
    QCOMPARE((*reply)->error().code, ErrorCode::Unavailable);

    // Stopped while waiting for a retry: the retry is off too.
    QTcpServer refusing; // accepts, then hangs up at once: every attempt fails quickly
    QVERIFY(refusing.listen(QHostAddress::LocalHost, 0));
    connect(&refusing, &QTcpServer::newConnection, &refusing, [&refusing] {
        while (QTcpSocket *socket = refusing.nextPendingConnection())
            socket->abort();
    });
    QSignalSpy attempts(&refusing, &QTcpServer::newConnection);
    auto retrying = connectionTo(QUrl(u"ws://127.0.0.1:%1/ws"_s.arg(refusing.serverPort())),
                                 u"token"_s, { 100, 100, 2.0, 0.0, 10'000 });
    retrying->start();
    QTRY_VERIFY_WITH_TIMEOUT(attempts.size() >= 2, kTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(retrying->nextRetryAt().isValid(), kTimeoutMs);
    retrying->stop();
    QVERIFY(!retrying->nextRetryAt().isValid());
    QCOMPARE(retrying->state(), Connection::State::Offline);
    attempts.clear();
    // A bounded wait is the point: attempts came every ~100 ms before stop(), none may come
    // now.
    QVERIFY(!attempts.wait(1'000));
}

void TestConnection::deletingFromASlotIsSafe_data()
{
    QTest::addColumn<QString>("trigger");
    QTest::newRow("welcomed") << u"welcomed"_s;
    QTest::newRow("stateChanged to Online") << u"online"_s;
    QTest::newRow("stateChanged to Offline") << u"offline"_s;
    QTest::newRow("eventReceived") << u"event"_s;
    QTest::newRow("tokenRejected") << u"rejected"_s;
    QTest::newRow("reply") << u"reply"_s;
    QTest::newRow("reply lost on stop") << u"lost"_s;
}

void TestConnection::deletingFromASlotIsSafe()
{
    QFETCH(QString, trigger);

    const TestDevice device = makeDevice(m_http, m_server, uniqueName());
    QVERIFY(device.ok());
    auto *connection = new Connection;
    const QPointer<Connection> guard(connection);
    connection->setBackoff(kFastBackoff);
    connection->setUrl(m_server.wsUrl());
    connection->setToken(device.token);
    const auto deleteIt = [connection] {
        delete connection;
    };

    if (trigger == u"welcomed"_s) {
        connect(connection, &Connection::welcomed, connection, deleteIt);
    } else if (trigger == u"online"_s) {
        connect(connection, &Connection::stateChanged, connection, [connection] {
            if (connection->state() == Connection::State::Online)
                delete connection;
        });
    } else if (trigger == u"offline"_s) {
        connection->setUrl(QUrl(u"ws://127.0.0.1:%1/ws"_s.arg(freePort())));
        connect(connection, &Connection::stateChanged, connection, [connection] {
            if (connection->state() == Connection::State::Offline)
                delete connection;
        });
    } else if (trigger == u"rejected"_s) {
        connection->setToken(u"bad"_s);
        connect(connection, &Connection::tokenRejected, connection, deleteIt);
    } else if (trigger == u"event"_s) {
        connect(connection, &Connection::eventReceived, connection, deleteIt);
        connect(connection, &Connection::welcomed, connection, [connection] {
            // Answered by an error without an id: an event.
            connection->send({ { "type"_L1, u"ack"_s }, { "seq"_L1, u"999"_s } });
        });
    } else if (trigger == u"reply"_s || trigger == u"lost"_s) {
        connect(connection, &Connection::welcomed, connection, [connection, trigger] {
            connection->request(ping(), [connection](Result<QJsonObject>) { delete connection; });
            if (trigger == u"lost"_s)
                connection->stop();
        });
    }
    connection->start();
    QTRY_VERIFY_WITH_TIMEOUT(guard.isNull(), kTimeoutMs);
}

QTEST_GUILESS_MAIN(TestConnection)
#include "tst_connection.moc"
