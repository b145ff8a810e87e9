import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Vigil 1.0
import "../common"

// One package's versions compared: what the newer one does that the older did not (an update's
// new behaviour is what a reviewer came for), each line with the events behind it, and the files
// the package contents gained, lost or changed.
Page {
    id: page
    background: Rectangle { color: Theme.background }
    readonly property var diff: Scan.versionDiff
    signal exportDiff(string format)

    function tone(change) {
        return change === "added" ? Theme.critical : change === "removed" ? Theme.low
             : change === "changed" ? Theme.medium : Theme.border
    }
    function sign(change) {
        return change === "added" ? "+" : change === "removed" ? "−" : change === "changed" ? "~" : " "
    }

    // A finished comparison fills the fields (so "Compare" again re-runs it); an error leaves what
    // the user typed, to fix the typo.
    Connections {
        target: page.diff
        function onStatusChanged() {
            if (page.diff.status === VersionDiffModel.Ready) {
                olderField.text = page.diff.leftTitle
                newerField.text = page.diff.rightTitle
            }
        }
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 32
        spacing: 14
        PageHeader {
            title: qsTr("Version diff")
            subtitle: diff.status === VersionDiffModel.Ready ? qsTr("%1 → %2 · %3").arg(diff.leftTitle).arg(diff.rightTitle).arg(diff.summary)
                    : diff.busy ? diff.statusText
                    : qsTr("Compare two versions of a package, or open a package and choose “Compare with previous version”.")
            Button {
                objectName: "diffExportHtml"
                visible: diff.status === VersionDiffModel.Ready && Exporter.canExportDiff
                text: qsTr("Export HTML")
                onClicked: page.exportDiff("html")
            }
            Button {
                objectName: "diffExportPdf"
                visible: diff.status === VersionDiffModel.Ready && Exporter.canExportDiff
                text: qsTr("Export PDF")
                enabled: !Exporter.busy
                onClicked: page.exportDiff("pdf")
            }
        }
        RowLayout {
            Layout.fillWidth: true
            spacing: 8
            TextField {
                id: olderField
                objectName: "diffOlder"
                Layout.fillWidth: true
                Layout.preferredWidth: 1
                placeholderText: qsTr("older: name@1.0.0 (empty = previous analysed)")
            }
            Label { text: "→"; color: Theme.textMuted; font.pixelSize: 18 }
            TextField {
                id: newerField
                objectName: "diffNewer"
                Layout.fillWidth: true
                Layout.preferredWidth: 1
                placeholderText: qsTr("newer: name@1.0.1")
                onAccepted: if (text.length > 0) Scan.compareVersions(olderField.text, text)
            }
            Button {
                text: qsTr("Compare")
                highlighted: true
                // Also while one runs: the latest request replaces it (ScanController::compareVersions).
                enabled: newerField.text.length > 0
                onClicked: Scan.compareVersions(olderField.text, newerField.text)
            }
            BusyIndicator { running: diff.busy; visible: diff.busy; Layout.preferredHeight: 32; Layout.preferredWidth: 32 }
        }
        ErrorBanner {
            objectName: "diffError"
            Layout.fillWidth: true
            primary: diff.errorString
            secondary: diff.errorDetail
            onDismissed: diff.clearError()
        }
        RowLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: 16
            visible: diff.status === VersionDiffModel.Ready
            Card {
                Layout.fillWidth: true
                Layout.fillHeight: true
                Layout.preferredWidth: 3
                title: qsTr("Behaviour · %1 added, %2 removed, %3 changed").arg(diff.added).arg(diff.removed).arg(diff.changedCount)
                Item {
                    anchors.fill: parent
                    Label {
                        anchors.centerIn: parent
                        visible: list.count === 0
                        text: qsTr("Both versions behaved the same way.")
                        color: Theme.textMuted
                    }
                    ListView {
                        id: list
                        objectName: "diffList"
                        anchors.fill: parent
                        clip: true
                        spacing: 4
                        model: diff
                        property int expandedRow: -1
                        section.property: "category"
                        section.delegate: Label {
                            required property string section
                            topPadding: 10
                            bottomPadding: 4
                            text: section
                            font.weight: Font.Bold
                            font.capitalization: Font.AllUppercase
                            font.pixelSize: 12
                            color: Theme.textMuted
                        }
                        ScrollBar.vertical: ScrollBar {}
                        delegate: Rectangle {
                            id: row
                            required property int index
                            required property string behaviour
                            required property string change
                            required property string evidence
                            required property string eventSummary
                            readonly property bool expanded: list.expandedRow === index
                            width: list.width - 14
                            implicitHeight: column.implicitHeight + 14
                            radius: 6
                            color: change === "same" ? Theme.surface : Qt.rgba(page.tone(change).r, page.tone(change).g, page.tone(change).b, 0.10)
                            border.color: change === "same" ? Theme.border : page.tone(change)
                            ColumnLayout {
                                id: column
                                anchors { left: parent.left; right: parent.right; top: parent.top; margins: 7; leftMargin: 12; rightMargin: 12 }
                                spacing: 4
                                RowLayout {
                                    Layout.fillWidth: true
                                    spacing: 10
                                    Label { text: page.sign(row.change); font.family: "monospace"; font.pixelSize: 15; font.weight: Font.Bold; color: page.tone(row.change) }
                                    Label {
                                        Layout.fillWidth: true
                                        text: row.behaviour
                                        elide: Text.ElideMiddle
                                        font.family: "monospace"
                                        font.pixelSize: 13
                                        color: Theme.text
                                    }
                                    Label { text: row.evidence; visible: row.evidence.length > 0; font.pixelSize: 12; color: Theme.textMuted }
                                    Label {
                                        visible: row.eventSummary.length > 0
                                        text: row.expanded ? "▾" : "▸"
                                        color: Theme.accent
                                    }
                                }
                                Label {
                                    objectName: "diffEvents"
                                    Layout.fillWidth: true
                                    visible: row.expanded
                                    text: row.eventSummary
                                    wrapMode: Text.WrapAnywhere
                                    font.family: "monospace"
                                    font.pixelSize: 12
                                    color: Theme.textMuted
                                }
                            }
                            MouseArea {
                                anchors.fill: parent
                                enabled: row.eventSummary.length > 0
                                cursorShape: enabled ? Qt.PointingHandCursor : Qt.ArrowCursor
                                onClicked: list.expandedRow = row.expanded ? -1 : row.index
                            }
                        }
                    }
                }
            }
            Card {
                Layout.fillWidth: true
                Layout.fillHeight: true
                Layout.preferredWidth: 2
                title: qsTr("Files · %1 added, %2 removed, %3 changed").arg(diff.filesAdded.length).arg(diff.filesRemoved.length).arg(diff.filesChanged.length)
                Item {
                    anchors.fill: parent
                    Label {
                        anchors.centerIn: parent
                        width: parent.width - 24
                        horizontalAlignment: Text.AlignHCenter
                        wrapMode: Text.WordWrap
                        visible: files.count === 0
                        text: diff.hasFiles ? qsTr("Same files in both versions.")
                                            : qsTr("The store has no file lists for these versions (resolve them with metadata to see the files).")
                        color: Theme.textMuted
                    }
                    ListView {
                        id: files
                        objectName: "diffFiles"
                        anchors.fill: parent
                        clip: true
                        model: {
                            let rows = []
                            for (const f of diff.filesAdded) rows.push({ change: "added", path: f })
                            for (const f of diff.filesRemoved) rows.push({ change: "removed", path: f })
                            for (const f of diff.filesChanged) rows.push({ change: "changed", path: f })
                            return rows
                        }
                        ScrollBar.vertical: ScrollBar {}
                        delegate: RowLayout {
                            required property var modelData
                            width: ListView.view.width - 12
                            spacing: 10
                            Label { text: page.sign(modelData.change); font.family: "monospace"; font.weight: Font.Bold; color: page.tone(modelData.change) }
                            Label {
                                Layout.fillWidth: true
                                text: modelData.path
                                elide: Text.ElideMiddle
                                font.family: "monospace"
                                font.pixelSize: 13
                                color: Theme.text
                            }
                        }
                    }
                }
            }
        }
        Item { Layout.fillHeight: true; visible: diff.status !== VersionDiffModel.Ready }
    }
}
