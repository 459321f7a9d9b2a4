// An event dispatcher on Linux epoll for the worker threads. Qt's own dispatchers (GLib and
// poll()) hand the kernel every socket of the thread on each wake-up, so a worker holding 10,000
// idle connections spends most of its time in poll() whatever little is happening; with epoll a
// wake-up costs what is ready, not what is open. Timers are few (one sweep timer per worker) and
// kept in a plain list.
#pragma once

#include <QAbstractEventDispatcher>
#include <QHash>
#include <QList>

#include <atomic>

class QSocketNotifier;

namespace confab {

class EpollDispatcher final : public QAbstractEventDispatcher
{
    Q_OBJECT
public:
    explicit EpollDispatcher(QObject *parent = nullptr);
    ~EpollDispatcher() override;

    bool processEvents(QEventLoop::ProcessEventsFlags flags) override;

    void registerSocketNotifier(QSocketNotifier *notifier) override;
    void unregisterSocketNotifier(QSocketNotifier *notifier) override;

    void registerTimer(int timerId, qint64 interval, Qt::TimerType timerType,
                       QObject *object) override;
    bool unregisterTimer(int timerId) override;
    bool unregisterTimers(QObject *object) override;
    QList<TimerInfo> registeredTimers(QObject *object) const override;
    int remainingTime(int timerId) override;

    void wakeUp() override;
    void interrupt() override;

private:
    struct Watch
    {
        QSocketNotifier *read = nullptr;
        QSocketNotifier *write = nullptr;
        QSocketNotifier *exception = nullptr;
    };
    struct Timer
    {
        int id = 0;
        qint64 interval = 0; // ms
        Qt::TimerType type = Qt::CoarseTimer;
        QObject *object = nullptr;
        qint64 deadline = 0; // ns on the steady clock
        bool firing = false; // its event is being delivered: no recursion
    };

    void updateWatch(int fd);
    bool dispatchSocket(int fd, quint32 events);
    int activateTimers();
    int waitMs() const;

    int m_epoll = -1;
    int m_wake = -1; // eventfd: wakeUp() from any thread
    std::atomic<bool> m_wakePending { false };
    std::atomic<bool> m_interrupted { false };
    QHash<int, Watch> m_watches;
    QList<Timer> m_timers;
};

} // namespace confab
