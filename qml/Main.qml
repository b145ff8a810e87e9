import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

ApplicationWindow {
    id: window
    width: 1100
    height: 720
    minimumWidth: 640
    minimumHeight: 420
    visible: true
    title: qsTr("VIGIL — Verified Integrity Guard for Imported Libraries")

    ColumnLayout {
        anchors.centerIn: parent
        spacing: 12

        Label {
            Layout.alignment: Qt.AlignHCenter
            text: qsTr("VIGIL")
            font.pixelSize: 40
            font.bold: true
        }
        Label {
            Layout.alignment: Qt.AlignHCenter
            text: qsTr("What do your dependencies actually do?")
            font.pixelSize: 18
        }
        Label {
            Layout.alignment: Qt.AlignHCenter
            text: qsTr("Scanning from the desktop arrives with the scan issue; use vigil-cli for now.")
            opacity: 0.7
        }
    }
}
