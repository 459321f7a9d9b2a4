// One row of the conversation list: avatar with presence, name, time, the last message ("You: …"
// for one's own) and the unread count.
import QtQuick
import Confab
import QtQuick.Controls
import QtQuick.Layouts

ItemDelegate {
    id: row
    required property int index
    required property string conv
    required property string title
    required property bool isGroup
    required property string lastBody
    required property string lastFrom
    required property bool lastIsOwn
    required property real lastTs
    required property int unread
    required property string peerStatus
    property bool current: false
    // Without a connection nobody's presence is known: the dots go rather than lie.
    property bool connected: true

    height: 72
    highlighted: current
    leftPadding: Theme.padding + 4
    rightPadding: Theme.padding + 4
    topPadding: 0
    bottomPadding: 0
    Accessible.name: title + (unread > 0 ? qsTr(", %n unread", "", unread) : "")
                     + (lastBody !== "" ? ", " + preview.text : "")
    background: Rectangle {
        color: row.current ? Theme.selection : (row.hovered ? Qt.darker(Theme.sidebar, Theme.dark ? 0.8 : 1.04) : "transparent")
        radius: 10
        anchors.fill: parent
        anchors.leftMargin: 6
        anchors.rightMargin: 6
        anchors.topMargin: 2
        anchors.bottomMargin: 2
    }

    contentItem: RowLayout {
        spacing: Theme.padding
        Avatar {
            name: row.title
            status: row.isGroup || !row.connected ? "unknown" : row.peerStatus
        }
        ColumnLayout {
            Layout.fillWidth: true
            spacing: 3
            RowLayout {
                Layout.fillWidth: true
                Label {
                    text: row.title
                    textFormat: Text.PlainText
                    elide: Text.ElideRight
                    font.pixelSize: Theme.fontNormal + 1
                    font.weight: row.unread > 0 ? Font.Bold : Font.DemiBold
                    color: Theme.text
                    Layout.fillWidth: true
                }
                Label {
                    text: TimeText.brief(row.lastTs)
                    font.pixelSize: Theme.fontSmall
                    color: row.unread > 0 ? Theme.accent : Theme.secondaryText
                }
            }
            RowLayout {
                Layout.fillWidth: true
                Label {
                    id: preview
                    text: {
                        if (row.lastBody === "")
                            return row.isGroup ? qsTr("No messages yet") : ""
                        const body = row.lastBody.replace(/\s+/g, " ")
                        if (row.lastIsOwn)
                            return qsTr("You: %1").arg(body)
                        return row.isGroup ? row.lastFrom + ": " + body : body
                    }
                    textFormat: Text.PlainText
                    elide: Text.ElideRight
                    maximumLineCount: 1
                    font.pixelSize: Theme.fontNormal
                    color: row.unread > 0 ? Theme.text : Theme.secondaryText
                    Layout.fillWidth: true
                }
                Rectangle {
                    visible: row.unread > 0
                    implicitWidth: Math.max(22, badge.implicitWidth + 12)
                    implicitHeight: 22
                    radius: 11
                    color: Theme.accent
                    Label {
                        id: badge
                        anchors.centerIn: parent
                        text: row.unread > 999 ? "999+" : row.unread
                        color: Theme.accentText
                        font.pixelSize: Theme.fontSmall
                        font.weight: Font.Bold
                    }
                }
            }
        }
    }
}
