import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Vigil 1.0
import "../common"

// Packages × behaviour categories, coloured by heat; click a header to sort, a cell to open.
Page {
    id: page
    signal openPackage(string key)
    background: Rectangle { color: Theme.background }
    readonly property var heatmap: Scan.heatmap

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 32
        spacing: 14
        PageHeader {
            title: qsTr("Risk heatmap")
            subtitle: heatmap.normView ? qsTr("Against its category’s norm in the store. Red: few peers do this; blue: most peers do, this one does not.")
                                       : qsTr("How much of each kind of behaviour every package showed (0–100). Click a column to sort, a row to open the package.")
            Switch {
                objectName: "normSwitch"
                text: qsTr("Compare with category peers")
                checked: heatmap.normView
                onToggled: heatmap.normView = checked
            }
        }
        // Why the norm view shows no shares: still computing, or the store's error with its fix.
        ErrorBanner {
            objectName: "normsNote"
            Layout.fillWidth: true
            // Empty (and so hidden) outside the norm view: a hidden banner with text loops its layout.
            primary: heatmap.normView ? heatmap.normsNote : ""
            secondary: heatmap.normView ? heatmap.normsDetail : ""
            tone: heatmap.normsLoading || heatmap.normsDetail.length === 0 ? Theme.accent : Theme.high
        }
        Rectangle {
            Layout.fillWidth: true
            Layout.fillHeight: true
            radius: 10
            color: Theme.surface
            border.color: Theme.border
            clip: true
            HorizontalHeaderView {
                id: header
                anchors { left: table.left; top: parent.top; topMargin: 12 }
                syncView: table
                clip: true
                delegate: Rectangle {
                    required property int index
                    implicitHeight: 40
                    color: "transparent"
                    Label {
                        anchors.centerIn: parent
                        text: heatmap.columnName(parent.index) + (heatmap.sortColumn === parent.index ? "  ▼" : "")
                        font.weight: heatmap.sortColumn === parent.index ? Font.Bold : Font.DemiBold
                        color: heatmap.sortColumn === parent.index ? Theme.accent : Theme.textMuted
                        font.pixelSize: 13
                    }
                    MouseArea { anchors.fill: parent; cursorShape: Qt.PointingHandCursor; onClicked: heatmap.sort(parent.index) }
                }
            }
            VerticalHeaderView {
                id: rowHeader
                anchors { left: parent.left; top: table.top; leftMargin: 12 }
                syncView: table
                clip: true
                delegate: Rectangle {
                    required property int index
                    implicitWidth: 240
                    implicitHeight: 36
                    color: "transparent"
                    RowLayout {
                        anchors.fill: parent
                        anchors.rightMargin: 10
                        spacing: 8
                        Rectangle { width: 10; height: 10; radius: 5; color: Theme.severity(heatmap.severityAt(parent.parent.index)) }
                        Label {
                            Layout.fillWidth: true
                            text: heatmap.keyAt(parent.parent.index)
                            elide: Text.ElideRight
                            color: Theme.text
                            font.weight: Scan.selectedKey === text ? Font.Bold : Font.Normal
                        }
                    }
                    MouseArea { anchors.fill: parent; cursorShape: Qt.PointingHandCursor; onClicked: page.openPackage(heatmap.keyAt(parent.index)) }
                }
            }
            TableView {
                id: table
                objectName: "heatmapTable"
                anchors { left: rowHeader.right; top: header.bottom; right: parent.right; bottom: parent.bottom; margins: 12; leftMargin: 4; topMargin: 4 }
                clip: true
                model: heatmap
                columnSpacing: 4
                rowSpacing: 4
                boundsBehavior: Flickable.StopAtBounds
                columnWidthProvider: (column) => Math.max(96, (table.width - 4 * 6) / 7)
                rowHeightProvider: () => 36
                ScrollBar.vertical: ScrollBar {}
                keyNavigationEnabled: true
                delegate: Rectangle {
                    id: cell
                    required property int heat
                    required property int row
                    required property int column
                    required property string key
                    required property string normText
                    required property string normToolTip
                    required property real normLevel
                    readonly property bool norm: heatmap.normView && column > 0
                    // Norm view: red as strong as the behaviour is rare among its peers; a softer
                    // blue for what most peers do and this one does not (unusual, seldom a risk).
                    readonly property color normColour: normLevel > 0 ? Qt.rgba(Theme.critical.r, Theme.critical.g, Theme.critical.b, 0.1 + 0.8 * normLevel)
                                                      : normLevel < 0 ? Qt.rgba(Theme.low.r, Theme.low.g, Theme.low.b, 0.1 - 0.5 * normLevel)
                                                                      : Theme.surfaceAlt
                    radius: 6
                    color: norm ? normColour : Theme.heat(heat)
                    border.color: Scan.selectedKey === key ? Theme.accent : "transparent"
                    border.width: 2
                    Label {
                        anchors.centerIn: parent
                        width: parent.width - 8
                        horizontalAlignment: Text.AlignHCenter
                        elide: Text.ElideRight
                        text: cell.norm ? cell.normText : cell.heat
                        color: (cell.norm ? cell.normLevel > 0.55 : cell.heat >= 50) ? "white" : Theme.text
                        font.weight: cell.column === 0 || (cell.norm && cell.normLevel > 0.55) ? Font.Bold : Font.Normal
                        opacity: cell.norm ? (cell.normLevel === 0 ? 0.6 : 1) : (cell.heat > 0 ? 1 : 0.45)
                    }
                    MouseArea {
                        id: cellMouse
                        anchors.fill: parent
                        hoverEnabled: true
                        cursorShape: Qt.PointingHandCursor
                        onClicked: Scan.selectedKey = cell.key
                        onDoubleClicked: page.openPackage(cell.key)
                    }
                    ToolTip.visible: cell.norm && cellMouse.containsMouse
                    ToolTip.text: cell.normToolTip
                    ToolTip.delay: 300
                }
            }
        }
    }
}
