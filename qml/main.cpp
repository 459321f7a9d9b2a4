// The confab executable: parses the command line, creates the Session and loads the QML module.
//   confab [--data-dir DIR] [--server URL] [--size WxH] [--screenshot FILE]
//   [--quit-after-first-frame]
// The time from the start of main() to the first frame is logged (confab.app.startup).
#include "qml/Session.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QIcon>
#include <QLoggingCategory>
#include <QQmlApplicationEngine>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QStandardPaths>
#include <QTimer>
#include <QtQml/qqmlextensionplugin.h>

Q_IMPORT_QML_PLUGIN(ConfabPlugin)

Q_LOGGING_CATEGORY(lcAppStartup, "confab.app.startup")

using namespace Qt::StringLiterals;

int main(int argc, char *argv[])
{
    QElapsedTimer sinceStart;
    sinceStart.start();

    QApplication app(argc, argv);
    QApplication::setApplicationName(u"confab"_s);
    QApplication::setOrganizationName(u"Confab"_s);
    QApplication::setApplicationVersion(QStringLiteral(CONFAB_VERSION));
    QApplication::setDesktopFileName(u"org.confab.Confab"_s);
    QApplication::setWindowIcon(QIcon(u":/Confab/icons/confab.svg"_s));
    QQuickStyle::setStyle(u"Material"_s);

    QCommandLineParser parser;
    parser.setApplicationDescription(u"Confab chat client"_s);
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption dataDir(u"data-dir"_s, u"Where the account and its cache live."_s,
                                     u"dir"_s);
    const QCommandLineOption server(u"server"_s, u"Server URL to offer on the sign-in page."_s,
                                    u"url"_s);
    const QCommandLineOption size(u"size"_s, u"Window size, e.g. 390x844."_s, u"WxH"_s);
    const QCommandLineOption screenshot(u"screenshot"_s,
                                        u"Save the window to a PNG after the first frame and "
                                        "quit."_s,
                                        u"file"_s);
    const QCommandLineOption quitAfterFirstFrame(u"quit-after-first-frame"_s,
                                                 u"Quit once the first frame is shown."_s);
    parser.addOptions({ dataDir, server, size, screenshot, quitAfterFirstFrame });
    parser.process(app);

    const QString dir = parser.isSet(dataDir)
        ? parser.value(dataDir)
        : QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);

    confab::app::Session session;
    session.setDataDir(dir);
    session.restore();

    QQmlApplicationEngine engine;
    engine.addImportPath(u"qrc:/"_s);
    engine.setInitialProperties({
        { u"session"_s, QVariant::fromValue(&session) },
        { u"defaultServer"_s, parser.value(server) },
    });
    engine.load(QUrl(u"qrc:/Confab/Main.qml"_s));
    if (engine.rootObjects().isEmpty())
        return 1;
    auto *window = qobject_cast<QQuickWindow *>(engine.rootObjects().constFirst());
    if (!window)
        return 1;
    if (parser.isSet(size)) {
        const QStringList wh = parser.value(size).split(u'x');
        if (wh.size() == 2)
            window->resize(wh.at(0).toInt(), wh.at(1).toInt());
    }

    const QString screenshotFile = parser.value(screenshot);
    const bool quitEarly = parser.isSet(quitAfterFirstFrame);
    QObject::connect(
        window, &QQuickWindow::frameSwapped, &app,
        [&, window] {
            static bool first = true;
            if (!first)
                return;
            first = false;
            qCInfo(lcAppStartup, "first frame after %lld ms (%s)", sinceStart.elapsed(),
                   session.phase() == confab::app::Session::Phase::SignedIn
                       ? "conversations from the cache"
                       : "sign-in page");
            if (!screenshotFile.isEmpty()) {
                // Let the cache's rows and the layout settle for a moment, then grab.
                QTimer::singleShot(500, window, [window, screenshotFile] {
                    window->grabWindow().save(screenshotFile);
                    QCoreApplication::quit();
                });
            } else if (quitEarly) {
                QTimer::singleShot(0, &app, &QCoreApplication::quit);
            }
        },
        Qt::QueuedConnection);
    return app.exec();
}
