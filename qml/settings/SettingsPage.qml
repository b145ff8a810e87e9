import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Vigil 1.0
import "../common"

// Scan options, the registry and authentication npm would use, rule folders, the store.
Page {
    id: page
    // One label column for every card, so their fields line up.
    readonly property int labelWidth: 190
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
                    Label { text: qsTr("Registry"); color: Theme.textMuted; Layout.preferredWidth: page.labelWidth; Layout.maximumWidth: page.labelWidth }
                    Label { text: Settings.registry; color: Theme.text; font.family: "monospace" }
                    Label { text: qsTr("Authentication"); color: Theme.textMuted }
                    Label { text: Settings.registryAuth; color: Theme.text }
                    Label { text: qsTr("Read from"); color: Theme.textMuted }
                    Label { text: Settings.npmrcSources.length ? Settings.npmrcSources.join("\n") : qsTr("npm defaults"); color: Theme.text; font.pixelSize: 12 }
                    Label { text: qsTr("Use instead"); color: Theme.textMuted }
                    TextField {
                        objectName: "registryOverride"
                        Layout.fillWidth: true
                        text: Settings.registryOverride
                        placeholderText: qsTr("registry URL (empty: the one above)")
                        font.family: "monospace"
                        onEditingFinished: Settings.registryOverride = text
                        Accessible.name: qsTr("Registry URL used instead of .npmrc's")
                    }
                    Label { text: qsTr("Network"); color: Theme.textMuted }
                    CheckBox {
                        objectName: "offline"
                        text: qsTr("Offline: only lockfiles, the cache and local tarballs")
                        checked: Settings.offline
                        onToggled: Settings.offline = checked
                    }
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
                    Label { text: qsTr("Parallel sandboxes"); color: Theme.textMuted; Layout.preferredWidth: page.labelWidth; Layout.maximumWidth: page.labelWidth }
                    RowLayout {
                        Layout.fillWidth: true
                        SpinBox { from: 0; to: 64; value: Settings.parallelism; onValueModified: Settings.parallelism = value; Accessible.name: qsTr("Parallel sandboxes") }
                        Label { text: qsTr("0 = one per CPU core"); color: Theme.textMuted; font.pixelSize: 12 }
                        Item { Layout.fillWidth: true }
                    }
                    Label { text: qsTr("Phases"); color: Theme.textMuted }
                    RowLayout {
                        Layout.fillWidth: true
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
                        Item { Layout.fillWidth: true }
                    }
                    Label { text: qsTr("Time budget per phase"); color: Theme.textMuted }
                    RowLayout {
                        Layout.fillWidth: true
                        SpinBox { from: 5; to: 600; stepSize: 5; value: Settings.phaseBudgetSeconds; onValueModified: Settings.phaseBudgetSeconds = value; Accessible.name: qsTr("Seconds per phase") }
                        Label { text: qsTr("seconds"); color: Theme.textMuted }
                        Item { Layout.fillWidth: true }
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
                    Label { text: qsTr("Rule folders"); color: Theme.textMuted; Layout.preferredWidth: page.labelWidth; Layout.maximumWidth: page.labelWidth }
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
            Card {
                Layout.fillWidth: true
                title: qsTr("Reports")
                GridLayout {
                    anchors.fill: parent
                    columns: 2
                    columnSpacing: 16
                    rowSpacing: 10
                    Label { text: qsTr("PDF paper"); color: Theme.textMuted; Layout.preferredWidth: page.labelWidth; Layout.maximumWidth: page.labelWidth }
                    RowLayout {
                        Layout.fillWidth: true
                        ComboBox {
                            objectName: "pageSize"
                            model: ["A4", "Letter"]
                            currentIndex: Exporter.pageSize === "Letter" ? 1 : 0
                            onActivated: (index) => Exporter.pageSize = model[index]
                            Accessible.name: qsTr("PDF paper size")
                        }
                        Item { Layout.fillWidth: true }
                    }
                }
            }
            Item { Layout.preferredHeight: 16 }
        }
    }
}
