// Green for online, grey for offline, nothing when presence is unknown.
import QtQuick
import Confab

Rectangle {
    property string status: "unknown"
    property int size: 10

    visible: status === "online" || status === "offline"
    width: size
    height: size
    radius: size / 2
    color: status === "online" ? Theme.online : Theme.offline
    border.width: 2
    border.color: Theme.background
    Accessible.role: Accessible.Indicator
    Accessible.name: status
}
