import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Vigil 1.0
import "../common"

// The dependency graph: search, filters, collapse, paths to the selected package.
Page {
    id: page
    signal openPackage(string key)
    background: Rectangle { color: Theme.background }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 32
        spacing: 14
        PageHeader {
            title: qsTr("Dependency graph")
            subtitle: graph.layoutRunning ? qsTr("Laying out %1 packages…").arg(graph.nodeCount - 1)
                    : qsTr("%1 packages · %2 layout in %3 s · %4 shown").arg(graph.nodeCount - 1).arg(graph.layoutAlgorithm)
                          .arg(graph.layoutSeconds.toFixed(2)).arg(graph.visibleCount - 1)
            Button { text: qsTr("Fit"); onClicked: graph.fitToView(); ToolTip.visible: hovered; ToolTip.text: qsTr("Fit to view (F)") }
            Button { text: qsTr("Expand all"); onClicked: graph.expandAll() }
        }
        ErrorBanner { Layout.fillWidth: true; primary: graph.errorString; secondary: graph.errorDetail }
        RowLayout {
            Layout.fillWidth: true
            spacing: 10
            TextField {
                id: search
                objectName: "graphSearch"
                Layout.preferredWidth: 260
                placeholderText: qsTr("Search packages  (Ctrl+F)")
                onAccepted: graph.nextMatch(1)
                Keys.onEscapePressed: { text = ""; graph.forceActiveFocus() }
            }
            Label {
                visible: search.text.length > 0
                text: qsTr("%n match(es)", "", graph.searchMatches)
                color: graph.searchMatches > 0 ? Theme.textMuted : Theme.high
            }
            Item { Layout.fillWidth: true }
            Label { text: qsTr("Severity ≥"); color: Theme.textMuted }
            ComboBox {
                id: severityFilter
                objectName: "severityFilter"
                model: ["info", "low", "medium", "high", "critical"]
                Layout.preferredWidth: 120
            }
            Label { text: qsTr("Behaviour"); color: Theme.textMuted }
            ComboBox {
                id: categoryFilter
                model: ["any", "install", "process", "network", "filesystem", "env", "code"]
                Layout.preferredWidth: 130
            }
            Label { text: qsTr("Phase"); color: Theme.textMuted }
            ComboBox {
                id: phaseFilter
                model: ["any", "install", "import", "api"]
                Layout.preferredWidth: 110
            }
        }
        Shortcut { sequence: StandardKey.Find; enabled: page.visible; onActivated: search.forceActiveFocus() }

        Rectangle {
            Layout.fillWidth: true
            Layout.fillHeight: true
            radius: 10
            color: Theme.surface
            border.color: Theme.border
            clip: true
            DependencyGraph {
                id: graph
                objectName: "dependencyGraph"
                anchors.fill: parent
                anchors.margins: 1
                controller: Scan
                selectedKey: Scan.selectedKey
                searchText: search.text
                minSeverity: severityFilter.currentIndex
                categoryFilter: categoryFilter.currentIndex > 0 ? categoryFilter.currentText : ""
                phaseFilter: phaseFilter.currentIndex > 0 ? phaseFilter.currentText : ""
                onNodeClicked: (key) => Scan.selectedKey = key
                onNodeActivated: (key) => page.openPackage(key)
            }
            BusyIndicator { anchors.centerIn: parent; running: graph.layoutRunning }
            // Legend and the selection's summary float over the canvas.
            Rectangle {
                anchors { left: parent.left; bottom: parent.bottom; margins: 14 }
                width: legend.implicitWidth + 24
                height: legend.implicitHeight + 16
                radius: 8
                color: Qt.rgba(1, 1, 1, 0.92)
                border.color: Theme.border
                RowLayout {
                    id: legend
                    anchors.centerIn: parent
                    spacing: 12
                    Repeater {
                        model: [4, 3, 2, 1, 0]
                        RowLayout {
                            required property int modelData
                            spacing: 5
                            Rectangle { width: 12; height: 12; radius: 6; color: Theme.severity(modelData) }
                            Label { text: Theme.severityName(modelData); font.pixelSize: 12; color: Theme.textMuted }
                        }
                    }
                    Label { text: qsTr("· size = score · double-click opens · Space collapses"); font.pixelSize: 12; color: Theme.textMuted }
                }
            }
            Rectangle {
                visible: Scan.details.valid
                anchors { right: parent.right; top: parent.top; margins: 14 }
                width: 300
                height: selection.implicitHeight + 28
                radius: 10
                color: Qt.rgba(1, 1, 1, 0.95)
                border.color: Theme.border
                Column {  // not a layout: the findings Repeater below changes with the selection
                    id: selection
                    anchors { fill: parent; margins: 14 }
                    spacing: 6
                    RowLayout {
                        SeverityBadge { severity: Scan.details.severity }
                        Label { text: qsTr("score %1").arg(Scan.details.score); color: Theme.textMuted }
                    }
                    Label { objectName: "graphSelection"; text: Scan.details.key; font.pixelSize: 16; font.weight: Font.Bold; color: Theme.text }
                    Label {
                        width: selection.width
                        // Spelled out: without a translation loaded, qsTr's %n plural shows "path(s)".
                        text: Scan.details.paths.length === 1 ? qsTr("1 path from the project highlighted")
                                                              : qsTr("%1 paths from the project highlighted").arg(Scan.details.paths.length)
                        color: Theme.accent
                        font.pixelSize: 12
                    }
                    Repeater {
                        model: Scan.details.findings
                        Label {
                            required property string title
                            width: selection.width
                            text: "• " + title
                            wrapMode: Text.Wrap
                            color: Theme.text
                            font.pixelSize: 12
                        }
                    }
                    RowLayout {
                        Button { text: qsTr("Details"); highlighted: true; onClicked: page.openPackage(Scan.selectedKey) }
                        Button { text: graph.isCollapsed(Scan.selectedKey) ? qsTr("Expand") : qsTr("Collapse"); onClicked: graph.toggleCollapsed(Scan.selectedKey) }
                    }
                }
            }
        }
    }
}
