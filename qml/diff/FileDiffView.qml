import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Vigil 1.0
import "../common"

// One file's content diff (a FileDiffModel): both line numbers in the gutter, removed lines red,
// added lines green, the hunk headers between; a binary, oversized or symlinked file says so
// instead; the engine's error with its primary and secondary text.
ColumnLayout {
    id: view
    property var model
    property color addedColour
    property color removedColour
    spacing: 8

    RowLayout {
        Layout.fillWidth: true
        spacing: 10
        Label {
            objectName: "fileDiffPath"
            Layout.fillWidth: true
            text: view.model.path.length > 0 ? view.model.path : qsTr("Select a file to see what changed in it.")
            font.family: view.model.path.length > 0 ? "monospace" : Qt.application.font.family
            font.pixelSize: 13
            font.weight: view.model.path.length > 0 ? Font.DemiBold : Font.Normal
            color: view.model.path.length > 0 ? Theme.text : Theme.textMuted
            elide: Text.ElideMiddle
        }
        Label {
            visible: view.model.status === FileDiffModel.Ready && view.model.kind === "text"
            text: "+" + view.model.added
            font.family: "monospace"; font.weight: Font.Bold; color: view.addedColour
        }
        Label {
            visible: view.model.status === FileDiffModel.Ready && view.model.kind === "text"
            text: "−" + view.model.removed
            font.family: "monospace"; font.weight: Font.Bold; color: view.removedColour
        }
        BusyIndicator { running: view.model.busy; visible: view.model.busy; Layout.preferredWidth: 22; Layout.preferredHeight: 22 }
    }
    ErrorBanner {
        objectName: "fileDiffError"
        Layout.fillWidth: true
        Layout.rightMargin: 8
        primary: view.model.errorString
        secondary: view.model.errorDetail
        onDismissed: view.model.clear()
    }
    Item {
        Layout.fillWidth: true
        Layout.fillHeight: true
        Label {
            objectName: "fileDiffNote"
            anchors.centerIn: parent
            width: parent.width - 24
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            visible: text.length > 0
            text: view.model.status !== FileDiffModel.Ready ? ""
                : view.model.note.length > 0 ? view.model.note
                : view.model.count === 0 ? qsTr("Same content in both versions (only the file mode changed).")
                : ""
            color: Theme.textMuted
        }
        Rectangle {
            anchors.fill: parent
            visible: lines.count > 0
            color: Theme.surface
            border.color: Theme.border
            radius: 6
            ListView {
                id: lines
                objectName: "fileDiffLines"
                anchors { fill: parent; margins: 1 }
                clip: true
                model: view.model
                boundsBehavior: Flickable.StopAtBounds
                // Long minified lines scroll sideways instead of wrapping the diff out of shape.
                flickableDirection: Flickable.AutoFlickDirection
                contentWidth: Math.max(width, longest + 120)
                property real longest: 0
                ScrollBar.vertical: ScrollBar {}
                ScrollBar.horizontal: ScrollBar {}
                delegate: Rectangle {
                    id: lineRow
                    required property string kind
                    required property int oldLine
                    required property int newLine
                    required property string text
                    required property bool noNewline
                    readonly property color tone: kind === "added" ? view.addedColour : kind === "removed" ? view.removedColour : Theme.textMuted
                    width: lines.contentWidth
                    height: kind === "hunk" ? 26 : 20
                    color: kind === "added" ? Qt.rgba(tone.r, tone.g, tone.b, 0.12)
                         : kind === "removed" ? Qt.rgba(tone.r, tone.g, tone.b, 0.12)
                         : kind === "hunk" ? Theme.surfaceAlt : "transparent"
                    Row {
                        anchors.verticalCenter: parent.verticalCenter
                        spacing: 0
                        Label {
                            width: 46; rightPadding: 8; horizontalAlignment: Text.AlignRight
                            text: lineRow.oldLine > 0 ? lineRow.oldLine : ""
                            font.family: "monospace"; font.pixelSize: 12; color: Theme.textMuted
                        }
                        Label {
                            width: 46; rightPadding: 8; horizontalAlignment: Text.AlignRight
                            text: lineRow.newLine > 0 ? lineRow.newLine : ""
                            font.family: "monospace"; font.pixelSize: 12; color: Theme.textMuted
                        }
                        Label {
                            width: 18
                            text: lineRow.kind === "added" ? "+" : lineRow.kind === "removed" ? "−" : ""
                            font.family: "monospace"; font.pixelSize: 13; font.weight: Font.Bold; color: lineRow.tone
                        }
                        Label {
                            text: lineRow.text
                            textFormat: Text.PlainText
                            font.family: "monospace"
                            font.pixelSize: lineRow.kind === "hunk" ? 12 : 13
                            color: lineRow.kind === "hunk" ? Theme.accent : Theme.text
                            onImplicitWidthChanged: if (implicitWidth > lines.longest) lines.longest = implicitWidth
                        }
                        Label {
                            visible: lineRow.noNewline
                            leftPadding: 12
                            text: qsTr("no newline at end of file")
                            font.pixelSize: 11; font.italic: true; color: Theme.textMuted
                        }
                    }
                }
            }
        }
    }
}
