import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts
import Vigil 1.0
import "../common"

// Open a project (folder dialog, recent, drag and drop), analyse one package, compare two versions.
Page {
    id: page
    signal openPackage(string key)
    signal showDiff()
    background: Rectangle { color: Theme.background }

    FolderDialog {
        id: folderDialog
        title: qsTr("Open a project folder")
        onAccepted: Scan.start(selectedFolder)
    }
    Shortcut { sequence: StandardKey.Open; enabled: page.visible; onActivated: folderDialog.open() }

    ScrollView {
        anchors.fill: parent
        contentWidth: availableWidth
        ColumnLayout {
            width: Math.min(parent.width - 64, 1040)
            x: 32
            spacing: 20
            Item { Layout.preferredHeight: 16 }
            PageHeader {
                title: qsTr("What do your dependencies actually do?")
                subtitle: qsTr("VIGIL runs every package in a sandbox, records what it does at install, import and call time, and tells you what is unusual.")
            }
            ErrorBanner {
                objectName: "scanError"
                Layout.fillWidth: true
                primary: Scan.status === ScanController.Failed ? Scan.errorString : ""
                secondary: Scan.errorDetail
            }
            RowLayout {
                Layout.fillWidth: true
                spacing: 16
                Card {
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    Layout.preferredWidth: 1
                    title: qsTr("Scan a project")
                    ColumnLayout {
                        anchors.fill: parent
                        spacing: 12
                        Label {
                            Layout.fillWidth: true
                            text: qsTr("A folder with package.json and a lockfile (npm, yarn or pnpm). You can also drop it on this window.")
                            wrapMode: Text.Wrap
                            color: Theme.textMuted
                        }
                        Button {
                            objectName: "openFolderButton"
                            text: qsTr("Open folder…")
                            highlighted: true
                            icon.name: "folder-open"
                            onClicked: folderDialog.open()
                        }
                    }
                }
                Card {
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    Layout.preferredWidth: 1
                    title: qsTr("Analyse one package")
                    ColumnLayout {
                        anchors.fill: parent
                        spacing: 12
                        TextField {
                            id: specField
                            objectName: "specField"
                            Layout.fillWidth: true
                            placeholderText: qsTr("name@version or path to a .tgz")
                            onAccepted: if (text.length > 0) Scan.start(text)
                        }
                        Button {
                            text: qsTr("Analyse")
                            enabled: specField.text.length > 0
                            onClicked: Scan.start(specField.text)
                        }
                    }
                }
                Card {
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    Layout.preferredWidth: 1
                    title: qsTr("Compare two versions")
                    ColumnLayout {
                        anchors.fill: parent
                        spacing: 8
                        TextField { id: olderField; objectName: "startOlder"; Layout.fillWidth: true; placeholderText: qsTr("older: name@1.0.0 (empty = previous analysed)") }
                        TextField { id: newerField; objectName: "startNewer"; Layout.fillWidth: true; placeholderText: qsTr("newer: name@1.0.1") }
                        Button {
                            objectName: "startCompare"
                            text: qsTr("Compare")
                            // Versions the store has not analysed yet are analysed first (same analyzer as a scan).
                            enabled: newerField.text.length > 0
                            onClicked: {
                                Scan.compareVersions(olderField.text, newerField.text)
                                page.showDiff()
                            }
                        }
                    }
                }
            }
            Card {
                Layout.fillWidth: true
                title: qsTr("Recent projects")
                Column {  // not a layout: rows come and go (Qt 6.4 layouts and deleted delegates)
                    anchors.fill: parent
                    spacing: 0
                    Label {
                        visible: Scan.recentProjects.count === 0
                        text: qsTr("Projects you scan appear here.")
                        color: Theme.textMuted
                    }
                    Repeater {
                        model: Scan.recentProjects
                        delegate: ItemDelegate {
                            required property string path
                            required property string name
                            required property var opened
                            width: parent.width
                            onClicked: Scan.start(path)
                            contentItem: RowLayout {
                                spacing: 12
                                Label { text: "▸"; color: Theme.accent }
                                Label { text: name; font.weight: Font.DemiBold; color: Theme.text }
                                Label { Layout.fillWidth: true; text: path; color: Theme.textMuted; elide: Text.ElideMiddle }
                                Label { text: Qt.formatDateTime(opened, "d MMM, hh:mm"); color: Theme.textMuted; font.pixelSize: 12 }
                            }
                        }
                    }
                }
            }
            Card {
                visible: Scan.hasReport
                Layout.fillWidth: true
                title: qsTr("Last scan: %1").arg(Scan.projectName)
                RowLayout {
                    anchors.fill: parent
                    spacing: 12
                    Repeater {
                        model: [4, 3, 2, 1, 0]
                        StatTile {
                            required property int modelData
                            value: Scan.severityCounts[modelData]
                            caption: Theme.severityName(modelData)
                            tone: Theme.severity(modelData)
                        }
                    }
                    Item { Layout.fillWidth: true }
                    Button { text: qsTr("Open most severe"); highlighted: true; onClicked: page.openPackage(Scan.mostSevereKey()) }
                }
            }
            Item { Layout.preferredHeight: 16 }
        }
    }
}
