// The open group: its members with their presence (asked of the server when the page opens),
// and for the owner renaming, adding and removing members; everyone can leave.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Confab

AppPage {
    id: page
    property string failure

    objectName: "groupPage"
    header: PageHeader {
        title: page.session ? page.session.currentTitle : ""
        onBack: page.close()
    }
    Component.onCompleted: if (session && session.members) session.members.refreshPresence()

    Connections {
        target: page.session
        function onActionDone(what) {
            page.failure = ""
            if (what === "leave")
                page.close()
        }
        function onActionFailed(message) { page.failure = message }
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: Theme.padding
        spacing: Theme.spacing

        RowLayout {
            visible: page.session.currentIsOwner
            Layout.fillWidth: true
            TextField {
                id: nameField
                Layout.fillWidth: true
                placeholderText: qsTr("New name")
                Accessible.name: qsTr("New group name")
            }
            Button {
                text: qsTr("Rename")
                enabled: nameField.text.trim() !== ""
                Accessible.name: qsTr("Rename group")
                onClicked: { page.session.renameGroup(nameField.text); nameField.clear() }
            }
        }
        RowLayout {
            visible: page.session.currentIsOwner
            Layout.fillWidth: true
            TextField {
                id: addField
                objectName: "addMembersField"
                Layout.fillWidth: true
                placeholderText: qsTr("Add members: usernames")
                Accessible.name: qsTr("Members to add")
            }
            Button {
                text: qsTr("Add")
                enabled: addField.text.trim() !== ""
                Accessible.name: qsTr("Add members")
                onClicked: { page.session.addMembers(addField.text); addField.clear() }
            }
        }
        Label {
            visible: page.failure !== ""
            text: page.failure
            textFormat: Text.PlainText
            color: Theme.danger
            wrapMode: Text.Wrap
            Layout.fillWidth: true
        }
        Label {
            text: list.count === 1 ? qsTr("1 member") : qsTr("%1 members").arg(list.count)
            color: Theme.secondaryText
            font.weight: Font.DemiBold
        }
        ListView {
            id: list
            objectName: "memberList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: page.session.members
            delegate: ItemDelegate {
                id: member
                required property string username
                required property bool isOwner
                required property string status
                required property real lastActiveAt
                width: list.width
                Accessible.name: username + (isOwner ? qsTr(", owner") : "") + ", " + status
                contentItem: RowLayout {
                    spacing: Theme.padding
                    Avatar { name: member.username; status: member.status; size: 36 }
                    ColumnLayout {
                        spacing: 0
                        Layout.fillWidth: true
                        Label {
                            text: member.username + (member.isOwner ? qsTr(" · owner") : "")
                                  + (member.username === page.session.username ? qsTr(" (you)") : "")
                            textFormat: Text.PlainText
                            color: Theme.text
                        }
                        Label {
                            text: TimeText.lastSeen(member.status, member.lastActiveAt)
                            visible: text !== ""
                            color: member.status === "online" ? Theme.online : Theme.secondaryText
                            font.pixelSize: Theme.fontSmall
                        }
                    }
                    Button {
                        visible: page.session.currentIsOwner && member.username !== page.session.username
                        flat: true
                        text: qsTr("Remove")
                        Accessible.name: qsTr("Remove %1").arg(member.username)
                        onClicked: page.session.removeMember(member.username)
                    }
                }
            }
        }
        Button {
            objectName: "leaveGroupButton"
            text: qsTr("Leave group")
            Accessible.name: text
            Layout.alignment: Qt.AlignHCenter
            onClicked: page.session.leaveGroup()
        }
    }
}
