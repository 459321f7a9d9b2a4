// Tells the user about messages they do not see: a desktop notification through the system tray
// (when the platform has one and the app runs as a QApplication) and the unread total on the tray
// icon's tooltip. Where there is no tray (phones, bare X servers, tests) it only counts what it
// was asked to show, and the window title carries the unread total.
#pragma once

#include <QObject>
#include <QString>
#include <QtQml/qqmlregistration.h>

#include <memory>

class QSystemTrayIcon;

namespace confab::app {

class Notifier : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(int unread READ unread WRITE setUnread NOTIFY unreadChanged)
    Q_PROPERTY(bool trayAvailable READ trayAvailable CONSTANT)
    // Notifications asked for so far (shown or not), and the last one's title: what tests see.
    Q_PROPERTY(int shownCount READ shownCount NOTIFY shown)
    Q_PROPERTY(QString lastTitle READ lastTitle NOTIFY shown)
public:
    explicit Notifier(QObject *parent = nullptr);
    ~Notifier() override;

    int unread() const { return m_unread; }
    void setUnread(int unread);
    bool trayAvailable() const;
    int shownCount() const { return m_shownCount; }
    QString lastTitle() const { return m_lastTitle; }

    Q_INVOKABLE void notify(const QString &title, const QString &body);

Q_SIGNALS:
    void unreadChanged();
    void shown();
    // The user clicked the tray icon or a notification: bring the window up.
    void activated();

private:
    std::unique_ptr<QSystemTrayIcon> m_tray;
    int m_unread = 0;
    int m_shownCount = 0;
    QString m_lastTitle;
};

} // namespace confab::app
