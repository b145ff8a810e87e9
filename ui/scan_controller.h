// @brief ScanController: runs a scan through a ScanBackend on its own thread and feeds the models
// the pages bind to (packages, findings, live events, heatmap, rules, selection, version diff).
//
// The GUI thread owns every model; the worker only posts batches (at most every kBatchInterval, or
// when a package finishes) back through queued functors, so no state is shared between threads.
#pragma once

#include <QElapsedTimer>
#include <QFuture>
#include <QObject>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "ui/event_list_model.h"
#include "ui/finding_list_model.h"
#include "ui/heatmap_model.h"
#include "ui/package_details.h"
#include "ui/package_event_loader.h"
#include "ui/package_list_model.h"
#include "ui/recent_projects_model.h"
#include "ui/rule_list_model.h"
#include "ui/scan_backend.h"
#include "ui/version_diff_model.h"

namespace vigil::ui {

class ScanController : public QObject {
    Q_OBJECT
    Q_PROPERTY(Status status READ status NOTIFY statusChanged)
    Q_PROPERTY(bool running READ running NOTIFY statusChanged)
    Q_PROPERTY(double progress READ progress NOTIFY progressChanged)
    Q_PROPERTY(int etaSeconds READ etaSeconds NOTIFY progressChanged)
    Q_PROPERTY(int donePackages READ donePackages NOTIFY progressChanged)
    Q_PROPERTY(int totalPackages READ totalPackages NOTIFY progressChanged)
    Q_PROPERTY(QString currentPackage READ currentPackage NOTIFY progressChanged)
    Q_PROPERTY(QString currentPhase READ currentPhase NOTIFY progressChanged)
    Q_PROPERTY(QString stage READ stage NOTIFY progressChanged)
    Q_PROPERTY(int stageDone READ stageDone NOTIFY progressChanged)
    Q_PROPERTY(int stageTotal READ stageTotal NOTIFY progressChanged)
    Q_PROPERTY(QStringList runningPackages READ runningPackages NOTIFY progressChanged)
    Q_PROPERTY(int elapsedSeconds READ elapsedSeconds NOTIFY progressChanged)
    Q_PROPERTY(QString errorString READ errorString NOTIFY statusChanged)
    Q_PROPERTY(QString errorDetail READ errorDetail NOTIFY statusChanged)
    Q_PROPERTY(QString projectPath READ projectPath NOTIFY reportChanged)
    Q_PROPERTY(QString projectName READ projectName NOTIFY reportChanged)
    Q_PROPERTY(bool hasReport READ hasReport NOTIFY reportChanged)
    Q_PROPERTY(QVariantList severityCounts READ severityCounts NOTIFY reportChanged)
    Q_PROPERTY(QString selectedKey READ selectedKey WRITE setSelectedKey NOTIFY selectedKeyChanged)
    Q_PROPERTY(QObject* packages READ packages CONSTANT)
    Q_PROPERTY(QObject* findings READ findings CONSTANT)
    Q_PROPERTY(QObject* events READ events CONSTANT)
    Q_PROPERTY(QObject* heatmap READ heatmap CONSTANT)
    Q_PROPERTY(QObject* rules READ rules CONSTANT)
    Q_PROPERTY(QObject* recentProjects READ recentProjects CONSTANT)
    Q_PROPERTY(QObject* details READ details CONSTANT)
    Q_PROPERTY(QObject* versionDiff READ versionDiff CONSTANT)
public:
    enum Status { Idle, Running, Finished, Cancelled, Failed };
    Q_ENUM(Status)

    /// `previousVersion` gives the older version of a package for the version diff ("" when none).
    using PreviousVersionLookup = std::function<std::optional<engine::report::PackageReport>(const engine::report::PackageReport&)>;

    explicit ScanController(std::shared_ptr<ScanBackend> backend, QObject* parent = nullptr);
    ~ScanController() override;

    Status status() const { return status_; }
    bool running() const { return status_ == Running; }
    double progress() const { return progress_; }
    int etaSeconds() const { return eta_; }
    int donePackages() const { return done_; }
    int totalPackages() const { return total_; }
    QString currentPackage() const { return currentPackage_; }
    QString currentPhase() const { return currentPhase_; }
    /// The engine's stage ("resolve", "fetch", "metadata", "record", "analyse"; "" = none reported).
    QString stage() const { return stage_; }
    int stageDone() const { return stageDone_; }
    int stageTotal() const { return stageTotal_; }
    /// "name@version phase" of every analysis in flight (parallel sandboxes).
    QStringList runningPackages() const { return running_; }
    int elapsedSeconds() const;
    QString errorString() const { return errorString_; }
    QString errorDetail() const { return errorDetail_; }
    QString projectPath() const;
    QString projectName() const;
    bool hasReport() const { return report_ != nullptr; }
    QVariantList severityCounts() const;
    QString selectedKey() const { return selectedKey_; }
    void setSelectedKey(const QString& key);

    QObject* packages() const { return packages_; }
    QObject* findings() const { return findings_; }
    QObject* events() const { return events_; }
    QObject* heatmap() const { return heatmap_; }
    QObject* rules() const { return rules_; }
    QObject* recentProjects() const { return recent_; }
    QObject* details() const { return details_; }
    QObject* versionDiff() const { return diff_; }
    PackageListModel* packageModel() const { return packages_; }
    FindingListModel* findingModel() const { return findings_; }
    EventListModel* eventModel() const { return events_; }
    HeatmapModel* heatmapModel() const { return heatmap_; }
    RuleListModel* ruleModel() const { return rules_; }
    PackageDetails* packageDetails() const { return details_; }
    VersionDiffModel* diffModel() const { return diff_; }

    /// The finished scan's report (null before the first one completes).
    std::shared_ptr<const engine::report::ScanReport> report() const { return report_; }
    /// Shows a report without scanning (a stored scan, a fixture).
    void setReport(engine::report::ScanReport report);
    /// Where the details page and the exports read the packages' events. A scan sets it from its
    /// backend (ScanBackend::eventSource); setReport users set it themselves.
    void setEventSource(std::shared_ptr<const engine::report::EventSource> source);
    std::shared_ptr<const engine::report::EventSource> eventSource() const { return loader_->source(); }
    void setOptions(ScanOptions options) { options_ = std::move(options); }
    void setPreviousVersionLookup(PreviousVersionLookup lookup) { previousVersion_ = std::move(lookup); }

    /// Starts a scan of a folder (path or file:// URL), lockfile or "name@version". Ignored while running.
    Q_INVOKABLE void start(const QString& project);
    /// Asks the running scan to stop; status becomes Cancelled when the backend has stopped.
    Q_INVOKABLE void cancel();
    /// Key of the most severe package ("" when none).
    Q_INVOKABLE QString mostSevereKey() const;
    /// Compares a package of the report with its previous analysed version into versionDiff: at
    /// once from the report's changes or the previous-version lookup, else through the backend
    /// (off the GUI thread; versionDiff.status says when it is done). False when nothing can compare.
    Q_INVOKABLE bool compareWithPrevious(const QString& key);
    /// Compares two "name@version"s through the backend (analysing any the store has not seen),
    /// off the GUI thread; the result or the error lands in versionDiff. The latest request wins:
    /// one asked for while another runs stops that one (its result is dropped) and runs next.
    Q_INVOKABLE void compareVersions(const QString& older, const QString& newer);
    /// Loads `path` of the shown comparison's file list into versionDiff.fileDiff: its content
    /// diff from the two versions' tarballs, off the GUI thread (the latest request wins).
    Q_INVOKABLE void showFileDiff(const QString& path);

signals:
    void statusChanged();
    void progressChanged();
    void reportChanged();
    void selectedKeyChanged();
    void scanFinished(bool ok);

private:
    struct Batch;
    void applyBatch(quint64 run, const Batch& batch);
    void finish(quint64 run, engine::Result<engine::report::ScanReport> result);
    void setStatus(Status status);
    void publishReport();
    void startComparison(const std::string& older, const std::string& newer);
    void loadSelectedEvents();
    void refreshNorms();
    void launchComparison(quint64 run, const std::string& older, const std::string& newer);
    void supersedeComparison();

    std::shared_ptr<ScanBackend> backend_;
    ScanOptions options_;
    PreviousVersionLookup previousVersion_;
    std::jthread worker_;
    std::jthread diffWorker_;  ///< one comparison at a time
    quint64 diffRun_ = 0;      ///< the latest comparison asked for; only its result is shown
    bool diffInFlight_ = false;  ///< diffWorker_ has not posted its result yet
    struct PendingComparison {
        quint64 run;
        std::string older, newer;
    };
    std::optional<PendingComparison> pendingDiff_;  ///< asked for while another ran; starts when it ends
    quint64 run_ = 0;
    QElapsedTimer clock_;
    QElapsedTimer countingClock_;  ///< since the first report with a package count (the ETA's base)
    int elapsedAtEnd_ = 0;
    Status status_ = Idle;
    double progress_ = 0;
    int eta_ = -1;
    int done_ = 0;
    int total_ = 0;
    QString currentPackage_, currentPhase_, errorString_, errorDetail_, pendingProject_, selectedKey_;
    QString stage_;
    int stageDone_ = 0, stageTotal_ = 0;
    QStringList running_;
    std::shared_ptr<const engine::report::ScanReport> report_;

    PackageListModel* packages_;
    FindingListModel* findings_;
    EventListModel* events_;
    HeatmapModel* heatmap_;
    RuleListModel* rules_;
    RecentProjectsModel* recent_;
    PackageDetails* details_;
    VersionDiffModel* diff_;
    PackageEventLoader* loader_;
    std::optional<engine::Error> eventSourceError_;  ///< why the backend has no event source
    QFuture<void> norms_;   ///< the heatmap's norms being computed; waited for on destruction
    quint64 normsRun_ = 0;  ///< only the latest computation's result is shown
};

}  // namespace vigil::ui
