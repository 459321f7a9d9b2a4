// The window: the sign-in page, or the chats. One layout for every size: on a wide window the
// list and the open chat side by side; on a narrow one (a phone) one at a time, with a back
// button. Other pages (new chat, group, contacts, account) slide in over both.
import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import Confab

ApplicationWindow {
    id: window
    required property Session session
    property string defaultServer
    readonly property bool wide: width >= Theme.wideBreakpoint
    readonly property bool signedIn: session.phase === Session.SignedIn

    objectName: "mainWindow"
    width: 1100
    height: 720
    minimumWidth: 320
    minimumHeight: 480
    visible: true
    title: (session.unreadTotal > 0 ? "(" + session.unreadTotal + ") " : "") + "Confab"
    color: Theme.background
    Material.theme: Theme.dark ? Material.Dark : Material.Light
    Material.accent: Theme.accent
    Material.primary: Theme.accent
    Material.background: Theme.background
    Material.foreground: Theme.text

    Binding { target: Theme; property: "preference"; value: window.session.theme }
    Binding { target: window.session; property: "windowActive"; value: window.active }

    Notifier {
        id: notifier
        objectName: "notifier"
        unread: window.session.unreadTotal
        onActivated: { window.show(); window.raise(); window.requestActivate() }
    }
    Connections {
        target: window.session
        function onMessageArrived(conv, title, body) { notifier.notify(title, body) }
        function onPhaseChanged() { pages.clear() }
    }

    function openPage(component, properties) {
        if (!signedIn)
            return
        pages.push(component, Object.assign({ session: window.session }, properties || {}))
    }
    function back() {
        if (switcher.opened)
            switcher.close()
        else if (pages.depth > 1)
            pages.pop()
        else if (pages.depth === 1)
            pages.clear()
        else if (!wide && session.currentConv !== "")
            session.currentConv = ""
    }

    Shortcut { sequence: "Ctrl+K"; enabled: window.signedIn; onActivated: switcher.open() }
    Shortcut { sequence: "Ctrl+N"; enabled: window.signedIn; onActivated: window.openPage(newChatPage) }
    Shortcut { sequence: "Esc"; onActivated: window.back() }
    Shortcut { sequences: [StandardKey.Back]; onActivated: window.back() }
    Shortcut { sequence: "Alt+Up"; enabled: window.signedIn; onActivated: window.session.openAdjacent(-1) }
    Shortcut { sequence: "Alt+Down"; enabled: window.signedIn; onActivated: window.session.openAdjacent(1) }

    Loader {
        anchors.fill: parent
        sourceComponent: window.signedIn ? home
                       : window.session.phase === Session.Restoring ? null : login
    }

    Component {
        id: login
        LoginPage {
            session: window.session
            defaultServer: window.defaultServer
        }
    }

    Component {
        id: home
        ColumnLayout {
            spacing: 0
            ConnectionBanner {
                session: window.session
                Layout.fillWidth: true
            }
            Item {
                Layout.fillWidth: true
                Layout.fillHeight: true

                ConversationList {
                    id: list
                    session: window.session
                    visible: window.wide || window.session.currentConv === ""
                    width: window.wide ? Theme.sidebarWidth : parent.width
                    height: parent.height
                    onNewChat: window.openPage(newChatPage)
                    onShowContacts: window.openPage(contactsPage)
                    onShowAccount: window.openPage(accountPage)
                }
                Rectangle {
                    visible: window.wide
                    x: Theme.sidebarWidth
                    width: 1
                    height: parent.height
                    color: Theme.divider
                }
                Item {
                    x: window.wide ? Theme.sidebarWidth + 1 : 0
                    width: parent.width - x
                    height: parent.height
                    visible: window.wide || window.session.currentConv !== ""

                    ChatView {
                        anchors.fill: parent
                        visible: window.session.currentConv !== ""
                        session: window.session
                        canGoBack: !window.wide
                        windowActive: window.active
                        onBack: window.session.currentConv = ""
                        onShowGroup: window.openPage(groupPage)
                    }
                    Label {
                        anchors.centerIn: parent
                        visible: window.session.currentConv === ""
                        text: qsTr("Choose a chat, or start one with Ctrl+N")
                        color: Theme.secondaryText
                        font.pixelSize: Theme.fontLarge
                    }
                }
            }
        }
    }

    StackView {
        id: pages
        objectName: "pages"
        anchors.fill: parent
        visible: depth > 0
    }

    QuickSwitcher {
        id: switcher
        session: window.session
        parent: Overlay.overlay
        // Keys go back to the window (its shortcuts and the chat), not to the closed field.
        onClosed: window.contentItem.forceActiveFocus()
    }

    Component { id: newChatPage; NewChatPage {} }
    Component { id: groupPage; GroupPage {} }
    Component { id: contactsPage; ContactsPage {} }
    Component { id: accountPage; AccountPage {} }
}
