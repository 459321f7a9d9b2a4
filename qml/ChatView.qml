// One conversation: the header, the messages (older ones loaded when scrolled to the top, without
// the view jumping; the view stays at the bottom as new ones come while it is there; a button
// jumps back down) and the composer.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Confab

Rectangle {
    id: chat
    required property Session session
    property bool canGoBack: false
    property bool windowActive: true
    signal back
    signal showGroup

    objectName: "chatView"
    color: Theme.background

    function focusComposer() {
        composer.focusInput()
    }
    function readIfAtBottom() {
        if (list.atBottom && chat.windowActive && chat.visible)
            chat.session.markRead()
    }
    onWindowActiveChanged: readIfAtBottom()

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        ChatHeader {
            session: chat.session
            canGoBack: chat.canGoBack
            Layout.fillWidth: true
            onBack: chat.back()
            onShowGroup: chat.showGroup()
        }

        Item {
            Layout.fillWidth: true
            Layout.fillHeight: true

            ListView {
                id: list
                objectName: "messageList"
                anchors.fill: parent
                clip: true
                model: chat.session.messages
                spacing: 3
                topMargin: 8
                bottomMargin: 8
                boundsBehavior: Flickable.StopAtBounds
                // Heights are known only once delegates exist: keep a margin of them ready.
                cacheBuffer: 1200
                ScrollBar.vertical: ScrollBar {}
                // Whether the view follows new messages: true while the user is at the bottom.
                property bool atBottom: true
                readonly property bool nearTop: contentY - originY < 600

                delegate: MessageDelegate {
                    session: chat.session
                    width: list.width - 2 * Theme.padding
                    x: Theme.padding
                    inGroup: chat.session.currentIsGroup
                }

                onMovementEnded: atBottom = atYEnd
                onAtYEndChanged: if (atYEnd) { atBottom = true; chat.readIfAtBottom() }
                onNearTopChanged: loadOlderIfNeeded()
                onCountChanged: {
                    if (atBottom)
                        Qt.callLater(list.toBottom)
                    chat.readIfAtBottom()
                    Qt.callLater(loadOlderIfNeeded)
                }
                function toBottom() {
                    positionViewAtEnd()
                    atBottom = true
                }
                function loadOlderIfNeeded() {
                    if (model && count > 0 && nearTop && !model.atStart && !model.loadingOlder)
                        model.loadOlder()
                }
                Connections {
                    target: chat.session
                    function onCurrentChanged() {
                        list.atBottom = true
                        Qt.callLater(list.toBottom)
                    }
                }

                header: Item {
                    width: list.width
                    height: list.model && list.model.loadingOlder ? 40 : 0
                    BusyIndicator {
                        anchors.centerIn: parent
                        running: parent.height > 0
                        implicitHeight: 32
                        implicitWidth: 32
                    }
                }
            }

            Label {
                anchors.centerIn: parent
                visible: list.count === 0 && !(list.model && list.model.loadingOlder)
                text: qsTr("No messages yet. Say hello!")
                color: Theme.secondaryText
            }

            RoundButton {
                objectName: "jumpToBottomButton"
                visible: !list.atYEnd && list.count > 0
                anchors.right: parent.right
                anchors.bottom: parent.bottom
                anchors.margins: Theme.padding
                text: "\u2193"
                font.pixelSize: 18
                Accessible.name: qsTr("Jump to the newest message")
                onClicked: list.toBottom()
            }
        }

        Composer {
            id: composer
            session: chat.session
            Layout.fillWidth: true
        }
    }
}
