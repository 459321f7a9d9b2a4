// Placeholder: being written.
#include <QTest>

class TestHttpapi : public QObject
{
    Q_OBJECT
};

QTEST_GUILESS_MAIN(TestHttpapi)
#include "tst_httpapi.moc"
