// The bar at the top of a page: a back button (when `canGoBack`), a title and room for actions.
import QtQuick
import Confab
import QtQuick.Controls
import QtQuick.Layouts

Rectangle {
    id: header
    property string title
    property bool canGoBack: true
    default property alias actions: actionRow.data
    signal back

    implicitHeight: 56
    color: Theme.surface

    RowLayout {
        anchors.fill: parent
        anchors.leftMargin: header.canGoBack ? 4 : Theme.padding
        anchors.rightMargin: 4
        spacing: 4
        ToolButton {
            visible: header.canGoBack
            text: "\u2190"
            font.pixelSize: 20
            onClicked: header.back()
            Accessible.name: qsTr("Back")
            objectName: "backButton"
        }
        Label {
            text: header.title
            textFormat: Text.PlainText
            elide: Text.ElideRight
            font.pixelSize: Theme.fontLarge
            font.weight: Font.DemiBold
            color: Theme.text
            Layout.fillWidth: true
        }
        RowLayout {
            id: actionRow
            spacing: 0
        }
    }
    Rectangle {
        anchors.bottom: parent.bottom
        width: parent.width
        height: 1
        color: Theme.divider
    }
}
