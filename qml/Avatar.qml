// A round avatar with the initials of a name, its colour derived from the name; a presence dot
// in the corner when `status` is "online" or "offline".
import QtQuick
import Confab

Rectangle {
    id: avatar
    property string name
    property string status: "unknown"
    property int size: Theme.avatarSize

    width: size
    height: size
    radius: size / 2
    color: Qt.hsla(hue(name), 0.55, Theme.dark ? 0.42 : 0.55, 1)
    Accessible.ignored: true

    function hue(text) {
        let h = 0
        for (let i = 0; i < text.length; ++i)
            h = (h * 31 + text.charCodeAt(i)) % 360
        return h / 360
    }

    Text {
        anchors.centerIn: parent
        text: {
            const words = avatar.name.trim().split(/\s+/)
            const first = words.length > 0 ? words[0].charAt(0) : ""
            const second = words.length > 1 ? words[1].charAt(0) : ""
            return (first + second).toUpperCase()
        }
        textFormat: Text.PlainText
        color: "#ffffff"
        font.pixelSize: avatar.size * 0.4
        font.weight: Font.DemiBold
    }

    PresenceDot {
        status: avatar.status
        size: Math.max(10, avatar.size * 0.3)
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        anchors.rightMargin: -1
        anchors.bottomMargin: -1
    }
}
