// The app from end to end against a real confabd: signs in through the sign-in page, receives
// messages from two other users (WebSocket clients), sends one through the composer that the
// other side receives, shows the offline banner when the server goes and sends what was typed
// meanwhile once it is back, writes screenshots of the wide and the narrow layout (light and
// dark), and starts the real `confab` executable from the cache to measure its first frame.
//
// Screenshots go to $CONFAB_SCREENSHOT_DIR when set (docs/screenshots), else to the build dir.
#include "qml/Session.h"
#include "tests/support/Accounts.h"
#include "tests/support/Json.h"
#include "tests/support/WsClient.h"

#include <QDir>
#include <QImage>
#include <QJsonArray>
#include <QProcess>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QRegularExpression>
#include <QSet>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QtQml/qqmlextensionplugin.h>

Q_IMPORT_QML_PLUGIN(ConfabPlugin)

using namespace Qt::StringLiterals;
using namespace confab;
using namespace confab::test;
using confab::app::Session;

namespace {
constexpr int kTimeoutMs = 30'000;

quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

// Distinct colours in a coarse grid of the image: a blank or broken window has very few.
int colourVariety(const QImage &image)
{
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 7) {
        for (int x = 0; x < image.width(); x += 7)
            colours.insert(image.pixel(x, y));
    }
    return int(colours.size());
}
} // namespace

class TestAppEndToEnd : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void signInChatOfflineAndScreenshots();
    void startsFromTheCacheInstantly_data();
    void startsFromTheCacheInstantly();

private:
    QObject *find(const char *objectName) const;
    void send(WsClient &client, const QString &to, const QString &body);
    void screenshot(const QString &name, QSize size);

    quint16 m_port = freePort();
    ServerProcess m_server { { u"--listen"_s, u"127.0.0.1:%1"_s.arg(m_port) } };
    HttpClient m_http;
    TestDevice m_bob;
    TestDevice m_carol;
    QTemporaryDir m_data; // alice's app data, kept for the start-up measurement
    QString m_screenshotDir;
    std::unique_ptr<Session> m_session; // outlives the engine that shows it
    std::unique_ptr<QQmlApplicationEngine> m_engine;
    QQuickWindow *m_window = nullptr;
};

void TestAppEndToEnd::initTestCase()
{
    QVERIFY(m_data.isValid());
    QQuickStyle::setStyle(u"Material"_s); // as main.cpp does
    QVERIFY2(m_server.start(), qPrintable(m_server.errorString()));
    QCOMPARE(m_server.port(), m_port);
    m_bob = makeDevice(m_http, m_server, u"bob"_s, true, u"phone"_s);
    m_carol = makeDevice(m_http, m_server, u"carol"_s, true, u"laptop"_s);
    QVERIFY(m_bob.ok() && m_carol.ok());
    QVERIFY(makeDevice(m_http, m_server, u"alice"_s, true, u"old tablet"_s).ok());
    m_screenshotDir = qEnvironmentVariable(
        "CONFAB_SCREENSHOT_DIR", QCoreApplication::applicationDirPath() + u"/screenshots"_s);
    QVERIFY(QDir().mkpath(m_screenshotDir));
}

void TestAppEndToEnd::cleanupTestCase()
{
    m_engine.reset();
    m_session.reset();
    QCOMPARE(m_server.stop(), 0);
}

QObject *TestAppEndToEnd::find(const char *objectName) const
{
    return m_window ? m_window->findChild<QObject *>(QString::fromLatin1(objectName)) : nullptr;
}

void TestAppEndToEnd::send(WsClient &client, const QString &to, const QString &body)
{
    static int serial = 0;
    const auto sent = client.request({ { u"type"_s, u"send"_s },
                                       { u"client_id"_s, u"e2e-%1"_s.arg(++serial) },
                                       { u"to"_s, to },
                                       { u"body"_s, body } });
    QVERIFY(sent);
    QCOMPARE(sent->value("type"_L1).toString(), u"sent"_s);
}

void TestAppEndToEnd::screenshot(const QString &name, QSize size)
{
    m_window->resize(size);
    QTRY_COMPARE_WITH_TIMEOUT(m_window->size(), size, kTimeoutMs);
    // Let the layout, the list's delegates and the view's position settle.
    QTest::qWait(400);
    const QImage image = m_window->grabWindow();
    QCOMPARE(image.size() / image.devicePixelRatio(), size);
    QVERIFY2(colourVariety(image) > 40, qPrintable(name));
    QVERIFY(image.save(QDir(m_screenshotDir).filePath(name + u".png"_s)));
}

void TestAppEndToEnd::signInChatOfflineAndScreenshots()
{
    // Bob and Carol are online; Carol also makes a group with everyone.
    WsClient bob;
    WsClient carol;
    QVERIFY(bob.login(m_server.wsUrl(), m_bob.token));
    QVERIFY(carol.login(m_server.wsUrl(), m_carol.token));
    const auto group = carol.request({ { u"type"_s, u"group.create"_s },
                                       { u"name"_s, u"Weekend trip"_s },
                                       { u"members"_s, QJsonArray { u"alice"_s, u"bob"_s } } });
    QVERIFY(group);
    const QString groupConv =
        u"group:"_s + group->value("group"_L1).toObject().value("id"_L1).toString();
    QVERIFY2(groupConv != u"group:"_s, qPrintable(dump(*group)));
    send(carol, groupConv, u"I booked the cabin by the lake for Saturday night!"_s);
    send(bob, groupConv, u"Perfect. I'll bring the board games."_s);
    send(carol, u"user:alice"_s, u"Did you get the photos I sent?"_s);
    send(bob, u"user:alice"_s, u"Hey Alice! Are we still on for Saturday?"_s);
    send(bob, u"user:alice"_s, u"I can pick you up at 9 if that works."_s);

    // The app, signed out: the sign-in page.
    m_session = std::make_unique<Session>();
    Session &session = *m_session;
    session.setDataDir(m_data.path());
    session.restore();
    QTRY_COMPARE_WITH_TIMEOUT(session.phase(), Session::Phase::SignedOut, kTimeoutMs);
    m_engine = std::make_unique<QQmlApplicationEngine>();
    m_engine->addImportPath(u"qrc:/"_s);
    m_engine->setInitialProperties({ { u"session"_s, QVariant::fromValue(&session) } });
    m_engine->load(QUrl(u"qrc:/Confab/Main.qml"_s));
    QCOMPARE(m_engine->rootObjects().size(), 1);
    m_window = qobject_cast<QQuickWindow *>(m_engine->rootObjects().constFirst());
    QVERIFY(m_window);
    QTRY_VERIFY_WITH_TIMEOUT(find("loginPage"), kTimeoutMs);
    find("serverField")->setProperty("text", u"https://chat.example.org"_s);
    screenshot(u"narrow-signin-light"_s, QSize(390, 844));

    // A wrong password is said so, inline.
    find("serverField")->setProperty("text", m_server.httpUrl(QString()).toString());
    find("usernameField")->setProperty("text", u"alice"_s);
    find("passwordField")->setProperty("text", u"not the password"_s);
    find("deviceField")->setProperty("text", u"Work laptop"_s);
    QVERIFY(QMetaObject::invokeMethod(find("loginPage"), "submit"));
    QTRY_VERIFY_WITH_TIMEOUT(!find("loginError")->property("text").toString().isEmpty(),
                             kTimeoutMs);
    QCOMPARE(session.phase(), Session::Phase::SignedOut);
    QVERIFY(find("loginError")->property("visible").toBool());

    find("passwordField")->setProperty("text", kPassword);
    QVERIFY(QMetaObject::invokeMethod(find("loginPage"), "submit"));
    QTRY_COMPARE_WITH_TIMEOUT(session.phase(), Session::Phase::SignedIn, kTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(session.connection(), u"online"_s, kTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(find("conversationListView"), kTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(session.conversations()->rowCount(), 3, kTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(session.unreadTotal(), 5, kTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(m_window->title(), u"(5) Confab"_s, kTimeoutMs);

    // Bob and Carol as contacts (their presence shows); the group gets its name.
    session.contacts()->add(u"bob"_s);
    session.contacts()->add(u"carol"_s);
    QTRY_COMPARE_WITH_TIMEOUT(session.contacts()->rowCount(), 2, kTimeoutMs);
    carol.socket().close();

    // Open Bob's chat: his messages, the "new messages" line, his presence in the header.
    session.setCurrentConv(u"user:bob"_s);
    QTRY_COMPARE_WITH_TIMEOUT(session.messages()->rowCount(), 2, kTimeoutMs);
    // The line is before the first unread one, also after the older row came from the server.
    QTRY_COMPARE_WITH_TIMEOUT(
        session.newMarkerLocalId(),
        session.messages()->index(0).data(client::MessageListModel::LocalIdRole).toLongLong(),
        kTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(session.currentPeerStatus(), u"online"_s, kTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(find("chatSubtitle")->property("text").toString(), u"online"_s,
                              kTimeoutMs);
    // Read on screen: the unread count of the chat goes (the other two stay).
    QTRY_COMPARE_WITH_TIMEOUT(session.unreadTotal(), 3, kTimeoutMs);

    // Alice answers through the composer; Bob receives it.
    QObject *composer = find("composer");
    QVERIFY(composer);
    composer->setProperty("text", u"Yes! 9 is great, see you then."_s);
    QVERIFY(QMetaObject::invokeMethod(composer, "send"));
    QCOMPARE(composer->property("text").toString(), QString());
    const auto received = bob.waitFor([](const QJsonObject &frame) {
        return frame.value("type"_L1) == u"msg"_s
            && frame.value("message"_L1).toObject().value("body"_L1)
            == u"Yes! 9 is great, see you then."_s;
    });
    QVERIFY(received);
    QCOMPARE(received->value("message"_L1).toObject().value("from"_L1).toString(), u"alice"_s);

    // Bob answers; the app shows it in the open chat.
    send(bob, u"user:alice"_s,
         u"Great, I'll text you when I'm outside.\nBring a jacket, it gets cold by the lake."_s);
    QTRY_COMPARE_WITH_TIMEOUT(session.messages()->rowCount(), 4, kTimeoutMs);
    const QModelIndex last = session.messages()->index(3);
    QCOMPARE(last.data(client::MessageListModel::FromRole).toString(), u"bob"_s);
    QCOMPARE(last.data(client::MessageListModel::StateRole).toString(), u"sent"_s);

    // A message in a conversation that is not on screen: a notification.
    QObject *notifier = find("notifier");
    QVERIFY(notifier);
    const int shownBefore = notifier->property("shownCount").toInt();
    send(bob, groupConv, u"Who's bringing snacks?"_s);
    QTRY_COMPARE_WITH_TIMEOUT(notifier->property("shownCount").toInt(), shownBefore + 1,
                              kTimeoutMs);
    QCOMPARE(notifier->property("lastTitle").toString(), u"Weekend trip: bob"_s);

    screenshot(u"wide-light"_s, QSize(1200, 760));
    screenshot(u"narrow-light"_s, QSize(390, 844));
    session.setCurrentConv(groupConv);
    QTRY_COMPARE_WITH_TIMEOUT(session.messages()->rowCount(), 3, kTimeoutMs);
    QCOMPARE(session.currentMemberCount(), 3);
    QCOMPARE(find("chatSubtitle")->property("text").toString(), u"3 members"_s);
    session.setTheme(u"dark"_s);
    screenshot(u"wide-group-dark"_s, QSize(1200, 760));
    session.setCurrentConv(u"user:bob"_s);
    screenshot(u"narrow-dark"_s, QSize(390, 844));
    screenshot(u"wide-dark"_s, QSize(1200, 760));
    session.setTheme(u"system"_s);
    // Narrow: one page at a time; back shows the list.
    QVERIFY(QMetaObject::invokeMethod(find("chatBackButton"), "clicked"));
    QCOMPARE(session.currentConv(), QString());
    QTRY_VERIFY_WITH_TIMEOUT(find("conversationList")->property("visible").toBool(), kTimeoutMs);
    QVERIFY(!find("chatView")->property("visible").toBool());
    screenshot(u"narrow-list-light"_s, QSize(390, 844));
    session.setCurrentConv(u"user:bob"_s);
    m_window->resize(1200, 760);
    // Keyboard: Alt+Down and Alt+Up walk the list, Ctrl+N opens the new chat page and Ctrl+K the
    // quick switcher, Esc closes them.
    const QString open = session.currentConv();
    QTest::keyClick(m_window, Qt::Key_Down, Qt::AltModifier);
    QTRY_VERIFY_WITH_TIMEOUT(session.currentConv() != open, kTimeoutMs);
    QTest::keyClick(m_window, Qt::Key_Up, Qt::AltModifier);
    QTRY_COMPARE_WITH_TIMEOUT(session.currentConv(), open, kTimeoutMs);
    QTest::keyClick(m_window, Qt::Key_N, Qt::ControlModifier);
    QTRY_COMPARE_WITH_TIMEOUT(find("pages")->property("depth").toInt(), 1, kTimeoutMs);
    QCOMPARE(qvariant_cast<QObject *>(find("pages")->property("currentItem"))->objectName(),
             u"newChatPage"_s);
    QTest::keyClick(m_window, Qt::Key_Escape);
    QTRY_VERIFY_WITH_TIMEOUT(!find("pages")->property("visible").toBool(), kTimeoutMs);
    QTest::keyClick(m_window, Qt::Key_K, Qt::ControlModifier);
    QTRY_VERIFY_WITH_TIMEOUT(find("quickSwitcher")->property("opened").toBool(), kTimeoutMs);
    QTest::keyClick(m_window, Qt::Key_Escape);
    // Closed, and its closing transition over (a modal popup holds the keys until then).
    QTRY_VERIFY_WITH_TIMEOUT(!find("quickSwitcher")->property("visible").toBool(), kTimeoutMs);
    QCOMPARE(session.currentConv(), open);

    // The server goes: the banner says so within moments; what is typed meanwhile waits.
    m_server.kill();
    QTRY_COMPARE_WITH_TIMEOUT(session.connection(), u"offline"_s, 5000);
    QObject *banner = find("connectionBanner");
    QVERIFY(banner);
    QTRY_VERIFY_WITH_TIMEOUT(banner->property("shown").toBool(), 2000);
    QVERIFY(find("connectionBannerText")->property("text").toString().startsWith(u"Offline"_s));
    // Nobody's presence is known without the server: the header does not claim "online".
    QCOMPARE(find("chatSubtitle")->property("text").toString(), u"waiting for the network"_s);
    composer->setProperty("text", u"Typed while offline"_s);
    QVERIFY(QMetaObject::invokeMethod(composer, "send"));
    QTRY_COMPARE_WITH_TIMEOUT(session.messages()->rowCount(), 5, kTimeoutMs);
    QCOMPARE(session.messages()->index(4).data(client::MessageListModel::StateRole).toString(),
             u"pending"_s);
    screenshot(u"wide-offline"_s, QSize(1200, 760));

    // Back: the banner goes, the message is sent once, Bob gets it.
    QVERIFY2(m_server.start(), qPrintable(m_server.errorString()));
    QVERIFY(QMetaObject::invokeMethod(find("retryNowButton"), "clicked"));
    QTRY_COMPARE_WITH_TIMEOUT(session.connection(), u"online"_s, kTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(!banner->property("shown").toBool(), kTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(
        session.messages()->index(4).data(client::MessageListModel::StateRole).toString(),
        u"sent"_s, kTimeoutMs);
    WsClient bobAgain;
    QVERIFY(bobAgain.login(m_server.wsUrl(), m_bob.token));
    const auto history = bobAgain.request(
        { { u"type"_s, u"history"_s }, { u"conv"_s, u"user:alice"_s }, { u"limit"_s, 10 } });
    QVERIFY(history);
    int typedOffline = 0;
    for (const QJsonValue &message : history->value("messages"_L1).toArray()) {
        if (message.toObject().value("body"_L1) == u"Typed while offline"_s)
            ++typedOffline;
    }
    QCOMPARE(typedOffline, 1);

    m_engine.reset();
    m_window = nullptr;
    m_session.reset();
}

void TestAppEndToEnd::startsFromTheCacheInstantly_data()
{
    QTest::addColumn<bool>("serverUp");
    QTest::newRow("server up") << true;
    QTest::newRow("server down") << false;
}

void TestAppEndToEnd::startsFromTheCacheInstantly()
{
    QFETCH(bool, serverUp);
    if (!serverUp)
        m_server.stop();
    QProcess app;
    app.setProcessChannelMode(QProcess::MergedChannels);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"QT_QPA_PLATFORM"_s, u"offscreen"_s);
    env.insert(u"QT_LOGGING_RULES"_s, u"confab.app.startup=true"_s);
    app.setProcessEnvironment(env);
    app.start(QString::fromUtf8(CONFAB_APP_PATH),
              { u"--data-dir"_s, m_data.path(), u"--quit-after-first-frame"_s });
    QVERIFY(app.waitForFinished(kTimeoutMs));
    const QString output = QString::fromUtf8(app.readAll());
    QCOMPARE(app.exitCode(), 0);
    static const QRegularExpression firstFrame(u"first frame after (\\d+) ms \\(([^)]*)\\)"_s);
    const auto match = firstFrame.match(output);
    QVERIFY2(match.hasMatch(), qPrintable(output));
    QCOMPARE(match.captured(2), u"conversations from the cache"_s);
    qInfo("first frame after %s ms with the server %s", qPrintable(match.captured(1)),
          serverUp ? "up" : "down");
    if (!serverUp)
        QVERIFY(m_server.start());
}

QTEST_MAIN(TestAppEndToEnd)
#include "tst_app_e2e.moc"
