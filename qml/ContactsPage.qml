// The account's contacts with presence and last seen: add one by name, remove one, or open a
// chat with one.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Confab

AppPage {
    id: page
    property string failure

    objectName: "contactsPage"
    header: PageHeader {
        title: qsTr("Contacts")
        onBack: page.close()
    }

    Connections {
        target: page.session ? page.session.contacts : null
        function onFailed(message) { page.failure = message }
    }
    Connections {
        target: page.session
        function onActionDone(what) { if (what === "chat") page.close() }
        function onActionFailed(message) { page.failure = message }
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: Theme.padding
        spacing: Theme.spacing

        RowLayout {
            Layout.fillWidth: true
            TextField {
                id: addField
                objectName: "addContactField"
                Layout.fillWidth: true
                placeholderText: qsTr("Add a contact by username")
                inputMethodHints: Qt.ImhNoAutoUppercase
                Accessible.name: qsTr("Username to add as a contact")
                onAccepted: addButton.clicked()
            }
            Button {
                id: addButton
                objectName: "addContactButton"
                text: qsTr("Add")
                highlighted: true
                enabled: addField.text.trim() !== ""
                Accessible.name: qsTr("Add contact")
                onClicked: {
                    page.failure = ""
                    page.session.contacts.add(addField.text.trim().toLowerCase())
                    addField.clear()
                }
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
        ListView {
            id: list
            objectName: "contactList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: page.session ? page.session.contacts : null
            delegate: ItemDelegate {
                id: contact
                required property string username
                required property string displayName
                required property string status
                required property real lastActiveAt
                width: list.width
                Accessible.name: (displayName || username) + ", " + status
                onClicked: page.session.startChat(username)
                contentItem: RowLayout {
                    spacing: Theme.padding
                    Avatar { name: contact.displayName || contact.username; status: contact.status; size: 40 }
                    ColumnLayout {
                        spacing: 0
                        Layout.fillWidth: true
                        Label {
                            text: contact.displayName !== "" ? contact.displayName + "  @" + contact.username
                                                             : contact.username
                            textFormat: Text.PlainText
                            elide: Text.ElideRight
                            color: Theme.text
                            Layout.fillWidth: true
                        }
                        Label {
                            text: TimeText.lastSeen(contact.status, contact.lastActiveAt) || qsTr("never seen")
                            color: contact.status === "online" ? Theme.online : Theme.secondaryText
                            font.pixelSize: Theme.fontSmall
                        }
                    }
                    Button {
                        flat: true
                        text: qsTr("Remove")
                        Accessible.name: qsTr("Remove %1 from contacts").arg(contact.username)
                        onClicked: page.session.contacts.remove(contact.username)
                    }
                }
            }
            Label {
                parent: list
                anchors.centerIn: parent
                visible: list.count === 0
                text: qsTr("No contacts yet.")
                color: Theme.secondaryText
            }
        }
    }
}
