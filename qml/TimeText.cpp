#include "qml/TimeText.h"

#include <QDateTime>
#include <QLocale>

namespace confab::app {

using namespace Qt::StringLiterals;

namespace {
QDateTime localTime(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms).toLocalTime();
}
} // namespace

QString TimeText::time(qint64 ms)
{
    if (ms <= 0)
        return {};
    // Hours and minutes, in the locale's order and clock (some short formats carry seconds).
    const QLocale locale;
    QString format = locale.timeFormat(QLocale::ShortFormat);
    format.remove(u":ss"_s).remove(u".ss"_s);
    return locale.toString(localTime(ms).time(), format);
}

QString TimeText::day(qint64 ms)
{
    return day(ms, QDateTime::currentDateTime());
}

QString TimeText::day(qint64 ms, const QDateTime &now)
{
    if (ms <= 0)
        return {};
    const QDate date = localTime(ms).date();
    const qint64 daysAgo = date.daysTo(now.date());
    if (daysAgo == 0)
        return u"Today"_s;
    if (daysAgo == 1)
        return u"Yesterday"_s;
    const QLocale locale;
    if (daysAgo > 1 && daysAgo < 7)
        return locale.dayName(date.dayOfWeek(), QLocale::LongFormat);
    if (date.year() == now.date().year())
        return locale.toString(date, u"d MMMM"_s);
    return locale.toString(date, u"d MMMM yyyy"_s);
}

QString TimeText::brief(qint64 ms)
{
    if (ms <= 0)
        return {};
    const QDateTime when = localTime(ms);
    const QDate today = QDate::currentDate();
    const qint64 daysAgo = when.date().daysTo(today);
    const QLocale locale;
    if (daysAgo == 0)
        return time(ms);
    if (daysAgo > 0 && daysAgo < 7)
        return locale.dayName(when.date().dayOfWeek(), QLocale::ShortFormat);
    return locale.toString(when.date(), QLocale::ShortFormat);
}

QString TimeText::lastSeen(const QString &status, qint64 ms)
{
    return lastSeen(status, ms, QDateTime::currentDateTime());
}

QString TimeText::lastSeen(const QString &status, qint64 ms, const QDateTime &now)
{
    if (status == u"online")
        return u"online"_s;
    if (ms <= 0)
        return {};
    const qint64 minutes = localTime(ms).secsTo(now) / 60;
    if (minutes < 1)
        return u"last seen just now"_s;
    if (minutes < 60)
        return u"last seen %1 min ago"_s.arg(minutes);
    const QString day = TimeText::day(ms, now);
    if (day == u"Today" || day == u"Yesterday")
        return u"last seen %1 at %2"_s.arg(day.toLower(), time(ms));
    return u"last seen "_s + day;
}

} // namespace confab::app
