// Groups (PROTOCOL.md §3.2) against a real confabd: creation and its announcements, the
// 100-member limit, posting to every member's every device, who may do what (owner, member,
// former member, stranger), removal and re-adding with their effect on delivery and history,
// rename, leave, the owner hand-over, closing, group.list, and malformed requests.
#include "tests/support/Accounts.h"
#include "tests/support/WsClient.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QSet>
#include <QTest>

#include <algorithm>
#include <memory>
#include <vector>

using namespace Qt::StringLiterals;
using namespace confab::test;

namespace {

using Clients = QList<WsClient *>;

// Accounts registered once for the whole class: enough for a full group and one more.
constexpr int kBulkAccounts = 100;
constexpr int kMaxMembers = 100;
constexpr int kBulkTimeoutMs = 180'000;
// An id no group of this run has (ids are assigned from 1 upwards).
const QString kUnknownGroup = u"4000000000"_s;

QString bulkName(int i)
{
    return u"gm%1"_s.arg(i, 3, 10, QChar(u'0'));
}

// "gm001".."gm100", `first` to `last` inclusive.
QStringList bulkNames(int first, int last)
{
    QStringList names;
    for (int i = first; i <= last; ++i)
        names.append(bulkName(i));
    return names;
}

QString compact(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

// What a reply was: its type, "error:<code>" for an error, or "(no reply)".
QString outcome(const std::optional<QJsonObject> &reply)
{
    if (!reply)
        return u"(no reply)"_s;
    const QString type = reply->value("type"_L1).toString();
    if (type == "error"_L1)
        return u"error:"_s + reply->value("code"_L1).toString();
    return type;
}

QStringList strings(const QJsonValue &value)
{
    QStringList out;
    const QJsonArray array = value.toArray();
    for (const QJsonValue &item : array)
        out.append(item.toString());
    return out;
}

QString groupConv(const QString &gid)
{
    return u"group:"_s + gid;
}

QJsonObject sendFrame(const QString &to, const QString &body)
{
    static int counter = 0;
    return { { "type"_L1, u"send"_s },
             { "to"_L1, to },
             { "body"_L1, body },
             { "client_id"_L1, u"grp-%1"_s.arg(++counter) } };
}

// A request of one kind about group `gid`; `target` is the user to add or remove.
QJsonObject groupRequest(const QString &kind, const QString &gid, const QString &target = {})
{
    if (kind == "post"_L1)
        return sendFrame(groupConv(gid), u"a post"_s);
    if (kind == "history"_L1)
        return { { "type"_L1, u"history"_s }, { "conv"_L1, groupConv(gid) } };
    if (kind == "add"_L1) {
        return { { "type"_L1, u"group.add"_s },
                 { "group"_L1, gid },
                 { "members"_L1, QJsonArray { target } } };
    }
    if (kind == "remove"_L1)
        return { { "type"_L1, u"group.remove"_s }, { "group"_L1, gid }, { "member"_L1, target } };
    if (kind == "rename"_L1)
        return { { "type"_L1, u"group.rename"_s }, { "group"_L1, gid }, { "name"_L1, u"Taken"_s } };
    if (kind == "leave"_L1)
        return { { "type"_L1, u"group.leave"_s }, { "group"_L1, gid } };
    qFatal("unknown request kind");
}

QJsonObject createFrame(const QString &name, const QStringList &members)
{
    return { { "type"_L1, u"group.create"_s },
             { "name"_L1, name },
             { "members"_L1, QJsonArray::fromStringList(members) } };
}

QJsonObject addFrame(const QString &gid, const QStringList &members)
{
    return { { "type"_L1, u"group.add"_s },
             { "group"_L1, gid },
             { "members"_L1, QJsonArray::fromStringList(members) } };
}

QJsonObject removeFrame(const QString &gid, const QString &member)
{
    return { { "type"_L1, u"group.remove"_s }, { "group"_L1, gid }, { "member"_L1, member } };
}

QJsonObject leaveFrame(const QString &gid)
{
    return { { "type"_L1, u"group.leave"_s }, { "group"_L1, gid } };
}

// A ping round trip: everything the server sent this connection before it is received.
bool roundTrip(WsClient &ws)
{
    return outcome(ws.request({ { "type"_L1, u"ping"_s } })) == "pong"_L1;
}

// Round trips on every client, then none of them holds a frame of `type`. Empty when that is
// so, else which one does.
QString nonePending(const Clients &clients, const QString &type)
{
    for (qsizetype i = 0; i < clients.size(); ++i) {
        if (!roundTrip(*clients[i]))
            return u"client %1: no pong"_s.arg(i);
        if (clients[i]->hasPending(type))
            return u"client %1 received an unexpected %2"_s.arg(i).arg(type);
    }
    return {};
}

// The next group.updated about `gid` (its group object).
std::optional<QJsonObject> waitGroupUpdated(WsClient &ws, const QString &gid)
{
    const auto frame = ws.waitFor([&](const QJsonObject &f) {
        return f.value("type"_L1).toString() == "group.updated"_L1
            && f.value("group"_L1).toObject().value("id"_L1).toString() == gid;
    });
    if (!frame)
        return std::nullopt;
    return frame->value("group"_L1).toObject();
}

// The next group.removed about `gid`.
std::optional<QJsonObject> waitGroupRemoved(WsClient &ws, const QString &gid)
{
    return ws.waitFor([&](const QJsonObject &f) {
        return f.value("type"_L1).toString() == "group.removed"_L1
            && f.value("group"_L1) == QJsonValue(gid);
    });
}

// Every client gets one group.updated about `gid` with exactly these members (and owner, and
// name when given). Empty when so, else what went wrong.
QString expectUpdated(const Clients &clients, const QString &gid, const QStringList &members,
                      const QString &owner, const QString &name = {})
{
    for (qsizetype i = 0; i < clients.size(); ++i) {
        const auto group = waitGroupUpdated(*clients[i], gid);
        if (!group)
            return u"client %1 got no group.updated"_s.arg(i);
        if (strings(group->value("members"_L1)) != members
            || group->value("owner"_L1).toString() != owner
            || (!name.isNull() && group->value("name"_L1).toString() != name)) {
            return u"client %1 got group.updated %2"_s.arg(i).arg(compact(*group));
        }
    }
    return {};
}

// The msg carrying `message` (by id).
std::optional<QJsonObject> waitMsg(WsClient &ws, const QJsonObject &message)
{
    const QString id = message.value("id"_L1).toString();
    return ws.waitFor([&](const QJsonObject &f) {
        return f.value("type"_L1).toString() == "msg"_L1
            && f.value("message"_L1).toObject().value("id"_L1).toString() == id;
    });
}

// Every client gets `message` (the sender's copy from `sent`, a group message) as a msg with the
// same conv, conv_seq, sender, body and ts. Empty when so, else what went wrong.
QString expectDelivered(const Clients &clients, const QJsonObject &message)
{
    for (qsizetype i = 0; i < clients.size(); ++i) {
        const auto msg = waitMsg(*clients[i], message);
        if (!msg)
            return u"client %1 did not get %2"_s.arg(i).arg(compact(message));
        const QJsonObject copy = msg->value("message"_L1).toObject();
        for (const auto key : { "conv"_L1, "conv_seq"_L1, "from"_L1, "body"_L1, "ts"_L1 }) {
            if (copy.value(key) != message.value(key))
                return u"client %1 got %2 for %3"_s.arg(i).arg(compact(copy), compact(message));
        }
    }
    return {};
}

// The whole inbox, paged with sync.
std::optional<QList<QJsonObject>> syncAll(WsClient &ws)
{
    QList<QJsonObject> entries;
    QString after = u"0"_s;
    for (int page = 0; page < 100; ++page) {
        const auto reply =
            ws.request({ { "type"_L1, u"sync"_s }, { "after"_L1, after }, { "limit"_L1, 500 } });
        if (outcome(reply) != "sync"_L1)
            return std::nullopt;
        const QJsonArray list = reply->value("entries"_L1).toArray();
        for (const QJsonValue &entry : list)
            entries.append(entry.toObject());
        if (!reply->value("more"_L1).toBool())
            return entries;
        if (list.isEmpty())
            return std::nullopt;
        after = list.last().toObject().value("seq"_L1).toString();
    }
    return std::nullopt;
}

// The inbox entries of conversation `conv`, in order.
QList<QJsonObject> entriesOf(const QList<QJsonObject> &entries, const QString &conv)
{
    QList<QJsonObject> out;
    for (const QJsonObject &entry : entries) {
        if (entry.value("message"_L1).toObject().value("conv"_L1).toString() == conv)
            out.append(entry);
    }
    return out;
}

std::optional<QJsonObject> history(WsClient &ws, const QString &gid, const QString &before = {},
                                   int limit = 0)
{
    QJsonObject frame { { "type"_L1, u"history"_s }, { "conv"_L1, groupConv(gid) } };
    if (!before.isEmpty())
        frame.insert("before"_L1, before);
    if (limit > 0)
        frame.insert("limit"_L1, limit);
    return ws.request(frame);
}

// A field of every message of a history reply, in order.
QStringList messageField(const QJsonObject &reply, QLatin1StringView key)
{
    QStringList out;
    const QJsonArray messages = reply.value("messages"_L1).toArray();
    for (const QJsonValue &message : messages)
        out.append(message.toObject().value(key).toString());
    return out;
}

std::optional<QList<QJsonObject>> groupList(WsClient &ws)
{
    const auto reply = ws.request({ { "type"_L1, u"group.list"_s } });
    if (outcome(reply) != "groups"_L1)
        return std::nullopt;
    QList<QJsonObject> groups;
    const QJsonArray array = reply->value("groups"_L1).toArray();
    for (const QJsonValue &group : array)
        groups.append(group.toObject());
    return groups;
}

// The group with id `gid` in a group.list, or an empty object.
QJsonObject findGroup(const QList<QJsonObject> &groups, const QString &gid)
{
    for (const QJsonObject &group : groups) {
        if (group.value("id"_L1).toString() == gid)
            return group;
    }
    return {};
}

QSet<QString> groupIds(const QList<QJsonObject> &groups)
{
    QSet<QString> ids;
    for (const QJsonObject &group : groups)
        ids.insert(group.value("id"_L1).toString());
    return ids;
}

QString describe(const std::optional<QJsonObject> &reply)
{
    return reply ? compact(*reply) : u"(no reply)"_s;
}

// POSTs every body to `url` at once (the HTTP client runs several connections in parallel);
// the replies in the same order.
QList<HttpReply> postAll(const QUrl &url, const QList<QJsonObject> &bodies)
{
    QNetworkAccessManager network;
    QList<QNetworkReply *> pending;
    for (const QJsonObject &body : bodies) {
        QNetworkRequest request(url);
        request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
        pending.append(network.post(request, QJsonDocument(body).toJson(QJsonDocument::Compact)));
    }
    [[maybe_unused]] const bool finished = QTest::qWaitFor(
        [&] {
            return std::all_of(pending.cbegin(), pending.cend(),
                               [](const QNetworkReply *reply) { return reply->isFinished(); });
        },
        kBulkTimeoutMs);
    QList<HttpReply> replies;
    for (QNetworkReply *reply : std::as_const(pending)) {
        HttpReply result;
        if (reply->isFinished()) {
            result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            result.body = reply->readAll();
            result.json = QJsonDocument::fromJson(result.body).object();
        }
        replies.append(result);
    }
    return replies; // the replies are children of `network` and go with it
}

} // namespace

class TestGroups : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void createReplyAndUpdates();
    void createMemberList_data();
    void createMemberList();
    void createNameLimits_data();
    void createNameLimits();
    void hundredMembers();
    void createOverFullRefused_data();
    void createOverFullRefused();
    void addToFullGroupRefused();
    void postReachesEveryDevice();
    void nonMemberForbidden_data();
    void nonMemberForbidden();
    void nonMemberReceivesNothing();
    void unknownGroup_data();
    void unknownGroup();
    void nonOwnerCannotManage_data();
    void nonOwnerCannotManage();
    void unknownUser_data();
    void unknownUser();
    void removeRefused_data();
    void removeRefused();
    void removeNotifies();
    void removedMemberGetsNothingLater();
    void removedMemberHistory();
    void reAddedMemberSeesWholeHistory();
    void rename_data();
    void rename();
    void leave();
    void ownerHandOver();
    void lastMemberClosesGroup_data();
    void lastMemberClosesGroup();
    void groupListExact();
    void badInput_data();
    void badInput();

private:
    bool ensureRegistered(const QStringList &users);
    // Logs in a new device for each name (a name given twice: two devices of that user), in
    // parallel, registering accounts on first use, and connects them all; empty on a failure.
    std::vector<std::unique_ptr<WsClient>> connectMany(const QStringList &users);
    // The connections of a data-driven test function, shared by its rows: connected by the
    // first row; for each later row, drained (a round trip, then every frame dropped).
    Clients rowClients(const QStringList &users);
    // group.create by `creator`; waits for the group.updated that the creator and `others` get.
    std::optional<QJsonObject> createGroup(WsClient &creator, const QString &name,
                                           const QStringList &members, const Clients &others);

    // Durability is not what this test is about: commits without fsync keep it fast.
    ServerProcess m_server { { u"--log-level"_s, u"warning"_s, u"--sync-normal"_s } };
    QSet<QString> m_registered;
    QString m_badInputGroup;
    QString m_rowFunction;
    std::vector<std::unique_ptr<WsClient>> m_rowClients;
};

bool TestGroups::ensureRegistered(const QStringList &users)
{
    QStringList missing;
    QList<QJsonObject> bodies;
    for (const QString &user : users) {
        if (m_registered.contains(user) || missing.contains(user))
            continue;
        missing.append(user);
        bodies.append({ { "username"_L1, user }, { "password"_L1, kPassword } });
    }
    const QList<HttpReply> replies = postAll(m_server.httpUrl(u"/api/v1/register"_s), bodies);
    for (qsizetype i = 0; i < replies.size(); ++i) {
        if (replies[i].status != 201) {
            qWarning("registering %s: HTTP %d %s", qPrintable(missing[i]), replies[i].status,
                     replies[i].body.constData());
            return false;
        }
        m_registered.insert(missing[i]);
    }
    return true;
}

std::vector<std::unique_ptr<WsClient>> TestGroups::connectMany(const QStringList &users)
{
    if (!ensureRegistered(users))
        return {};
    QList<QJsonObject> bodies;
    for (qsizetype i = 0; i < users.size(); ++i) {
        bodies.append({ { "username"_L1, users[i] },
                        { "password"_L1, kPassword },
                        { "device_name"_L1, u"device %1"_s.arg(i) } });
    }
    const QList<HttpReply> logins = postAll(m_server.httpUrl(u"/api/v1/login"_s), bodies);
    std::vector<std::unique_ptr<WsClient>> clients;
    for (qsizetype i = 0; i < logins.size(); ++i) {
        if (logins[i].status != 200) {
            qWarning("login of %s: HTTP %d", qPrintable(users[i]), logins[i].status);
            return {};
        }
        auto ws = std::make_unique<WsClient>();
        const auto welcome =
            ws->login(m_server.wsUrl(), logins[i].json.value("token"_L1).toString());
        if (!welcome || welcome->value("username"_L1).toString() != users[i]) {
            qWarning("no welcome for %s: %s", qPrintable(users[i]), qPrintable(describe(welcome)));
            return {};
        }
        clients.push_back(std::move(ws));
    }
    return clients;
}

Clients TestGroups::rowClients(const QStringList &users)
{
    const QString function = QString::fromLatin1(QTest::currentTestFunction());
    if (function != m_rowFunction || m_rowClients.size() != size_t(users.size())) {
        m_rowClients = connectMany(users);
        m_rowFunction = function;
    }
    Clients clients;
    for (const auto &ws : m_rowClients) {
        if (!ws->isOpen() || !roundTrip(*ws))
            return {};
        for (const QString &type :
             { u"msg"_s, u"group.updated"_s, u"group.removed"_s, u"presence"_s, u"read"_s })
            ws->takeAll(type);
        clients.append(ws.get());
    }
    return clients;
}

std::optional<QJsonObject> TestGroups::createGroup(WsClient &creator, const QString &name,
                                                   const QStringList &members,
                                                   const Clients &others)
{
    const auto reply = creator.request(createFrame(name, members));
    if (outcome(reply) != "group"_L1) {
        qWarning("group.create failed: %s", qPrintable(describe(reply)));
        return std::nullopt;
    }
    const QJsonObject group = reply->value("group"_L1).toObject();
    const QString gid = group.value("id"_L1).toString();
    for (WsClient *ws : Clients { &creator } + others) {
        if (!waitGroupUpdated(*ws, gid)) {
            qWarning("no group.updated after creating group %s", qPrintable(gid));
            return std::nullopt;
        }
    }
    return group;
}

void TestGroups::initTestCase()
{
    QVERIFY2(m_server.start(), qPrintable(m_server.errorString()));
    // The accounts for the big groups, once for all tests (argon2 makes each take a while).
    QVERIFY(ensureRegistered(bulkNames(1, kBulkAccounts)));
}

void TestGroups::cleanupTestCase()
{
    m_rowClients.clear();
    QCOMPARE(m_server.stop(), 0);
}

void TestGroups::createReplyAndUpdates()
{
    const auto clients =
        connectMany({ u"cr_alice"_s, u"cr_alice"_s, u"cr_bob"_s, u"cr_carol"_s, u"cr_dave"_s });
    QCOMPARE(clients.size(), size_t(5));
    WsClient *a1 = clients[0].get();
    WsClient *a2 = clients[1].get();
    WsClient *b = clients[2].get();
    WsClient *c = clients[3].get();
    WsClient *stranger = clients[4].get();
    QVERIFY(a1 && a2 && b && c && stranger);

    const qint64 before = QDateTime::currentMSecsSinceEpoch();
    const auto reply = a1->request(createFrame(u"Team"_s, { u"cr_bob"_s, u"cr_carol"_s }));
    const qint64 after = QDateTime::currentMSecsSinceEpoch();
    QCOMPARE(outcome(reply), u"group"_s);
    const QJsonObject group = reply->value("group"_L1).toObject();
    const QJsonValue id = group.value("id"_L1);
    QVERIFY2(id.isString(), qPrintable(compact(group)));
    static const QRegularExpression decimal(u"^[1-9][0-9]*$"_s);
    QVERIFY2(decimal.match(id.toString()).hasMatch(), qPrintable(id.toString()));
    QCOMPARE(group.value("name"_L1).toString(), u"Team"_s);
    QCOMPARE(group.value("owner"_L1).toString(), u"cr_alice"_s);
    QCOMPARE(strings(group.value("members"_L1)),
             QStringList({ u"cr_alice"_s, u"cr_bob"_s, u"cr_carol"_s }));
    QVERIFY2(group.value("created_at"_L1).isDouble(), qPrintable(compact(group)));
    // Server and test share the clock; allow for some skew of the reading points.
    const qint64 createdAt = group.value("created_at"_L1).toInteger();
    QVERIFY2(createdAt >= before - 5'000 && createdAt <= after + 5'000,
             qPrintable(u"created_at %1 not in [%2, %3]"_s.arg(createdAt).arg(before).arg(after)));

    // Every device of every member gets the same group, the acting device included.
    for (WsClient *ws : { a1, a2, b, c }) {
        const auto updated = waitGroupUpdated(*ws, id.toString());
        QVERIFY(updated);
        QCOMPARE(compact(*updated), compact(group));
    }
    // Exactly once, and nothing for the stranger.
    const QString extra = nonePending({ a1, a2, b, c, stranger }, u"group.updated"_s);
    QVERIFY2(extra.isEmpty(), qPrintable(extra));

    const auto listed = groupList(*c);
    QVERIFY(listed);
    QCOMPARE(compact(findGroup(*listed, id.toString())), compact(group));
}

void TestGroups::createMemberList_data()
{
    QTest::addColumn<QStringList>("sent");
    QTest::addColumn<QStringList>("expected");
    const QString owner = u"cl_owner"_s;
    const QString bob = u"cl_bob"_s;
    const QString carol = u"cl_carol"_s;
    QTest::newRow("in order") << QStringList { bob, carol } << QStringList { owner, bob, carol };
    QTest::newRow("order kept") << QStringList { carol, bob } << QStringList { owner, carol, bob };
    QTest::newRow("repeated names")
        << QStringList { bob, bob, carol, bob } << QStringList { owner, bob, carol };
    QTest::newRow("creator listed")
        << QStringList { carol, owner, bob } << QStringList { owner, carol, bob };
    QTest::newRow("creator only") << QStringList { owner } << QStringList { owner };
    QTest::newRow("mixed case") << QStringList { u"CL_Bob"_s, u"cl_BOB"_s }
                                << QStringList { owner, bob };
}

void TestGroups::createMemberList()
{
    QFETCH(QStringList, sent);
    QFETCH(QStringList, expected);
    const Clients clients = rowClients({ u"cl_owner"_s, u"cl_bob"_s, u"cl_carol"_s });
    QCOMPARE(clients.size(), qsizetype(3));
    WsClient *owner = clients[0];
    WsClient *bob = clients[1];
    WsClient *carol = clients[2];
    QVERIFY(owner && bob && carol);

    const auto reply = owner->request(createFrame(u"List"_s, sent));
    QCOMPARE(outcome(reply), u"group"_s);
    const QJsonObject group = reply->value("group"_L1).toObject();
    const QString gid = group.value("id"_L1).toString();
    QCOMPARE(strings(group.value("members"_L1)), expected);
    QCOMPARE(group.value("owner"_L1).toString(), u"cl_owner"_s);

    const QList<QPair<QString, WsClient *>> users { { u"cl_owner"_s, owner },
                                                    { u"cl_bob"_s, bob },
                                                    { u"cl_carol"_s, carol } };
    for (const auto &[name, ws] : users) {
        if (!expected.contains(name))
            continue;
        const auto updated = waitGroupUpdated(*ws, gid);
        QVERIFY2(updated, qPrintable(name));
        QCOMPARE(strings(updated->value("members"_L1)), expected);
    }
    // One group.updated each (a repeated name is not announced twice), none for the others.
    const QString extra = nonePending({ owner, bob, carol }, u"group.updated"_s);
    QVERIFY2(extra.isEmpty(), qPrintable(extra));
}

void TestGroups::createNameLimits_data()
{
    QTest::addColumn<QString>("name");
    const QString grin = QString::fromUcs4(U"\U0001F600");
    QTest::newRow("one character") << u"x"_s;
    QTest::newRow("64 ASCII") << QString(64, u'n');
    QTest::newRow("64 accented") << QString(64, QChar(0x00E9));
    QTest::newRow("64 outside the BMP") << grin.repeated(64);
    QTest::newRow("inner spaces") << u"Team  of   many"_s;
}

void TestGroups::createNameLimits()
{
    QFETCH(QString, name);
    const Clients clients = rowClients({ u"nl_owner"_s });
    QCOMPARE(clients.size(), qsizetype(1));
    WsClient *owner = clients[0];
    QVERIFY(owner);
    QVERIFY(ensureRegistered({ u"nl_bob"_s }));

    const auto group = createGroup(*owner, name, { u"nl_bob"_s }, {});
    QVERIFY(group);
    QCOMPARE(group->value("name"_L1).toString(), name);
    const auto listed = groupList(*owner);
    QVERIFY(listed);
    QCOMPARE(findGroup(*listed, group->value("id"_L1).toString()).value("name"_L1).toString(),
             name);
}

void TestGroups::hundredMembers()
{
    const auto clients = connectMany({ u"hm_owner"_s });
    QCOMPARE(clients.size(), size_t(1));
    WsClient *owner = clients[0].get();
    QVERIFY(owner);
    const auto online = connectMany(bulkNames(1, 10));
    QCOMPARE(online.size(), size_t(10));
    Clients members;
    for (const auto &ws : online)
        members.append(ws.get());

    const QStringList expected = QStringList { u"hm_owner"_s } + bulkNames(1, kMaxMembers - 1);
    const auto reply = owner->request(createFrame(u"Hundred"_s, bulkNames(1, kMaxMembers - 1)));
    QCOMPARE(outcome(reply), u"group"_s);
    const QJsonObject group = reply->value("group"_L1).toObject();
    const QString gid = group.value("id"_L1).toString();
    QCOMPARE(strings(group.value("members"_L1)).size(), kMaxMembers);
    QCOMPARE(strings(group.value("members"_L1)), expected);
    const QString updated =
        expectUpdated(Clients { owner } + members, gid, expected, u"hm_owner"_s);
    QVERIFY2(updated.isEmpty(), qPrintable(updated));

    // A post reaches every online member once.
    const auto sent = owner->request(sendFrame(groupConv(gid), u"to a hundred"_s));
    QCOMPARE(outcome(sent), u"sent"_s);
    const QJsonObject message = sent->value("message"_L1).toObject();
    QCOMPARE(message.value("conv"_L1).toString(), groupConv(gid));
    QCOMPARE(message.value("conv_seq"_L1).toString(), u"1"_s);
    QString delivered = expectDelivered(members, message);
    QVERIFY2(delivered.isEmpty(), qPrintable(delivered));

    // So does a member's post, the owner included.
    WsClient *poster = members[4];
    const auto answer = poster->request(sendFrame(groupConv(gid), u"hello all"_s));
    QCOMPARE(outcome(answer), u"sent"_s);
    const QJsonObject second = answer->value("message"_L1).toObject();
    QCOMPARE(second.value("conv_seq"_L1).toString(), u"2"_s);
    QCOMPARE(second.value("from"_L1).toString(), bulkName(5));
    Clients others = Clients { owner } + members;
    others.removeOne(poster);
    delivered = expectDelivered(others, second);
    QVERIFY2(delivered.isEmpty(), qPrintable(delivered));

    const QString extra = nonePending(Clients { owner } + members, u"msg"_s);
    QVERIFY2(extra.isEmpty(), qPrintable(extra));
}

void TestGroups::createOverFullRefused_data()
{
    QTest::addColumn<QStringList>("members");
    QTest::newRow("100 others") << bulkNames(1, kBulkAccounts);
    QTest::newRow("100 others, repeats and the creator")
        << bulkNames(1, kBulkAccounts) + QStringList { u"fc_owner"_s, bulkName(1) };
    QTest::newRow("the creator and 100 others in mixed case") << QStringList { u"FC_Owner"_s }
            + bulkNames(1, kBulkAccounts).replaceInStrings(u"gm"_s, u"GM"_s);
}

void TestGroups::createOverFullRefused()
{
    QFETCH(QStringList, members);
    const Clients clients = rowClients({ u"fc_owner"_s, bulkName(kBulkAccounts) });
    QCOMPARE(clients.size(), qsizetype(2));
    WsClient *owner = clients[0];
    WsClient *last = clients[1];
    QVERIFY(owner && last);

    const auto reply = owner->request(createFrame(u"Too big"_s, members));
    QCOMPARE(outcome(reply), u"error:group_full"_s);

    // Nothing was created: no announcement, no group in anyone's list.
    const QString extra = nonePending({ owner, last }, u"group.updated"_s);
    QVERIFY2(extra.isEmpty(), qPrintable(extra));
    const auto ownerGroups = groupList(*owner);
    QVERIFY(ownerGroups);
    QVERIFY2(ownerGroups->isEmpty(), qPrintable(compact(ownerGroups->value(0))));
    const auto lastGroups = groupList(*last);
    QVERIFY(lastGroups);
    for (const QJsonObject &group : *lastGroups)
        QVERIFY2(group.value("owner"_L1).toString() != "fc_owner"_L1, qPrintable(compact(group)));
}

void TestGroups::addToFullGroupRefused()
{
    const QString newcomerName = bulkName(kBulkAccounts);
    const auto clients = connectMany({ u"fa_owner"_s, bulkName(1), newcomerName });
    QCOMPARE(clients.size(), size_t(3));
    WsClient *owner = clients[0].get();
    WsClient *member = clients[1].get();
    WsClient *newcomer = clients[2].get();
    QVERIFY(owner && member && newcomer);

    const QStringList full = QStringList { u"fa_owner"_s } + bulkNames(1, kMaxMembers - 1);
    const auto group = createGroup(*owner, u"Full"_s, bulkNames(1, kMaxMembers - 1), { member });
    QVERIFY(group);
    const QString gid = group->value("id"_L1).toString();
    QCOMPARE(strings(group->value("members"_L1)), full);

    // The 101st member is refused, also when named together with a current member.
    QCOMPARE(outcome(owner->request(addFrame(gid, { newcomerName }))), u"error:group_full"_s);
    QCOMPARE(outcome(owner->request(addFrame(gid, { bulkName(1), newcomerName }))),
             u"error:group_full"_s);

    // Nothing changed.
    QString extra = nonePending({ owner, member, newcomer }, u"group.updated"_s);
    QVERIFY2(extra.isEmpty(), qPrintable(extra));
    const auto ownerGroups = groupList(*owner);
    QVERIFY(ownerGroups);
    QCOMPARE(strings(findGroup(*ownerGroups, gid).value("members"_L1)), full);
    const auto newcomerGroups = groupList(*newcomer);
    QVERIFY(newcomerGroups);
    QVERIFY(!groupIds(*newcomerGroups).contains(gid));

    // The next change shows the same members, and a post still does not reach the refused user.
    const auto renamed = owner->request(
        { { "type"_L1, u"group.rename"_s }, { "group"_L1, gid }, { "name"_L1, u"Still full"_s } });
    QCOMPARE(outcome(renamed), u"group"_s);
    QCOMPARE(strings(renamed->value("group"_L1).toObject().value("members"_L1)), full);
    QString updated = expectUpdated({ owner, member }, gid, full, u"fa_owner"_s, u"Still full"_s);
    QVERIFY2(updated.isEmpty(), qPrintable(updated));
    const auto sent = owner->request(sendFrame(groupConv(gid), u"members only"_s));
    QCOMPARE(outcome(sent), u"sent"_s);
    const QString delivered = expectDelivered({ member }, sent->value("message"_L1).toObject());
    QVERIFY2(delivered.isEmpty(), qPrintable(delivered));
    extra = nonePending({ newcomer }, u"msg"_s);
    QVERIFY2(extra.isEmpty(), qPrintable(extra));
    QVERIFY(!newcomer->hasPending(u"group.updated"_s));

    // With a place free, the same add works and fills the group to exactly 100.
    QCOMPARE(outcome(owner->request(removeFrame(gid, bulkName(50)))), u"group"_s);
    QStringList ninetyNine = full;
    ninetyNine.removeOne(bulkName(50));
    updated = expectUpdated({ owner, member }, gid, ninetyNine, u"fa_owner"_s);
    QVERIFY2(updated.isEmpty(), qPrintable(updated));
    const auto added = owner->request(addFrame(gid, { newcomerName }));
    QCOMPARE(outcome(added), u"group"_s);
    const QStringList refilled = ninetyNine + QStringList { newcomerName };
    QCOMPARE(strings(added->value("group"_L1).toObject().value("members"_L1)), refilled);
    updated = expectUpdated({ owner, member, newcomer }, gid, refilled, u"fa_owner"_s);
    QVERIFY2(updated.isEmpty(), qPrintable(updated));
}

void TestGroups::postReachesEveryDevice()
{
    const auto clients =
        connectMany({ u"pd_alice"_s, u"pd_alice"_s, u"pd_bob"_s, u"pd_bob"_s, u"pd_carol"_s });
    QCOMPARE(clients.size(), size_t(5));
    WsClient *a1 = clients[0].get();
    WsClient *a2 = clients[1].get();
    WsClient *b1 = clients[2].get();
    WsClient *b2 = clients[3].get();
    WsClient *c = clients[4].get();
    QVERIFY(a1 && a2 && b1 && b2 && c);

    // Give the inboxes different lengths first: alice 2 entries, carol 1, bob none.
    const auto direct = a1->request(sendFrame(u"user:pd_carol"_s, u"warm up"_s));
    QCOMPARE(outcome(direct), u"sent"_s);
    const auto self = a1->request(sendFrame(u"user:pd_alice"_s, u"note to self"_s));
    QCOMPARE(outcome(self), u"sent"_s);
    QCOMPARE(self->value("seq"_L1).toString(), u"2"_s);
    QVERIFY(waitMsg(*a2, direct->value("message"_L1).toObject()));
    QVERIFY(waitMsg(*a2, self->value("message"_L1).toObject()));
    QVERIFY(waitMsg(*c, direct->value("message"_L1).toObject()));
    const QHash<QString, int> base { { u"pd_alice"_s, 2 },
                                     { u"pd_bob"_s, 0 },
                                     { u"pd_carol"_s, 1 } };

    const auto group =
        createGroup(*a1, u"Posts"_s, { u"pd_bob"_s, u"pd_carol"_s }, { a2, b1, b2, c });
    QVERIFY(group);
    const QString gid = group->value("id"_L1).toString();
    const QString conv = groupConv(gid);

    struct Device
    {
        QString user;
        WsClient *ws;
    };
    const QList<Device> devices { { u"pd_alice"_s, a1 },
                                  { u"pd_alice"_s, a2 },
                                  { u"pd_bob"_s, b1 },
                                  { u"pd_bob"_s, b2 },
                                  { u"pd_carol"_s, c } };
    // Posts from different members and devices: a1, b1, c, a2, b2.
    const QList<int> posters { 0, 2, 4, 1, 3 };
    QStringList bodies;
    for (qsizetype k = 0; k < posters.size(); ++k) {
        const Device &sender = devices[posters[k]];
        const int n = int(k) + 1;
        const QString body = u"post %1"_s.arg(n);
        bodies.append(body);
        const auto sent = sender.ws->request(sendFrame(conv, body));
        QCOMPARE(outcome(sent), u"sent"_s);
        QCOMPARE(sent->value("seq"_L1).toString(), QString::number(base[sender.user] + n));
        const QJsonObject message = sent->value("message"_L1).toObject();
        QCOMPARE(message.value("conv"_L1).toString(), conv);
        QCOMPARE(message.value("conv_seq"_L1).toString(), QString::number(n));
        QCOMPARE(message.value("from"_L1).toString(), sender.user);
        QCOMPARE(message.value("body"_L1).toString(), body);
        // Every other device of every member, the sender's other device included; each copy
        // numbered in its owner's inbox.
        for (qsizetype d = 0; d < devices.size(); ++d) {
            if (d == posters[k])
                continue;
            const auto msg = waitMsg(*devices[d].ws, message);
            QVERIFY2(msg, qPrintable(u"device %1 did not get post %2"_s.arg(d).arg(n)));
            QCOMPARE(msg->value("seq"_L1).toString(), QString::number(base[devices[d].user] + n));
            const QJsonObject copy = msg->value("message"_L1).toObject();
            QCOMPARE(copy.value("conv"_L1).toString(), conv);
            QCOMPARE(copy.value("conv_seq"_L1).toString(), QString::number(n));
            QCOMPARE(copy.value("from"_L1).toString(), sender.user);
            QCOMPARE(copy.value("body"_L1).toString(), body);
        }
    }
    // Exactly once each, and the sending device got only `sent`.
    const QString extra = nonePending({ a1, a2, b1, b2, c }, u"msg"_s);
    QVERIFY2(extra.isEmpty(), qPrintable(extra));

    // Each member's inbox numbers the posts in its own sequence, without gaps.
    const QList<QPair<QString, WsClient *>> members { { u"pd_alice"_s, a1 },
                                                      { u"pd_bob"_s, b2 },
                                                      { u"pd_carol"_s, c } };
    for (const auto &[user, ws] : members) {
        const auto entries = syncAll(*ws);
        QVERIFY(entries);
        QCOMPARE(entries->size(), qsizetype(base[user] + posters.size()));
        for (qsizetype i = 0; i < entries->size(); ++i)
            QCOMPARE(entries->at(i).value("seq"_L1).toString(), QString::number(i + 1));
        const QList<QJsonObject> posts = entriesOf(*entries, conv);
        QCOMPARE(posts.size(), posters.size());
        for (qsizetype k = 0; k < posts.size(); ++k) {
            const QJsonObject message = posts[k].value("message"_L1).toObject();
            QCOMPARE(posts[k].value("seq"_L1).toString(), QString::number(base[user] + k + 1));
            QCOMPARE(message.value("conv_seq"_L1).toString(), QString::number(k + 1));
            QCOMPARE(message.value("body"_L1).toString(), bodies[k]);
        }
    }

    // History agrees.
    const auto page = history(*b1, gid);
    QCOMPARE(outcome(page), u"history"_s);
    QCOMPARE(messageField(*page, "body"_L1), bodies);
    QCOMPARE(messageField(*page, "conv_seq"_L1),
             QStringList({ u"1"_s, u"2"_s, u"3"_s, u"4"_s, u"5"_s }));
}

void TestGroups::nonMemberForbidden_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("target");
    QTest::newRow("post") << u"post"_s << QString();
    QTest::newRow("history") << u"history"_s << QString();
    QTest::newRow("add someone") << u"add"_s << u"nm_erin"_s;
    QTest::newRow("add itself") << u"add"_s << u"nm_dave"_s;
    QTest::newRow("remove") << u"remove"_s << u"nm_bob"_s;
    QTest::newRow("rename") << u"rename"_s << QString();
    QTest::newRow("leave") << u"leave"_s << QString();
}

void TestGroups::nonMemberForbidden()
{
    QFETCH(QString, kind);
    QFETCH(QString, target);
    const Clients clients = rowClients({ u"nm_alice"_s, u"nm_dave"_s });
    QCOMPARE(clients.size(), qsizetype(2));
    WsClient *alice = clients[0];
    WsClient *dave = clients[1];
    QVERIFY(alice && dave);
    QVERIFY(ensureRegistered({ u"nm_bob"_s, u"nm_erin"_s }));
    const auto group = createGroup(*alice, u"Members only"_s, { u"nm_bob"_s }, {});
    QVERIFY(group);
    const QString gid = group->value("id"_L1).toString();

    const auto reply = dave->request(groupRequest(kind, gid, target));
    QCOMPARE(outcome(reply), u"error:forbidden"_s);
    QVERIFY(dave->isOpen());

    // Nothing changed, nothing was announced or posted.
    const auto listed = groupList(*alice);
    QVERIFY(listed);
    QCOMPARE(compact(findGroup(*listed, gid)), compact(*group));
    for (const QString &type : { u"group.updated"_s, u"msg"_s }) {
        const QString extra = nonePending({ alice, dave }, type);
        QVERIFY2(extra.isEmpty(), qPrintable(extra));
    }
    const auto history = alice->request(groupRequest(u"history"_s, gid));
    QCOMPARE(outcome(history), u"history"_s);
    QVERIFY(history->value("messages"_L1).toArray().isEmpty());
}

void TestGroups::nonMemberReceivesNothing()
{
    const auto clients = connectMany({ u"nr_alice"_s, u"nr_bob"_s, u"nr_dave"_s });
    QCOMPARE(clients.size(), size_t(3));
    WsClient *alice = clients[0].get();
    WsClient *bob = clients[1].get();
    WsClient *dave = clients[2].get();
    QVERIFY(alice && bob && dave);
    QVERIFY(ensureRegistered({ u"nr_erin"_s }));

    const auto group = createGroup(*alice, u"Private"_s, { u"nr_bob"_s }, { bob });
    QVERIFY(group);
    const QString gid = group->value("id"_L1).toString();
    const QStringList pair { u"nr_alice"_s, u"nr_bob"_s };
    const auto sent = alice->request(sendFrame(groupConv(gid), u"secret"_s));
    QCOMPARE(outcome(sent), u"sent"_s);
    QVERIFY(waitMsg(*bob, sent->value("message"_L1).toObject()));
    QCOMPARE(outcome(bob->request(
                 { { "type"_L1, u"group.rename"_s }, { "group"_L1, gid }, { "name"_L1, u"P"_s } })),
             u"group"_s);
    QString updated = expectUpdated({ alice, bob }, gid, pair, u"nr_alice"_s, u"P"_s);
    QVERIFY2(updated.isEmpty(), qPrintable(updated));
    QCOMPARE(outcome(alice->request(addFrame(gid, { u"nr_erin"_s }))), u"group"_s);
    QCOMPARE(outcome(alice->request(removeFrame(gid, u"nr_erin"_s))), u"group"_s);
    QCOMPARE(outcome(bob->request(leaveFrame(gid))), u"ok"_s);

    // The stranger saw none of it.
    for (const QString &type : { u"msg"_s, u"group.updated"_s, u"group.removed"_s }) {
        const QString extra = nonePending({ dave }, type);
        QVERIFY2(extra.isEmpty(), qPrintable(extra));
    }
    const auto entries = syncAll(*dave);
    QVERIFY(entries);
    QVERIFY(entries->isEmpty());
    const auto listed = groupList(*dave);
    QVERIFY(listed);
    QVERIFY(listed->isEmpty());
}

void TestGroups::unknownGroup_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("target");
    QTest::newRow("post") << u"post"_s << QString();
    QTest::newRow("history") << u"history"_s << QString();
    QTest::newRow("add") << u"add"_s << u"ug_bob"_s;
    QTest::newRow("remove") << u"remove"_s << u"ug_bob"_s;
    QTest::newRow("rename") << u"rename"_s << QString();
    QTest::newRow("leave") << u"leave"_s << QString();
}

void TestGroups::unknownGroup()
{
    QFETCH(QString, kind);
    QFETCH(QString, target);
    const Clients clients = rowClients({ u"ug_alice"_s });
    QCOMPARE(clients.size(), qsizetype(1));
    WsClient *alice = clients[0];
    QVERIFY(alice);
    QVERIFY(ensureRegistered({ u"ug_bob"_s }));

    QCOMPARE(outcome(alice->request(groupRequest(kind, kUnknownGroup, target))),
             u"error:not_found"_s);
    QVERIFY(alice->isOpen());
    const auto listed = groupList(*alice);
    QVERIFY(listed);
    QVERIFY(listed->isEmpty());
}

void TestGroups::nonOwnerCannotManage_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("target");
    QTest::newRow("add a user") << u"add"_s << u"no_erin"_s;
    QTest::newRow("add a current member") << u"add"_s << u"no_carol"_s;
    QTest::newRow("remove a member") << u"remove"_s << u"no_carol"_s;
    QTest::newRow("remove the owner") << u"remove"_s << u"no_alice"_s;
}

void TestGroups::nonOwnerCannotManage()
{
    QFETCH(QString, kind);
    QFETCH(QString, target);
    const Clients clients = rowClients({ u"no_alice"_s, u"no_bob"_s, u"no_carol"_s });
    QCOMPARE(clients.size(), qsizetype(3));
    WsClient *alice = clients[0];
    WsClient *bob = clients[1];
    WsClient *carol = clients[2];
    QVERIFY(alice && bob && carol);
    QVERIFY(ensureRegistered({ u"no_erin"_s }));
    const auto group =
        createGroup(*alice, u"Owned"_s, { u"no_bob"_s, u"no_carol"_s }, { bob, carol });
    QVERIFY(group);
    const QString gid = group->value("id"_L1).toString();

    QCOMPARE(outcome(bob->request(groupRequest(kind, gid, target))), u"error:forbidden"_s);

    const QString extra = nonePending({ alice, bob, carol }, u"group.updated"_s);
    QVERIFY2(extra.isEmpty(), qPrintable(extra));
    QVERIFY(!carol->hasPending(u"group.removed"_s));
    const auto listed = groupList(*alice);
    QVERIFY(listed);
    QCOMPARE(compact(findGroup(*listed, gid)), compact(*group));
}

void TestGroups::unknownUser_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QStringList>("members");
    QTest::newRow("add: unknown") << u"add"_s << QStringList { u"uu_ghost"_s };
    QTest::newRow("add: known, then unknown")
        << u"add"_s << QStringList { u"uu_erin"_s, u"uu_ghost"_s };
    QTest::newRow("add: unknown, then known")
        << u"add"_s << QStringList { u"uu_ghost"_s, u"uu_erin"_s };
    QTest::newRow("create: unknown") << u"create"_s << QStringList { u"uu_ghost"_s };
    QTest::newRow("create: known and unknown")
        << u"create"_s << QStringList { u"uu_bob"_s, u"uu_ghost"_s, u"uu_erin"_s };
}

void TestGroups::unknownUser()
{
    QFETCH(QString, kind);
    QFETCH(QStringList, members);
    const Clients clients = rowClients({ u"uu_alice"_s, u"uu_bob"_s, u"uu_erin"_s });
    QCOMPARE(clients.size(), qsizetype(3));
    WsClient *alice = clients[0];
    WsClient *bob = clients[1];
    WsClient *erin = clients[2];
    QVERIFY(alice && bob && erin);
    const auto group = createGroup(*alice, u"Known"_s, { u"uu_bob"_s }, { bob });
    QVERIFY(group);
    const QString gid = group->value("id"_L1).toString();
    const auto before = groupList(*alice);
    QVERIFY(before);

    const QJsonObject frame =
        kind == "add"_L1 ? addFrame(gid, members) : createFrame(u"With a ghost"_s, members);
    QCOMPARE(outcome(alice->request(frame)), u"error:not_found"_s);

    const QString extra = nonePending({ alice, bob, erin }, u"group.updated"_s);
    QVERIFY2(extra.isEmpty(), qPrintable(extra));
    const auto after = groupList(*alice);
    QVERIFY(after);
    QCOMPARE(after->size(), before->size());
    for (const QJsonObject &known : *before)
        QCOMPARE(compact(findGroup(*after, known.value("id"_L1).toString())), compact(known));
    const auto erinGroups = groupList(*erin);
    QVERIFY(erinGroups);
    QVERIFY(erinGroups->isEmpty());
}

void TestGroups::removeRefused_data()
{
    QTest::addColumn<QString>("member");
    QTest::addColumn<QString>("code");
    QTest::newRow("the owner itself") << u"re_alice"_s << u"bad_request"_s;
    QTest::newRow("a user who never was a member") << u"re_erin"_s << u"not_found"_s;
    QTest::newRow("a removed member") << u"re_carol"_s << u"not_found"_s;
    QTest::newRow("an unknown user") << u"re_ghost"_s << u"not_found"_s;
}

void TestGroups::removeRefused()
{
    QFETCH(QString, member);
    QFETCH(QString, code);
    const Clients clients = rowClients({ u"re_alice"_s });
    QCOMPARE(clients.size(), qsizetype(1));
    WsClient *alice = clients[0];
    QVERIFY(alice);
    QVERIFY(ensureRegistered({ u"re_bob"_s, u"re_carol"_s, u"re_erin"_s }));
    const auto created = createGroup(*alice, u"Removals"_s, { u"re_bob"_s, u"re_carol"_s }, {});
    QVERIFY(created);
    const QString gid = created->value("id"_L1).toString();
    QCOMPARE(outcome(alice->request(removeFrame(gid, u"re_carol"_s))), u"group"_s);
    QVERIFY(waitGroupUpdated(*alice, gid));
    const auto before = groupList(*alice);
    QVERIFY(before);

    QCOMPARE(outcome(alice->request(removeFrame(gid, member))), u"error:"_s + code);

    const QString extra = nonePending({ alice }, u"group.updated"_s);
    QVERIFY2(extra.isEmpty(), qPrintable(extra));
    const auto after = groupList(*alice);
    QVERIFY(after);
    QCOMPARE(compact(findGroup(*after, gid)), compact(findGroup(*before, gid)));
    QCOMPARE(strings(findGroup(*after, gid).value("members"_L1)),
             QStringList({ u"re_alice"_s, u"re_bob"_s }));
}

void TestGroups::removeNotifies()
{
    const auto clients = connectMany({ u"rn_alice"_s, u"rn_bob"_s, u"rn_bob"_s, u"rn_carol"_s });
    QCOMPARE(clients.size(), size_t(4));
    WsClient *alice = clients[0].get();
    WsClient *b1 = clients[1].get();
    WsClient *b2 = clients[2].get();
    WsClient *carol = clients[3].get();
    QVERIFY(alice && b1 && b2 && carol);
    const auto group =
        createGroup(*alice, u"Removal"_s, { u"rn_bob"_s, u"rn_carol"_s }, { b1, b2, carol });
    QVERIFY(group);
    const QString gid = group->value("id"_L1).toString();
    const QStringList remaining { u"rn_alice"_s, u"rn_carol"_s };

    const auto reply = alice->request(removeFrame(gid, u"rn_bob"_s));
    QCOMPARE(outcome(reply), u"group"_s);
    QCOMPARE(strings(reply->value("group"_L1).toObject().value("members"_L1)), remaining);
    QCOMPARE(reply->value("group"_L1).toObject().value("owner"_L1).toString(), u"rn_alice"_s);

    // The removed member's devices: group.removed with the group id; the others: the new group.
    for (WsClient *ws : { b1, b2 }) {
        const auto removed = waitGroupRemoved(*ws, gid);
        QVERIFY(removed);
        QVERIFY(removed->value("group"_L1).isString());
    }
    const QString updated = expectUpdated({ alice, carol }, gid, remaining, u"rn_alice"_s);
    QVERIFY2(updated.isEmpty(), qPrintable(updated));

    // Once each; the removed member gets no group.updated, the others no group.removed.
    QString extra = nonePending({ b1, b2 }, u"group.updated"_s);
    QVERIFY2(extra.isEmpty(), qPrintable(extra));
    extra = nonePending({ b1, b2, alice, carol }, u"group.removed"_s);
    QVERIFY2(extra.isEmpty(), qPrintable(extra));
    extra = nonePending({ alice, carol }, u"group.updated"_s);
    QVERIFY2(extra.isEmpty(), qPrintable(extra));

    const auto bobGroups = groupList(*b1);
    QVERIFY(bobGroups);
    QVERIFY(!groupIds(*bobGroups).contains(gid));
    const auto carolGroups = groupList(*carol);
    QVERIFY(carolGroups);
    QCOMPARE(strings(findGroup(*carolGroups, gid).value("members"_L1)), remaining);
}

void TestGroups::removedMemberGetsNothingLater()
{
    const auto clients = connectMany({ u"rl_alice"_s, u"rl_bob"_s, u"rl_carol"_s });
    QCOMPARE(clients.size(), size_t(3));
    WsClient *alice = clients[0].get();
    WsClient *bob = clients[1].get();
    WsClient *carol = clients[2].get();
    QVERIFY(alice && bob && carol);
    const auto group =
        createGroup(*alice, u"Later"_s, { u"rl_bob"_s, u"rl_carol"_s }, { bob, carol });
    QVERIFY(group);
    const QString gid = group->value("id"_L1).toString();
    const QString conv = groupConv(gid);

    for (WsClient *poster : { alice, carol }) {
        const auto sent = poster->request(sendFrame(conv, u"before"_s));
        QCOMPARE(outcome(sent), u"sent"_s);
        QVERIFY(waitMsg(*bob, sent->value("message"_L1).toObject()));
    }
    QCOMPARE(outcome(alice->request(removeFrame(gid, u"rl_bob"_s))), u"group"_s);
    QVERIFY(waitGroupRemoved(*bob, gid));
    QVERIFY(waitGroupUpdated(*carol, gid));

    for (WsClient *poster : { alice, carol }) {
        const auto sent = poster->request(sendFrame(conv, u"after"_s));
        QCOMPARE(outcome(sent), u"sent"_s);
        WsClient *other = poster == alice ? carol : alice;
        QVERIFY(waitMsg(*other, sent->value("message"_L1).toObject()));
    }
    // Not live...
    const QString extra = nonePending({ bob }, u"msg"_s);
    QVERIFY2(extra.isEmpty(), qPrintable(extra));
    // ...nor in the inbox.
    const auto entries = syncAll(*bob);
    QVERIFY(entries);
    const QList<QJsonObject> posts = entriesOf(*entries, conv);
    QCOMPARE(posts.size(), qsizetype(2));
    QCOMPARE(entries->size(), qsizetype(2));
    for (const QJsonObject &entry : posts)
        QCOMPARE(entry.value("message"_L1).toObject().value("body"_L1).toString(), u"before"_s);
    // And it can no longer post.
    QCOMPARE(outcome(bob->request(sendFrame(conv, u"still here?"_s))), u"error:forbidden"_s);
}

void TestGroups::removedMemberHistory()
{
    const auto clients = connectMany({ u"rh_alice"_s, u"rh_bob"_s, u"rh_carol"_s });
    QCOMPARE(clients.size(), size_t(3));
    WsClient *alice = clients[0].get();
    WsClient *bob = clients[1].get();
    WsClient *carol = clients[2].get();
    QVERIFY(alice && bob && carol);
    const auto group = createGroup(*alice, u"History"_s, { u"rh_bob"_s, u"rh_carol"_s }, {});
    QVERIFY(group);
    const QString gid = group->value("id"_L1).toString();
    const QString conv = groupConv(gid);

    const QStringList before { u"one"_s, u"two"_s, u"three"_s };
    for (qsizetype i = 0; i < before.size(); ++i) {
        WsClient *poster = i % 2 ? carol : bob;
        QCOMPARE(outcome(poster->request(sendFrame(conv, before[i]))), u"sent"_s);
    }
    QCOMPARE(outcome(alice->request(removeFrame(gid, u"rh_bob"_s))), u"group"_s);
    QCOMPARE(outcome(alice->request(sendFrame(conv, u"four"_s))), u"sent"_s);
    QCOMPARE(outcome(carol->request(sendFrame(conv, u"five"_s))), u"sent"_s);

    // Exactly what was posted up to the removal.
    const auto page = history(*bob, gid);
    QCOMPARE(outcome(page), u"history"_s);
    QCOMPARE(page->value("conv"_L1).toString(), conv);
    QCOMPARE(messageField(*page, "body"_L1), before);
    QCOMPARE(messageField(*page, "conv_seq"_L1), QStringList({ u"1"_s, u"2"_s, u"3"_s }));
    QCOMPARE(page->value("more"_L1).toBool(), false);
    // Paging stays within it.
    const auto older = history(*bob, gid, u"3"_s, 1);
    QCOMPARE(outcome(older), u"history"_s);
    QCOMPARE(messageField(*older, "body"_L1), QStringList { u"two"_s });
    QCOMPARE(older->value("more"_L1).toBool(), true);
    const auto beyond = history(*bob, gid, u"100"_s);
    QCOMPARE(outcome(beyond), u"history"_s);
    QCOMPARE(messageField(*beyond, "body"_L1), before);
    // The members still see everything.
    const auto full = history(*carol, gid);
    QCOMPARE(outcome(full), u"history"_s);
    QCOMPARE(messageField(*full, "body"_L1), before + QStringList({ u"four"_s, u"five"_s }));
}

void TestGroups::reAddedMemberSeesWholeHistory()
{
    const auto clients = connectMany({ u"ra_alice"_s, u"ra_bob"_s, u"ra_carol"_s });
    QCOMPARE(clients.size(), size_t(3));
    WsClient *alice = clients[0].get();
    WsClient *bob = clients[1].get();
    WsClient *carol = clients[2].get();
    QVERIFY(alice && bob && carol);
    const auto group =
        createGroup(*alice, u"Again"_s, { u"ra_bob"_s, u"ra_carol"_s }, { bob, carol });
    QVERIFY(group);
    const QString gid = group->value("id"_L1).toString();
    const QString conv = groupConv(gid);

    QCOMPARE(outcome(alice->request(sendFrame(conv, u"one"_s))), u"sent"_s);
    QCOMPARE(outcome(alice->request(removeFrame(gid, u"ra_bob"_s))), u"group"_s);
    QVERIFY(waitGroupRemoved(*bob, gid));
    QCOMPARE(outcome(alice->request(sendFrame(conv, u"two"_s))), u"sent"_s);
    QCOMPARE(outcome(carol->request(sendFrame(conv, u"three"_s))), u"sent"_s);
    const auto cut = history(*bob, gid);
    QCOMPARE(outcome(cut), u"history"_s);
    QCOMPARE(messageField(*cut, "body"_L1), QStringList { u"one"_s });

    // Back again, at the end of the member list.
    const auto added = alice->request(addFrame(gid, { u"ra_bob"_s }));
    QCOMPARE(outcome(added), u"group"_s);
    const QStringList members { u"ra_alice"_s, u"ra_carol"_s, u"ra_bob"_s };
    QCOMPARE(strings(added->value("group"_L1).toObject().value("members"_L1)), members);
    // (alice and carol also got the removal's group.updated first.)
    QVERIFY(waitGroupUpdated(*carol, gid));
    const QString updated = expectUpdated({ bob, carol }, gid, members, u"ra_alice"_s);
    QVERIFY2(updated.isEmpty(), qPrintable(updated));

    const auto whole = history(*bob, gid);
    QCOMPARE(outcome(whole), u"history"_s);
    QCOMPARE(messageField(*whole, "body"_L1), QStringList({ u"one"_s, u"two"_s, u"three"_s }));
    QCOMPARE(messageField(*whole, "conv_seq"_L1), QStringList({ u"1"_s, u"2"_s, u"3"_s }));

    // And it gets new posts, and posts, again.
    const auto sent = carol->request(sendFrame(conv, u"welcome back"_s));
    QCOMPARE(outcome(sent), u"sent"_s);
    const QString delivered = expectDelivered({ bob }, sent->value("message"_L1).toObject());
    QVERIFY2(delivered.isEmpty(), qPrintable(delivered));
    const auto own = bob->request(sendFrame(conv, u"thanks"_s));
    QCOMPARE(outcome(own), u"sent"_s);
    QCOMPARE(own->value("message"_L1).toObject().value("conv_seq"_L1).toString(), u"5"_s);
}

void TestGroups::rename_data()
{
    QTest::addColumn<bool>("byOwner");
    QTest::newRow("by the owner") << true;
    QTest::newRow("by a member") << false;
}

void TestGroups::rename()
{
    QFETCH(bool, byOwner);
    const Clients clients = rowClients({ u"rr_alice"_s, u"rr_bob"_s, u"rr_carol"_s });
    QCOMPARE(clients.size(), qsizetype(3));
    WsClient *alice = clients[0];
    WsClient *bob = clients[1];
    WsClient *carol = clients[2];
    QVERIFY(alice && bob && carol);
    const auto group =
        createGroup(*alice, u"Old name"_s, { u"rr_bob"_s, u"rr_carol"_s }, { bob, carol });
    QVERIFY(group);
    const QString gid = group->value("id"_L1).toString();
    const QStringList members { u"rr_alice"_s, u"rr_bob"_s, u"rr_carol"_s };

    WsClient &actor = byOwner ? *alice : *bob;
    const auto reply = actor.request(
        { { "type"_L1, u"group.rename"_s }, { "group"_L1, gid }, { "name"_L1, u"New name"_s } });
    QCOMPARE(outcome(reply), u"group"_s);
    const QJsonObject renamed = reply->value("group"_L1).toObject();
    QCOMPARE(renamed.value("name"_L1).toString(), u"New name"_s);
    QCOMPARE(renamed.value("id"_L1).toString(), gid);
    QCOMPARE(renamed.value("owner"_L1).toString(), u"rr_alice"_s);
    QCOMPARE(strings(renamed.value("members"_L1)), members);
    QCOMPARE(renamed.value("created_at"_L1), group->value("created_at"_L1));

    const QString updated =
        expectUpdated({ alice, bob, carol }, gid, members, u"rr_alice"_s, u"New name"_s);
    QVERIFY2(updated.isEmpty(), qPrintable(updated));
    const QString extra = nonePending({ alice, bob, carol }, u"group.updated"_s);
    QVERIFY2(extra.isEmpty(), qPrintable(extra));
    const auto listed = groupList(*carol);
    QVERIFY(listed);
    QCOMPARE(findGroup(*listed, gid).value("name"_L1).toString(), u"New name"_s);
}

void TestGroups::leave()
{
    const auto clients = connectMany({ u"lv_alice"_s, u"lv_bob"_s, u"lv_bob"_s, u"lv_carol"_s });
    QCOMPARE(clients.size(), size_t(4));
    WsClient *alice = clients[0].get();
    WsClient *b1 = clients[1].get();
    WsClient *b2 = clients[2].get();
    WsClient *carol = clients[3].get();
    QVERIFY(alice && b1 && b2 && carol);
    const auto group =
        createGroup(*alice, u"Leaving"_s, { u"lv_bob"_s, u"lv_carol"_s }, { b1, b2, carol });
    QVERIFY(group);
    const QString gid = group->value("id"_L1).toString();
    const QStringList remaining { u"lv_alice"_s, u"lv_carol"_s };

    const auto reply = b1->request(leaveFrame(gid));
    QCOMPARE(outcome(reply), u"ok"_s);
    QVERIFY(waitGroupRemoved(*b2, gid));
    const QString updated = expectUpdated({ alice, carol }, gid, remaining, u"lv_alice"_s);
    QVERIFY2(updated.isEmpty(), qPrintable(updated));

    // The leaving device has its `ok`; no other device hears twice; nobody else gets
    // group.removed.
    QString extra = nonePending({ b1, b2, alice, carol }, u"group.removed"_s);
    QVERIFY2(extra.isEmpty(), qPrintable(extra));
    extra = nonePending({ b1, b2, alice, carol }, u"group.updated"_s);
    QVERIFY2(extra.isEmpty(), qPrintable(extra));

    const auto bobGroups = groupList(*b2);
    QVERIFY(bobGroups);
    QVERIFY(!groupIds(*bobGroups).contains(gid));
    const auto aliceGroups = groupList(*alice);
    QVERIFY(aliceGroups);
    QCOMPARE(strings(findGroup(*aliceGroups, gid).value("members"_L1)), remaining);
    // A former member can neither post nor leave again.
    QCOMPARE(outcome(b1->request(sendFrame(groupConv(gid), u"bye"_s))), u"error:forbidden"_s);
    QCOMPARE(outcome(b1->request(leaveFrame(gid))), u"error:forbidden"_s);
}

void TestGroups::ownerHandOver()
{
    const auto clients = connectMany({ u"ho_alice"_s, u"ho_bob"_s, u"ho_carol"_s, u"ho_dave"_s });
    QCOMPARE(clients.size(), size_t(4));
    WsClient *alice = clients[0].get();
    WsClient *bob = clients[1].get();
    WsClient *carol = clients[2].get();
    WsClient *dave = clients[3].get();
    QVERIFY(alice && bob && carol && dave);
    QVERIFY(ensureRegistered({ u"ho_erin"_s }));

    // carol joined before bob (the member list's order), dave later; alphabetical order would
    // pick bob.
    const auto group =
        createGroup(*alice, u"Hand over"_s, { u"ho_carol"_s, u"ho_bob"_s }, { bob, carol });
    QVERIFY(group);
    const QString gid = group->value("id"_L1).toString();
    QCOMPARE(outcome(alice->request(addFrame(gid, { u"ho_dave"_s }))), u"group"_s);
    QString updated =
        expectUpdated({ alice, bob, carol, dave }, gid,
                      { u"ho_alice"_s, u"ho_carol"_s, u"ho_bob"_s, u"ho_dave"_s }, u"ho_alice"_s);
    QVERIFY2(updated.isEmpty(), qPrintable(updated));

    QCOMPARE(outcome(alice->request(leaveFrame(gid))), u"ok"_s);
    const QStringList afterAlice { u"ho_carol"_s, u"ho_bob"_s, u"ho_dave"_s };
    updated = expectUpdated({ bob, carol, dave }, gid, afterAlice, u"ho_carol"_s);
    QVERIFY2(updated.isEmpty(), qPrintable(updated));
    const auto listed = groupList(*bob);
    QVERIFY(listed);
    QCOMPARE(findGroup(*listed, gid).value("owner"_L1).toString(), u"ho_carol"_s);
    QCOMPARE(strings(findGroup(*listed, gid).value("members"_L1)), afterAlice);

    // The new owner has the owner's rights, the others still do not, the old owner none.
    QCOMPARE(outcome(bob->request(addFrame(gid, { u"ho_erin"_s }))), u"error:forbidden"_s);
    QCOMPARE(outcome(alice->request(addFrame(gid, { u"ho_erin"_s }))), u"error:forbidden"_s);
    QCOMPARE(outcome(carol->request(addFrame(gid, { u"ho_erin"_s }))), u"group"_s);
    const QStringList withErin = afterAlice + QStringList { u"ho_erin"_s };
    updated = expectUpdated({ bob, carol, dave }, gid, withErin, u"ho_carol"_s);
    QVERIFY2(updated.isEmpty(), qPrintable(updated));

    // Next in line: bob (joined at creation), not dave or erin (joined later).
    QCOMPARE(outcome(carol->request(leaveFrame(gid))), u"ok"_s);
    const QStringList afterCarol { u"ho_bob"_s, u"ho_dave"_s, u"ho_erin"_s };
    updated = expectUpdated({ bob, dave }, gid, afterCarol, u"ho_bob"_s);
    QVERIFY2(updated.isEmpty(), qPrintable(updated));
    const auto listedAgain = groupList(*dave);
    QVERIFY(listedAgain);
    QCOMPARE(findGroup(*listedAgain, gid).value("owner"_L1).toString(), u"ho_bob"_s);
    QCOMPARE(outcome(bob->request(removeFrame(gid, u"ho_erin"_s))), u"group"_s);

    const QString extra = nonePending({ alice, carol }, u"group.updated"_s);
    QVERIFY2(extra.isEmpty(), qPrintable(extra));
}

void TestGroups::lastMemberClosesGroup_data()
{
    QTest::addColumn<bool>("byLastLeaver");
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("target");
    QTest::newRow("post") << true << u"post"_s << QString();
    QTest::newRow("history of the last member") << true << u"history"_s << QString();
    QTest::newRow("history of an earlier member") << false << u"history"_s << QString();
    QTest::newRow("rename") << true << u"rename"_s << QString();
    QTest::newRow("add") << true << u"add"_s << u"lc_bob"_s;
    QTest::newRow("leave again") << true << u"leave"_s << QString();
}

void TestGroups::lastMemberClosesGroup()
{
    QFETCH(bool, byLastLeaver);
    QFETCH(QString, kind);
    QFETCH(QString, target);
    const Clients clients = rowClients({ u"lc_alice"_s, u"lc_bob"_s });
    QCOMPARE(clients.size(), qsizetype(2));
    WsClient *alice = clients[0];
    WsClient *bob = clients[1];
    QVERIFY(alice && bob);
    const auto group = createGroup(*alice, u"Closing"_s, { u"lc_bob"_s }, { bob });
    QVERIFY(group);
    const QString gid = group->value("id"_L1).toString();
    QCOMPARE(outcome(alice->request(sendFrame(groupConv(gid), u"last words"_s))), u"sent"_s);

    QCOMPARE(outcome(bob->request(leaveFrame(gid))), u"ok"_s);
    QVERIFY(waitGroupUpdated(*alice, gid));
    QCOMPARE(outcome(alice->request(leaveFrame(gid))), u"ok"_s);

    WsClient &caller = byLastLeaver ? *alice : *bob;
    QCOMPARE(outcome(caller.request(groupRequest(kind, gid, target))), u"error:not_found"_s);
    for (WsClient *ws : { alice, bob }) {
        const auto listed = groupList(*ws);
        QVERIFY(listed);
        QVERIFY(!groupIds(*listed).contains(gid));
    }
}

void TestGroups::groupListExact()
{
    const auto clients = connectMany({ u"gl_alice"_s, u"gl_bob"_s });
    QCOMPARE(clients.size(), size_t(2));
    WsClient *alice = clients[0].get();
    WsClient *bob = clients[1].get();
    QVERIFY(alice && bob);
    const auto initially = groupList(*alice);
    QVERIFY(initially);
    QVERIFY(initially->isEmpty());

    QHash<QString, QJsonObject> latest; // the newest state of each group
    auto create = [&](WsClient &creator, const QString &name, const QStringList &members,
                      const Clients &others) {
        const auto group = createGroup(creator, name, members, others);
        const QString gid = group ? group->value("id"_L1).toString() : QString();
        if (group)
            latest.insert(gid, *group);
        return gid;
    };
    const QString mine = create(*alice, u"Mine"_s, { u"gl_bob"_s }, { bob });
    const QString alone = create(*alice, u"Alone"_s, {}, {});
    const QString theirs = create(*bob, u"Theirs"_s, { u"gl_alice"_s }, { alice });
    const QString removedFrom = create(*bob, u"Removed"_s, { u"gl_alice"_s }, { alice });
    const QString leftFrom = create(*bob, u"Left"_s, { u"gl_alice"_s }, { alice });
    const QString closed = create(*alice, u"Closed"_s, { u"gl_bob"_s }, { bob });
    for (const QString &gid : { mine, alone, theirs, removedFrom, leftFrom, closed })
        QVERIFY(!gid.isEmpty());

    const auto renamed = alice->request(
        { { "type"_L1, u"group.rename"_s }, { "group"_L1, mine }, { "name"_L1, u"Ours"_s } });
    QCOMPARE(outcome(renamed), u"group"_s);
    latest.insert(mine, renamed->value("group"_L1).toObject());
    const auto removed = bob->request(removeFrame(removedFrom, u"gl_alice"_s));
    QCOMPARE(outcome(removed), u"group"_s);
    latest.insert(removedFrom, removed->value("group"_L1).toObject());
    QCOMPARE(outcome(alice->request(leaveFrame(leftFrom))), u"ok"_s);
    QVERIFY(waitGroupUpdated(*bob, leftFrom));
    QCOMPARE(outcome(alice->request(leaveFrame(closed))), u"ok"_s);
    QCOMPARE(outcome(bob->request(leaveFrame(closed))), u"ok"_s);
    const auto afterLeave = groupList(*bob);
    QVERIFY(afterLeave);
    latest.insert(leftFrom, findGroup(*afterLeave, leftFrom));

    // alice: exactly the groups she is in now, each as it is now.
    const auto aliceGroups = groupList(*alice);
    QVERIFY(aliceGroups);
    QCOMPARE(groupIds(*aliceGroups), QSet<QString>({ mine, alone, theirs }));
    QCOMPARE(aliceGroups->size(), qsizetype(3));
    for (const QJsonObject &group : *aliceGroups) {
        QCOMPARE(compact(group), compact(latest.value(group.value("id"_L1).toString())));
    }
    QCOMPARE(findGroup(*aliceGroups, mine).value("name"_L1).toString(), u"Ours"_s);

    // bob: also the ones alice was removed from or left.
    const auto bobGroups = groupList(*bob);
    QVERIFY(bobGroups);
    QCOMPARE(groupIds(*bobGroups), QSet<QString>({ mine, theirs, removedFrom, leftFrom }));
    QCOMPARE(bobGroups->size(), qsizetype(4));
    for (const QJsonObject &group : *bobGroups) {
        QCOMPARE(compact(group), compact(latest.value(group.value("id"_L1).toString())));
    }
    QCOMPARE(strings(findGroup(*bobGroups, leftFrom).value("members"_L1)),
             QStringList { u"gl_bob"_s });
}

void TestGroups::badInput_data()
{
    // %GID% stands for an existing group of bi_alice.
    QTest::addColumn<QString>("frame");
    const QString tooLong = QString(65, u'x');
    const QString grins = QString::fromUcs4(U"\U0001F600").repeated(65);
    const auto create = [](const QString &fields) -> QString {
        return uR"({"type":"group.create",)"_s + fields + u"}"_s;
    };
    QTest::newRow("create: no name") << create(uR"("members":["bi_bob"])"_s);
    QTest::newRow("create: empty name") << create(uR"("name":"","members":["bi_bob"])"_s);
    QTest::newRow("create: blank name") << create(uR"("name":"   ","members":["bi_bob"])"_s);
    QTest::newRow("create: white-space name")
        << create(uR"("name":"\t\n \u00a0\u3000","members":["bi_bob"])"_s);
    QTest::newRow("create: 65 characters")
        << create(uR"("name":"%1","members":["bi_bob"])"_s.arg(tooLong));
    QTest::newRow("create: 65 characters outside the BMP")
        << create(uR"("name":"%1","members":["bi_bob"])"_s.arg(grins));
    QTest::newRow("create: name a number") << create(uR"("name":5,"members":["bi_bob"])"_s);
    QTest::newRow("create: name null") << create(uR"("name":null,"members":["bi_bob"])"_s);
    QTest::newRow("create: members a string") << create(uR"("name":"T","members":"bi_bob")"_s);
    QTest::newRow("create: members an object")
        << create(uR"("name":"T","members":{"0":"bi_bob"})"_s);
    QTest::newRow("create: members a number") << create(uR"("name":"T","members":7)"_s);
    QTest::newRow("create: member a number") << create(uR"("name":"T","members":[1])"_s);
    QTest::newRow("create: member null") << create(uR"("name":"T","members":["bi_bob",null])"_s);
    QTest::newRow("create: member an array") << create(uR"("name":"T","members":[["bi_bob"]])"_s);
    QTest::newRow("create: member an object")
        << create(uR"("name":"T","members":[{"username":"bi_bob"}])"_s);
    QTest::newRow("create: invalid username")
        << create(uR"("name":"T","members":["bi_bob","not valid!"])"_s);
    QTest::newRow("create: username too short") << create(uR"("name":"T","members":["ab"])"_s);
    QTest::newRow("create: username too long")
        << create(uR"("name":"T","members":["%1"])"_s.arg(QString(33, u'a')));
    QTest::newRow("create: empty username") << create(uR"("name":"T","members":[""])"_s);
    QTest::newRow("add: group not numeric")
        << uR"({"type":"group.add","group":"abc","members":["bi_bob"]})"_s;
    QTest::newRow("add: group numeric prefix")
        << uR"({"type":"group.add","group":"12abc","members":["bi_bob"]})"_s;
    QTest::newRow("add: group empty")
        << uR"({"type":"group.add","group":"","members":["bi_bob"]})"_s;
    QTest::newRow("add: group negative")
        << uR"({"type":"group.add","group":"-5","members":["bi_bob"]})"_s;
    QTest::newRow("add: group missing") << uR"({"type":"group.add","members":["bi_bob"]})"_s;
    QTest::newRow("add: group an object")
        << uR"({"type":"group.add","group":{},"members":["bi_bob"]})"_s;
    QTest::newRow("add: members a string")
        << uR"({"type":"group.add","group":"%GID%","members":"bi_carol"})"_s;
    QTest::newRow("add: member a number")
        << uR"({"type":"group.add","group":"%GID%","members":[3]})"_s;
    QTest::newRow("add: invalid username")
        << uR"({"type":"group.add","group":"%GID%","members":["Not Valid"]})"_s;
    QTest::newRow("rename: empty name")
        << uR"({"type":"group.rename","group":"%GID%","name":""})"_s;
    QTest::newRow("rename: blank name")
        << uR"({"type":"group.rename","group":"%GID%","name":"  "})"_s;
    QTest::newRow("rename: 65 characters")
        << uR"({"type":"group.rename","group":"%GID%","name":"%1"})"_s.arg(tooLong);
    QTest::newRow("rename: group not numeric")
        << uR"({"type":"group.rename","group":"x1","name":"N"})"_s;
    QTest::newRow("remove: invalid username")
        << uR"({"type":"group.remove","group":"%GID%","member":"no way"})"_s;
    QTest::newRow("remove: member missing") << uR"({"type":"group.remove","group":"%GID%"})"_s;
    QTest::newRow("leave: group not numeric") << uR"({"type":"group.leave","group":"one"})"_s;
}

void TestGroups::badInput()
{
    QFETCH(QString, frame);
    const Clients clients = rowClients({ u"bi_alice"_s });
    QCOMPARE(clients.size(), qsizetype(1));
    WsClient *alice = clients[0];
    QVERIFY(ensureRegistered({ u"bi_bob"_s, u"bi_carol"_s }));
    if (m_badInputGroup.isEmpty()) {
        const auto group = createGroup(*alice, u"Target"_s, { u"bi_bob"_s }, {});
        QVERIFY(group);
        m_badInputGroup = group->value("id"_L1).toString();
    }
    const auto before = groupList(*alice);
    QVERIFY(before);

    QJsonParseError error;
    const QJsonDocument document =
        QJsonDocument::fromJson(frame.replace(u"%GID%"_s, m_badInputGroup).toUtf8(), &error);
    QVERIFY2(document.isObject(), qPrintable(error.errorString()));
    const auto reply = alice->request(document.object());
    QCOMPARE(outcome(reply), u"error:bad_request"_s);
    QVERIFY(!reply->value("message"_L1).toString().isEmpty());

    // The connection stays usable and nothing changed.
    const QString extra = nonePending({ alice }, u"group.updated"_s);
    QVERIFY2(extra.isEmpty(), qPrintable(extra));
    const auto after = groupList(*alice);
    QVERIFY(after);
    QCOMPARE(after->size(), before->size());
    for (const QJsonObject &group : *before)
        QCOMPARE(compact(findGroup(*after, group.value("id"_L1).toString())), compact(group));
}

QTEST_GUILESS_MAIN(TestGroups)
#include "tst_groups.moc"
