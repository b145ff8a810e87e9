import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Vigil 1.0
import "../common"

// Two versions of one package side by side: the older version's behaviours on the left, the
// newer's on the right, aligned by behaviour — what the update dropped in red on the left, what it
// brought in green on the right — and below, the files the package contents gained, lost or
// changed, with the selected file's line diff.
Page {
    id: page
    background: Rectangle { color: Theme.background }
    readonly property var diff: Scan.versionDiff
    readonly property var table: diff.sideBySide
    readonly property var files: diff.files
    readonly property var fileDiff: diff.fileDiff
    signal exportDiff(string format)

    // Diff colours (as every diff tool draws them), distinct from the severity palette on purpose:
    // "removed" is not "critical".
    readonly property color addedColour: "#2f8a4a"
    readonly property color removedColour: "#c8384a"
    function tone(change) {
        return change === "added" ? addedColour : change === "removed" ? removedColour
             : change === "changed" ? Theme.medium : Theme.border
    }
    function tint(change, alpha) {
        const c = tone(change)
        return Qt.rgba(c.r, c.g, c.b, alpha)
    }
    function sign(change) {
        return change === "added" ? "+" : change === "removed" ? "−" : change === "changed" ? "~" : " "
    }

    // Over each column: the version, and what its highlight means.
    component ColumnHeader: RowLayout {
        property string title
        property string change
        property string legend
        Layout.fillWidth: true
        Layout.preferredWidth: 1
        spacing: 8
        Label { text: parent.title; font.weight: Font.DemiBold; font.pixelSize: 14; color: Theme.text; elide: Text.ElideMiddle; Layout.fillWidth: true }
        Rectangle { implicitWidth: 10; implicitHeight: 10; radius: 2; color: page.tint(parent.change, 0.25); border.color: page.tone(parent.change) }
        Label { text: parent.legend; font.pixelSize: 12; color: Theme.textMuted }
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
                enabled: !Exporter.busy
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

        // Behaviours side by side.
        Card {
            Layout.fillWidth: true
            Layout.fillHeight: true
            Layout.preferredHeight: 5
            visible: diff.status === VersionDiffModel.Ready
            title: qsTr("Behaviour · %1 added, %2 removed, %3 changed").arg(diff.added).arg(diff.removed).arg(diff.changedCount)
            ColumnLayout {
                anchors.fill: parent
                spacing: 6
                RowLayout {
                    Layout.fillWidth: true
                    spacing: 12
                    ColumnHeader { title: diff.leftTitle; change: "removed"; legend: qsTr("only here: removed") }
                    ColumnHeader { title: diff.rightTitle; change: "added"; legend: qsTr("only here: added") }
                }
                Item {
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    Label {
                        anchors.centerIn: parent
                        visible: table.rows === 0
                        text: qsTr("Both versions behaved the same way.")
                        color: Theme.textMuted
                    }
                    TableView {
                        id: behaviours
                        objectName: "diffTable"
                        anchors.fill: parent
                        clip: true
                        model: page.table
                        columnSpacing: 12
                        rowSpacing: 3
                        boundsBehavior: Flickable.StopAtBounds
                        property int expandedRow: -1
                        onWidthChanged: forceLayout()
                        columnWidthProvider: function (column) { return Math.max(80, (behaviours.width - 14 - columnSpacing) / 2) }
                        ScrollBar.vertical: ScrollBar {}
                        delegate: Item {
                            id: cell
                            required property int row
                            required property int column
                            required property string text
                            required property bool present
                            required property string highlight
                            required property string change
                            required property string category
                            required property bool sectionStart
                            required property string evidence
                            required property string eventSummary
                            readonly property bool expanded: behaviours.expandedRow === row
                            implicitWidth: 200
                            implicitHeight: content.implicitHeight
                            ColumnLayout {
                                id: content
                                anchors { left: parent.left; right: parent.right; top: parent.top }
                                spacing: 2
                                // The category's title over its first row, in both columns so rows stay aligned.
                                Label {
                                    visible: cell.sectionStart
                                    topPadding: cell.row === 0 ? 0 : 10
                                    bottomPadding: 2
                                    text: cell.category
                                    font.weight: Font.Bold
                                    font.capitalization: Font.AllUppercase
                                    font.pixelSize: 11
                                    color: Theme.textMuted
                                }
                                Rectangle {
                                    Layout.fillWidth: true
                                    implicitHeight: line.implicitHeight + 12
                                    radius: 5
                                    color: cell.highlight.length > 0 ? page.tint(cell.highlight, 0.12) : cell.present ? Theme.surface : "transparent"
                                    border.color: cell.highlight.length > 0 ? page.tone(cell.highlight) : cell.present ? Theme.border : "transparent"
                                    ColumnLayout {
                                        id: line
                                        anchors { left: parent.left; right: parent.right; verticalCenter: parent.verticalCenter; leftMargin: 10; rightMargin: 10 }
                                        spacing: 3
                                        RowLayout {
                                            Layout.fillWidth: true
                                            spacing: 8
                                            Label {
                                                visible: cell.highlight.length > 0
                                                text: page.sign(cell.highlight)
                                                font.family: "monospace"; font.weight: Font.Bold; font.pixelSize: 14
                                                color: page.tone(cell.highlight)
                                            }
                                            Label {
                                                Layout.fillWidth: true
                                                text: cell.present ? cell.text : qsTr("—")
                                                elide: Text.ElideMiddle
                                                font.family: "monospace"
                                                font.pixelSize: 13
                                                color: cell.present ? Theme.text : Theme.border
                                            }
                                            Label { text: cell.evidence; visible: cell.evidence.length > 0; font.pixelSize: 11; color: Theme.textMuted }
                                            Label { visible: cell.eventSummary.length > 0; text: cell.expanded ? "▾" : "▸"; color: Theme.accent }
                                        }
                                    }
                                    // The events behind the line, over the rows below: TableView keeps
                                    // a row's height once measured, so they do not open inline.
                                    ToolTip {
                                        objectName: "diffEvents"
                                        visible: cell.expanded && cell.eventSummary.length > 0
                                        x: 0
                                        y: parent.height + 2
                                        width: parent.width
                                        text: cell.eventSummary
                                        font.family: "monospace"
                                        font.pixelSize: 12
                                        timeout: -1
                                    }
                                    MouseArea {
                                        anchors.fill: parent
                                        enabled: cell.eventSummary.length > 0
                                        cursorShape: enabled ? Qt.PointingHandCursor : Qt.ArrowCursor
                                        onClicked: behaviours.expandedRow = cell.expanded ? -1 : cell.row
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }

        // The package contents: the file list and the selected file's line diff.
        Card {
            Layout.fillWidth: true
            Layout.fillHeight: true
            Layout.preferredHeight: 6
            visible: diff.status === VersionDiffModel.Ready
            title: qsTr("Files · %1 changed, %2 added, %3 removed").arg(diff.filesChanged.length).arg(diff.filesAdded.length).arg(diff.filesRemoved.length)
            Item {
                anchors.fill: parent
                Label {
                    anchors.centerIn: parent
                    width: parent.width - 24
                    horizontalAlignment: Text.AlignHCenter
                    wrapMode: Text.WordWrap
                    visible: fileList.count === 0
                    text: diff.hasFiles ? qsTr("Same files in both versions.")
                                        : qsTr("The store has no file lists for these versions (resolve them with metadata to see the files).")
                    color: Theme.textMuted
                }
                RowLayout {
                    anchors.fill: parent
                    spacing: 0
                    visible: fileList.count > 0
                    ListView {
                        id: fileList
                        objectName: "diffFiles"
                        Layout.preferredWidth: Math.min(320, parent.width * 0.3)
                        Layout.fillHeight: true
                        clip: true
                        model: page.files
                        currentIndex: -1
                        keyNavigationEnabled: true
                        activeFocusOnTab: true
                        boundsBehavior: Flickable.StopAtBounds
                        ScrollBar.vertical: ScrollBar {}
                        // A new comparison opens its first file (changed files come first): the
                        // reader sees a content diff at once and moves on with the arrow keys.
                        Connections {
                            target: page.files
                            function onCountChanged() {
                                fileList.currentIndex = -1
                                if (page.files.count > 0)
                                    fileList.currentIndex = 0
                            }
                        }
                        onCurrentIndexChanged: if (currentIndex >= 0) Scan.showFileDiff(page.files.pathAt(currentIndex))
                        delegate: Rectangle {
                            id: fileRow
                            required property int index
                            required property string path
                            required property string change
                            readonly property bool selected: ListView.isCurrentItem
                            width: ListView.view.width - 10
                            height: 30
                            radius: 5
                            color: selected ? Qt.rgba(Theme.accent.r, Theme.accent.g, Theme.accent.b, 0.12) : "transparent"
                            border.color: selected && fileList.activeFocus ? Theme.accent : "transparent"
                            RowLayout {
                                anchors { fill: parent; leftMargin: 8; rightMargin: 8 }
                                spacing: 8
                                Label { text: page.sign(fileRow.change); font.family: "monospace"; font.weight: Font.Bold; color: page.tone(fileRow.change) }
                                Label {
                                    Layout.fillWidth: true
                                    text: fileRow.path
                                    elide: Text.ElideMiddle
                                    font.family: "monospace"
                                    font.pixelSize: 13
                                    color: fileRow.selected ? Theme.accent : Theme.text
                                }
                            }
                            MouseArea {
                                anchors.fill: parent
                                cursorShape: Qt.PointingHandCursor
                                onClicked: { fileList.currentIndex = fileRow.index; fileList.forceActiveFocus() }
                            }
                        }
                    }
                    Rectangle { Layout.fillHeight: true; Layout.preferredWidth: 1; color: Theme.border }
                    FileDiffView {
                        Layout.fillWidth: true
                        Layout.fillHeight: true
                        Layout.leftMargin: 12
                        model: page.fileDiff
                        addedColour: page.addedColour
                        removedColour: page.removedColour
                    }
                }
            }
        }
        Item { Layout.fillHeight: true; visible: diff.status !== VersionDiffModel.Ready }
    }
}
