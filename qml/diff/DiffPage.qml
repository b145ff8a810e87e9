import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Vigil 1.0
import "../common"

// Two versions side by side: behaviours only the newer one shows are what an update brought in.
Page {
    id: page
    background: Rectangle { color: Theme.background }
    readonly property var diff: Scan.versionDiff

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 32
        spacing: 14
        PageHeader {
            title: qsTr("Version diff")
            subtitle: diff.count > 0 ? qsTr("%1 → %2 · %3 new behaviours, %4 gone").arg(diff.leftTitle).arg(diff.rightTitle).arg(diff.added).arg(diff.removed)
                                     : qsTr("Open a package and choose “Compare with previous version”.")
        }
        RowLayout {
            Layout.fillWidth: true
            visible: diff.count > 0
            spacing: 16
            Label { Layout.fillWidth: true; Layout.preferredWidth: 1; text: diff.leftTitle; font.pixelSize: 17; font.weight: Font.Bold; color: Theme.textMuted }
            Label { Layout.fillWidth: true; Layout.preferredWidth: 1; text: diff.rightTitle; font.pixelSize: 17; font.weight: Font.Bold; color: Theme.text }
        }
        ListView {
            id: list
            objectName: "diffList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            spacing: 4
            model: diff
            section.property: "category"
            section.delegate: Label {
                required property string section
                topPadding: 12
                bottomPadding: 4
                text: section
                font.weight: Font.Bold
                font.capitalization: Font.AllUppercase
                font.pixelSize: 12
                color: Theme.textMuted
            }
            ScrollBar.vertical: ScrollBar {}
            delegate: RowLayout {
                id: row
                required property string behaviour
                required property string change
                required property bool inLeft
                required property bool inRight
                width: list.width - 12
                spacing: 16
                Repeater {
                    model: [row.inLeft, row.inRight]
                    Rectangle {
                        required property bool modelData
                        required property int index
                        Layout.fillWidth: true
                        Layout.preferredWidth: 1
                        implicitHeight: 32
                        radius: 6
                        color: !modelData ? "transparent"
                             : row.change === "added" ? Qt.rgba(Theme.critical.r, Theme.critical.g, Theme.critical.b, 0.12)
                             : row.change === "removed" ? Qt.rgba(Theme.low.r, Theme.low.g, Theme.low.b, 0.12) : Theme.surface
                        border.color: !modelData ? Theme.border : row.change === "added" ? Theme.critical : row.change === "removed" ? Theme.low : Theme.border
                        opacity: modelData ? 1 : 0.5
                        Label {
                            anchors { fill: parent; leftMargin: 12; rightMargin: 12 }
                            verticalAlignment: Text.AlignVCenter
                            text: parent.modelData ? (row.change === "added" ? "+ " : row.change === "removed" ? "− " : "  ") + row.behaviour : ""
                            elide: Text.ElideRight
                            font.family: "monospace"
                            font.pixelSize: 13
                            color: Theme.text
                        }
                    }
                }
            }
        }
    }
}
