// Placeholder: being written.
#include <QTest>

class TestGroups : public QObject
{
    Q_OBJECT
};

QTEST_GUILESS_MAIN(TestGroups)
#include "tst_groups.moc"
