import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Vigil 1.0
import "common"
import "start"
import "scan"
import "graph"
import "package"
import "heatmap"
import "diff"
import "rules"
import "settings"

ApplicationWindow {
    id: window
    width: 1320
    height: 840
    minimumWidth: 960
    minimumHeight: 620
    visible: true
    color: Theme.background
    title: Scan.hasReport || Scan.running ? qsTr("%1 — VIGIL").arg(Scan.projectName) : qsTr("VIGIL")

    readonly property var pages: ["start", "scan", "graph", "package", "heatmap", "diff", "rules", "settings"]
    property int currentPage: 0
    function showPage(name) { currentPage = Math.max(0, pages.indexOf(name)) }
    function openPackage(key) { Scan.selectedKey = key; showPage("package") }

    font.pixelSize: 14
    // The Basic style's colours from the one palette: highlighted buttons in the accent colour.
    palette.dark: Theme.accent
    palette.brightText: "white"
    palette.button: Theme.surfaceAlt
    palette.highlight: Theme.accent
    palette.base: Theme.surface
    palette.mid: Theme.border

    // Pages follow the scan: a started scan shows its progress, a finished one its graph.
    Connections {
        target: Scan
        function onStatusChanged() {
            if (Scan.status === ScanController.Running)
                window.showPage("scan")
        }
    }

    DropArea {
        id: drop
        anchors.fill: parent
        keys: ["text/uri-list"]
        onDropped: (drop) => { if (drop.hasUrls) Scan.start(drop.urls[0]) }
        Rectangle {
            anchors.fill: parent
            visible: drop.containsDrag
            z: 100
            color: Qt.rgba(Theme.accent.r, Theme.accent.g, Theme.accent.b, 0.12)
            border.color: Theme.accent
            border.width: 3
            Label { anchors.centerIn: parent; text: qsTr("Drop a project folder or lockfile to scan it"); font.pixelSize: 22; color: Theme.accent }
        }
    }

    RowLayout {
        anchors.fill: parent
        spacing: 0

        Rectangle {
            Layout.fillHeight: true
            Layout.preferredWidth: 236
            color: Theme.sidebar
            ColumnLayout {
                anchors.fill: parent
                anchors.margins: 12
                spacing: 4
                RowLayout {
                    Layout.margins: 8
                    Layout.bottomMargin: 18
                    spacing: 10
                    Rectangle {
                        width: 30; height: 30; radius: 8
                        color: Theme.accent
                        Label { anchors.centerIn: parent; text: "V"; color: "white"; font.pixelSize: 17; font.weight: Font.Black }
                    }
                    ColumnLayout {
                        spacing: 0
                        Label { text: "VIGIL"; color: "white"; font.pixelSize: 17; font.weight: Font.Bold; font.letterSpacing: 1.5 }
                        Label { text: qsTr("behavioural trust"); color: Theme.onDark; opacity: 0.55; font.pixelSize: 11 }
                    }
                }
                Repeater {
                    model: [
                        { name: qsTr("Start"), glyph: "⌂", needsReport: false },
                        { name: qsTr("Scan"), glyph: "◔", needsReport: false },
                        { name: qsTr("Graph"), glyph: "⌬", needsReport: true },
                        { name: qsTr("Package"), glyph: "▤", needsReport: true },
                        { name: qsTr("Heatmap"), glyph: "▦", needsReport: true },
                        { name: qsTr("Version diff"), glyph: "⇄", needsReport: false },
                        { name: qsTr("Rules"), glyph: "☰", needsReport: false },
                        { name: qsTr("Settings"), glyph: "⚙", needsReport: false }
                    ]
                    delegate: NavButton {
                        required property var modelData
                        required property int index
                        text: modelData.name
                        glyph: modelData.glyph
                        shortcutText: "Ctrl+" + (index + 1)
                        current: window.currentPage === index
                        enabled: !modelData.needsReport || Scan.packages.count > 0
                        onClicked: window.currentPage = index
                    }
                }
                Item { Layout.fillHeight: true }
                ColumnLayout {
                    visible: Scan.hasReport
                    Layout.fillWidth: true
                    Layout.margins: 8
                    spacing: 8
                    Label { text: qsTr("PROJECT"); color: Theme.onDark; opacity: 0.5; font.pixelSize: 10; font.letterSpacing: 1 }
                    Label { Layout.fillWidth: true; text: Scan.projectName; color: "white"; font.weight: Font.DemiBold; elide: Text.ElideMiddle }
                    Label { text: qsTr("EXPORT REPORT"); color: Theme.onDark; opacity: 0.5; font.pixelSize: 10; font.letterSpacing: 1 }
                    RowLayout {
                        Layout.fillWidth: true
                        spacing: 6
                        Button { Layout.fillWidth: true; text: qsTr("HTML"); onClicked: exportDialog.openFor("html"); Accessible.name: qsTr("Export HTML report") }
                        Button { Layout.fillWidth: true; text: qsTr("PDF"); enabled: !Exporter.busy; onClicked: exportDialog.openFor("pdf"); Accessible.name: qsTr("Export PDF report (%1)").arg(Exporter.pageSize) }
                        Button { Layout.fillWidth: true; text: qsTr("JSON"); onClicked: exportDialog.openFor("json"); Accessible.name: qsTr("Export the scan as JSON") }
                    }
                }
            }
        }

        ColumnLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: 0
            ErrorBanner {
                objectName: "exportError"
                Layout.fillWidth: true
                Layout.margins: visible ? 16 : 0
                primary: Exporter.errorString
                secondary: Exporter.errorDetail
                tone: Theme.high
                onDismissed: Exporter.clearMessage()
            }
            // A PDF being written on its worker: the window stays usable, this says it is not done yet.
            Rectangle {
                objectName: "exportBusy"
                visible: Exporter.busy
                Layout.fillWidth: true
                Layout.margins: visible ? 16 : 0
                implicitHeight: visible ? busyRow.implicitHeight + 20 : 0
                radius: 8
                color: Qt.rgba(Theme.accent.r, Theme.accent.g, Theme.accent.b, 0.08)
                border.color: Theme.accent
                RowLayout {
                    id: busyRow
                    anchors.fill: parent
                    anchors.margins: 10
                    spacing: 12
                    BusyIndicator { running: Exporter.busy; Layout.preferredWidth: 24; Layout.preferredHeight: 24 }
                    Label { Layout.fillWidth: true; text: Exporter.busyText; color: Theme.text; elide: Text.ElideMiddle }
                }
            }
            ErrorBanner {
                objectName: "exportDone"
                Layout.fillWidth: true
                Layout.margins: visible ? 16 : 0
                primary: Exporter.lastPath.length > 0 ? qsTr("Report written to %1").arg(Exporter.lastPath) : ""
                tone: Theme.low
                onDismissed: Exporter.clearMessage()
            }
            StackLayout {
                id: stack
                Layout.fillWidth: true
                Layout.fillHeight: true
                currentIndex: window.currentPage
                StartPage { onOpenPackage: (key) => window.openPackage(key); onShowDiff: window.showPage("diff") }
                ScanPage { onOpenPackage: (key) => window.openPackage(key); onShowGraph: window.showPage("graph") }
                GraphPage { onOpenPackage: (key) => window.openPackage(key) }
                PackagePage {
                    onCompare: (key) => { if (Scan.compareWithPrevious(key)) window.showPage("diff") }
                    onExportPackage: (key, format) => exportDialog.openForScope(format, key)
                }
                HeatmapPage { onOpenPackage: (key) => window.openPackage(key) }
                DiffPage { onExportDiff: (format) => exportDialog.openForScope(format, "diff") }
                RulesPage {}
                SettingsPage {}
            }
        }
    }

    Repeater {
        model: 8
        Item {
            required property int index
            Shortcut { sequence: "Ctrl+" + (index + 1); onActivated: window.currentPage = index }
        }
    }

    ExportDialog { id: exportDialog; objectName: "exportDialog" }
}
