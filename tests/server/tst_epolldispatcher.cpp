// EpollDispatcher on a real thread: timers, events posted from other threads (no lost wake-up),
// and socket notifiers over a real TCP connection.
#include "server/EpollDispatcher.h"

#include <QDeadlineTimer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <atomic>
#include <memory>

using namespace Qt::StringLiterals;

class TestEpollDispatcher : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        m_thread = std::make_unique<QThread>();
        m_thread->setEventDispatcher(new confab::EpollDispatcher);
        m_context = new QObject;
        m_context->moveToThread(m_thread.get());
        m_thread->start();
    }

    void cleanup()
    {
        onThread([this] { qDeleteAll(m_context->children()); });
        m_thread->quit();
        QVERIFY(m_thread->wait(10'000));
        delete m_context;
        m_thread.reset();
    }

    void runsOnEpoll()
    {
        QVERIFY(qobject_cast<confab::EpollDispatcher *>(m_thread->eventDispatcher()));
    }

    void timersFireAndStop()
    {
        std::atomic<int> repeated { 0 };
        std::atomic<int> once { 0 };
        QTimer *repeating = nullptr;
        onThread([&] {
            repeating = new QTimer(m_context);
            connect(repeating, &QTimer::timeout, repeating, [&] { ++repeated; });
            repeating->start(5);
            auto *single = new QTimer(m_context);
            single->setSingleShot(true);
            connect(single, &QTimer::timeout, single, [&] { ++once; });
            single->start(20);
        });
        QTRY_VERIFY_WITH_TIMEOUT(repeated >= 5, 10'000);
        QTRY_COMPARE_WITH_TIMEOUT(once.load(), 1, 10'000);
        onThread([&] { repeating->stop(); });
        const int stoppedAt = repeated;
        // A single shot after the repeating one proves time passed without it firing again.
        std::atomic<bool> later { false };
        onThread([&] { QTimer::singleShot(50, m_context, [&] { later = true; }); });
        QTRY_VERIFY_WITH_TIMEOUT(later.load(), 10'000);
        QCOMPARE(repeated.load(), stoppedAt);
        QCOMPARE(once.load(), 1);
    }

    void postedEventsAlwaysWakeTheLoop()
    {
        // No timer runs on the thread: after a lost wake-up the loop would sleep forever with
        // events waiting. Posts come in bursts, so that they meet the loop both asleep and busy
        // consuming an earlier wake-up.
        std::atomic<int> handled { 0 };
        int posted = 0;
        for (int burst = 0; burst < 20'000; ++burst) {
            for (int i = 0; i <= burst % 4; ++i, ++posted)
                QMetaObject::invokeMethod(
                    m_context, [&] { ++handled; }, Qt::QueuedConnection);
            if (burst % 64 == 0) {
                const QDeadlineTimer idle(10'000);
                while (handled != posted && !idle.hasExpired())
                    QThread::yieldCurrentThread();
                QCOMPARE(handled.load(), posted);
            }
        }
        const QDeadlineTimer deadline(10'000);
        while (handled != posted && !deadline.hasExpired())
            QThread::yieldCurrentThread();
        QCOMPARE(handled.load(), posted);
    }

    void socketsReadWriteAndClose()
    {
        QTcpServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        QByteArray received;
        std::atomic<bool> gotEcho { false };
        std::atomic<bool> closed { false };
        onThread([&] {
            auto *socket = new QTcpSocket(m_context);
            connect(socket, &QTcpSocket::connected, socket, [socket] { socket->write("ping"); });
            connect(socket, &QTcpSocket::readyRead, socket, [&, socket] {
                received += socket->readAll();
                if (received == "pong")
                    gotEcho = true;
            });
            connect(socket, &QTcpSocket::disconnected, socket, [&] { closed = true; });
            socket->connectToHost(QHostAddress::LocalHost, server.serverPort());
        });
        QTRY_VERIFY_WITH_TIMEOUT(server.hasPendingConnections(), 10'000);
        std::unique_ptr<QTcpSocket> peer(server.nextPendingConnection());
        QTRY_COMPARE_WITH_TIMEOUT(peer->bytesAvailable(), qint64(4), 10'000);
        QCOMPARE(peer->readAll(), "ping"_ba);
        peer->write("pong");
        QTRY_VERIFY_WITH_TIMEOUT(gotEcho.load(), 10'000);
        peer->disconnectFromHost();
        QTRY_VERIFY_WITH_TIMEOUT(closed.load(), 10'000);
    }

private:
    void onThread(const std::function<void()> &work)
    {
        QMetaObject::invokeMethod(m_context, work, Qt::BlockingQueuedConnection);
    }

    std::unique_ptr<QThread> m_thread;
    QObject *m_context = nullptr;
};

QTEST_GUILESS_MAIN(TestEpollDispatcher)
#include "tst_epolldispatcher.moc"
