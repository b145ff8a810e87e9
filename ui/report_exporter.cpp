#include "ui/report_exporter.h"

#include <QDir>
#include <QFileInfo>
#include <QLocale>
#include <QRegularExpression>
#include <QSaveFile>
#include <QSettings>
#include <QStandardPaths>
#include <QUrl>
#include <QtConcurrent/QtConcurrentRun>

#include <optional>

#include "engine/report/html_report.h"
#include "engine/report/scan_report_json.h"
#include "engine/report/version_comparison.h"
#include "ui/report/pdf_report.h"
#include "ui/scan_controller.h"

namespace vigil::ui {
namespace {

QString toLocalPath(const QString& path) {
    const QUrl url(path);
    return url.isLocalFile() ? url.toLocalFile() : path;
}

/// Refused before anything runs: the folder is gone (or was never there).
std::optional<engine::Error> missingFolder(const QString& path) {
    const QString folder = QFileInfo(path).absolutePath();
    if (QFileInfo(folder).isDir())
        return std::nullopt;
    return engine::makeError(engine::ErrorCode::Io, path.toStdString() + ": cannot write the report",
                             "The folder " + folder.toStdString() + " does not exist.");
}

engine::Error nothingToExport() {
    return engine::makeError(engine::ErrorCode::Usage, "nothing to export yet", "Run a scan or open a stored one first.");
}

}  // namespace

ReportExporter::ReportExporter(ScanController* controller, QObject* parent) : QObject(parent), controller_(controller) {
    // "Report written to …" speaks of the previous scan: a new one clears it.
    connect(controller_, &ScanController::statusChanged, this, [this] {
        if (controller_->running() && !(errorString_.isEmpty() && lastPath_.isEmpty()))
            clearMessage();
    });
    connect(controller_->diffModel(), &VersionDiffModel::changed, this, &ReportExporter::canExportDiffChanged);
}

ReportExporter::~ReportExporter() {
    worker_.waitForFinished();
}

bool ReportExporter::canExportDiff() const { return controller_->diffModel()->changes().has_value(); }

QString ReportExporter::pageSize() const {
    // US and Canadian users get Letter by default, everyone else A4.
    const QString fallback = QLocale::system().measurementSystem() == QLocale::ImperialUSSystem ? QStringLiteral("Letter")
                                                                                                  : QStringLiteral("A4");
    const QString size = QSettings().value(QStringLiteral("reports/pageSize"), fallback).toString();
    return size == QLatin1String("Letter") ? size : QStringLiteral("A4");
}

void ReportExporter::setPageSize(const QString& size) {
    if (size == pageSize())
        return;
    QSettings().setValue(QStringLiteral("reports/pageSize"), size == QLatin1String("Letter") ? size : QStringLiteral("A4"));
    emit pageSizeChanged();
}

QUrl ReportExporter::suggestedFolder() const {
    QString folder = QSettings().value(QStringLiteral("reports/folder")).toString();
    if (folder.isEmpty() || !QFileInfo(folder).isDir())
        folder = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    if (folder.isEmpty() || !QFileInfo(folder).isDir())
        folder = QDir::homePath();
    return QUrl::fromLocalFile(folder);
}

QUrl ReportExporter::suggestedFile(const QString& format, const QString& scope) const {
    const VersionDiffModel* diff = controller_->diffModel();
    QString name = scope.isEmpty() ? controller_->projectName()
                 : scope == QLatin1String("diff") ? diff->leftTitle() + QStringLiteral("-to-") + QString::fromStdString(diff->changes() ? diff->changes()->toVersion : std::string())
                                                  : scope;
    // Only characters every file system and shell takes as they are.
    name.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9._-]+")), QStringLiteral("-"));
    if (name.isEmpty() || name.startsWith(QLatin1Char('.')))
        name = QStringLiteral("vigil");
    const QString extension = format == QLatin1String("pdf") || format == QLatin1String("json") ? format : QStringLiteral("html");
    const QString suffix = scope == QLatin1String("diff") ? QStringLiteral("-diff.") : QStringLiteral("-report.");
    return QUrl::fromLocalFile(QDir(suggestedFolder().toLocalFile()).filePath(name + suffix + extension));
}

void ReportExporter::clearMessage() {
    errorString_.clear();
    errorDetail_.clear();
    lastPath_.clear();
    emit changed();
}

bool ReportExporter::fail(const engine::Error& error) {
    errorString_ = QString::fromStdString(error.primary);
    errorDetail_ = QString::fromStdString(error.secondary);
    lastPath_.clear();
    emit changed();
    emit exportFinished(false, {});
    return false;
}

bool ReportExporter::succeed(const QString& path) {
    QSettings().setValue(QStringLiteral("reports/folder"), QFileInfo(path).absolutePath());
    errorString_.clear();
    errorDetail_.clear();
    lastPath_ = path;
    emit changed();
    emit exportFinished(true, path);
    return true;
}

namespace {

/// Writes `body` to `path` through QSaveFile: the old report stays intact when writing fails half-way.
engine::Status writeText(const QString& path, const std::string& body) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(body.data(), static_cast<qint64>(body.size())) < 0 || !file.commit())
        return engine::makeError(engine::ErrorCode::Io, path.toStdString() + ": cannot write the report",
                                 file.errorString().toStdString());
    return {};
}

/// Renders and writes one export; runs on a worker thread and touches no QObject.
engine::Status render(const engine::report::ScanReport& report, const engine::report::EventSource* events,
                      const QString& format, const QString& path, report::PageSize size) {
    if (format == QLatin1String("pdf"))
        return report::writePdf(report, path.toStdString(), size, events);
    if (format == QLatin1String("json")) {
        // Events are read one package at a time (reports hold none); a one-package JSON carries them.
        if (!events || report.packages.size() != 1)
            return writeText(path, engine::report::scanReportToJson(report).dump(2) + "\n");
        auto json = engine::report::scanReportToJson(report, *events);
        if (!json)
            return std::move(json).error();
        return writeText(path, json->dump(2) + "\n");
    }
    return writeText(path, engine::report::renderHtml(report, events));
}

}  // namespace

bool ReportExporter::exportHtml(const QString& path) { return exportTo({}, QStringLiteral("html"), path); }
bool ReportExporter::exportJson(const QString& path) { return exportTo({}, QStringLiteral("json"), path); }
bool ReportExporter::exportPdf(const QString& path) { return exportTo({}, QStringLiteral("pdf"), path); }

bool ReportExporter::write(std::shared_ptr<const engine::report::ScanReport> report, const QString& format,
                           const QString& path) {
    if (busy_)
        return fail(engine::makeError(engine::ErrorCode::Usage, "a report is still being written",
                                      "Export again once it is done; the banner says when."));
    if (auto missing = missingFolder(path))
        return fail(*missing);
    // Every format on a worker, so the window keeps drawing: a PDF of a few hundred packages takes
    // about a second to lay out and paint, and the HTML of the same scan (every package's events
    // read from the store, the graph laid out) and its JSON are no instant either. QPainter on a
    // QPdfWriter, QTextDocument, QSvgRenderer and QSaveFile are reentrant (Qt's "Thread-Support in
    // Qt Modules"); the worker owns every object it uses, the report is immutable and shared, and
    // the event source serialises its own store reads.
    const auto size = pageSize() == QLatin1String("Letter") ? report::PageSize::Letter : report::PageSize::A4;
    const QString kind = format == QLatin1String("pdf") ? QStringLiteral("PDF") : format == QLatin1String("json") ? QStringLiteral("JSON")
                                                                                                                   : QStringLiteral("HTML");
    busy_ = true;
    busyText_ = tr("Writing the %1 report to %2…").arg(kind, path);
    emit busyChanged();
    worker_ = QtConcurrent::run([this, report = std::move(report), events = controller_->eventSource(), format, path, size] {
        auto written = std::make_shared<engine::Status>(render(*report, events.get(), format, path, size));
        // Queued to the exporter's thread; dropped by Qt if the exporter is gone by then.
        QMetaObject::invokeMethod(this, [this, written, path] {
            busy_ = false;
            busyText_.clear();
            emit busyChanged();
            if (!written->ok())
                fail(written->error());
            else
                succeed(path);
        }, Qt::QueuedConnection);
    });
    return true;
}

bool ReportExporter::exportTo(const QString& scope, const QString& format, const QString& path) {
    const QString target = toLocalPath(path);
    const auto scan = controller_->report();
    if (scope.isEmpty()) {
        if (!scan)
            return fail(nothingToExport());
        return write(scan, format, target);
    }
    if (scope == QLatin1String("diff")) {
        const VersionDiffModel* diff = controller_->diffModel();
        if (!diff->changes())
            return fail(engine::makeError(engine::ErrorCode::Usage, "no version comparison to export",
                                          "Compare two versions first (Start page or Version diff page)."));
        // The newer version's own report when the scan has it (findings, timeline), else a bare one.
        engine::report::PackageReport newer;
        newer.name = diff->package().toStdString();
        newer.version = diff->changes()->toVersion;
        if (scan)
            for (const auto& p : scan->packages)
                if (p.key() == newer.key())
                    newer = p;
        newer.changes = *diff->changes();
        return write(std::make_shared<const engine::report::ScanReport>(engine::report::singlePackageReport(std::move(newer), scan.get())),
                     format, target);
    }
    if (!scan)
        return fail(nothingToExport());
    for (const auto& p : scan->packages)
        if (QString::fromStdString(p.key()) == scope)
            return write(std::make_shared<const engine::report::ScanReport>(engine::report::singlePackageReport(p, scan.get())),
                         format, target);
    return fail(engine::makeError(engine::ErrorCode::NotFound, scope.toStdString() + " is not a package of this scan"));
}

}  // namespace vigil::ui
