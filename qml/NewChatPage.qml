// Start a direct chat with a user found by name, or create a group with members.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Confab

AppPage {
    id: page
    property string failure
    property bool busy: false

    objectName: "newChatPage"
    header: PageHeader {
        title: qsTr("New chat")
        onBack: page.close()
    }

    Connections {
        target: page.session
        function onActionDone(what) {
            page.busy = false
            if (what === "chat" || what === "group")
                page.close()
        }
        function onActionFailed(message) {
            page.busy = false
            page.failure = message
        }
    }

    ScrollView {
        anchors.fill: parent
        contentWidth: availableWidth
        ColumnLayout {
            width: Math.min(parent.width - 32, 520)
            x: (parent.width - width) / 2
            spacing: Theme.spacing

            Label {
                text: qsTr("Chat with someone")
                font.pixelSize: Theme.fontLarge
                font.weight: Font.DemiBold
                color: Theme.text
                Layout.topMargin: 16
            }
            RowLayout {
                Layout.fillWidth: true
                TextField {
                    id: userField
                    objectName: "newChatUserField"
                    Layout.fillWidth: true
                    placeholderText: qsTr("Username")
                    inputMethodHints: Qt.ImhNoAutoUppercase
                    Accessible.name: qsTr("Username to chat with")
                    focus: true
                    onAccepted: startButton.clicked()
                }
                Button {
                    id: startButton
                    objectName: "startChatButton"
                    text: qsTr("Open chat")
                    highlighted: true
                    enabled: userField.text.trim() !== "" && !page.busy
                    Accessible.name: text
                    onClicked: { page.failure = ""; page.busy = true; page.session.startChat(userField.text) }
                }
            }

            Label {
                text: qsTr("New group")
                font.pixelSize: Theme.fontLarge
                font.weight: Font.DemiBold
                color: Theme.text
                Layout.topMargin: 24
            }
            TextField {
                id: groupName
                objectName: "groupNameField"
                Layout.fillWidth: true
                placeholderText: qsTr("Group name")
                Accessible.name: qsTr("Group name")
            }
            TextField {
                id: groupMembers
                objectName: "groupMembersField"
                Layout.fillWidth: true
                placeholderText: qsTr("Members: usernames, separated by commas")
                inputMethodHints: Qt.ImhNoAutoUppercase
                Accessible.name: qsTr("Group members")
            }
            Button {
                objectName: "createGroupButton"
                text: qsTr("Create group")
                highlighted: true
                enabled: groupName.text.trim() !== "" && !page.busy
                Accessible.name: text
                onClicked: {
                    page.failure = ""
                    page.busy = true
                    page.session.createGroup(groupName.text, groupMembers.text)
                }
            }
            Label {
                objectName: "newChatError"
                visible: page.failure !== ""
                text: page.failure
                textFormat: Text.PlainText
                color: Theme.danger
                wrapMode: Text.Wrap
                Layout.fillWidth: true
            }
        }
    }
}
