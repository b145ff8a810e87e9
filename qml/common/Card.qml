import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Vigil 1.0

// A raised surface with an optional title. Its one child fills the body (anchors.fill: parent)
// and gives the card its implicit height.
Pane {
    id: card
    property string title
    default property alias content: body.data
    padding: 16
    background: Rectangle {
        color: Theme.surface
        radius: 10
        border.color: Theme.border
    }
    ColumnLayout {
        anchors.fill: parent
        spacing: 10
        Label {
            visible: card.title.length > 0
            text: card.title
            font.pixelSize: 12
            font.weight: Font.DemiBold
            font.capitalization: Font.AllUppercase
            font.letterSpacing: 0.8
            color: Theme.textMuted
        }
        Item {
            id: body
            Layout.fillWidth: true
            Layout.fillHeight: true
            implicitHeight: children.length > 0 ? children[0].implicitHeight : 0
            implicitWidth: children.length > 0 ? children[0].implicitWidth : 0
        }
    }
}
