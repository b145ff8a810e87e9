import QtQuick
import QtQuick.Controls
import Vigil 1.0

// "CRITICAL" in the severity's colour; the same badge in every list.
Rectangle {
    id: badge
    property int severity: 0
    property bool compact: false
    implicitWidth: label.implicitWidth + (compact ? 10 : 16)
    implicitHeight: compact ? 18 : 22
    radius: height / 2
    color: Theme.severity(severity)
    Accessible.role: Accessible.StaticText
    Accessible.name: Theme.severityName(severity)
    Label {
        id: label
        anchors.centerIn: parent
        text: Theme.severityName(badge.severity).toUpperCase()
        color: Theme.onSeverity(badge.severity)
        font.pixelSize: badge.compact ? 10 : 11
        font.weight: Font.Bold
        font.letterSpacing: 0.6
    }
}
