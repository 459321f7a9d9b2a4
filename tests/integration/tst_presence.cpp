// Placeholder: being written.
#include <QTest>

class TestPresence : public QObject
{
    Q_OBJECT
};

QTEST_GUILESS_MAIN(TestPresence)
#include "tst_presence.moc"
