import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Vigil 1.0

// An engine error as the user sees it: the primary text, then the secondary (why / what to do).
Rectangle {
    id: banner
    property string primary
    property string secondary
    property color tone: Theme.critical
    signal dismissed()
    visible: primary.length > 0
    implicitHeight: visible ? row.implicitHeight + 20 : 0
    radius: 8
    color: Qt.rgba(tone.r, tone.g, tone.b, 0.10)
    border.color: tone
    RowLayout {
        id: row
        anchors.fill: parent
        anchors.margins: 10
        spacing: 12
        Rectangle { Layout.preferredWidth: 4; Layout.fillHeight: true; radius: 2; color: banner.tone }
        ColumnLayout {
            Layout.fillWidth: true
            spacing: 2
            Label {
                objectName: "errorPrimary"
                Layout.fillWidth: true
                text: banner.primary
                font.weight: Font.DemiBold
                color: Theme.text
                wrapMode: Text.Wrap
            }
            Label {
                objectName: "errorSecondary"
                Layout.fillWidth: true
                visible: text.length > 0
                text: banner.secondary
                color: Theme.textMuted
                wrapMode: Text.Wrap
            }
        }
        ToolButton {
            text: "✕"
            Accessible.name: qsTr("Dismiss")
            onClicked: banner.dismissed()
        }
    }
}
