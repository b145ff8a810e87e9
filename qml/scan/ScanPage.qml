import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Vigil 1.0
import "../common"

// Live progress of a scan: overall and current package/phase, ETA, the event stream, findings.
Page {
    id: page
    signal openPackage(string key)
    signal showGraph()
    background: Rectangle { color: Theme.background }

    function duration(seconds) {
        if (seconds < 0) return qsTr("estimating…")
        if (seconds < 60) return qsTr("%1 s").arg(seconds)
        return qsTr("%1 min %2 s").arg(Math.floor(seconds / 60)).arg(seconds % 60)
    }
    readonly property var statusText: [qsTr("Idle"), qsTr("Scanning"), qsTr("Finished"), qsTr("Cancelled"), qsTr("Failed")]
    readonly property var stageNames: ({
        "resolve": qsTr("Resolving the dependency tree"),
        "fetch": qsTr("Fetching and verifying packages"),
        "metadata": qsTr("Reading registry metadata"),
        "record": qsTr("Recording the tree in the store"),
        "analyse": qsTr("Running packages in the sandbox"),
        "report": qsTr("Writing the report")
    })
    function stageText() {
        const name = stageNames[Scan.stage] || Scan.stage
        return Scan.stageTotal > 0 && Scan.stage !== "analyse" ? qsTr("%1 · %2 of %3").arg(name).arg(Scan.stageDone).arg(Scan.stageTotal) : name
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 32
        spacing: 16
        PageHeader {
            title: Scan.projectName.length > 0 ? Scan.projectName : qsTr("No scan yet")
            subtitle: Scan.projectPath
            Button {
                objectName: "cancelButton"
                visible: Scan.running
                text: qsTr("Cancel scan")
                onClicked: Scan.cancel()
                Accessible.name: qsTr("Cancel the running scan")
            }
            Button {
                visible: Scan.status === ScanController.Finished
                text: qsTr("Show graph")
                highlighted: true
                onClicked: page.showGraph()
            }
        }
        ErrorBanner {
            objectName: "scanStatusBanner"
            Layout.fillWidth: true
            primary: Scan.status === ScanController.Failed || Scan.status === ScanController.Cancelled ? Scan.errorString : ""
            secondary: Scan.errorDetail
            tone: Scan.status === ScanController.Cancelled ? Theme.medium : Theme.critical
        }
        Card {
            Layout.fillWidth: true
            ColumnLayout {
                anchors.fill: parent
                spacing: 10
                RowLayout {
                    Layout.fillWidth: true
                    Label { text: page.statusText[Scan.status]; font.pixelSize: 16; font.weight: Font.DemiBold; color: Theme.text }
                    Label {
                        objectName: "packageCount"
                        text: Scan.totalPackages > 0 || !Scan.running ? qsTr("%1 of %2 packages").arg(Scan.donePackages).arg(Scan.totalPackages)
                                                                      : page.stageText()
                        color: Theme.textMuted
                    }
                    Item { Layout.fillWidth: true }
                    Label {
                        text: Scan.running ? qsTr("elapsed %1 · remaining %2").arg(page.duration(Scan.elapsedSeconds)).arg(page.duration(Scan.etaSeconds))
                                           : qsTr("took %1").arg(page.duration(Scan.elapsedSeconds))
                        color: Theme.textMuted
                    }
                    Label { text: Math.round(Scan.progress * 100) + " %"; font.pixelSize: 16; font.weight: Font.Bold; color: Theme.text }
                }
                ProgressBar {
                    objectName: "overallProgress"
                    Layout.fillWidth: true
                    value: Scan.progress
                    background: Rectangle { implicitHeight: 8; radius: 4; color: Theme.surfaceAlt }
                    contentItem: Item {
                        Rectangle { width: parent.width * Scan.progress; height: parent.height; radius: 4; color: Theme.accent }
                    }
                }
                RowLayout {
                    Layout.fillWidth: true
                    visible: Scan.running && Scan.currentPackage.length > 0
                    spacing: 8
                    Label { text: qsTr("Now:"); color: Theme.textMuted }
                    Label { text: Scan.currentPackage; font.weight: Font.DemiBold; color: Theme.text }
                    Repeater {
                        model: Settings.phases
                        Rectangle {
                            required property string modelData
                            required property int index
                            readonly property int current: Settings.phases.indexOf(Scan.currentPhase)
                            implicitWidth: phaseLabel.implicitWidth + 20
                            implicitHeight: 24
                            radius: 12
                            color: index < current ? Theme.surfaceAlt : index === current ? Theme.accent : "transparent"
                            border.color: index === current ? Theme.accent : Theme.border
                            Label {
                                id: phaseLabel
                                anchors.centerIn: parent
                                text: (index < parent.current ? "✓ " : "") + parent.modelData
                                color: parent.index === parent.current ? "white" : Theme.textMuted
                                font.pixelSize: 12
                            }
                        }
                    }
                    Item { Layout.fillWidth: true }
                    Label {
                        // Parallel sandboxes: the others in flight besides the one shown.
                        objectName: "alsoRunning"
                        visible: Scan.runningPackages.length > 1
                        text: qsTr("+ %1 more running").arg(Scan.runningPackages.length - 1)
                        color: Theme.textMuted
                        font.pixelSize: 12
                        ToolTip.visible: alsoRunningHover.hovered
                        ToolTip.text: Scan.runningPackages.join("\n")
                        HoverHandler { id: alsoRunningHover }
                    }
                }
                Label {
                    objectName: "scanStage"
                    visible: Scan.running && Scan.stage.length > 0 && Scan.totalPackages > 0
                    text: page.stageText()
                    color: Theme.textMuted
                    font.pixelSize: 12
                }
            }
        }
        RowLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: 16
            Card {
                Layout.fillWidth: true
                Layout.fillHeight: true
                Layout.preferredWidth: 3
                title: qsTr("Event stream · %1 events").arg(Scan.events.totalSeen)
                ListView {
                    id: eventList
                    objectName: "eventStream"
                    anchors.fill: parent
                    clip: true
                    model: Scan.events
                    boundsBehavior: Flickable.StopAtBounds
                    ScrollBar.vertical: ScrollBar {}
                    onCountChanged: if (Scan.running) positionViewAtEnd()
                    delegate: RowLayout {
                        required property string phase
                        required property string category
                        required property string summary
                        required property double timeMs
                        required property string packageKey
                        width: eventList.width - 12
                        spacing: 10
                        // Whose event it is: with parallel sandboxes the stream interleaves packages.
                        Label {
                            objectName: "eventPackage"
                            text: packageKey
                            Layout.preferredWidth: 150
                            elide: Text.ElideMiddle
                            color: Theme.text
                            font.pixelSize: 12
                            font.weight: Font.Medium
                        }
                        Label { text: phase; Layout.preferredWidth: 52; color: Theme.textMuted; font.pixelSize: 12 }
                        Label { text: timeMs.toFixed(1) + " ms"; Layout.preferredWidth: 70; horizontalAlignment: Text.AlignRight; color: Theme.textMuted; font.pixelSize: 12; font.family: "monospace" }
                        Label { text: category; Layout.preferredWidth: 62; color: Theme.accent; font.pixelSize: 12 }
                        Label { Layout.fillWidth: true; text: summary; elide: Text.ElideRight; color: Theme.text; font.family: "monospace"; font.pixelSize: 12 }
                    }
                    Label {
                        anchors.centerIn: parent
                        visible: eventList.count === 0
                        text: qsTr("Events appear here as packages run.")
                        color: Theme.textMuted
                    }
                }
            }
            Card {
                Layout.fillWidth: true
                Layout.fillHeight: true
                Layout.preferredWidth: 2
                title: qsTr("Findings · %1").arg(Scan.findings.count)
                ListView {
                    id: findingList
                    objectName: "liveFindings"
                    anchors.fill: parent
                    clip: true
                    spacing: 8
                    model: Scan.findings
                    ScrollBar.vertical: ScrollBar {}
                    delegate: ItemDelegate {
                        id: findingDelegate
                        required property string title
                        required property string packageKey
                        required property int severity
                        width: findingList.width - 12
                        onClicked: page.openPackage(packageKey)
                        background: Rectangle { radius: 8; color: findingDelegate.hovered ? Theme.surfaceAlt : "transparent"; border.color: Theme.border }
                        contentItem: ColumnLayout {
                            spacing: 4
                            RowLayout {
                                SeverityBadge { severity: findingDelegate.severity; compact: true }
                                Label { text: findingDelegate.packageKey; color: Theme.textMuted; font.pixelSize: 12 }
                            }
                            Label { Layout.fillWidth: true; text: findingDelegate.title; wrapMode: Text.Wrap; color: Theme.text }
                        }
                    }
                    Label {
                        anchors.centerIn: parent
                        visible: findingList.count === 0
                        text: Scan.status === ScanController.Finished ? qsTr("Nothing suspicious found.") : qsTr("Findings appear as each package finishes.")
                        color: Theme.textMuted
                    }
                }
            }
        }
    }
}
