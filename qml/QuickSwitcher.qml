// Ctrl+K: type a few letters of a chat's name, Enter opens the first match (arrows pick another).
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Confab

Popup {
    id: switcher
    property Session session

    objectName: "quickSwitcher"
    modal: true
    focus: true
    width: Math.min(parent ? parent.width - 32 : 400, 480)
    height: Math.min(parent ? parent.height - 96 : 400, 420)
    x: parent ? (parent.width - width) / 2 : 0
    y: 64
    padding: 8
    background: Rectangle { color: Theme.surface; radius: Theme.radius; border.color: Theme.divider }

    onOpened: {
        field.text = ""
        field.forceActiveFocus()
        results.currentIndex = 0
    }
    onClosed: if (session && session.conversations) session.conversations.filter = ""

    function choose(conv) {
        if (conv !== undefined && conv !== "")
            session.currentConv = conv
        close()
    }

    ColumnLayout {
        anchors.fill: parent
        TextField {
            id: field
            objectName: "quickSwitcherField"
            Layout.fillWidth: true
            placeholderText: qsTr("Jump to a chat…")
            Accessible.name: qsTr("Jump to a chat")
            onTextChanged: {
                if (switcher.session && switcher.session.conversations)
                    switcher.session.conversations.filter = text
                results.currentIndex = 0
            }
            Keys.onDownPressed: results.incrementCurrentIndex()
            Keys.onUpPressed: results.decrementCurrentIndex()
            onAccepted: if (results.currentItem) switcher.choose(results.currentItem.conv)
        }
        ListView {
            id: results
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: switcher.session ? switcher.session.conversations : null
            highlightMoveDuration: 0
            delegate: ConversationDelegate {
                width: results.width
                current: ListView.isCurrentItem
                onClicked: switcher.choose(conv)
            }
        }
    }
}
