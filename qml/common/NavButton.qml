import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Vigil 1.0

// One entry of the navigation rail.
ItemDelegate {
    id: nav
    property string glyph
    property bool current: false
    property string shortcutText
    Layout.fillWidth: true
    implicitHeight: 40
    ToolTip.visible: hovered
    ToolTip.delay: 800
    ToolTip.text: text + "  (" + shortcutText + ")"
    focusPolicy: Qt.TabFocus
    background: Rectangle {
        radius: 8
        color: nav.current ? Qt.rgba(1, 1, 1, 0.12) : nav.hovered || nav.visualFocus ? Qt.rgba(1, 1, 1, 0.06) : "transparent"
        Rectangle {
            visible: nav.current
            width: 3; radius: 2
            anchors { left: parent.left; top: parent.top; bottom: parent.bottom; margins: 8 }
            color: Theme.accent
        }
    }
    contentItem: RowLayout {
        spacing: 12
        Label {
            text: nav.glyph
            Layout.preferredWidth: 22
            horizontalAlignment: Text.AlignHCenter
            color: nav.current ? "white" : Theme.onDark
            opacity: nav.enabled ? 1 : 0.4
            font.pixelSize: 16
        }
        Label {
            Layout.fillWidth: true
            text: nav.text
            elide: Text.ElideRight
            color: nav.current ? "white" : Theme.onDark
            opacity: nav.enabled ? (nav.current ? 1 : 0.85) : 0.4
            font.pixelSize: 14
            font.weight: nav.current ? Font.DemiBold : Font.Normal
        }
        Label {
            visible: nav.width > 200
            text: nav.shortcutText
            color: Theme.onDark
            opacity: 0.35
            font.pixelSize: 11
        }
    }
}
