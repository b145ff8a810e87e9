import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Vigil 1.0

// A big number with a caption ("3 · high").
Rectangle {
    id: tile
    property string value
    property string caption
    property color tone: Theme.text
    implicitWidth: 132
    implicitHeight: 78
    radius: 10
    color: Theme.surface
    border.color: Theme.border
    Rectangle { width: 4; radius: 2; color: tile.tone; anchors { left: parent.left; top: parent.top; bottom: parent.bottom; margins: 10 } }
    ColumnLayout {
        anchors { left: parent.left; leftMargin: 24; verticalCenter: parent.verticalCenter }
        spacing: 0
        Label { text: tile.value; font.pixelSize: 26; font.weight: Font.Bold; color: Theme.text }
        Label { text: tile.caption; font.pixelSize: 12; color: Theme.textMuted }
    }
}
