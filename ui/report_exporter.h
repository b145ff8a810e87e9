// @brief ReportExporter: the export buttons' back end. The report renderers (issue 8) plug in
// through ReportRenderers; until they are set, exporting says so instead of failing silently.
#pragma once

#include <QObject>

#include <filesystem>
#include <functional>
#include <string>

#include "engine/core/result.h"
#include "engine/report/scan_report.h"

namespace vigil::ui {

class ScanController;

/// Filled by main with engine/report's renderHtml and writePdf.
struct ReportRenderers {
    std::function<engine::Result<std::string>(const engine::report::ScanReport&)> renderHtml;
    std::function<engine::Status(const engine::report::ScanReport&, const std::filesystem::path&)> writePdf;
};

class ReportExporter : public QObject {
    Q_OBJECT
    Q_PROPERTY(QString errorString READ errorString NOTIFY changed)
    Q_PROPERTY(QString errorDetail READ errorDetail NOTIFY changed)
    Q_PROPERTY(QString lastPath READ lastPath NOTIFY changed)
    Q_PROPERTY(bool htmlAvailable READ htmlAvailable CONSTANT)
    Q_PROPERTY(bool pdfAvailable READ pdfAvailable CONSTANT)
public:
    ReportExporter(ScanController* controller, ReportRenderers renderers, QObject* parent = nullptr);

    /// `path` is a local path or a file:// URL (what FileDialog returns). True on success.
    Q_INVOKABLE bool exportHtml(const QString& path);
    Q_INVOKABLE bool exportPdf(const QString& path);

    QString errorString() const { return errorString_; }
    QString errorDetail() const { return errorDetail_; }
    QString lastPath() const { return lastPath_; }
    bool htmlAvailable() const { return static_cast<bool>(renderers_.renderHtml); }
    bool pdfAvailable() const { return static_cast<bool>(renderers_.writePdf); }

signals:
    void changed();

private:
    bool fail(const engine::Error& error);
    ScanController* controller_;
    ReportRenderers renderers_;
    QString errorString_, errorDetail_, lastPath_;
};

}  // namespace vigil::ui
