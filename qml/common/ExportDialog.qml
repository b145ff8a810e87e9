import QtQuick
import QtQuick.Dialogs
import Vigil 1.0

// Save dialog for the HTML, PDF and JSON reports; writing goes through Exporter (errors show in the banner).
FileDialog {
    id: dialog
    property string format: "html"
    function openFor(kind) {
        format = kind
        nameFilters = kind === "pdf" ? [qsTr("PDF report (*.pdf)")]
                    : kind === "json" ? [qsTr("VIGIL scan JSON (*.json)")] : [qsTr("HTML report (*.html)")]
        currentFolder = Exporter.suggestedFolder()
        selectedFile = Exporter.suggestedFile(kind)
        open()
    }
    fileMode: FileDialog.SaveFile
    title: format === "pdf" ? qsTr("Export PDF report (%1)").arg(Exporter.pageSize)
         : format === "json" ? qsTr("Export scan as JSON") : qsTr("Export HTML report")
    onAccepted: format === "pdf" ? Exporter.exportPdf(selectedFile)
              : format === "json" ? Exporter.exportJson(selectedFile) : Exporter.exportHtml(selectedFile)
}
