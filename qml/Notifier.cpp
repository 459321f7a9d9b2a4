#include "qml/Notifier.h"

#include <QApplication>
#include <QGuiApplication>
#include <QIcon>
#include <QSystemTrayIcon>

namespace confab::app {

using namespace Qt::StringLiterals;

Notifier::Notifier(QObject *parent)
    : QObject(parent)
{
    // QSystemTrayIcon is a widget class: only a QApplication can have one.
    if (qobject_cast<QApplication *>(QCoreApplication::instance())
        && QSystemTrayIcon::isSystemTrayAvailable()) {
        m_tray = std::make_unique<QSystemTrayIcon>(QIcon(u":/Confab/icons/confab.svg"_s));
        m_tray->setToolTip(u"Confab"_s);
        connect(m_tray.get(), &QSystemTrayIcon::activated, this, &Notifier::activated);
        connect(m_tray.get(), &QSystemTrayIcon::messageClicked, this, &Notifier::activated);
        m_tray->show();
    }
}

Notifier::~Notifier() = default;

bool Notifier::trayAvailable() const
{
    return m_tray != nullptr;
}

void Notifier::setUnread(int unread)
{
    if (unread == m_unread)
        return;
    m_unread = unread;
    if (m_tray)
        m_tray->setToolTip(unread > 0 ? u"Confab: %1 unread"_s.arg(unread) : u"Confab"_s);
    Q_EMIT unreadChanged();
}

void Notifier::notify(const QString &title, const QString &body)
{
    ++m_shownCount;
    m_lastTitle = title;
    if (m_tray)
        m_tray->showMessage(title, body, QSystemTrayIcon::Information, 5000);
    Q_EMIT shown();
}

} // namespace confab::app
