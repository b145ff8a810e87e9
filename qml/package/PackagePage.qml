import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Vigil 1.0
import "../common"

// Everything about the selected package: findings and their evidence, the event timeline,
// fingerprint, install scripts, processes, dependency paths.
Page {
    id: page
    signal compare(string key)
    signal exportPackage(string key, string format)
    background: Rectangle { color: Theme.background }
    readonly property var details: Scan.details

    ScrollView {
        id: scroll
        anchors.fill: parent
        contentWidth: availableWidth
        ColumnLayout {
            x: 32
            width: scroll.availableWidth - 64
            spacing: 16
            Item { Layout.preferredHeight: 16 }
            RowLayout {
                Layout.fillWidth: true
                spacing: 14
                ColumnLayout {
                    Layout.fillWidth: true
                    spacing: 4
                    RowLayout {
                        spacing: 12
                        Label { objectName: "packageTitle"; text: details.name; font.pixelSize: 26; font.weight: Font.Bold; color: Theme.text }
                        Label { text: details.version; font.pixelSize: 20; color: Theme.textMuted }
                        SeverityBadge { objectName: "packageSeverity"; severity: details.severity }
                    }
                    Label {
                        Layout.fillWidth: true
                        text: qsTr("score %1 / 100 · category %2 · %3").arg(details.score).arg(details.category || "unknown").arg(details.integrity)
                        color: Theme.textMuted
                        elide: Text.ElideRight
                    }
                    RowLayout {  // under the title: the header row has no room left at 200 %
                        spacing: 6
                        Label { text: qsTr("Export this package:"); color: Theme.textMuted; font.pixelSize: 12 }
                        Button { objectName: "packageExportHtml"; flat: true; text: qsTr("HTML"); font.pixelSize: 12; onClicked: page.exportPackage(details.key, "html") }
                        Button { objectName: "packageExportPdf"; flat: true; text: qsTr("PDF"); font.pixelSize: 12; enabled: !Exporter.busy; onClicked: page.exportPackage(details.key, "pdf") }
                    }
                    Label {
                        objectName: "packageChanges"
                        Layout.fillWidth: true
                        visible: details.changesSummary.length > 0
                        text: "⇄ " + details.changesSummary
                        color: Theme.accent
                        elide: Text.ElideRight
                        MouseArea { anchors.fill: parent; cursorShape: Qt.PointingHandCursor; onClicked: page.compare(details.key) }
                    }
                }
                ComboBox {
                    objectName: "packagePicker"
                    Layout.preferredWidth: 260
                    model: Scan.packages
                    textRole: "key"
                    valueRole: "key"
                    currentIndex: Scan.packages.indexOfKey(Scan.selectedKey)
                    onActivated: (index) => Scan.selectedKey = Scan.packages.keyAt(index)
                }
                Button { text: qsTr("Compare with previous version"); onClicked: page.compare(details.key) }
            }
            ErrorBanner { Layout.fillWidth: true; primary: details.analysisError; secondary: qsTr("The analysis of this package did not complete; what was recorded is shown.") }

            Card {
                Layout.fillWidth: true
                title: qsTr("Event timeline · %1 events · Ctrl+wheel or +/− to zoom · arrow keys to step through").arg(timeline.eventCount)
                ColumnLayout {
                    anchors.fill: parent
                    spacing: 10
                    RowLayout {
                        Layout.fillWidth: true
                        spacing: 8
                        Repeater {
                            model: [4, 3, 2]
                            RowLayout {
                                required property int modelData
                                spacing: 4
                                Rectangle { implicitWidth: 8; implicitHeight: 14; radius: 2; color: Theme.severity(modelData) }
                                Label { text: qsTr("%1 evidence").arg(Theme.severityName(modelData)); font.pixelSize: 12; color: Theme.textMuted }
                            }
                        }
                        RowLayout {
                            spacing: 4
                            Rectangle { implicitWidth: 5; implicitHeight: 14; radius: 2; color: Theme.edge }
                            Label { text: qsTr("other events"); font.pixelSize: 12; color: Theme.textMuted }
                        }
                        Item { Layout.fillWidth: true }
                        ToolButton { text: "−"; onClicked: timeline.zoom = timeline.zoom / 1.5; Accessible.name: qsTr("Zoom out") }
                        Label { text: Math.round(timeline.zoom * 100) + " %"; color: Theme.textMuted }
                        ToolButton { text: "+"; onClicked: timeline.zoom = timeline.zoom * 1.5; Accessible.name: qsTr("Zoom in") }
                    }
                    RowLayout {
                        Layout.fillWidth: true
                        spacing: 12
                        Flickable {
                            id: timelineFlick
                            objectName: "timelineFlick"
                            Layout.fillWidth: true
                            Layout.preferredHeight: timeline.implicitHeight
                            contentWidth: Math.max(width, timeline.implicitWidth)
                            contentHeight: height
                            clip: true
                            boundsBehavior: Flickable.StopAtBounds
                            ScrollBar.horizontal: ScrollBar { policy: timelineFlick.contentWidth > timelineFlick.width ? ScrollBar.AlwaysOn : ScrollBar.AsNeeded }
                            // Brings x (a timeline coordinate) into view with a margin, scrolling as little as possible.
                            function reveal(x) {
                                const margin = 60
                                if (x < 0 || contentWidth <= width)
                                    return
                                if (x < contentX + margin)
                                    contentX = Math.max(0, x - margin)
                                else if (x > contentX + width - margin)
                                    contentX = Math.min(contentWidth - width, x - width + margin)
                            }
                            // Keyboard focus frame, drawn over the view (the timeline is wider than it).
                            Rectangle {
                                parent: timelineFlick
                                anchors.fill: parent
                                z: 2
                                radius: 4
                                color: "transparent"
                                border.color: Theme.accent
                                border.width: timeline.activeFocus ? 2 : 0
                            }
                            EventTimeline {
                                id: timeline
                                objectName: "eventTimeline"
                                width: timelineFlick.contentWidth
                                height: timelineFlick.height
                                details: page.details
                                viewportWidth: timelineFlick.width
                                ToolTip.visible: hoverText.length > 0
                                ToolTip.text: hoverText
                                Accessible.name: qsTr("Event timeline")
                                onSelectedXChanged: timelineFlick.reveal(selectedX)
                            }
                        }
                        Rectangle {
                            Layout.preferredWidth: 340
                            Layout.preferredHeight: timeline.implicitHeight
                            radius: 8
                            color: Theme.surfaceAlt
                            ScrollView {
                                anchors.fill: parent
                                anchors.margins: 10
                                TextArea {
                                    objectName: "rawEvent"
                                    readOnly: true
                                    wrapMode: TextEdit.NoWrap
                                    font.family: "monospace"
                                    font.pixelSize: 11
                                    color: Theme.text
                                    background: null
                                    text: timeline.selectedRow >= 0 ? details.events.rawAt(timeline.selectedRow)
                                                                    : qsTr("Click an event (or an evidence line below),\nor focus the timeline and use the arrow keys,\nto see the raw event.")
                                }
                            }
                        }
                    }
                }
            }

            RowLayout {
                Layout.fillWidth: true
                spacing: 16
                Card {
                    Layout.fillWidth: true
                    Layout.preferredWidth: 3
                    Layout.alignment: Qt.AlignTop
                    title: qsTr("Findings · %1").arg(details.findings.count)
                    // Columns, not layouts, around Repeaters whose delegates come and go with the
                    // selection: Qt 6.4's layouts can touch a deleted delegate while rearranging.
                    Column {
                        anchors.fill: parent
                        spacing: 12
                        Label { visible: details.findings.count === 0; text: qsTr("No findings: nothing this package did matched a rule."); color: Theme.textMuted }
                        Repeater {
                            model: details.findings
                            delegate: Rectangle {
                                id: finding
                                required property string title
                                required property string description
                                required property string ruleId
                                required property int severity
                                required property var evidence
                                required property string evidenceText
                                required property var phases
                                width: parent.width
                                implicitHeight: findingColumn.implicitHeight + 24
                                radius: 8
                                color: Theme.surface
                                border.color: Theme.border
                                Rectangle { width: 4; radius: 2; color: Theme.severity(finding.severity); anchors { left: parent.left; top: parent.top; bottom: parent.bottom; margins: 8 } }
                                Column {
                                    id: findingColumn
                                    anchors { left: parent.left; right: parent.right; top: parent.top; margins: 12; leftMargin: 22 }
                                    spacing: 6
                                    RowLayout {
                                        SeverityBadge { severity: finding.severity; compact: true }
                                        Label { text: finding.ruleId; color: Theme.textMuted; font.family: "monospace"; font.pixelSize: 12 }
                                        Label { text: "· " + finding.phases.join(", "); color: Theme.textMuted; font.pixelSize: 12 }
                                    }
                                    Label { width: parent.width; text: finding.title; font.weight: Font.DemiBold; wrapMode: Text.Wrap; color: Theme.text }
                                    Label { width: parent.width; visible: text.length > 0; text: finding.description; wrapMode: Text.Wrap; color: Theme.textMuted }
                                    Label { width: parent.width; visible: text.length > 0; text: finding.evidenceText; font.family: "monospace"; font.pixelSize: 12; wrapMode: Text.Wrap; color: Theme.text }
                                    Repeater {
                                        model: finding.evidence
                                        delegate: Label {
                                            required property var modelData
                                            text: "↳ " + modelData.phase + " #" + modelData.seq + "  " + modelData.summary
                                            color: Theme.accent
                                            font.pixelSize: 12
                                            font.underline: evidenceMouse.containsMouse
                                            MouseArea {
                                                id: evidenceMouse
                                                anchors.fill: parent
                                                hoverEnabled: true
                                                cursorShape: Qt.PointingHandCursor
                                                onClicked: timeline.selectEvent(parent.modelData.phase, parent.modelData.seq)
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                ColumnLayout {
                    Layout.fillWidth: true
                    Layout.preferredWidth: 2
                    Layout.alignment: Qt.AlignTop
                    spacing: 16
                    Card {
                        Layout.fillWidth: true
                        title: qsTr("Fingerprint")
                        Column {
                            anchors.fill: parent
                            spacing: 8
                            Repeater {
                                model: details.fingerprint
                                Column {
                                    required property var modelData
                                    width: parent.width
                                    spacing: 2
                                    Label { text: modelData.category; font.weight: Font.DemiBold; color: Theme.text }
                                    Repeater {
                                        model: modelData.items
                                        Label { required property string modelData; width: parent.width; text: "· " + modelData; elide: Text.ElideRight; color: Theme.textMuted; font.family: "monospace"; font.pixelSize: 12 }
                                    }
                                }
                            }
                        }
                    }
                    Card {
                        Layout.fillWidth: true
                        visible: details.installScripts.length > 0
                        title: qsTr("Install scripts")
                        Column {
                            anchors.fill: parent
                            spacing: 8
                            Repeater {
                                model: details.installScripts
                                Column {
                                    required property var modelData
                                    width: parent.width
                                    spacing: 4
                                    Label { text: modelData.name; font.weight: Font.DemiBold; color: Theme.text }
                                    Rectangle {
                                        width: parent.width
                                        implicitHeight: scriptText.implicitHeight + 16
                                        radius: 6
                                        color: Theme.sidebar
                                        Label { id: scriptText; x: 8; y: 8; width: parent.width - 16; text: modelData.text; wrapMode: Text.WrapAnywhere; font.family: "monospace"; font.pixelSize: 12; color: Theme.onDark }
                                    }
                                }
                            }
                        }
                    }
                    Card {
                        Layout.fillWidth: true
                        title: qsTr("Processes")
                        Column {
                            anchors.fill: parent
                            spacing: 2
                            Repeater {
                                model: details.processes
                                RowLayout {
                                    required property int depth
                                    required property string command
                                    required property string phase
                                    required property string exit
                                    required property int pid
                                    width: parent.width
                                    Item { Layout.preferredWidth: depth * 18 }
                                    Label { text: depth > 0 ? "└" : "●"; color: Theme.textMuted }
                                    Label { Layout.fillWidth: true; text: command; elide: Text.ElideRight; font.family: "monospace"; font.pixelSize: 12; color: Theme.text }
                                    Label { text: phase + " · pid " + pid + (exit.length ? " · " + exit : ""); color: Theme.textMuted; font.pixelSize: 11 }
                                }
                            }
                        }
                    }
                    Card {
                        Layout.fillWidth: true
                        title: qsTr("Why it is installed")
                        Column {
                            anchors.fill: parent
                            spacing: 4
                            Repeater {
                                model: details.paths
                                Label { required property string modelData; width: parent.width; text: "project  ›  " + modelData; wrapMode: Text.Wrap; color: Theme.text; font.pixelSize: 12 }
                            }
                        }
                    }
                }
            }
            Item { Layout.preferredHeight: 16 }
        }
    }
}
