// The top of a chat: back (on a narrow window), the avatar, the name, and the peer's presence or
// last seen (direct chats) or the member count (groups), which opens the group page.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Confab

Rectangle {
    id: header
    required property Session session
    property bool canGoBack: false
    signal back
    signal showGroup

    objectName: "chatHeader"
    implicitHeight: 60
    color: Theme.surface

    readonly property bool connected: session.connection === "online"
    // Presence is only shown while connected: offline, it would be a guess.
    readonly property string peerStatus: connected ? session.currentPeerStatus : "unknown"
    readonly property string subtitle: !connected && !session.currentIsGroup
            ? qsTr("waiting for the network")
            : session.currentIsGroup
            ? (session.currentMemberCount === 1 ? qsTr("1 member")
                                                 : qsTr("%1 members").arg(session.currentMemberCount))
            : TimeText.lastSeen(peerStatus, session.currentPeerLastSeen)

    RowLayout {
        anchors.fill: parent
        anchors.leftMargin: header.canGoBack ? 4 : Theme.padding + 4
        anchors.rightMargin: 4
        spacing: Theme.padding
        ToolButton {
            objectName: "chatBackButton"
            visible: header.canGoBack
            text: "\u2190"
            font.pixelSize: 20
            onClicked: header.back()
            Accessible.name: qsTr("Back to chats")
        }
        Avatar {
            name: header.session.currentTitle
            size: 38
            status: header.session.currentIsGroup ? "unknown" : header.peerStatus
        }
        ColumnLayout {
            spacing: 1
            Layout.fillWidth: true
            Label {
                objectName: "chatTitle"
                text: header.session.currentTitle
                textFormat: Text.PlainText
                elide: Text.ElideRight
                font.pixelSize: Theme.fontLarge - 1
                font.weight: Font.DemiBold
                color: Theme.text
                Layout.fillWidth: true
            }
            Label {
                objectName: "chatSubtitle"
                visible: text !== ""
                text: header.subtitle
                font.pixelSize: Theme.fontSmall
                color: header.peerStatus === "online" && !header.session.currentIsGroup
                       ? Theme.online : Theme.secondaryText
                Layout.fillWidth: true
            }
        }
        ToolButton {
            objectName: "groupInfoButton"
            visible: header.session.currentIsGroup
            text: "\u2139"
            font.pixelSize: 20
            onClicked: header.showGroup()
            Accessible.name: qsTr("Group members and settings")
        }
    }
    Rectangle {
        anchors.bottom: parent.bottom
        width: parent.width
        height: 1
        color: Theme.divider
    }
}
