// Qt Quick Test runner for the app's components and pages (tests/qml/tst_*.qml). The QML tests
// see `testEnv`: a scratch directory for caches and a real confabd's URL.
#include "tests/support/ServerProcess.h"

#include <QQmlContext>
#include <QQmlEngine>
#include <QTemporaryDir>
#include <QtQml/qqmlextensionplugin.h>
#include <QtQuickTest>

Q_IMPORT_QML_PLUGIN(ConfabPlugin)

using namespace Qt::StringLiterals;

class TestEnvironment : public QObject
{
    Q_OBJECT
    Q_PROPERTY(QString serverUrl READ serverUrl CONSTANT)
public:
    QString serverUrl() const { return m_server.httpUrl(QString()).toString(); }
    // A fresh directory for one Session's data.
    Q_INVOKABLE QString newDataDir()
    {
        const QString path = m_scratch.filePath(QString::number(++m_dirs));
        QDir().mkpath(path);
        return path;
    }

public Q_SLOTS:
    void applicationAvailable()
    {
        if (!m_server.start())
            qFatal("confabd: %s", qPrintable(m_server.errorString()));
    }
    void qmlEngineAvailable(QQmlEngine *engine)
    {
        engine->addImportPath(u"qrc:/"_s);
        engine->rootContext()->setContextProperty(u"testEnv"_s, this);
    }
    void cleanupTestCase() { m_server.stop(); }

private:
    confab::test::ServerProcess m_server;
    QTemporaryDir m_scratch;
    int m_dirs = 0;
};

QUICK_TEST_MAIN_WITH_SETUP(confab_qml, TestEnvironment)

#include "tst_qml.moc"
