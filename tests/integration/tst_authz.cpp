// The authorization matrix against a real confabd: every authenticated HTTP call (PROTOCOL.md §2)
// and every WebSocket request type (§3) from callers that must not get what they ask for:
// unauthenticated, a logged-out device, a deleted device, another user, a non-member of a group,
// a removed member, a member who is not the owner. Each gets the documented error code and its
// raw reply holds nothing it should not learn (message bodies, member lists, presence,
// last_active_at). Everything the limited callers were pushed meanwhile is checked the same way.
#include "tests/support/Accounts.h"
#include "tests/support/Json.h"
#include "tests/support/WsClient.h"

#include <QJsonDocument>
#include <QTest>

#include <map>
#include <memory>

using namespace Qt::StringLiterals;
using namespace confab::test;

namespace {

const QStringList kServerArguments { u"--log-level"_s, u"warning"_s };
constexpr int kCloseUnauthorized = 4001;

// Secrets the limited callers must never see.
const QString kGroupBefore = u"group-secret-before-removal"_s; // the removed member may see it
const QString kGroupAfter = u"group-secret-after-removal"_s;
const QString kDirect = u"direct-secret-owner-to-peer"_s;

// One request of every WebSocket type, as JSON text; {G} is the group's id.
const QList<std::pair<QString, QString>> kRequestsOfEveryType {
    { u"send"_s, uR"({"type":"send","client_id":"authz-1","to":"group:{G}","body":"intruder"})"_s },
    { u"sync"_s, uR"({"type":"sync","after":"0"})"_s },
    { u"ack"_s, uR"({"type":"ack","seq":"1"})"_s },
    { u"history"_s, uR"({"type":"history","conv":"group:{G}"})"_s },
    { u"conversations"_s, uR"({"type":"conversations"})"_s },
    { u"read"_s, uR"({"type":"read","conv":"group:{G}","conv_seq":"1"})"_s },
    { u"group.create"_s, uR"({"type":"group.create","name":"x","members":["az_owner"]})"_s },
    { u"group.add"_s, uR"({"type":"group.add","group":"{G}","members":["az_outsider"]})"_s },
    { u"group.remove"_s, uR"({"type":"group.remove","group":"{G}","member":"az_member"})"_s },
    { u"group.leave"_s, uR"({"type":"group.leave","group":"{G}"})"_s },
    { u"group.rename"_s, uR"({"type":"group.rename","group":"{G}","name":"Taken"})"_s },
    { u"group.list"_s, uR"({"type":"group.list"})"_s },
    { u"contacts.add"_s, uR"({"type":"contacts.add","username":"az_owner"})"_s },
    { u"contacts.remove"_s, uR"({"type":"contacts.remove","username":"az_peer"})"_s },
    { u"contacts.list"_s, uR"({"type":"contacts.list"})"_s },
    { u"presence.query"_s, uR"({"type":"presence.query","usernames":["az_owner","az_member"]})"_s },
    { u"ping"_s, uR"({"type":"ping"})"_s },
};

} // namespace

class TestAuthz : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void http_data();
    void http();
    void otherUsersDeviceCannotBeDeleted();

    void withoutValidToken_data();
    void withoutValidToken();

    void wrongCaller_data();
    void wrongCaller();

    void pushedNothingOutOfScope();

private:
    QJsonObject frameOf(const QString &text) const;
    WsClient &client(const QString &caller) { return *m_clients.at(caller); }
    QString tokenOf(const QString &caller) const;

    ServerProcess m_server { kServerArguments };
    HttpClient m_http;
    std::map<QString, TestDevice> m_devices;
    std::map<QString, std::unique_ptr<WsClient>> m_clients;
    QString m_loggedOutToken;
    QString m_deletedToken;
    QString m_groupId;
    // Every frame each caller was sent, as raw text.
    std::map<QString, QStringList> m_received;
};

QJsonObject TestAuthz::frameOf(const QString &text) const
{
    QString json = text;
    json.replace(u"{G}"_s, m_groupId);
    return QJsonDocument::fromJson(json.toUtf8()).object();
}

QString TestAuthz::tokenOf(const QString &caller) const
{
    if (caller == "loggedOut"_L1)
        return m_loggedOutToken;
    if (caller == "deleted"_L1)
        return m_deletedToken;
    if (caller == "garbage"_L1)
        return u"not-a-token-at-all-not-a-token-at-all"_s;
    return {};
}

void TestAuthz::initTestCase()
{
    QVERIFY2(m_server.start(), qPrintable(m_server.errorString()));
    for (const QString &name :
         { u"owner"_s, u"member"_s, u"removed"_s, u"outsider"_s, u"peer"_s }) {
        m_devices[name] = makeDevice(m_http, m_server, u"az_"_s + name);
        QVERIFY(m_devices[name].ok());
    }
    // A device that logged out, and one that another device of its user removed.
    const TestDevice gone = makeDevice(m_http, m_server, u"az_gone"_s);
    const TestDevice goneToo = makeDevice(m_http, m_server, u"az_gone"_s, false, u"second"_s);
    QVERIFY(gone.ok() && goneToo.ok());
    m_loggedOutToken = gone.token;
    QCOMPARE(m_http.send("POST", m_server.httpUrl(u"/api/v1/logout"_s), {}, gone.token).status,
             204);
    const TestDevice survivor = makeDevice(m_http, m_server, u"az_gone"_s, false, u"third"_s);
    QVERIFY(survivor.ok());
    m_deletedToken = goneToo.token;
    QCOMPARE(m_http
                 .send("DELETE", m_server.httpUrl(u"/api/v1/devices/"_s + goneToo.deviceId), {},
                       survivor.token)
                 .status,
             204);

    // Everyone is connected before anything happens, so that pushes can be checked too.
    for (const auto &[name, device] : m_devices) {
        m_clients[name] = std::make_unique<WsClient>();
        QVERIFY(m_clients[name]->login(m_server.wsUrl(), device.token));
        connect(&m_clients[name]->socket(), &QWebSocket::textMessageReceived, this,
                [this, caller = name](const QString &text) { m_received[caller].append(text); });
    }

    WsClient &owner = client(u"owner"_s);
    const auto created =
        owner.request({ { "type"_L1, u"group.create"_s },
                        { "name"_L1, u"Private"_s },
                        { "members"_L1, QJsonArray { u"az_member"_s, u"az_removed"_s } } });
    QVERIFY(created);
    QCOMPARE(created->value("type"_L1).toString(), u"group"_s);
    m_groupId = created->value("group"_L1).toObject().value("id"_L1).toString();
    QVERIFY(isDecimal(m_groupId));

    auto send = [&](const QString &to, const QString &body, const QString &clientId) {
        const auto sent = owner.request({ { "type"_L1, u"send"_s },
                                          { "to"_L1, to },
                                          { "body"_L1, body },
                                          { "client_id"_L1, clientId } });
        return sent && sent->value("type"_L1).toString() == "sent"_L1;
    };
    QVERIFY(send(u"group:"_s + m_groupId, kGroupBefore, u"g1"_s));
    const auto removed = owner.request({ { "type"_L1, u"group.remove"_s },
                                         { "group"_L1, m_groupId },
                                         { "member"_L1, u"az_removed"_s } });
    QVERIFY(removed);
    QCOMPARE(removed->value("type"_L1).toString(), u"group"_s);
    QVERIFY(client(u"removed"_s).waitForType(u"group.removed"_s));
    QVERIFY(send(u"group:"_s + m_groupId, kGroupAfter, u"g2"_s));
    QVERIFY(send(u"user:az_peer"_s, kDirect, u"d1"_s));
    const auto contact =
        owner.request({ { "type"_L1, u"contacts.add"_s }, { "username"_L1, u"az_peer"_s } });
    QVERIFY(contact);
    QCOMPARE(contact->value("type"_L1).toString(), u"ok"_s);
    // The member got the message after the removal (it is in scope for it) ...
    QVERIFY(client(u"member"_s).waitFor([](const QJsonObject &f) {
        return f.value("message"_L1).toObject().value("body"_L1).toString() == kGroupAfter;
    }));
}

void TestAuthz::cleanupTestCase()
{
    m_clients.clear();
    QCOMPARE(m_server.stop(), 0);
}

// --- HTTP
// -----------------------------------------------------------------------------------------

void TestAuthz::http_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("caller"); // "none", "malformed", "garbage", "loggedOut", "deleted"

    const QList<std::pair<QByteArray, QString>> calls {
        { "POST", u"/api/v1/logout"_s },
        { "GET", u"/api/v1/me"_s },
        { "DELETE", u"/api/v1/devices/1"_s },
        { "GET", u"/api/v1/users/az_owner"_s },
    };
    for (const auto &[method, path] : calls) {
        for (const QString &caller :
             { u"none"_s, u"malformed"_s, u"garbage"_s, u"loggedOut"_s, u"deleted"_s }) {
            QTest::addRow("%s %s, %s", method.constData(), qPrintable(path), qPrintable(caller))
                << method << path << caller;
        }
    }
}

void TestAuthz::http()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(QString, caller);

    HttpReply reply;
    if (caller == "malformed"_L1) {
        // Not a Bearer token: a raw request with another scheme.
        const QByteArray raw = HttpClient::raw(
            m_server.port(),
            method + ' ' + path.toUtf8()
                + " HTTP/1.1\r\nHost: x\r\nAuthorization: Basic YXpfb3duZXI6eA==\r\n"
                  "Content-Length: 0\r\nConnection: close\r\n\r\n");
        QVERIFY2(raw.startsWith("HTTP/1.1 401 "), raw.constData());
        QVERIFY2(raw.contains("\"unauthorized\""), raw.constData());
        QVERIFY2(!raw.contains("az_owner") && !raw.contains("devices"), raw.constData());
        return;
    }
    reply = m_http.send(method, m_server.httpUrl(path), {}, tokenOf(caller));
    QCOMPARE(reply.status, 401);
    QCOMPARE(reply.errorCode(), u"unauthorized"_s);
    const QString body = QString::fromUtf8(reply.body);
    for (const QString &secret : { u"az_owner"_s, u"az_gone"_s, u"devices"_s, u"display_name"_s })
        QVERIFY2(!body.contains(secret), qPrintable(body));
}

void TestAuthz::otherUsersDeviceCannotBeDeleted()
{
    const TestDevice &owner = m_devices.at(u"owner"_s);
    const TestDevice &outsider = m_devices.at(u"outsider"_s);
    // Another user's device: not found, exactly as a device that does not exist.
    const HttpReply other = m_http.send(
        "DELETE", m_server.httpUrl(u"/api/v1/devices/"_s + owner.deviceId), {}, outsider.token);
    QCOMPARE(other.status, 404);
    QCOMPARE(other.errorCode(), u"not_found"_s);
    const HttpReply none =
        m_http.send("DELETE", m_server.httpUrl(u"/api/v1/devices/999999999"_s), {}, outsider.token);
    QCOMPARE(none.status, 404);
    QCOMPARE(
        QJsonDocument::fromJson(none.body).object().value("error"_L1).toObject().value("code"_L1),
        QJsonDocument::fromJson(other.body).object().value("error"_L1).toObject().value("code"_L1));
    // The owner's device still works and its connection is open.
    QCOMPARE(m_http.get(m_server.httpUrl(u"/api/v1/me"_s), owner.token).status, 200);
    QVERIFY(client(u"owner"_s).isOpen());

    // Another user's public profile shows no devices and no presence.
    const HttpReply profile =
        m_http.get(m_server.httpUrl(u"/api/v1/users/az_owner"_s), outsider.token);
    QCOMPARE(profile.status, 200);
    QCOMPARE(profile.json.keys(), (QStringList { u"display_name"_s, u"username"_s }));
}

// --- WebSocket without a valid token
// --------------------------------------------------------------

void TestAuthz::withoutValidToken_data()
{
    QTest::addColumn<QString>("caller"); // "none": no auth at all; else the token's state
    QTest::addColumn<QString>("request");
    for (const QString &caller : { u"none"_s, u"garbage"_s, u"loggedOut"_s, u"deleted"_s }) {
        for (const auto &[type, request] : kRequestsOfEveryType)
            QTest::addRow("%s, %s", qPrintable(caller), qPrintable(type)) << caller << request;
    }
}

void TestAuthz::withoutValidToken()
{
    QFETCH(QString, caller);
    QFETCH(QString, request);
    WsClient ws;
    QStringList received;
    connect(&ws.socket(), &QWebSocket::textMessageReceived, this,
            [&](const QString &text) { received.append(text); });
    QVERIFY(ws.open(m_server.wsUrl()));
    QJsonObject frame = frameOf(request);
    frame.insert("id"_L1, u"q1"_s);

    if (caller == "none"_L1) {
        ws.send(frame);
        const auto error =
            ws.waitFor([](const QJsonObject &f) { return f.value("id"_L1) == "q1"_L1; });
        QVERIFY(error);
        QCOMPARE(error->value("type"_L1).toString(), u"error"_s);
        QCOMPARE(error->value("code"_L1).toString(), u"unauthorized"_s);
        QVERIFY(ws.isOpen()); // the client may still authenticate
    } else {
        // The request right behind a bad auth, as a pipelining client would send it.
        ws.send({ { "type"_L1, u"auth"_s }, { "token"_L1, tokenOf(caller) } });
        ws.send(frame);
        QVERIFY(ws.waitForClosed());
        QCOMPARE(ws.closeCode(), kCloseUnauthorized);
        QVERIFY(!received.isEmpty());
    }
    // Nothing but unauthorized errors came, and nothing of anyone's data.
    for (const QString &text : std::as_const(received)) {
        const QJsonObject json = QJsonDocument::fromJson(text.toUtf8()).object();
        QVERIFY2(json.value("type"_L1) == "error"_L1 && json.value("code"_L1) == "unauthorized"_L1,
                 qPrintable(text));
        for (const QString &secret : { u"az_"_s, u"secret"_s, u"last_active_at"_s })
            QVERIFY2(!text.contains(secret), qPrintable(text));
    }
}

// --- WebSocket, authenticated as the wrong user
// ---------------------------------------------------

void TestAuthz::wrongCaller_data()
{
    QTest::addColumn<QString>("caller");
    QTest::addColumn<QString>("request");
    QTest::addColumn<QString>("expected"); // an error code, or the reply's type
    QTest::addColumn<QStringList>("mustNotContain"); // {G} is the group's id

    const QStringList bodies { kGroupBefore, kGroupAfter, kDirect };
    const QStringList afterRemoval { kGroupAfter, kDirect };
    const QStringList groupSecrets { kGroupBefore,   kGroupAfter,  kDirect,
                                     u"az_member"_s, u"\"{G}\""_s, u"group:{G}"_s };
    const QStringList presence { u"last_active_at"_s, u"online"_s, u"offline"_s };

    // Not a member of the group, and not in any conversation of the owner's.
    const QString outsider = u"outsider"_s;
    auto row = [](const QString &caller, const char *name, const QString &request,
                  const QString &expected, const QStringList &mustNotContain) {
        QTest::addRow("%s: %s", qPrintable(caller), name)
            << caller << request << expected << mustNotContain;
    };
    row(outsider, "send to the group",
        uR"({"type":"send","client_id":"o1","to":"group:{G}","body":"intruder"})"_s, u"forbidden"_s,
        bodies);
    row(outsider, "sync", uR"({"type":"sync","after":"0"})"_s, u"sync"_s, groupSecrets);
    row(outsider, "ack beyond the own inbox", uR"({"type":"ack","seq":"2"})"_s, u"bad_request"_s,
        bodies);
    row(outsider, "history of the group", uR"({"type":"history","conv":"group:{G}"})"_s,
        u"forbidden"_s, bodies);
    row(outsider, "history with the owner's peer", uR"({"type":"history","conv":"user:az_peer"})"_s,
        u"history"_s, bodies);
    row(outsider, "conversations", uR"({"type":"conversations"})"_s, u"conversations"_s,
        groupSecrets);
    row(outsider, "read the group", uR"({"type":"read","conv":"group:{G}","conv_seq":"1"})"_s,
        u"not_found"_s, bodies);
    row(outsider, "read another's conversation",
        uR"({"type":"read","conv":"user:az_peer","conv_seq":"1"})"_s, u"not_found"_s, bodies);
    row(outsider, "group.add itself",
        uR"({"type":"group.add","group":"{G}","members":["az_outsider"]})"_s, u"forbidden"_s,
        groupSecrets);
    row(outsider, "group.remove",
        uR"({"type":"group.remove","group":"{G}","member":"az_member"})"_s, u"forbidden"_s,
        groupSecrets);
    row(outsider, "group.leave", uR"({"type":"group.leave","group":"{G}"})"_s, u"forbidden"_s,
        groupSecrets);
    row(outsider, "group.rename", uR"({"type":"group.rename","group":"{G}","name":"Mine"})"_s,
        u"forbidden"_s, groupSecrets);
    row(outsider, "group.list", uR"({"type":"group.list"})"_s, u"groups"_s, groupSecrets);
    row(outsider, "contacts.list", uR"({"type":"contacts.list"})"_s, u"contacts"_s,
        QStringList { u"az_peer"_s } + presence);
    row(outsider, "contacts.remove another's contact",
        uR"({"type":"contacts.remove","username":"az_peer"})"_s, u"ok"_s, presence);
    row(outsider, "presence.query",
        uR"({"type":"presence.query","usernames":["az_owner","az_member","az_peer","az_nobody"]})"_s,
        u"presence.result"_s, presence);
    row(outsider, "contacts.add of an unknown user",
        uR"({"type":"contacts.add","username":"az_nobody"})"_s, u"not_found"_s, presence);
    row(outsider, "ping", uR"({"type":"ping"})"_s, u"pong"_s, bodies);

    // Removed from the group: what was posted before stays visible, nothing after it.
    const QString removed = u"removed"_s;
    row(removed, "send to the group",
        uR"({"type":"send","client_id":"r1","to":"group:{G}","body":"still here?"})"_s,
        u"forbidden"_s, afterRemoval);
    row(removed, "sync", uR"({"type":"sync","after":"0"})"_s, u"sync"_s, afterRemoval);
    row(removed, "history of the group", uR"({"type":"history","conv":"group:{G}"})"_s,
        u"history"_s, afterRemoval + QStringList { u"az_member"_s });
    row(removed, "conversations", uR"({"type":"conversations"})"_s, u"conversations"_s,
        afterRemoval);
    row(removed, "group.add itself back",
        uR"({"type":"group.add","group":"{G}","members":["az_removed"]})"_s, u"forbidden"_s,
        afterRemoval + QStringList { u"az_member"_s });
    row(removed, "group.remove", uR"({"type":"group.remove","group":"{G}","member":"az_member"})"_s,
        u"forbidden"_s, afterRemoval + QStringList { u"az_member"_s });
    row(removed, "group.leave", uR"({"type":"group.leave","group":"{G}"})"_s, u"forbidden"_s,
        afterRemoval + QStringList { u"az_member"_s });
    row(removed, "group.rename", uR"({"type":"group.rename","group":"{G}","name":"Back"})"_s,
        u"forbidden"_s, afterRemoval + QStringList { u"az_member"_s });
    row(removed, "group.list", uR"({"type":"group.list"})"_s, u"groups"_s,
        afterRemoval + QStringList { u"az_member"_s, u"\"{G}\""_s });
    row(removed, "presence.query of former members",
        uR"({"type":"presence.query","usernames":["az_owner","az_member"]})"_s,
        u"presence.result"_s, presence);

    // A member who is not the owner: may post, rename and leave, not add or remove.
    const QString member = u"member"_s;
    row(member, "group.add", uR"({"type":"group.add","group":"{G}","members":["az_outsider"]})"_s,
        u"forbidden"_s, { kDirect, u"az_outsider"_s });
    row(member, "group.remove of the owner",
        uR"({"type":"group.remove","group":"{G}","member":"az_owner"})"_s, u"forbidden"_s,
        { kDirect });
    row(member, "history of the owner's direct conversation",
        uR"({"type":"history","conv":"user:az_peer"})"_s, u"history"_s, { kDirect });
    // The controls: what is in scope is shown (so the absences above mean something).
    row(member, "presence.query of a fellow member (in scope)",
        uR"({"type":"presence.query","usernames":["az_owner"]})"_s, u"presence.result"_s,
        { u"unknown"_s });
    row(member, "history of the group (in scope)", uR"({"type":"history","conv":"group:{G}"})"_s,
        u"history"_s, { kDirect });
}

void TestAuthz::wrongCaller()
{
    QFETCH(QString, caller);
    QFETCH(QString, request);
    QFETCH(QString, expected);
    QFETCH(QStringList, mustNotContain);

    const auto reply = client(caller).request(frameOf(request));
    QVERIFY2(reply, "no reply");
    const QString text = dump(*reply);
    const QString type = reply->value("type"_L1).toString();
    if (type == "error"_L1)
        QVERIFY2(reply->value("code"_L1).toString() == expected, qPrintable(text));
    else
        QVERIFY2(type == expected, qPrintable(text));
    for (QString secret : mustNotContain) {
        secret.replace(u"{G}"_s, m_groupId);
        QVERIFY2(!text.contains(secret), qPrintable(u"'%1' in %2"_s.arg(secret, text)));
    }
}

void TestAuthz::pushedNothingOutOfScope()
{
    // A last round trip on every connection, so that every push sent so far has arrived.
    for (auto &[name, ws] : m_clients)
        QVERIFY(ws->request({ { "type"_L1, u"ping"_s } }));

    auto pushed = [&](const QString &caller) {
        return m_received[caller].join(u'\n');
    };
    // The removed member saw the message before its removal, and nothing after it.
    QVERIFY(pushed(u"removed"_s).contains(kGroupBefore));
    QVERIFY(pushed(u"removed"_s).contains(u"group.removed"_s));
    for (const QString &secret : { kGroupAfter, kDirect })
        QVERIFY2(!pushed(u"removed"_s).contains(secret), qPrintable(pushed(u"removed"_s)));
    // The outsider saw nothing of the group or of the direct conversation (its own replies are
    // in this log too, so member names it asked about may appear; group events may not).
    for (const QString &secret : { kGroupBefore, kGroupAfter, kDirect, u"group.updated"_s })
        QVERIFY2(!pushed(u"outsider"_s).contains(secret), qPrintable(pushed(u"outsider"_s)));
    // The member saw the group, not the owner's direct conversation.
    QVERIFY(pushed(u"member"_s).contains(kGroupAfter));
    QVERIFY(!pushed(u"member"_s).contains(kDirect));
    // The owner's contact list was not changed by the outsider's contacts.remove.
    const auto contacts = client(u"owner"_s).request({ { "type"_L1, u"contacts.list"_s } });
    QVERIFY(contacts);
    QVERIFY2(dump(*contacts).contains(u"az_peer"_s), qPrintable(dump(*contacts)));
}

QTEST_GUILESS_MAIN(TestAuthz)
#include "tst_authz.moc"
