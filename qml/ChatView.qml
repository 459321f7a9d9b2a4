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

                // Only the user's scrolling decides whether the view follows new messages.
                onMovementEnded: atBottom = atYEnd
                onContentYChanged: if (moving) atBottom = atYEnd
                onAtYEndChanged: if (atYEnd) { atBottom = true; chat.readIfAtBottom() }
                onNearTopChanged: Qt.callLater(loadOlderIfNeeded)
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
                // Rows inserted above must not move what is on screen: the top row and how far
                // above the view's top it begins are noted before, and put back after.
                property int anchorIndex: -1
                property real anchorOffset: 0
                function topRow() {
                    for (let dy = 0; dy < height; dy += 4) {
                        const row = indexAt(width / 2, contentY + dy)
                        if (row >= 0)
                            return row
                    }
                    return -1
                }
                function restoreAnchor() {
                    if (anchorIndex < 0)
                        return
                    cancelFlick()
                    positionViewAtIndex(anchorIndex, ListView.Beginning)
                    contentY -= anchorOffset
                    anchorIndex = -1
                }
                Connections {
                    target: list.model
                    function onRowsAboutToBeInserted(parent, first, last) {
                        list.anchorIndex = -1
                        if (first !== 0 || list.atBottom || list.count === 0)
                            return
                        list.forceLayout()
                        const row = list.topRow()
                        const item = row >= 0 ? list.itemAtIndex(row) : null
                        if (!item)
                            return
                        list.anchorIndex = row
                        list.anchorOffset = item.y - list.contentY
                    }
                    function onRowsInserted(parent, first, last) {
                        if (list.anchorIndex < 0)
                            return
                        list.anchorIndex += last - first + 1
                        // After the view itself has taken the rows in (it may keep its place by
                        // itself, or not when the rows go in at its very top).
                        Qt.callLater(list.restoreAnchor)
                    }
                }
                Connections {
                    target: chat.session
                    function onCurrentChanged() {
                        list.atBottom = true
                        Qt.callLater(list.toBottom)
                    }
                }

                // Spacing below the newest message (margins would keep positionViewAtEnd() short of
                // atYEnd).
                footer: Item { width: list.width; height: 8 }
                header: Item {
                    width: list.width
                    height: list.model && list.model.loadingOlder ? 40 : 8
                    BusyIndicator {
                        anchors.centerIn: parent
                        running: parent.height > 8
                        implicitHeight: 32
                        implicitWidth: 32
                    }
                }
            }

            Label {
                anchors.centerIn: parent
                visible: chat.session.messages !== null && chat.session.messages.count === 0
                         && !chat.session.messages.loadingOlder
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
