// Sign in or create an account: server, username, password, device name. Errors are said inline
// (wrong password, server unreachable, name taken); the button never spins for ever, because every
// call of the library answers within its timeout.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtQuick.Controls.Material
import Confab

Page {
    id: page
    required property Session session
    property string defaultServer
    property bool registering: false
    readonly property bool busy: session.phase === Session.SigningIn

    objectName: "loginPage"

    component Caption: Label {
        font.pixelSize: Theme.fontSmall
        font.weight: Font.DemiBold
        color: Theme.secondaryText
        Layout.topMargin: 6
        Layout.bottomMargin: -8
    }
    background: Rectangle { color: Theme.sidebar }

    function submit() {
        if (!canSubmit)
            return
        page.session.signIn(serverField.text, usernameField.text, passwordField.text,
                            deviceField.text, page.registering)
    }
    readonly property bool canSubmit: !busy && serverField.text.trim() !== ""
                                      && usernameField.text.trim() !== ""
                                      && passwordField.text !== ""

    Flickable {
        anchors.fill: parent
        contentHeight: Math.max(height, card.implicitHeight + 48)
        boundsBehavior: Flickable.StopAtBounds

        Pane {
            id: card
            anchors.centerIn: parent
            width: Math.min(parent.width - 32, 400)
            padding: 24
            Material.elevation: 2
            background: Rectangle { color: Theme.surface; radius: Theme.radius }

            ColumnLayout {
                anchors.fill: parent
                spacing: Theme.spacing

                Logo {
                    Layout.alignment: Qt.AlignHCenter
                }
                Label {
                    text: page.registering ? qsTr("Create your account") : qsTr("Sign in to Confab")
                    font.pixelSize: 22
                    font.weight: Font.DemiBold
                    color: Theme.text
                    Layout.alignment: Qt.AlignHCenter
                    Layout.bottomMargin: Theme.spacing
                }
                Caption { text: qsTr("Server") }
                TextField {
                    id: serverField
                    objectName: "serverField"
                    placeholderText: qsTr("https://chat.example.org")
                    text: page.defaultServer !== "" ? page.defaultServer
                                                    : (page.session.serverUrl || "http://localhost:8080")
                    inputMethodHints: Qt.ImhUrlCharactersOnly | Qt.ImhNoAutoUppercase
                    Layout.fillWidth: true
                    Accessible.name: qsTr("Server address")
                    onAccepted: usernameField.forceActiveFocus()
                }
                Caption { text: qsTr("Username") }
                TextField {
                    id: usernameField
                    objectName: "usernameField"
                    placeholderText: qsTr("e.g. alice")
                    inputMethodHints: Qt.ImhNoAutoUppercase | Qt.ImhNoPredictiveText
                    Layout.fillWidth: true
                    Accessible.name: qsTr("Username")
                    focus: true
                    onAccepted: passwordField.forceActiveFocus()
                }
                Caption { text: qsTr("Password") }
                TextField {
                    id: passwordField
                    objectName: "passwordField"
                    placeholderText: qsTr("At least 8 characters")
                    echoMode: TextInput.Password
                    Layout.fillWidth: true
                    Accessible.name: qsTr("Password")
                    onAccepted: page.submit()
                }
                Caption { text: qsTr("This device’s name") }
                TextField {
                    id: deviceField
                    objectName: "deviceField"
                    placeholderText: qsTr("e.g. Work laptop")
                    text: page.session.defaultDeviceName
                    Layout.fillWidth: true
                    Accessible.name: qsTr("Device name")
                    onAccepted: page.submit()
                }
                Label {
                    objectName: "loginError"
                    visible: text !== "" && !page.busy
                    text: page.session.error
                    textFormat: Text.PlainText
                    color: Theme.danger
                    wrapMode: Text.Wrap
                    Layout.fillWidth: true
                    Accessible.role: Accessible.AlertMessage
                    Accessible.name: text
                }
                Button {
                    objectName: "signInButton"
                    text: page.busy ? (page.registering ? qsTr("Creating account…") : qsTr("Signing in…"))
                                    : (page.registering ? qsTr("Create account") : qsTr("Sign in"))
                    enabled: page.canSubmit
                    highlighted: true
                    Layout.fillWidth: true
                    Layout.topMargin: Theme.spacing
                    Accessible.name: text
                    onClicked: page.submit()
                }
                Button {
                    objectName: "switchModeButton"
                    flat: true
                    text: page.registering ? qsTr("I have an account: sign in")
                                           : qsTr("New here? Create an account")
                    Layout.alignment: Qt.AlignHCenter
                    Accessible.name: text
                    onClicked: page.registering = !page.registering
                }
            }
        }
    }
}
