import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Vigil 1.0

// Title and subtitle of a page, with room for actions on the right.
RowLayout {
    id: header
    property string title
    property string subtitle
    default property alias actions: actionRow.data
    Layout.fillWidth: true
    spacing: 16
    ColumnLayout {
        Layout.fillWidth: true
        spacing: 2
        Label { text: header.title; font.pixelSize: 24; font.weight: Font.Bold; color: Theme.text }
        Label {
            Layout.fillWidth: true
            visible: text.length > 0
            text: header.subtitle
            font.pixelSize: 13
            color: Theme.textMuted
            elide: Text.ElideRight
        }
    }
    RowLayout { id: actionRow; spacing: 8 }
}
