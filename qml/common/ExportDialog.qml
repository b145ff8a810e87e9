import QtQuick
import QtQuick.Dialogs
import Vigil 1.0

// Save dialog for the HTML, PDF and JSON reports — of the whole scan, one package or the version
// diff (scope); writing goes through Exporter (errors show in the banner).
FileDialog {
    id: dialog
    property string format: "html"
    property string scope: ""  // "" = the scan, "diff" = the version diff, else a package key
    function openFor(kind) { openForScope(kind, "") }
    function openForScope(kind, what) {
        format = kind
        scope = what
        nameFilters = kind === "pdf" ? [qsTr("PDF report (*.pdf)")]
                    : kind === "json" ? [qsTr("VIGIL scan JSON (*.json)")] : [qsTr("HTML report (*.html)")]
        currentFolder = Exporter.suggestedFolder()
        selectedFile = Exporter.suggestedFile(kind, scope)
        open()
    }
    fileMode: FileDialog.SaveFile
    title: (format === "pdf" ? qsTr("Export PDF report (%1)").arg(Exporter.pageSize)
          : format === "json" ? qsTr("Export as JSON") : qsTr("Export HTML report"))
           + (scope === "diff" ? qsTr(" · version diff") : scope.length > 0 ? " · " + scope : "")
    onAccepted: Exporter.exportTo(scope, format, selectedFile)
}
