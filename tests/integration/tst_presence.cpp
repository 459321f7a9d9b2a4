// Contacts and presence against a real confabd (PROTOCOL.md §3.3): contacts.add/remove/list,
// shared by all devices of an account; presence events only to watchers, one per change: online
// with the first device, offline only a grace period after the last device went away (a
// reconnect, a second device or a burst of reconnects within it causes no flicker);
// presence.query's scope (self, contacts, users sharing a current group); last_active_at
// following WebSocket activity, kept across a restart; a device dropped by the heartbeat timeout.
#include "tests/support/Accounts.h"
#include "tests/support/WsClient.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QHash>
#include <QJsonArray>
#include <QTest>
#include <QTimer>

#include <memory>
#include <vector>

using namespace Qt::StringLiterals;
using namespace confab::test;

namespace {

// The grace periods of the two shared servers (--presence-grace 1 and --presence-grace 3).
constexpr int kGraceMs = 1000;
constexpr int kLongGraceMs = 3000;
// Generous bound for an event that is due only after a grace period or a heartbeat timeout.
constexpr int kEventTimeoutMs = 20'000;
constexpr int kCloseHeartbeat = 4000;

const QStringList kQuiet { u"--log-level"_s, u"warning"_s };

const QString kOnline = u"online"_s;
const QString kOffline = u"offline"_s;
const QString kUnknown = u"unknown"_s;

qint64 wallMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

QString typeOf(const QJsonObject &frame)
{
    return frame.value("type"_L1).toString();
}

qint64 lastActiveOf(const QJsonObject &presence)
{
    return presence.value("last_active_at"_L1).toInteger();
}

// A ping with a fresh id answered by a pong carrying it: everything the server sent on this
// connection before the pong has arrived.
bool pingPong(WsClient &ws)
{
    const auto pong = ws.request({ { "type"_L1, u"ping"_s } });
    return pong && typeOf(*pong) == u"pong"_s;
}

QJsonObject contactFrame(QLatin1StringView type, const QString &username)
{
    return { { "type"_L1, type }, { "username"_L1, username } };
}

// Sends contacts.add/remove and tells whether the answer was ok.
bool contactRequest(WsClient &ws, QLatin1StringView type, const QString &username)
{
    const auto reply = ws.request(contactFrame(type, username));
    return reply && typeOf(*reply) == u"ok"_s;
}

bool addContact(WsClient &ws, const QString &username)
{
    return contactRequest(ws, "contacts.add"_L1, username);
}

// The contacts array of a contacts.list answer (empty if the answer is not one).
QJsonArray listContacts(WsClient &ws)
{
    const auto reply = ws.request({ { "type"_L1, u"contacts.list"_s } });
    if (!reply || typeOf(*reply) != u"contacts"_s)
        return {};
    return reply->value("contacts"_L1).toArray();
}

// The users array of a presence.result answer (empty if the answer is not one).
QJsonArray queryPresence(WsClient &ws, const QStringList &usernames)
{
    const auto reply = ws.request({ { "type"_L1, u"presence.query"_s },
                                    { "usernames"_L1, QJsonArray::fromStringList(usernames) } });
    if (!reply || typeOf(*reply) != u"presence.result"_s)
        return {};
    return reply->value("users"_L1).toArray();
}

// The entry about `username` in an array of user objects, or an empty object.
QJsonObject entryFor(const QJsonArray &users, const QString &username)
{
    for (const QJsonValue &user : users) {
        if (user.toObject().value("username"_L1).toString() == username)
            return user.toObject();
    }
    return {};
}

bool isPresenceAbout(const QJsonObject &frame, const QString &username)
{
    return typeOf(frame) == u"presence"_s && frame.value("username"_L1).toString() == username;
}

// The next presence event about `username`, taken off the list.
std::optional<QJsonObject> waitForPresence(WsClient &ws, const QString &username,
                                           int timeoutMs = kEventTimeoutMs)
{
    return ws.waitFor([&](const QJsonObject &f) { return isPresenceAbout(f, username); },
                      timeoutMs);
}

// Every presence event about `username` received so far (others stay on the list).
QList<QJsonObject> takePresence(WsClient &ws, const QString &username)
{
    QList<QJsonObject> taken;
    while (const auto frame =
               ws.waitFor([&](const QJsonObject &f) { return isPresenceAbout(f, username); }, 0)) {
        taken.append(*frame);
    }
    return taken;
}

QString describe(const QList<QJsonObject> &frames)
{
    QStringList statuses;
    for (const QJsonObject &frame : frames)
        statuses.append(frame.value("status"_L1).toString());
    return statuses.join(u", "_s);
}

// Registers `username` (with a display name, if given) and logs in one device.
TestDevice registerDevice(HttpClient &http, const ServerProcess &server, const QString &username,
                          const QString &displayName = {})
{
    QJsonObject body { { "username"_L1, username }, { "password"_L1, kPassword } };
    if (!displayName.isEmpty())
        body.insert("display_name"_L1, displayName);
    if (http.post(server.httpUrl(u"/api/v1/register"_s), body).status != 201)
        return {};
    return makeDevice(http, server, username, false);
}

// A new authenticated connection (welcome received), or null.
std::unique_ptr<WsClient> connectAs(const ServerProcess &server, const TestDevice &device)
{
    auto ws = std::make_unique<WsClient>();
    if (!ws->login(server.wsUrl(), device.token))
        return nullptr;
    return ws;
}

// Closes the connection and waits until the server has let the device go (GET /me no longer
// lists it online): from then on the server counts the device as gone.
bool leaveAndWait(WsClient &ws, HttpClient &http, const ServerProcess &server,
                  const TestDevice &device)
{
    ws.socket().close();
    if (!ws.waitForClosed())
        return false;
    return QTest::qWaitFor(
        [&] {
            const HttpReply me = http.get(server.httpUrl(u"/api/v1/me"_s), device.token);
            if (me.status != 200)
                return false;
            const QJsonArray devices = me.json.value("devices"_L1).toArray();
            for (const QJsonValue &value : devices) {
                const QJsonObject entry = value.toObject();
                if (entry.value("device_id"_L1).toString() == device.deviceId)
                    return !entry.value("online"_L1).toBool(true);
            }
            return false;
        },
        WsClient::kTimeoutMs);
}

// The users of the presence.query tests, seen by kQueryCaller, and what it may learn of them.
const QString kQueryCaller = u"pq_alice"_s;
struct QueryCase
{
    const char *tag;
    QString username;
    QString status;
    bool hasLastActive;
};
const QList<QueryCase> kQueryCases {
    { "self", kQueryCaller, kOnline, true },
    { "contact, online", u"pq_bob"_s, kOnline, true },
    { "contact, never connected", u"pq_neve"_s, kOffline, false },
    { "group member, online", u"pq_gina"_s, kOnline, true },
    { "group member, never connected", u"pq_gwen"_s, kOffline, false },
    { "former group member (left)", u"pq_lena"_s, kUnknown, false },
    { "stranger who has the caller as a contact", u"pq_stan"_s, kUnknown, false },
    { "nonexistent user", u"pq_nobody"_s, kUnknown, false },
};

} // namespace

class TestPresence : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    // contacts.add / remove / list
    void contactsSharedByDevices();
    void contactsErrors_data();
    void contactsErrors();

    // presence events
    void onlineEventToEveryWatcherDevice();
    void removedContactGetsNoEvents();
    void offlineOnlyAfterGrace_data();
    void offlineOnlyAfterGrace();
    void secondDeviceKeepsUserOnline();
    void reconnectWithinGraceNoFlicker();
    void reconnectBurst_data();
    void reconnectBurst();
    void heartbeatDropLeadsToOffline();

    // presence.query and last_active_at
    void presenceQuery_data();
    void presenceQuery();
    void presenceQueryAnswersEveryName();
    void lastActiveFollowsWebSocketActivity();
    void lastActiveKeptAcrossRestart_data();
    void lastActiveKeptAcrossRestart();

private:
    // A logged-in device of `username` on m_server, registered on first use.
    TestDevice account(const QString &username);
    // Sets up the users of kQueryCases once (their connections stay open).
    bool ensureQueryFixture();

    ServerProcess m_server { kQuiet + QStringList { u"--presence-grace"_s, u"1"_s } };
    ServerProcess m_graceServer { kQuiet + QStringList { u"--presence-grace"_s, u"3"_s } };
    HttpClient m_http;
    QHash<QString, TestDevice> m_accounts;

    std::vector<std::unique_ptr<WsClient>> m_queryClients; // open connections of the fixture
    WsClient *m_queryCaller = nullptr; // one of them; set when the fixture is complete
    qint64 m_queryFixtureStart = 0;
};

void TestPresence::initTestCase()
{
    QVERIFY2(m_server.start(), qPrintable(m_server.errorString()));
    QVERIFY2(m_graceServer.start(), qPrintable(m_graceServer.errorString()));
}

void TestPresence::cleanupTestCase()
{
    m_queryCaller = nullptr;
    m_queryClients.clear();
    QCOMPARE(m_server.stop(), 0);
    QCOMPARE(m_graceServer.stop(), 0);
}

TestDevice TestPresence::account(const QString &username)
{
    if (const auto it = m_accounts.constFind(username); it != m_accounts.cend())
        return *it;
    const TestDevice device = makeDevice(m_http, m_server, username);
    if (device.ok())
        m_accounts.insert(username, device);
    return device;
}

// --- contacts ------------------------------------------------------------------------------------

void TestPresence::contactsSharedByDevices()
{
    const TestDevice alice1 = registerDevice(m_http, m_server, u"sh_alice"_s);
    const TestDevice alice2 = makeDevice(m_http, m_server, u"sh_alice"_s, false, u"second"_s);
    const TestDevice bob = registerDevice(m_http, m_server, u"sh_bob"_s, u"Bob Builder"_s);
    const TestDevice neve = registerDevice(m_http, m_server, u"sh_neve"_s, u"Neve"_s);
    QVERIFY(alice1.ok() && alice2.ok() && bob.ok() && neve.ok());

    const qint64 bobConnecting = wallMs();
    const auto b = connectAs(m_server, bob);
    QVERIFY(b);
    QVERIFY(pingPong(*b)); // bob's last WebSocket activity
    const qint64 bobActive = wallMs();

    const auto a1 = connectAs(m_server, alice1);
    const auto a2 = connectAs(m_server, alice2);
    QVERIFY(a1 && a2);
    QVERIFY(addContact(*a1, u"sh_bob"_s));
    QVERIFY(addContact(*a1, u"sh_neve"_s));

    // Added on device 1, listed on device 2.
    const QJsonArray contacts = listContacts(*a2);
    QCOMPARE(contacts.size(), 2);
    const QJsonObject bobEntry = entryFor(contacts, u"sh_bob"_s);
    QCOMPARE(bobEntry.value("display_name"_L1).toString(), u"Bob Builder"_s);
    QCOMPARE(bobEntry.value("status"_L1).toString(), kOnline);
    QVERIFY2(bobEntry.contains("last_active_at"_L1), "an online contact without last_active_at");
    const qint64 bobLastActive = lastActiveOf(bobEntry);
    QVERIFY2(bobLastActive >= bobConnecting && bobLastActive <= bobActive,
             qPrintable(u"last_active_at %1 outside [%2, %3]"_s.arg(bobLastActive)
                            .arg(bobConnecting)
                            .arg(bobActive)));
    const QJsonObject neveEntry = entryFor(contacts, u"sh_neve"_s);
    QCOMPARE(neveEntry.value("display_name"_L1).toString(), u"Neve"_s);
    QCOMPARE(neveEntry.value("status"_L1).toString(), kOffline);
    QVERIFY2(!neveEntry.contains("last_active_at"_L1),
             "last_active_at for a user who never connected");

    // Removed on device 2, gone on device 1.
    QVERIFY(contactRequest(*a2, "contacts.remove"_L1, u"sh_bob"_s));
    const QJsonArray after = listContacts(*a1);
    QCOMPARE(after.size(), 1);
    QCOMPARE(after.first().toObject().value("username"_L1).toString(), u"sh_neve"_s);
}

void TestPresence::contactsErrors_data()
{
    QTest::addColumn<QString>("caller");
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("username"); // empty: the field is left out; "<self>": the caller
    QTest::addColumn<QString>("expected"); // "ok" or an error code
    QTest::addColumn<QStringList>("contactsAfter");

    QTest::newRow("add unknown user")
        << u"ce_1"_s << u"contacts.add"_s << u"ce_nobody"_s << u"not_found"_s << QStringList {};
    QTest::newRow("add yourself") << u"ce_2"_s << u"contacts.add"_s << u"<self>"_s
                                  << u"bad_request"_s << QStringList {};
    QTest::newRow("add without username")
        << u"ce_3"_s << u"contacts.add"_s << QString() << u"bad_request"_s << QStringList {};
    QTest::newRow("add in upper case") << u"ce_4"_s << u"contacts.add"_s << u"CE_Target"_s
                                       << u"ok"_s << QStringList { u"ce_target"_s };
    QTest::newRow("remove a non-contact")
        << u"ce_5"_s << u"contacts.remove"_s << u"ce_target"_s << u"ok"_s << QStringList {};
    QTest::newRow("remove unknown user")
        << u"ce_6"_s << u"contacts.remove"_s << u"ce_nobody"_s << u"not_found"_s << QStringList {};
}

void TestPresence::contactsErrors()
{
    QFETCH(QString, caller);
    QFETCH(QString, type);
    QFETCH(QString, username);
    QFETCH(QString, expected);
    QFETCH(QStringList, contactsAfter);

    const TestDevice target = account(u"ce_target"_s);
    const TestDevice me = account(caller);
    QVERIFY(target.ok() && me.ok());
    const auto ws = connectAs(m_server, me);
    QVERIFY(ws);

    QJsonObject frame { { "type"_L1, type } };
    if (!username.isNull())
        frame.insert("username"_L1, username == u"<self>"_s ? caller : username);
    const auto reply = ws->request(frame);
    QVERIFY(reply);
    if (expected == u"ok"_s) {
        QCOMPARE(typeOf(*reply), u"ok"_s);
    } else {
        QCOMPARE(typeOf(*reply), u"error"_s);
        QCOMPARE(reply->value("code"_L1).toString(), expected);
    }

    QStringList listed;
    for (const QJsonValue &contact : listContacts(*ws))
        listed.append(contact.toObject().value("username"_L1).toString());
    QCOMPARE(listed, contactsAfter);
    QVERIFY(pingPong(*ws)); // the connection stays usable
}

// --- presence events -----------------------------------------------------------------------------

void TestPresence::onlineEventToEveryWatcherDevice()
{
    const TestDevice alice1 = registerDevice(m_http, m_server, u"on_alice"_s);
    const TestDevice alice2 = makeDevice(m_http, m_server, u"on_alice"_s, false, u"second"_s);
    const TestDevice bob = registerDevice(m_http, m_server, u"on_bob"_s);
    const TestDevice carol = registerDevice(m_http, m_server, u"on_carol"_s);
    QVERIFY(alice1.ok() && alice2.ok() && bob.ok() && carol.ok());

    // Carol shares a group with bob (she may query his presence) but does not watch him.
    const auto c = connectAs(m_server, carol);
    QVERIFY(c);
    const auto group = c->request({ { "type"_L1, u"group.create"_s },
                                    { "name"_L1, u"Watchers"_s },
                                    { "members"_L1, QJsonArray { u"on_bob"_s } } });
    QVERIFY(group);
    QCOMPARE(typeOf(*group), u"group"_s);

    const auto a1 = connectAs(m_server, alice1);
    const auto a2 = connectAs(m_server, alice2);
    QVERIFY(a1 && a2);
    QVERIFY(addContact(*a1, u"on_bob"_s));
    QVERIFY(!a1->hasPending(u"presence"_s)); // bob is not online yet: nothing to announce

    const qint64 bobConnecting = wallMs();
    const auto b = connectAs(m_server, bob);
    QVERIFY(b);
    const auto online1 = waitForPresence(*a1, u"on_bob"_s);
    const auto online2 = waitForPresence(*a2, u"on_bob"_s);
    const qint64 received = wallMs();
    QVERIFY2(online1, "alice's first device got no presence event");
    QVERIFY2(online2, "alice's second device got no presence event");
    QCOMPARE(online1->value("status"_L1).toString(), kOnline);
    QCOMPARE(*online2, *online1);
    const qint64 lastActive = lastActiveOf(*online1);
    QVERIFY2(lastActive >= bobConnecting && lastActive <= received,
             qPrintable(u"last_active_at %1 outside [%2, %3]"_s.arg(lastActive)
                            .arg(bobConnecting)
                            .arg(received)));

    // Exactly one event per device, and none for carol: bob's round trip orders the server's
    // announcement before the watchers' round trips.
    QVERIFY(pingPong(*b));
    QVERIFY(pingPong(*a1));
    QVERIFY(pingPong(*a2));
    QVERIFY(pingPong(*c));
    QVERIFY2(!a1->hasPending(u"presence"_s), "a second presence event on alice's first device");
    QVERIFY2(!a2->hasPending(u"presence"_s), "a second presence event on alice's second device");
    QVERIFY2(!c->hasPending(u"presence"_s), "a presence event for a user who is not a watcher");
    QVERIFY2(!b->hasPending(u"presence"_s), "a presence event about himself for bob");
}

void TestPresence::removedContactGetsNoEvents()
{
    const TestDevice alice = registerDevice(m_http, m_server, u"rm_alice"_s);
    const TestDevice bob = registerDevice(m_http, m_server, u"rm_bob"_s);
    QVERIFY(alice.ok() && bob.ok());
    const auto a = connectAs(m_server, alice);
    QVERIFY(a);
    QVERIFY(addContact(*a, u"rm_bob"_s));
    QVERIFY(contactRequest(*a, "contacts.remove"_L1, u"rm_bob"_s));
    QVERIFY(listContacts(*a).isEmpty());

    const auto b = connectAs(m_server, bob);
    QVERIFY(b);
    QVERIFY(pingPong(*b));
    QVERIFY(pingPong(*a));
    QVERIFY2(!a->hasPending(u"presence"_s), "a presence event about a removed contact");
}

void TestPresence::offlineOnlyAfterGrace_data()
{
    QTest::addColumn<QString>("prefix");
    QTest::addColumn<bool>("abort");
    QTest::newRow("close handshake") << u"offc"_s << false;
    QTest::newRow("connection dropped") << u"offa"_s << true;
}

void TestPresence::offlineOnlyAfterGrace()
{
    QFETCH(QString, prefix);
    QFETCH(bool, abort);
    const QString bobName = prefix + u"_bob"_s;
    const TestDevice alice = registerDevice(m_http, m_server, prefix + u"_alice"_s);
    const TestDevice bob = registerDevice(m_http, m_server, bobName);
    QVERIFY(alice.ok() && bob.ok());
    const auto a = connectAs(m_server, alice);
    QVERIFY(a);
    QVERIFY(addContact(*a, bobName));
    const auto b = connectAs(m_server, bob);
    QVERIFY(b);
    const auto online = waitForPresence(*a, bobName);
    QVERIFY(online);
    QCOMPARE(online->value("status"_L1).toString(), kOnline);
    QVERIFY(pingPong(*b));

    const qint64 disconnectAt = wallMs();
    QElapsedTimer sinceDisconnect;
    sinceDisconnect.start();
    if (abort)
        b->socket().abort();
    else
        b->socket().close();
    QVERIFY(b->waitForClosed());

    const auto offline = waitForPresence(*a, bobName);
    const qint64 arrivedAt = wallMs();
    const qint64 elapsed = sinceDisconnect.elapsed();
    QVERIFY2(offline, "no offline event after the grace period");
    QCOMPARE(offline->value("status"_L1).toString(), kOffline);
    QVERIFY(offline->contains("last_active_at"_L1));
    const qint64 lastActive = lastActiveOf(*offline);
    QVERIFY2(lastActive >= disconnectAt && lastActive <= arrivedAt,
             qPrintable(u"last_active_at %1 outside [%2, %3]"_s.arg(lastActive)
                            .arg(disconnectAt)
                            .arg(arrivedAt)));
    // Not announced during the grace period: it came at least the grace after the disconnect
    // (by the client's clock and by the disconnect time the server reports).
    QVERIFY2(elapsed >= kGraceMs, qPrintable(u"offline after only %1 ms"_s.arg(elapsed)));
    QVERIFY2(
        arrivedAt - lastActive >= kGraceMs,
        qPrintable(u"offline %1 ms after the reported disconnect"_s.arg(arrivedAt - lastActive)));

    // Exactly one offline event; contacts.list agrees with it.
    QVERIFY(pingPong(*a));
    const QList<QJsonObject> more = takePresence(*a, bobName);
    QVERIFY2(more.isEmpty(), qPrintable(u"more presence events: "_s + describe(more)));
    const QJsonObject entry = entryFor(listContacts(*a), bobName);
    QCOMPARE(entry.value("status"_L1).toString(), kOffline);
    QCOMPARE(lastActiveOf(entry), lastActive);
}

void TestPresence::secondDeviceKeepsUserOnline()
{
    const TestDevice alice = registerDevice(m_http, m_server, u"sd_alice"_s);
    const TestDevice bob1 = registerDevice(m_http, m_server, u"sd_bob"_s);
    const TestDevice bob2 = makeDevice(m_http, m_server, u"sd_bob"_s, false, u"second"_s);
    const TestDevice probe = registerDevice(m_http, m_server, u"sd_probe"_s);
    QVERIFY(alice.ok() && bob1.ok() && bob2.ok() && probe.ok());
    const auto a = connectAs(m_server, alice);
    QVERIFY(a);
    QVERIFY(addContact(*a, u"sd_bob"_s));
    QVERIFY(addContact(*a, u"sd_probe"_s));

    const auto p = connectAs(m_server, probe);
    QVERIFY(p);
    QVERIFY(waitForPresence(*a, u"sd_probe"_s));
    const auto b1 = connectAs(m_server, bob1);
    QVERIFY(b1);
    const auto online = waitForPresence(*a, u"sd_bob"_s);
    QVERIFY(online);
    QCOMPARE(online->value("status"_L1).toString(), kOnline);
    const auto b2 = connectAs(m_server, bob2);
    QVERIFY(b2);
    QVERIFY(pingPong(*b2));

    // Bob's first device leaves; then the probe leaves, so that the probe's offline event, due
    // a grace period later, comes after any event bob's departure could have caused.
    QVERIFY(leaveAndWait(*b1, m_http, m_server, bob1));
    const qint64 firstLeft = wallMs();
    QVERIFY(leaveAndWait(*p, m_http, m_server, probe));
    const auto probeOffline = waitForPresence(*a, u"sd_probe"_s);
    QVERIFY(probeOffline);
    QCOMPARE(probeOffline->value("status"_L1).toString(), kOffline);
    QVERIFY(wallMs() - firstLeft >= kGraceMs);
    QVERIFY(pingPong(*b2));
    QVERIFY(pingPong(*a));
    const QList<QJsonObject> events = takePresence(*a, u"sd_bob"_s);
    QVERIFY2(events.isEmpty(),
             qPrintable(u"presence events while a second device stayed: "_s + describe(events)));
    QCOMPARE(entryFor(listContacts(*a), u"sd_bob"_s).value("status"_L1).toString(), kOnline);

    // The second device leaves: offline follows, after the grace period.
    const qint64 lastLeft = wallMs();
    QVERIFY(leaveAndWait(*b2, m_http, m_server, bob2));
    const auto offline = waitForPresence(*a, u"sd_bob"_s);
    const qint64 arrivedAt = wallMs();
    QVERIFY2(offline, "no offline event after the last device left");
    QCOMPARE(offline->value("status"_L1).toString(), kOffline);
    QVERIFY(lastActiveOf(*offline) >= lastLeft);
    QVERIFY2(arrivedAt - lastLeft >= kGraceMs,
             qPrintable(u"offline %1 ms after the last device left"_s.arg(arrivedAt - lastLeft)));
}

void TestPresence::reconnectWithinGraceNoFlicker()
{
    ServerProcess &server = m_graceServer;
    const TestDevice alice = registerDevice(m_http, server, u"rg_alice"_s);
    const TestDevice bob = registerDevice(m_http, server, u"rg_bob"_s);
    const TestDevice probe = registerDevice(m_http, server, u"rg_probe"_s);
    QVERIFY(alice.ok() && bob.ok() && probe.ok());
    const auto a = connectAs(server, alice);
    QVERIFY(a);
    QVERIFY(addContact(*a, u"rg_bob"_s));
    QVERIFY(addContact(*a, u"rg_probe"_s));
    const auto p = connectAs(server, probe);
    QVERIFY(p);
    QVERIFY(waitForPresence(*a, u"rg_probe"_s));
    const auto b = connectAs(server, bob);
    QVERIFY(b);
    const auto online = waitForPresence(*a, u"rg_bob"_s);
    QVERIFY(online);
    QCOMPARE(online->value("status"_L1).toString(), kOnline);

    // Bob leaves (the server has let the device go: the grace period runs), then the probe.
    QElapsedTimer sinceBobLeft;
    QVERIFY(leaveAndWait(*b, m_http, server, bob));
    sinceBobLeft.start();
    QVERIFY(leaveAndWait(*p, m_http, server, probe));

    // Within the grace period bob still shows as online.
    QCOMPARE(entryFor(listContacts(*a), u"rg_bob"_s).value("status"_L1).toString(), kOnline);
    // ...and he comes back within it.
    const auto again = connectAs(server, bob);
    QVERIFY(again);
    QVERIFY2(sinceBobLeft.elapsed() < kLongGraceMs,
             "the reconnect took longer than the grace period; the test proves nothing");

    // The probe's offline event is due a grace period after bob's would have been.
    const auto probeOffline = waitForPresence(*a, u"rg_probe"_s);
    QVERIFY(probeOffline);
    QCOMPARE(probeOffline->value("status"_L1).toString(), kOffline);
    QVERIFY(sinceBobLeft.elapsed() >= kLongGraceMs);
    QVERIFY(pingPong(*again));
    QVERIFY(pingPong(*a));
    const QList<QJsonObject> events = takePresence(*a, u"rg_bob"_s);
    QVERIFY2(events.isEmpty(),
             qPrintable(u"presence events after a reconnect within the grace period: "_s
                        + describe(events)));
    QCOMPARE(entryFor(listContacts(*a), u"rg_bob"_s).value("status"_L1).toString(), kOnline);
}

void TestPresence::reconnectBurst_data()
{
    QTest::addColumn<QString>("prefix");
    QTest::addColumn<bool>("stayConnected");
    QTest::newRow("ends connected") << u"rb1"_s << true;
    QTest::newRow("ends disconnected") << u"rb2"_s << false;
}

void TestPresence::reconnectBurst()
{
    QFETCH(QString, prefix);
    QFETCH(bool, stayConnected);
    constexpr int kReconnects = 5;
    ServerProcess &server = m_graceServer;
    const QString bobName = prefix + u"_bob"_s;
    const QString probeName = prefix + u"_probe"_s;
    const TestDevice alice = registerDevice(m_http, server, prefix + u"_alice"_s);
    const TestDevice bob = registerDevice(m_http, server, bobName);
    const TestDevice probe = registerDevice(m_http, server, probeName);
    QVERIFY(alice.ok() && bob.ok() && probe.ok());
    const auto a = connectAs(server, alice);
    QVERIFY(a);
    QVERIFY(addContact(*a, bobName));
    QVERIFY(addContact(*a, probeName));
    const auto p = connectAs(server, probe);
    QVERIFY(p);
    QVERIFY(waitForPresence(*a, probeName));

    auto b = connectAs(server, bob);
    QVERIFY(b);
    const auto online = waitForPresence(*a, bobName);
    QVERIFY(online);
    QCOMPARE(online->value("status"_L1).toString(), kOnline);

    // Each time the server has let the device go before it comes back.
    QElapsedTimer burst;
    burst.start();
    for (int i = 0; i < kReconnects; ++i) {
        QVERIFY(leaveAndWait(*b, m_http, server, bob));
        b = connectAs(server, bob);
        QVERIFY(b);
    }
    QVERIFY2(
        burst.elapsed() < kLongGraceMs,
        qPrintable(u"the burst took %1 ms, longer than the grace period"_s.arg(burst.elapsed())));

    if (stayConnected) {
        // The probe leaves after bob's last disconnect: its offline event comes after any bob's
        // burst could have caused.
        QVERIFY(leaveAndWait(*p, m_http, server, probe));
        const auto probeOffline = waitForPresence(*a, probeName);
        QVERIFY(probeOffline);
        QCOMPARE(probeOffline->value("status"_L1).toString(), kOffline);
        QVERIFY(pingPong(*b));
        QVERIFY(pingPong(*a));
        const QList<QJsonObject> events = takePresence(*a, bobName);
        QVERIFY2(events.isEmpty(),
                 qPrintable(u"presence events after the burst: "_s + describe(events)));
    } else {
        // The next event about bob is the offline one, a grace period after he finally left.
        const qint64 lastLeft = wallMs();
        QVERIFY(leaveAndWait(*b, m_http, server, bob));
        const auto offline = waitForPresence(*a, bobName);
        const qint64 arrivedAt = wallMs();
        QVERIFY(offline);
        QCOMPARE(offline->value("status"_L1).toString(), kOffline);
        QVERIFY(lastActiveOf(*offline) >= lastLeft);
        QVERIFY2(arrivedAt - lastLeft >= kLongGraceMs,
                 qPrintable(u"offline %1 ms after bob left"_s.arg(arrivedAt - lastLeft)));
        QVERIFY(pingPong(*a));
        const QList<QJsonObject> events = takePresence(*a, bobName);
        QVERIFY2(events.isEmpty(),
                 qPrintable(u"more presence events after the burst: "_s + describe(events)));
    }
}

void TestPresence::heartbeatDropLeadsToOffline()
{
    ServerProcess server(kQuiet
                         + QStringList { u"--heartbeat"_s, u"1"_s, u"--presence-grace"_s, u"1"_s });
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    const TestDevice alice = registerDevice(m_http, server, u"hb_alice"_s);
    const TestDevice bob = registerDevice(m_http, server, u"hb_bob"_s);
    QVERIFY(alice.ok() && bob.ok());

    const auto a = connectAs(server, alice);
    QVERIFY(a);
    // Alice heartbeats; bob stays silent after his welcome.
    QTimer heartbeat;
    heartbeat.setInterval(250);
    connect(&heartbeat, &QTimer::timeout, this, [&] { a->send({ { "type"_L1, u"ping"_s } }); });
    heartbeat.start();
    QVERIFY(addContact(*a, u"hb_bob"_s));

    const qint64 bobConnecting = wallMs();
    const auto b = connectAs(server, bob);
    QVERIFY(b);
    const auto online = waitForPresence(*a, u"hb_bob"_s);
    QVERIFY(online);
    QCOMPARE(online->value("status"_L1).toString(), kOnline);

    QVERIFY2(b->waitForClosed(kEventTimeoutMs), "the silent device was not dropped");
    QCOMPARE(b->closeCode(), kCloseHeartbeat);
    const auto offline = waitForPresence(*a, u"hb_bob"_s);
    const qint64 arrivedAt = wallMs();
    QVERIFY2(offline, "no offline event after a heartbeat timeout");
    QCOMPARE(offline->value("status"_L1).toString(), kOffline);
    // The disconnect came after at least a heartbeat of silence, the event a grace period later.
    const qint64 lastActive = lastActiveOf(*offline);
    QVERIFY2(
        lastActive >= bobConnecting + 1000,
        qPrintable(u"last_active_at %1 ms after connecting"_s.arg(lastActive - bobConnecting)));
    QVERIFY2(arrivedAt - lastActive >= kGraceMs,
             qPrintable(u"offline %1 ms after the drop"_s.arg(arrivedAt - lastActive)));
    QVERIFY(a->isOpen());
    QVERIFY(pingPong(*a));
    QVERIFY(takePresence(*a, u"hb_bob"_s).isEmpty());
    heartbeat.stop();
    QCOMPARE(server.stop(), 0);
}

// --- presence.query and last_active_at -----------------------------------------------------------

bool TestPresence::ensureQueryFixture()
{
    if (m_queryCaller)
        return true;
    m_queryFixtureStart = wallMs();
    auto connectNew = [&](const QString &username) -> WsClient * {
        const TestDevice device = registerDevice(m_http, m_server, username);
        if (!device.ok())
            return nullptr;
        auto ws = connectAs(m_server, device);
        if (!ws)
            return nullptr;
        m_queryClients.push_back(std::move(ws));
        return m_queryClients.back().get();
    };
    for (const QString &name : { u"pq_neve"_s, u"pq_gwen"_s }) { // they never connect
        if (!registerDevice(m_http, m_server, name).ok())
            return false;
    }
    WsClient *caller = connectNew(kQueryCaller);
    WsClient *lena = connectNew(u"pq_lena"_s);
    WsClient *stan = connectNew(u"pq_stan"_s);
    if (!caller || !connectNew(u"pq_bob"_s) || !connectNew(u"pq_gina"_s) || !lena || !stan)
        return false;
    if (!addContact(*caller, u"pq_bob"_s) || !addContact(*caller, u"pq_neve"_s))
        return false;
    // One-sided: stan watches the caller, which tells the caller nothing about stan.
    if (!addContact(*stan, kQueryCaller))
        return false;
    const auto group = caller->request(
        { { "type"_L1, u"group.create"_s },
          { "name"_L1, u"Query"_s },
          { "members"_L1, QJsonArray { u"pq_gina"_s, u"pq_gwen"_s, u"pq_lena"_s } } });
    if (!group || typeOf(*group) != u"group"_s)
        return false;
    const QString groupId = group->value("group"_L1).toObject().value("id"_L1).toString();
    const auto left = lena->request({ { "type"_L1, u"group.leave"_s }, { "group"_L1, groupId } });
    if (!left || typeOf(*left) != u"ok"_s)
        return false;
    m_queryCaller = caller;
    return true;
}

void TestPresence::presenceQuery_data()
{
    QTest::addColumn<QString>("username");
    QTest::addColumn<QString>("status");
    QTest::addColumn<bool>("hasLastActive");
    for (const QueryCase &row : kQueryCases)
        QTest::newRow(row.tag) << row.username << row.status << row.hasLastActive;
}

void TestPresence::presenceQuery()
{
    QFETCH(QString, username);
    QFETCH(QString, status);
    QFETCH(bool, hasLastActive);
    QVERIFY(ensureQueryFixture());
    WsClient &caller = *m_queryCaller;

    const QJsonArray users = queryPresence(caller, { username });
    QCOMPARE(users.size(), 1);
    const QJsonObject user = users.first().toObject();
    QCOMPARE(user.value("username"_L1).toString(), username);
    QCOMPARE(user.value("status"_L1).toString(), status);
    QCOMPARE(user.contains("last_active_at"_L1), hasLastActive);
    if (hasLastActive) {
        const qint64 lastActive = lastActiveOf(user);
        QVERIFY2(lastActive >= m_queryFixtureStart && lastActive <= wallMs(),
                 qPrintable(u"last_active_at %1, fixture set up from %2"_s.arg(lastActive)
                                .arg(m_queryFixtureStart)));
    }
}

void TestPresence::presenceQueryAnswersEveryName()
{
    QVERIFY(ensureQueryFixture());
    WsClient &caller = *m_queryCaller;
    QStringList names;
    for (const QueryCase &row : kQueryCases)
        names.append(row.username);

    const QJsonArray users = queryPresence(caller, names);
    QCOMPARE(users.size(), names.size());
    for (const QueryCase &row : kQueryCases) {
        const QJsonObject user = entryFor(users, row.username);
        QVERIFY2(!user.isEmpty(), qPrintable(u"no entry for "_s + row.username));
        QCOMPARE(user.value("status"_L1).toString(), row.status);
        QCOMPARE(user.contains("last_active_at"_L1), row.hasLastActive);
    }
}

void TestPresence::lastActiveFollowsWebSocketActivity()
{
    const TestDevice bob = registerDevice(m_http, m_server, u"la_bob"_s);
    QVERIFY(bob.ok());
    const auto b = connectAs(m_server, bob);
    QVERIFY(b);
    const TestDevice alice = registerDevice(m_http, m_server, u"la_alice"_s);
    QVERIFY(alice.ok());
    const auto a = connectAs(m_server, alice);
    QVERIFY(a);
    QVERIFY(addContact(*a, u"la_bob"_s));

    // A request on the WebSocket counts.
    const qint64 beforeRequest = wallMs();
    QVERIFY(pingPong(*b));
    const qint64 afterRequest = wallMs();
    const QJsonObject entry = entryFor(queryPresence(*a, { u"la_bob"_s }), u"la_bob"_s);
    QCOMPARE(entry.value("status"_L1).toString(), kOnline);
    const qint64 lastActive = lastActiveOf(entry);
    QVERIFY2(lastActive >= beforeRequest && lastActive <= afterRequest,
             qPrintable(u"last_active_at %1 outside [%2, %3] of bob's request"_s.arg(lastActive)
                            .arg(beforeRequest)
                            .arg(afterRequest)));

    // An HTTP call does not.
    const HttpReply me = m_http.get(m_server.httpUrl(u"/api/v1/me"_s), bob.token);
    QCOMPARE(me.status, 200);
    QCOMPARE(lastActiveOf(entryFor(queryPresence(*a, { u"la_bob"_s }), u"la_bob"_s)), lastActive);
    QCOMPARE(lastActiveOf(entryFor(listContacts(*a), u"la_bob"_s)), lastActive);
}

void TestPresence::lastActiveKeptAcrossRestart_data()
{
    QTest::addColumn<bool>("onlineAtShutdown");
    QTest::newRow("offline before the restart") << false;
    QTest::newRow("online at shutdown") << true;
}

void TestPresence::lastActiveKeptAcrossRestart()
{
    QFETCH(bool, onlineAtShutdown);
    ServerProcess server(kQuiet + QStringList { u"--presence-grace"_s, u"1"_s });
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    const TestDevice alice = registerDevice(m_http, server, u"rs_alice"_s);
    const TestDevice bob = registerDevice(m_http, server, u"rs_bob"_s);
    QVERIFY(alice.ok() && bob.ok());
    auto a = connectAs(server, alice);
    QVERIFY(a);
    QVERIFY(addContact(*a, u"rs_bob"_s));
    const auto b = connectAs(server, bob);
    QVERIFY(b);
    QVERIFY(waitForPresence(*a, u"rs_bob"_s));
    QVERIFY(pingPong(*b));

    qint64 atLeast = 0;
    if (onlineAtShutdown) {
        // Bob's last device goes away with the shutdown, after this.
        atLeast = wallMs();
    } else {
        const qint64 disconnectAt = wallMs();
        b->socket().close();
        QVERIFY(b->waitForClosed());
        const auto offline = waitForPresence(*a, u"rs_bob"_s);
        QVERIFY(offline);
        QCOMPARE(offline->value("status"_L1).toString(), kOffline);
        atLeast = lastActiveOf(*offline);
        QVERIFY(atLeast >= disconnectAt);
    }
    const qint64 shownBefore = lastActiveOf(entryFor(listContacts(*a), u"rs_bob"_s));
    QVERIFY(shownBefore > 0);
    atLeast = qMax(atLeast, shownBefore);

    QVERIFY2(server.restart(), qPrintable(server.errorString()));
    a = connectAs(server, alice);
    QVERIFY(a);
    const QJsonObject listed = entryFor(listContacts(*a), u"rs_bob"_s);
    QCOMPARE(listed.value("status"_L1).toString(), kOffline);
    QVERIFY2(listed.contains("last_active_at"_L1), "last_active_at lost in the restart");
    QVERIFY2(lastActiveOf(listed) >= atLeast,
             qPrintable(u"last_active_at %1 after the restart, at least %2 before"_s
                            .arg(lastActiveOf(listed))
                            .arg(atLeast)));
    const QJsonObject queried = entryFor(queryPresence(*a, { u"rs_bob"_s }), u"rs_bob"_s);
    QCOMPARE(queried.value("status"_L1).toString(), kOffline);
    QCOMPARE(lastActiveOf(queried), lastActiveOf(listed));
    QCOMPARE(server.stop(), 0);
}

QTEST_GUILESS_MAIN(TestPresence)
#include "tst_presence.moc"
