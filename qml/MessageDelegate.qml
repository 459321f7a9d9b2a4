// One message of the chat: a day separator above it when a new day starts, the "new messages"
// line before the first unread one, the sender's name at the start of a run (groups), and the
// bubble with the time and, for one's own, its state: sending, sent, or failed with Retry and
// Delete. The body is plain text, never rich text.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Confab

Item {
    id: message
    required property Session session
    required property real localId
    required property string clientId
    required property string from
    required property string body
    required property real ts
    required property bool isOwn
    required property string state
    required property string error
    required property bool showSender
    required property bool dayBreak
    property bool inGroup: false
    property real maxBubbleWidth: width * 0.75

    implicitHeight: column.implicitHeight
    Accessible.role: Accessible.StaticText
    Accessible.name: (isOwn ? qsTr("You") : from) + ": " + body + ", " + TimeText.time(ts)
                     + (state === "pending" ? qsTr(", sending") : "")
                     + (state === "failed" ? qsTr(", not sent") : "")

    Column {
        id: column
        width: parent.width
        spacing: 2
        topPadding: message.showSender ? 6 : 0

        Item {
            visible: message.dayBreak
            width: parent.width
            height: visible ? 40 : 0
            Rectangle {
                anchors.centerIn: parent
                width: dayLabel.implicitWidth + 20
                height: dayLabel.implicitHeight + 8
                radius: height / 2
                color: Theme.dayChip
                Label {
                    id: dayLabel
                    anchors.centerIn: parent
                    text: TimeText.day(message.ts)
                    font.pixelSize: Theme.fontSmall
                    font.weight: Font.DemiBold
                    color: Theme.secondaryText
                }
            }
        }

        Item {
            objectName: "newMessagesLine"
            visible: message.session !== null && message.localId !== 0
                     && message.localId === message.session.newMarkerLocalId
            width: parent.width
            height: visible ? 28 : 0
            Rectangle {
                anchors.verticalCenter: parent.verticalCenter
                width: parent.width
                height: 1
                color: Theme.danger
                opacity: 0.6
            }
            Label {
                anchors.centerIn: parent
                leftPadding: 8
                rightPadding: 8
                text: qsTr("New messages")
                font.pixelSize: Theme.fontSmall
                font.weight: Font.DemiBold
                color: Theme.danger
                background: Rectangle { color: Theme.background }
            }
        }

        Label {
            visible: message.inGroup && message.showSender && !message.isOwn
            text: message.from
            textFormat: Text.PlainText
            leftPadding: 14
            font.pixelSize: Theme.fontSmall
            font.weight: Font.DemiBold
            color: Qt.hsla(avatarHue.hue(message.from), 0.55, Theme.dark ? 0.65 : 0.4, 1)
            Avatar { id: avatarHue; visible: false; size: 0 }
        }

        Rectangle {
            id: bubble
            anchors.right: message.isOwn ? parent.right : undefined
            anchors.left: message.isOwn ? undefined : parent.left
            width: Math.max(bodyText.width, meta.implicitWidth) + 24
            height: bodyText.height + meta.implicitHeight + 14
            radius: Theme.radius
            color: message.isOwn ? Theme.ownBubble : Theme.otherBubble
            opacity: message.state === "pending" ? 0.75 : 1
            border.width: message.state === "failed" ? 1 : 0
            border.color: Theme.danger

            Text {
                id: bodyText
                objectName: "messageBody"
                x: 12
                y: 7
                width: Math.min(implicitWidth, message.maxBubbleWidth - 24)
                text: message.body
                textFormat: Text.PlainText
                wrapMode: Text.Wrap
                color: message.isOwn ? Theme.ownBubbleText : Theme.otherBubbleText
                font.pixelSize: Theme.fontNormal + 1
            }
            Text {
                id: meta
                anchors.right: parent.right
                anchors.rightMargin: 12
                anchors.top: bodyText.bottom
                anchors.topMargin: 1
                text: {
                    const time = TimeText.time(message.ts)
                    if (!message.isOwn)
                        return time
                    if (message.state === "pending")
                        return time + "  \u25F7 " + qsTr("sending")
                    if (message.state === "failed")
                        return time + "  \u26A0 " + qsTr("not sent")
                    return time + "  \u2713"
                }
                font.pixelSize: Theme.fontSmall - 1
                color: message.isOwn ? Theme.ownBubbleMeta : Theme.secondaryText
            }
        }

        Row {
            visible: message.state === "failed"
            anchors.right: parent.right
            spacing: 4
            Label {
                anchors.verticalCenter: parent.verticalCenter
                text: message.error
                textFormat: Text.PlainText
                color: Theme.danger
                font.pixelSize: Theme.fontSmall
                elide: Text.ElideRight
                width: Math.min(implicitWidth, message.width * 0.5)
            }
            Button {
                objectName: "retryButton"
                flat: true
                text: qsTr("Retry")
                Accessible.name: qsTr("Retry sending")
                onClicked: message.session.retry(message.clientId)
            }
            Button {
                objectName: "deleteButton"
                flat: true
                text: qsTr("Delete")
                Accessible.name: qsTr("Delete unsent message")
                onClicked: message.session.discard(message.clientId)
            }
        }
    }
}
