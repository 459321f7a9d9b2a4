// The list of conversations, most recent first, with a filter field and the way to new chats,
// contacts and the account page.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Confab

Rectangle {
    id: pane
    required property Session session
    signal newChat
    signal showContacts
    signal showAccount

    objectName: "conversationList"
    color: Theme.sidebar

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        RowLayout {
            Layout.fillWidth: true
            Layout.preferredHeight: 56
            Layout.leftMargin: Theme.padding + 4
            Layout.rightMargin: 4
            spacing: 4
            Label {
                text: qsTr("Chats")
                font.pixelSize: 22
                font.weight: Font.Bold
                color: Theme.text
                Layout.fillWidth: true
            }
            BusyIndicator {
                running: pane.session.syncing
                visible: running
                implicitWidth: 28
                implicitHeight: 28
                Accessible.name: qsTr("Syncing")
            }
            ToolButton {
                objectName: "newChatButton"
                text: "\u270E"
                font.pixelSize: 18
                onClicked: pane.newChat()
                Accessible.name: qsTr("New chat")
                ToolTip.visible: hovered
                ToolTip.text: qsTr("New chat or group (Ctrl+N)")
            }
            ToolButton {
                objectName: "contactsButton"
                text: "\u263A"
                font.pixelSize: 20
                onClicked: pane.showContacts()
                Accessible.name: qsTr("Contacts")
                ToolTip.visible: hovered
                ToolTip.text: qsTr("Contacts")
            }
            ToolButton {
                objectName: "accountButton"
                onClicked: pane.showAccount()
                Accessible.name: qsTr("Account and settings")
                ToolTip.visible: hovered
                ToolTip.text: qsTr("Account, devices and settings")
                contentItem: Item {
                    implicitWidth: 30
                    implicitHeight: 30
                    Avatar {
                        anchors.centerIn: parent
                        name: pane.session.username
                        size: 30
                    }
                }
            }
        }

        TextField {
            id: filterField
            objectName: "filterField"
            Layout.fillWidth: true
            Layout.leftMargin: Theme.padding
            Layout.rightMargin: Theme.padding
            placeholderText: qsTr("Search chats")
            Accessible.name: qsTr("Filter conversations")
            onTextChanged: if (pane.session.conversations) pane.session.conversations.filter = text
        }

        ListView {
            id: list
            objectName: "conversationListView"
            Layout.fillWidth: true
            Layout.fillHeight: true
            Layout.topMargin: 4
            clip: true
            model: pane.session.conversations
            boundsBehavior: Flickable.StopAtBounds
            ScrollBar.vertical: ScrollBar {}
            delegate: ConversationDelegate {
                width: list.width
                current: conv === pane.session.currentConv
                connected: pane.session.connection === "online"
                onClicked: pane.session.currentConv = conv
            }

            Label {
                parent: list
                anchors.centerIn: parent
                width: parent.width - 48
                visible: list.count === 0
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.Wrap
                color: Theme.secondaryText
                text: filterField.text !== "" ? qsTr("No chat matches “%1”.").arg(filterField.text)
                                              : qsTr("No chats yet.\nStart one with the pencil above.")
            }
        }
    }
}
