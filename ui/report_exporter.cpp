#include "ui/report_exporter.h"

#include <QSaveFile>
#include <QUrl>

#include "ui/scan_controller.h"

namespace vigil::ui {
namespace {
std::filesystem::path toPath(const QString& path) {
    const QUrl url(path);
    return (url.isLocalFile() ? url.toLocalFile() : path).toStdString();
}
}  // namespace

ReportExporter::ReportExporter(ScanController* controller, ReportRenderers renderers, QObject* parent)
    : QObject(parent), controller_(controller), renderers_(std::move(renderers)) {}

bool ReportExporter::fail(const engine::Error& error) {
    errorString_ = QString::fromStdString(error.primary);
    errorDetail_ = QString::fromStdString(error.secondary);
    emit changed();
    return false;
}

bool ReportExporter::exportHtml(const QString& path) {
    const auto report = controller_->report();
    if (!report)
        return fail(engine::makeError(engine::ErrorCode::Usage, "nothing to export yet", "Run or open a scan first."));
    if (!renderers_.renderHtml)
        return fail(engine::makeError(engine::ErrorCode::Internal, "the HTML report is not available in this build",
                                      "Use vigil-cli report --format html."));
    const auto html = renderers_.renderHtml(*report);
    if (!html.ok())
        return fail(html.error());
    const auto target = toPath(path);
    // QSaveFile: the old report stays intact when writing fails half-way.
    QSaveFile file(QString::fromStdString(target.string()));
    if (!file.open(QIODevice::WriteOnly) || file.write(html->data(), static_cast<qint64>(html->size())) < 0 || !file.commit())
        return fail(engine::makeError(engine::ErrorCode::Io, target.string() + ": cannot write the report",
                                      file.errorString().toStdString()));
    errorString_.clear();
    errorDetail_.clear();
    lastPath_ = QString::fromStdString(target.string());
    emit changed();
    return true;
}

bool ReportExporter::exportPdf(const QString& path) {
    const auto report = controller_->report();
    if (!report)
        return fail(engine::makeError(engine::ErrorCode::Usage, "nothing to export yet", "Run or open a scan first."));
    if (!renderers_.writePdf)
        return fail(engine::makeError(engine::ErrorCode::Internal, "the PDF report is not available in this build",
                                      "Use vigil-cli report --format pdf."));
    const auto target = toPath(path);
    if (auto written = renderers_.writePdf(*report, target); !written.ok())
        return fail(written.error());
    errorString_.clear();
    errorDetail_.clear();
    lastPath_ = QString::fromStdString(target.string());
    emit changed();
    return true;
}

}  // namespace vigil::ui
