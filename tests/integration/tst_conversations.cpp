// Placeholder: being written.
#include <QTest>

class TestConversations : public QObject
{
    Q_OBJECT
};

QTEST_GUILESS_MAIN(TestConversations)
#include "tst_conversations.moc"
