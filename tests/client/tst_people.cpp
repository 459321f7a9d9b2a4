// Contacts, presence and groups through the client library, against a real confabd.
#include "client/Account.h"
#include "client/models/ContactListModel.h"
#include "client/models/ConversationListModel.h"
#include "client/models/GroupMemberModel.h"
#include "tests/support/Accounts.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace confab;
using namespace confab::client;
using namespace confab::test;

namespace {
constexpr int kTimeoutMs = 20'000;

// Waits for a callback's result.
template<typename T>
std::optional<Result<T>> await(std::function<void(std::function<void(Result<T>)>)> call)
{
    std::optional<Result<T>> result;
    call([&](Result<T> r) { result.emplace(std::move(r)); });
    if (!QTest::qWaitFor([&] { return result.has_value(); }, kTimeoutMs))
        return std::nullopt;
    return result;
}
} // namespace

class TestPeople : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void contactsAndPresence();
    void groupsFollowTheServer();
    void contactListModel();
    void groupMemberModel();
    void conversationShowsPeerPresence();

private:
    std::unique_ptr<Account> signIn(const QString &username);

    ServerProcess m_server { { u"--presence-grace"_s, u"0.2"_s } };
    HttpClient m_http;
    QTemporaryDir m_dir;
};

void TestPeople::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY2(m_server.start(), qPrintable(m_server.errorString()));
}

void TestPeople::cleanupTestCase()
{
    QCOMPARE(m_server.stop(), 0);
}

std::unique_ptr<Account> TestPeople::signIn(const QString &username)
{
    auto account = std::make_unique<Account>(m_dir.filePath(username));
    account->keyring().setKeychainEnabled(false);
    account->signIn(m_server.httpUrl(QString()), username, kPassword, u"test"_s, true);
    if (!QTest::qWaitFor([&] { return account->connection().state() == Connection::State::Online; },
                         kTimeoutMs)) {
        return nullptr;
    }
    return account;
}

void TestPeople::contactsAndPresence()
{
    auto ivy = signIn(u"ivy"_s);
    QVERIFY(ivy);
    QVERIFY(makeDevice(m_http, m_server, u"jack"_s).ok());
    QSignalSpy changed(ivy->contacts(), &Contacts::contactsChanged);
    const auto added = await<Done>([&](auto done) { ivy->contacts()->add(u"Jack"_s, done); });
    QVERIFY(added && added->ok());
    QTRY_COMPARE_WITH_TIMEOUT(ivy->contacts()->list().size(), 1, kTimeoutMs);
    QCOMPARE(ivy->contacts()->list().first().presence.username, u"jack"_s);
    QCOMPARE(ivy->contacts()->list().first().presence.status, PresenceStatus::Offline);
    const auto unknown = await<Done>([&](auto done) { ivy->contacts()->add(u"nobody_x"_s, done); });
    QVERIFY(unknown && !unknown->ok());
    QCOMPARE(unknown->error().code, ErrorCode::NotFound);

    // Jack comes online: the presence event reaches ivy's cache.
    QSignalSpy presence(ivy->contacts(), &Contacts::presenceChanged);
    {
        auto jack = std::make_unique<Account>(m_dir.filePath(u"jack"_s));
        jack->keyring().setKeychainEnabled(false);
        jack->signIn(m_server.httpUrl(QString()), u"jack"_s, kPassword, u"phone"_s);
        QTRY_COMPARE_WITH_TIMEOUT(ivy->contacts()->list().first().presence.status,
                                  PresenceStatus::Online, kTimeoutMs);
    }
    // Gone (and the short grace over): offline, with the time of last activity.
    QTRY_COMPARE_WITH_TIMEOUT(ivy->contacts()->list().first().presence.status,
                              PresenceStatus::Offline, kTimeoutMs);
    QVERIFY(ivy->contacts()->list().first().presence.lastActiveAt > 0);
    QVERIFY(presence.size() >= 2);

    const auto queried = await<QList<PresenceInfo>>([&](auto done) {
        ivy->contacts()->query({ u"jack"_s, u"stranger_y"_s }, done);
    });
    QVERIFY(queried && queried->ok());
    QCOMPARE(queried->value().size(), 2);
    QCOMPARE(queried->value().at(0).status, PresenceStatus::Offline);
    QCOMPARE(queried->value().at(1).status, PresenceStatus::Unknown);

    const auto removed = await<Done>([&](auto done) { ivy->contacts()->remove(u"jack"_s, done); });
    QVERIFY(removed && removed->ok());
    QTRY_VERIFY_WITH_TIMEOUT(ivy->contacts()->list().isEmpty(), kTimeoutMs);
}

void TestPeople::groupsFollowTheServer()
{
    auto kim = signIn(u"kim"_s);
    auto leo = signIn(u"leo"_s);
    QVERIFY(kim && leo);
    const auto created = await<GroupInfo>(
        [&](auto done) { kim->groups()->create(u"Climbing"_s, { u"leo"_s }, done); });
    QVERIFY(created && created->ok());
    const qint64 id = created->value().id;
    QCOMPARE(created->value().members, (QStringList { u"kim"_s, u"leo"_s }));
    // Leo learns of it through group.updated, without asking.
    QTRY_VERIFY_WITH_TIMEOUT(leo->groups()->group(id).has_value(), kTimeoutMs);

    const auto renamed =
        await<GroupInfo>([&](auto done) { leo->groups()->rename(id, u"Bouldering"_s, done); });
    QVERIFY(renamed && renamed->ok());
    QTRY_COMPARE_WITH_TIMEOUT(kim->groups()->group(id)->name, u"Bouldering"_s, kTimeoutMs);

    const auto forbidden =
        await<GroupInfo>([&](auto done) { leo->groups()->add(id, { u"ivy"_s }, done); });
    QVERIFY(forbidden && !forbidden->ok());
    QCOMPARE(forbidden->error().code, ErrorCode::Forbidden);

    // A post reaches the other member's cache as a group conversation.
    QVERIFY(kim->outbox()->send(u"group:%1"_s.arg(id), u"Saturday?"_s));
    QTRY_VERIFY_WITH_TIMEOUT(
        !leo->cache()->messages(u"group:%1"_s.arg(id), std::nullopt, 10).isEmpty(), kTimeoutMs);

    const auto left = await<Done>([&](auto done) { leo->groups()->leave(id, done); });
    QVERIFY(left && left->ok());
    QVERIFY(!leo->groups()->group(id));
    QTRY_COMPARE_WITH_TIMEOUT(kim->groups()->group(id)->members, QStringList { u"kim"_s },
                              kTimeoutMs);
    // The history stays with the one who left.
    QVERIFY(!leo->cache()->messages(u"group:%1"_s.arg(id), std::nullopt, 10).isEmpty());
}

void TestPeople::contactListModel()
{
    auto mia = signIn(u"mia"_s);
    QVERIFY(mia);
    QVERIFY(makeDevice(m_http, m_server, u"ned"_s).ok());
    ContactListModel model(*mia->contacts());
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 0);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    model.add(u"ned"_s);
    QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 1, kTimeoutMs);
    QCOMPARE(inserted.size(), 1);
    const QModelIndex ned = model.index(0);
    QCOMPARE(ned.data(ContactListModel::UsernameRole).toString(), u"ned"_s);
    QCOMPARE(ned.data(ContactListModel::StatusRole).toString(), u"offline"_s);
    QCOMPARE(ned.data(ContactListModel::OnlineRole).toBool(), false);

    // Ned comes online: his row changes in place, only its presence roles.
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    Account nedAccount(m_dir.filePath(u"ned"_s));
    nedAccount.keyring().setKeychainEnabled(false);
    nedAccount.signIn(m_server.httpUrl(QString()), u"ned"_s, kPassword, u"phone"_s);
    QTRY_VERIFY_WITH_TIMEOUT(model.index(0).data(ContactListModel::OnlineRole).toBool(),
                             kTimeoutMs);
    QVERIFY(!changed.isEmpty());
    const auto roles = changed.last().at(2).value<QList<int>>();
    QVERIFY(roles.contains(ContactListModel::StatusRole));
    QVERIFY(!roles.contains(ContactListModel::UsernameRole));
    QCOMPARE(model.rowCount(), 1);

    QSignalSpy failed(&model, &ContactListModel::failed);
    model.add(u"nobody_z"_s);
    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, kTimeoutMs);
    QVERIFY(!failed.first().at(0).toString().isEmpty());

    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    model.remove(u"ned"_s);
    QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 0, kTimeoutMs);
    QCOMPARE(removed.size(), 1);
}

void TestPeople::groupMemberModel()
{
    auto oli = signIn(u"oli"_s);
    auto pia = signIn(u"pia"_s);
    QVERIFY(oli && pia);
    QVERIFY(makeDevice(m_http, m_server, u"quinn"_s).ok()); // never connects
    const auto created = await<GroupInfo>([&](auto done) {
        oli->groups()->create(u"Band"_s, { u"pia"_s, u"quinn"_s }, done);
    });
    QVERIFY(created && created->ok());

    GroupMemberModel model(*oli->groups(), *oli->contacts());
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setGroup(QString::number(created->value().id));
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.name(), u"Band"_s);
    QCOMPARE(model.owner(), u"oli"_s);
    QCOMPARE(model.index(0).data(GroupMemberModel::IsOwnerRole).toBool(), true);
    // Presence is fetched on demand: pia is online, quinn never was.
    QTRY_COMPARE_WITH_TIMEOUT(model.index(1).data(GroupMemberModel::StatusRole).toString(),
                              u"online"_s, kTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(model.index(2).data(GroupMemberModel::StatusRole).toString(),
                              u"offline"_s, kTimeoutMs);
    QCOMPARE(model.index(2).data(GroupMemberModel::LastActiveAtRole).toLongLong(), 0);

    // Pia leaves: her row goes, the others stay.
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    const auto left =
        await<Done>([&](auto done) { pia->groups()->leave(created->value().id, done); });
    QVERIFY(left && left->ok());
    QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 2, kTimeoutMs);
    QCOMPARE(removed.size(), 1);
    QCOMPARE(model.index(1).data(GroupMemberModel::UsernameRole).toString(), u"quinn"_s);
}

void TestPeople::conversationShowsPeerPresence()
{
    auto rita = signIn(u"rita"_s);
    QVERIFY(rita);
    QVERIFY(makeDevice(m_http, m_server, u"sam"_s).ok());
    const auto added = await<Done>([&](auto done) { rita->contacts()->add(u"sam"_s, done); });
    QVERIFY(added && added->ok());
    QVERIFY(rita->outbox()->send(u"user:sam"_s, u"there?"_s));

    ConversationListModel model(*rita->cache(), *rita->sync(), *rita->outbox(), u"rita"_s);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setContacts(rita->contacts());
    QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 1, kTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(model.index(0).data(ConversationListModel::PeerStatusRole).toString(),
                              u"offline"_s, kTimeoutMs);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    Account sam(m_dir.filePath(u"sam"_s));
    sam.keyring().setKeychainEnabled(false);
    sam.signIn(m_server.httpUrl(QString()), u"sam"_s, kPassword, u"phone"_s);
    QTRY_COMPARE_WITH_TIMEOUT(model.index(0).data(ConversationListModel::PeerStatusRole).toString(),
                              u"online"_s, kTimeoutMs);
    bool presenceRole = false;
    for (const auto &signal : std::as_const(changed))
        presenceRole |=
            signal.at(2).value<QList<int>>().contains(ConversationListModel::PeerStatusRole);
    QVERIFY(presenceRole);
}

QTEST_GUILESS_MAIN(TestPeople)
#include "tst_people.moc"
