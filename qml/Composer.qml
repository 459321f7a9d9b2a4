// Where messages are written: several lines; Enter sends, Shift+Enter breaks the line. Near the
// limit a counter appears, and above it nothing can be sent.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Confab

Rectangle {
    id: composer
    required property Session session
    readonly property int length: input.length
    readonly property bool tooLong: length > session.maxMessageLength
    readonly property bool canSend: input.text.trim() !== "" && !tooLong
    property alias text: input.text

    objectName: "composer"
    implicitHeight: Math.min(row.implicitHeight, 200) + 16
    color: Theme.surface

    function send() {
        if (!canSend)
            return
        if (session.send(input.text))
            input.clear()
    }
    function focusInput() {
        input.forceActiveFocus()
    }

    // Each conversation keeps its own unsent draft while the app runs.
    property var drafts: ({})
    property string draftConv: session ? session.currentConv : ""
    onDraftConvChanged: {
        input.text = drafts[draftConv] || ""
        input.cursorPosition = input.length
    }
    Connections {
        target: input
        function onTextChanged() { composer.drafts[composer.draftConv] = input.text }
    }

    Rectangle {
        width: parent.width
        height: 1
        color: Theme.divider
    }

    RowLayout {
        id: row
        anchors.fill: parent
        anchors.margins: 8
        anchors.leftMargin: Theme.padding
        spacing: Theme.spacing

        ScrollView {
            Layout.fillWidth: true
            Layout.fillHeight: true
            Layout.maximumHeight: 184
            TextArea {
                id: input
                objectName: "composerInput"
                placeholderText: qsTr("Write a message…")
                wrapMode: TextEdit.Wrap
                textFormat: TextEdit.PlainText
                font.pixelSize: Theme.fontNormal + 1
                color: Theme.text
                Accessible.name: qsTr("Message")
                background: Rectangle {
                    radius: 20
                    color: Theme.otherBubble
                }
                leftPadding: 14
                rightPadding: 14
                topPadding: 10
                bottomPadding: 10
                function onEnter(event) {
                    if (event.modifiers & Qt.ShiftModifier) {
                        event.accepted = false
                    } else {
                        composer.send()
                        event.accepted = true
                    }
                }
                Keys.onReturnPressed: (event) => onEnter(event)
                Keys.onEnterPressed: (event) => onEnter(event)
            }
        }
        ColumnLayout {
            spacing: 2
            Layout.alignment: Qt.AlignBottom
            Label {
                objectName: "composerCounter"
                visible: composer.length > composer.session.maxMessageLength - 1000
                text: composer.length.toLocaleString(Qt.locale(), "f", 0) + " / "
                      + composer.session.maxMessageLength.toLocaleString(Qt.locale(), "f", 0)
                color: composer.tooLong ? Theme.danger : Theme.secondaryText
                font.pixelSize: Theme.fontSmall
                Layout.alignment: Qt.AlignHCenter
            }
            RoundButton {
                objectName: "sendButton"
                enabled: composer.canSend
                highlighted: true
                text: "\u27A4"
                font.pixelSize: 18
                Accessible.name: qsTr("Send")
                onClicked: composer.send()
                Layout.alignment: Qt.AlignHCenter
            }
        }
    }
}
