import QtQuick
import QtQuick.Dialogs
import Vigil 1.0

// Save dialog for the HTML and PDF reports; writing goes through Exporter (errors show in the banner).
FileDialog {
    id: dialog
    property string format: "html"
    function openFor(kind) {
        format = kind
        nameFilters = kind === "pdf" ? [qsTr("PDF report (*.pdf)")] : [qsTr("HTML report (*.html)")]
        selectedFile = "vigil-report." + kind
        open()
    }
    fileMode: FileDialog.SaveFile
    title: format === "pdf" ? qsTr("Export PDF report") : qsTr("Export HTML report")
    onAccepted: format === "pdf" ? Exporter.exportPdf(selectedFile) : Exporter.exportHtml(selectedFile)
}
