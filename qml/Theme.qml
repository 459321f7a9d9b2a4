// Colours and sizes of the app, light or dark. `preference` is "system", "light" or "dark"; the
// system's choice is read from the palette's window colour (Qt 6.4 has no colorScheme hint).
pragma Singleton
import QtQuick

QtObject {
    property string preference: "system"
    readonly property SystemPalette palette: SystemPalette {}
    readonly property bool systemDark: palette.window.hslLightness < 0.5
    readonly property bool dark: preference === "dark" || (preference === "system" && systemDark)

    readonly property color background: dark ? "#15171c" : "#ffffff"
    readonly property color sidebar: dark ? "#1b1e24" : "#f5f6f8"
    readonly property color surface: dark ? "#22252c" : "#ffffff"
    readonly property color selection: dark ? "#2b3445" : "#e3eafc"
    readonly property color divider: dark ? "#2c3038" : "#e4e6eb"
    readonly property color text: dark ? "#e9ebee" : "#1a1c20"
    readonly property color secondaryText: dark ? "#9aa1ab" : "#667080"
    readonly property color accent: dark ? "#6f9bff" : "#2f62e8"
    readonly property color accentText: "#ffffff"
    readonly property color ownBubble: dark ? "#3461d6" : "#2f62e8"
    readonly property color ownBubbleText: "#ffffff"
    readonly property color ownBubbleMeta: "#d5e0ff"
    readonly property color otherBubble: dark ? "#2a2e36" : "#eef0f4"
    readonly property color otherBubbleText: text
    readonly property color online: "#22b357"
    readonly property color offline: dark ? "#5d636e" : "#b5bac3"
    readonly property color danger: dark ? "#ff6b6b" : "#d42a2a"
    readonly property color warningBackground: dark ? "#4a3b10" : "#fff1c2"
    readonly property color warningText: dark ? "#ffe7a3" : "#5c4500"
    readonly property color dayChip: dark ? "#262a31" : "#eceef2"

    readonly property int spacing: 8
    readonly property int padding: 12
    readonly property int radius: 16
    readonly property int avatarSize: 42
    readonly property int sidebarWidth: 340
    readonly property int wideBreakpoint: 720
    readonly property int fontSmall: 12
    readonly property int fontNormal: 14
    readonly property int fontLarge: 17
}
