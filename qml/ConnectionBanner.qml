// The truth about the connection: within moments of losing the server, "Offline, retrying in
// N s" with "Retry now"; "Connecting…" while it tries; gone when online.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Confab

Rectangle {
    id: banner
    required property Session session
    readonly property bool offline: session.connection === "offline"
    // Once the banner was shown, it stays through the retries until the connection is back.
    property bool wasOffline: false
    readonly property bool shown: offline || (wasOffline && session.connection === "connecting")

    objectName: "connectionBanner"
    onOfflineChanged: if (offline) wasOffline = true
    Connections {
        target: banner.session
        function onConnectionChanged() {
            if (banner.session.connection === "online")
                banner.wasOffline = false
        }
    }

    color: Theme.warningBackground
    implicitHeight: shown ? row.implicitHeight + 12 : 0
    clip: true
    visible: implicitHeight > 0
    Behavior on implicitHeight { NumberAnimation { duration: 150 } }
    Accessible.role: Accessible.AlertMessage
    Accessible.name: label.text

    RowLayout {
        id: row
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.verticalCenter: parent.verticalCenter
        anchors.leftMargin: Theme.padding
        anchors.rightMargin: Theme.spacing
        Label {
            id: label
            objectName: "connectionBannerText"
            Layout.fillWidth: true
            color: Theme.warningText
            elide: Text.ElideRight
            text: banner.offline
                  ? (banner.session.retryInSeconds > 0
                     ? qsTr("Offline, retrying in %1 s").arg(banner.session.retryInSeconds)
                     : qsTr("Offline"))
                  : qsTr("Connecting…")
        }
        Button {
            objectName: "retryNowButton"
            visible: banner.offline
            flat: true
            text: qsTr("Retry now")
            Accessible.name: text
            onClicked: banner.session.reconnectNow()
        }
    }
}
