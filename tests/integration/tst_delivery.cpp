// Placeholder: being written.
#include <QTest>

class TestDelivery : public QObject
{
    Q_OBJECT
};

QTEST_GUILESS_MAIN(TestDelivery)
#include "tst_delivery.moc"
