import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Vigil 1.0
import "../common"

// Scan options, the registry and authentication npm would use, rule folders, the store.
Page {
    id: page
    background: Rectangle { color: Theme.background }
    ScrollView {
        anchors.fill: parent
        contentWidth: availableWidth
        ColumnLayout {
            x: 32
            width: Math.min(parent.width - 64, 900)
            spacing: 16
            Item { Layout.preferredHeight: 16 }
            PageHeader { title: qsTr("Settings"); subtitle: qsTr("Changes apply to the next scan.") }
            Card {
                Layout.fillWidth: true
                title: qsTr("Registry (from .npmrc)")
                GridLayout {
                    anchors.fill: parent
                    columns: 2
                    columnSpacing: 16
                    rowSpacing: 8
                    Label { text: qsTr("Registry"); color: Theme.textMuted }
                    Label { text: Settings.registry; color: Theme.text; font.family: "monospace" }
                    Label { text: qsTr("Authentication"); color: Theme.textMuted }
                    Label { text: Settings.registryAuth; color: Theme.text }
                    Label { text: qsTr("Read from"); color: Theme.textMuted }
                    Label { text: Settings.npmrcSources.length ? Settings.npmrcSources.join("\n") : qsTr("npm defaults"); color: Theme.text; font.pixelSize: 12 }
                    ErrorBanner { Layout.columnSpan: 2; Layout.fillWidth: true; primary: Settings.errorString; secondary: Settings.errorDetail }
                }
            }
            Card {
                Layout.fillWidth: true
                title: qsTr("Scanning")
                GridLayout {
                    anchors.fill: parent
                    columns: 2
                    columnSpacing: 16
                    rowSpacing: 10
                    Label { text: qsTr("Parallel sandboxes"); color: Theme.textMuted }
                    RowLayout {
                        SpinBox { from: 0; to: 64; value: Settings.parallelism; onValueModified: Settings.parallelism = value; Accessible.name: qsTr("Parallel sandboxes") }
                        Label { text: qsTr("0 = one per CPU core"); color: Theme.textMuted; font.pixelSize: 12 }
                    }
                    Label { text: qsTr("Phases"); color: Theme.textMuted }
                    RowLayout {
                        Repeater {
                            model: ["install", "import", "api"]
                            CheckBox {
                                required property string modelData
                                text: modelData
                                checked: Settings.phases.indexOf(modelData) >= 0
                                onToggled: {
                                    const all = ["install", "import", "api"]
                                    const keep = all.filter(p => p === modelData ? checked : Settings.phases.indexOf(p) >= 0)
                                    Settings.phases = keep
                                }
                            }
                        }
                    }
                    Label { text: qsTr("Time budget per phase"); color: Theme.textMuted }
                    RowLayout {
                        SpinBox { from: 5; to: 600; stepSize: 5; value: Settings.phaseBudgetSeconds; onValueModified: Settings.phaseBudgetSeconds = value; Accessible.name: qsTr("Seconds per phase") }
                        Label { text: qsTr("seconds"); color: Theme.textMuted }
                    }
                }
            }
            Card {
                Layout.fillWidth: true
                title: qsTr("Rules and store")
                GridLayout {
                    anchors.fill: parent
                    columns: 2
                    columnSpacing: 16
                    rowSpacing: 10
                    Label { text: qsTr("Rule folders"); color: Theme.textMuted }
                    TextArea {
                        Layout.fillWidth: true
                        text: Settings.ruleFolders.join("\n")
                        font.family: "monospace"
                        onEditingFinished: Settings.ruleFolders = text.split("\n").filter(s => s.trim().length > 0)
                    }
                    Label { text: qsTr("Store"); color: Theme.textMuted }
                    TextField {
                        Layout.fillWidth: true
                        text: Settings.storeLocation
                        font.family: "monospace"
                        onEditingFinished: Settings.storeLocation = text
                    }
                }
            }
            Item { Layout.preferredHeight: 16 }
        }
    }
}
