// @brief ReportExporter: the export buttons' back end — the current scan as HTML (renderHtml),
// PDF (writePdf, A4 or Letter) or vigil.scan/1 JSON; errors reach the window as primary and secondary text.
#pragma once

#include <QFuture>
#include <QObject>
#include <QString>
#include <QUrl>

#include <memory>

#include "engine/core/result.h"
#include "engine/report/event_source.h"
#include "engine/report/scan_report.h"

namespace vigil::ui {

class ScanController;

class ReportExporter : public QObject {
    Q_OBJECT
    Q_PROPERTY(QString errorString READ errorString NOTIFY changed)
    Q_PROPERTY(QString errorDetail READ errorDetail NOTIFY changed)
    Q_PROPERTY(QString lastPath READ lastPath NOTIFY changed)
    /// "A4" or "Letter": the PDF's paper, remembered across sessions.
    Q_PROPERTY(QString pageSize READ pageSize WRITE setPageSize NOTIFY pageSizeChanged)
    /// The version diff page shows a comparison from the store that can be exported.
    Q_PROPERTY(bool canExportDiff READ canExportDiff NOTIFY canExportDiffChanged)
    /// A report is being written (off the GUI thread); busyText says which. Export buttons wait meanwhile.
    Q_PROPERTY(bool busy READ busy NOTIFY busyChanged)
    Q_PROPERTY(QString busyText READ busyText NOTIFY busyChanged)
public:
    explicit ReportExporter(ScanController* controller, QObject* parent = nullptr);
    /// Waits for an export still being written: a PDF's worker paints with fonts the application owns.
    ~ReportExporter() override;

    /// `path` is a local path or a file:// URL (what FileDialog returns). Every format is rendered
    /// and written on a worker thread: true means started, busy is set, and exportFinished()
    /// reports the outcome as lastPath or errorString. False (with errorString, and exportFinished
    /// at once) when refused before starting: nothing to export, a missing folder, or busy — one
    /// export at a time. An existing file is replaced only once the new one is complete.
    Q_INVOKABLE bool exportHtml(const QString& path);
    Q_INVOKABLE bool exportPdf(const QString& path);
    Q_INVOKABLE bool exportJson(const QString& path);
    /// Exports what `scope` names in `format` ("html", "pdf", "json"): "" the whole scan, "diff"
    /// the version diff page's comparison (the newer version's one-package report with its
    /// changes), otherwise a package key of the scan (a one-package report). Same renderers as the scan.
    Q_INVOKABLE bool exportTo(const QString& scope, const QString& format, const QString& path);
    /// Where the save dialog starts: the folder of the last export, else Documents, else home.
    Q_INVOKABLE QUrl suggestedFolder() const;
    /// An absolute file URL in suggestedFolder named after the project ("vigil-demo-shop-report.pdf").
    /// Absolute on purpose: a bare name would resolve against the process's working directory.
    Q_INVOKABLE QUrl suggestedFile(const QString& format, const QString& scope = {}) const;
    /// Clears the last error or success message (the banner's dismiss button).
    Q_INVOKABLE void clearMessage();

    QString errorString() const { return errorString_; }
    QString errorDetail() const { return errorDetail_; }
    QString lastPath() const { return lastPath_; }
    QString pageSize() const;
    void setPageSize(const QString& size);
    bool canExportDiff() const;
    bool busy() const { return busy_; }
    QString busyText() const { return busyText_; }

signals:
    void changed();
    void busyChanged();
    /// Every export's end, synchronous or not: `path` is the written file ("" on failure).
    void exportFinished(bool ok, const QString& path);
    void pageSizeChanged();
    void canExportDiffChanged();

private:
    bool fail(const engine::Error& error);
    bool succeed(const QString& path);
    bool write(std::shared_ptr<const engine::report::ScanReport> report, const QString& format, const QString& path);
    ScanController* controller_;
    QString errorString_, errorDetail_, lastPath_;
    bool busy_ = false;
    QString busyText_;
    QFuture<void> worker_;  ///< the running export, waited for on destruction
};

}  // namespace vigil::ui
