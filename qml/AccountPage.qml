// The account: who and where, this account's devices (log another one out), the preferences
// (notifications, theme) and signing out.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Confab

AppPage {
    id: page

    objectName: "accountPage"
    header: PageHeader {
        title: qsTr("Account and settings")
        onBack: page.close()
    }
    Component.onCompleted: if (session && session.devices) session.devices.refresh()

    ScrollView {
        anchors.fill: parent
        contentWidth: availableWidth

        ColumnLayout {
            width: Math.min(parent.width - 32, 560)
            x: (parent.width - width) / 2
            spacing: Theme.spacing

            RowLayout {
                Layout.topMargin: 16
                spacing: Theme.padding
                Avatar { name: page.session.username; size: 56 }
                ColumnLayout {
                    spacing: 2
                    Label {
                        text: page.session.username
                        textFormat: Text.PlainText
                        font.pixelSize: Theme.fontLarge
                        font.weight: Font.DemiBold
                        color: Theme.text
                    }
                    Label {
                        text: page.session.serverUrl
                        textFormat: Text.PlainText
                        color: Theme.secondaryText
                    }
                }
            }
            Label {
                visible: page.session.tokenInFile
                text: qsTr("No system keychain answered: this device's token is kept in a file only you can read.")
                wrapMode: Text.Wrap
                color: Theme.warningText
                background: Rectangle { color: Theme.warningBackground; radius: 6 }
                padding: 8
                Layout.fillWidth: true
            }

            Label {
                text: qsTr("Settings")
                font.weight: Font.DemiBold
                color: Theme.secondaryText
                Layout.topMargin: 16
            }
            Switch {
                objectName: "notificationsSwitch"
                text: qsTr("Notifications for new messages")
                checked: page.session.notificationsEnabled
                onToggled: page.session.notificationsEnabled = checked
                Accessible.name: text
            }
            RowLayout {
                Label { text: qsTr("Theme"); color: Theme.text; Layout.fillWidth: true }
                ComboBox {
                    objectName: "themeBox"
                    model: [qsTr("System"), qsTr("Light"), qsTr("Dark")]
                    readonly property var values: ["system", "light", "dark"]
                    currentIndex: Math.max(0, values.indexOf(page.session.theme))
                    onActivated: (index) => page.session.theme = values[index]
                    Accessible.name: qsTr("Theme")
                }
            }

            RowLayout {
                Layout.topMargin: 16
                Label {
                    text: qsTr("Devices")
                    font.weight: Font.DemiBold
                    color: Theme.secondaryText
                    Layout.fillWidth: true
                }
                BusyIndicator {
                    running: page.session.devices && page.session.devices.busy
                    implicitWidth: 24
                    implicitHeight: 24
                }
            }
            Label {
                visible: text !== ""
                text: page.session.devices ? page.session.devices.error : ""
                textFormat: Text.PlainText
                color: Theme.danger
                wrapMode: Text.Wrap
                Layout.fillWidth: true
            }
            Repeater {
                model: page.session.devices
                delegate: RowLayout {
                    id: device
                    required property string deviceId
                    required property string name
                    required property real lastSeenAt
                    required property bool online
                    required property bool isCurrent
                    Layout.fillWidth: true
                    Accessible.name: name
                    ColumnLayout {
                        spacing: 0
                        Layout.fillWidth: true
                        Label {
                            text: device.name + (device.isCurrent ? qsTr(" (this device)") : "")
                            textFormat: Text.PlainText
                            color: Theme.text
                        }
                        Label {
                            text: device.online ? qsTr("online")
                                                : (TimeText.lastSeen("offline", device.lastSeenAt) || qsTr("never connected"))
                            color: device.online ? Theme.online : Theme.secondaryText
                            font.pixelSize: Theme.fontSmall
                        }
                    }
                    Button {
                        visible: !device.isCurrent
                        flat: true
                        text: qsTr("Log out")
                        Accessible.name: qsTr("Log out %1").arg(device.name)
                        onClicked: page.session.devices.remove(device.deviceId)
                    }
                }
            }

            Button {
                objectName: "signOutButton"
                text: qsTr("Sign out")
                Layout.topMargin: 24
                Layout.bottomMargin: 24
                Layout.alignment: Qt.AlignHCenter
                Accessible.name: text
                onClicked: page.session.signOut()
            }
        }
    }
}
