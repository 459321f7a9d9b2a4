// Times as the app writes them: a message's time of day, a day separator ("Today", "Yesterday",
// a weekday, a date), the conversation list's short time and "last seen" lines. Local time, the
// system locale.
#pragma once

#include <QObject>
#include <QString>
#include <QtQml/qqmlregistration.h>

namespace confab::app {

class TimeText : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
public:
    using QObject::QObject;

    // "14:05"
    Q_INVOKABLE static QString time(qint64 ms);
    // "Today", "Yesterday", "Monday" (this week), "12 March" (this year), "12 March 2025"
    Q_INVOKABLE static QString day(qint64 ms);
    // The list's column: "14:05" today, "Mon" this week, "12/03/26" before.
    Q_INVOKABLE static QString brief(qint64 ms);
    // "online", "last seen 5 min ago", "last seen today at 14:05", "last seen 12 March", or ""
    // when nothing is known.
    Q_INVOKABLE static QString lastSeen(const QString &status, qint64 ms);
    // Relative to `now` (tests).
    static QString day(qint64 ms, const QDateTime &now);
    static QString lastSeen(const QString &status, qint64 ms, const QDateTime &now);
};

} // namespace confab::app
