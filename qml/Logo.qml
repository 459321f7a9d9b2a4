// The app's mark, drawn in QML (the same shape as icons/confab.svg, without an image decoder).
import QtQuick
import Confab

Rectangle {
    property int size: 56

    width: size
    height: size
    radius: size * 0.27
    color: Theme.accent
    Accessible.ignored: true

    Rectangle {
        id: bubble
        anchors.centerIn: parent
        anchors.verticalCenterOffset: -parent.size * 0.04
        width: parent.size * 0.62
        height: parent.size * 0.4
        radius: parent.size * 0.08
        color: "#ffffff"
        Row {
            anchors.centerIn: parent
            spacing: bubble.width * 0.1
            Repeater {
                model: 3
                Rectangle {
                    width: bubble.height * 0.3
                    height: width
                    radius: width / 2
                    color: Theme.accent
                }
            }
        }
    }
}
