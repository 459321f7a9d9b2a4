#include "server/EpollDispatcher.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QSocketNotifier>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

namespace confab {

namespace {
constexpr int kBatch = 256;

qint64 nowNs()
{
    return QDeadlineTimer::current(Qt::PreciseTimer).deadlineNSecs();
}
} // namespace

EpollDispatcher::EpollDispatcher(QObject *parent)
    : QAbstractEventDispatcher(parent)
    , m_epoll(::epoll_create1(EPOLL_CLOEXEC))
    , m_wake(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK))
{
    if (m_epoll < 0 || m_wake < 0)
        qFatal("epoll or eventfd unavailable: %s", strerror(errno));
    epoll_event event {};
    event.events = EPOLLIN;
    event.data.fd = m_wake;
    ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_wake, &event);
}

EpollDispatcher::~EpollDispatcher()
{
    ::close(m_wake);
    ::close(m_epoll);
}

bool EpollDispatcher::processEvents(QEventLoop::ProcessEventsFlags flags)
{
    m_interrupted = false;
    Q_EMIT awake();
    QCoreApplication::sendPostedEvents();

    const bool mayWait = flags.testFlag(QEventLoop::WaitForMoreEvents);
    int timeout = 0;
    if (mayWait && !m_interrupted) {
        Q_EMIT aboutToBlock();
        timeout = waitMs();
    }
    epoll_event events[kBatch];
    int ready = ::epoll_wait(m_epoll, events, kBatch, timeout);
    if (ready < 0)
        ready = 0; // EINTR: go round again
    if (timeout != 0)
        Q_EMIT awake();

    int handled = 0;
    for (int i = 0; i < ready; ++i) {
        const int fd = events[i].data.fd;
        if (fd == m_wake) {
            // Drain first, then allow the next write: a wakeUp() in between skips its write, but
            // its event was posted before, and the next sendPostedEvents() comes after this. The
            // other order could leave the flag set with the eventfd empty: a lost wake-up.
            eventfd_t count;
            ::eventfd_read(m_wake, &count);
            m_wakePending = false;
            continue;
        }
        if (!flags.testFlag(QEventLoop::ExcludeSocketNotifiers)
            && dispatchSocket(fd, events[i].events))
            ++handled;
    }
    if (!flags.testFlag(QEventLoop::X11ExcludeTimers))
        handled += activateTimers();
    return handled > 0;
}

bool EpollDispatcher::dispatchSocket(int fd, quint32 events)
{
    // A notifier may go away while another one of the same descriptor is being served: look
    // each one up again right before its event.
    const auto deliver = [this, fd](QSocketNotifier *Watch::*slot) {
        const auto it = m_watches.constFind(fd);
        if (it == m_watches.constEnd())
            return false;
        QSocketNotifier *notifier = (*it).*slot;
        if (!notifier)
            return false;
        QEvent event(QEvent::SockAct);
        QCoreApplication::sendEvent(notifier, &event);
        return true;
    };
    bool any = false;
    if (events & (EPOLLIN | EPOLLHUP | EPOLLERR | EPOLLRDHUP))
        any |= deliver(&Watch::read);
    if (events & (EPOLLOUT | EPOLLHUP | EPOLLERR))
        any |= deliver(&Watch::write);
    if (events & EPOLLPRI)
        any |= deliver(&Watch::exception);
    return any;
}

void EpollDispatcher::updateWatch(int fd)
{
    const auto it = m_watches.constFind(fd);
    quint32 mask = 0;
    if (it != m_watches.constEnd()) {
        if (it->read)
            mask |= EPOLLIN | EPOLLRDHUP;
        if (it->write)
            mask |= EPOLLOUT;
        if (it->exception)
            mask |= EPOLLPRI;
    }
    if (mask == 0) {
        m_watches.remove(fd);
        ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, fd, nullptr); // the descriptor may be closed already
        return;
    }
    epoll_event event {};
    event.events = mask;
    event.data.fd = fd;
    if (::epoll_ctl(m_epoll, EPOLL_CTL_MOD, fd, &event) != 0 && errno == ENOENT)
        ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &event);
}

void EpollDispatcher::registerSocketNotifier(QSocketNotifier *notifier)
{
    const int fd = int(notifier->socket());
    Watch &watch = m_watches[fd];
    switch (notifier->type()) {
    case QSocketNotifier::Read:
        watch.read = notifier;
        break;
    case QSocketNotifier::Write:
        watch.write = notifier;
        break;
    case QSocketNotifier::Exception:
        watch.exception = notifier;
        break;
    }
    updateWatch(fd);
}

void EpollDispatcher::unregisterSocketNotifier(QSocketNotifier *notifier)
{
    const int fd = int(notifier->socket());
    const auto it = m_watches.find(fd);
    if (it == m_watches.end())
        return;
    for (QSocketNotifier *Watch::*slot : { &Watch::read, &Watch::write, &Watch::exception }) {
        if ((*it).*slot == notifier)
            (*it).*slot = nullptr;
    }
    updateWatch(fd);
}

void EpollDispatcher::registerTimer(int timerId, qint64 interval, Qt::TimerType timerType,
                                    QObject *object)
{
    m_timers.append(
        Timer { timerId, interval, timerType, object, nowNs() + interval * 1'000'000, false });
}

bool EpollDispatcher::unregisterTimer(int timerId)
{
    return m_timers.removeIf([timerId](const Timer &timer) { return timer.id == timerId; }) > 0;
}

bool EpollDispatcher::unregisterTimers(QObject *object)
{
    return m_timers.removeIf([object](const Timer &timer) { return timer.object == object; }) > 0;
}

QList<QAbstractEventDispatcher::TimerInfo> EpollDispatcher::registeredTimers(QObject *object) const
{
    QList<TimerInfo> timers;
    for (const Timer &timer : m_timers) {
        if (timer.object == object)
            timers.append(TimerInfo(timer.id, int(timer.interval), timer.type));
    }
    return timers;
}

int EpollDispatcher::remainingTime(int timerId)
{
    for (const Timer &timer : std::as_const(m_timers)) {
        if (timer.id == timerId)
            return int(qMax<qint64>(0, (timer.deadline - nowNs()) / 1'000'000));
    }
    return -1;
}

int EpollDispatcher::waitMs() const
{
    qint64 earliest = LLONG_MAX;
    for (const Timer &timer : m_timers) {
        if (!timer.firing)
            earliest = qMin(earliest, timer.deadline);
    }
    if (earliest == LLONG_MAX)
        return -1;
    // Round up: waking a little late is better than spinning until the deadline.
    return int(qBound(qint64(0), (earliest - nowNs() + 999'999) / 1'000'000, qint64(INT_MAX)));
}

int EpollDispatcher::activateTimers()
{
    int fired = 0;
    const qint64 now = nowNs();
    QList<int> due;
    for (const Timer &timer : std::as_const(m_timers)) {
        if (!timer.firing && timer.deadline <= now)
            due.append(timer.id);
    }
    for (int id : std::as_const(due)) {
        // Earlier timer events may have killed or restarted this one.
        auto find = [this, id] {
            return std::find_if(m_timers.begin(), m_timers.end(),
                                [id](const Timer &timer) { return timer.id == id; });
        };
        auto it = find();
        if (it == m_timers.end() || it->firing || it->deadline > now)
            continue;
        it->deadline += it->interval * 1'000'000;
        if (it->deadline <= now) // fell behind: skip the missed runs
            it->deadline = now + it->interval * 1'000'000;
        it->firing = true;
        QObject *object = it->object;
        QTimerEvent event(id);
        QCoreApplication::sendEvent(object, &event);
        ++fired;
        it = find();
        if (it != m_timers.end())
            it->firing = false;
    }
    return fired;
}

void EpollDispatcher::wakeUp()
{
    if (!m_wakePending.exchange(true))
        ::eventfd_write(m_wake, 1);
}

void EpollDispatcher::interrupt()
{
    m_interrupted = true;
    wakeUp();
}

} // namespace confab
