#include "ui/scan_controller.h"

#include <QDir>
#include <QFileInfo>
#include <QUrl>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <utility>

namespace vigil::ui {

// What the worker hands to the GUI thread in one queued call.
struct ScanController::Batch {
    uint64_t total = 0;
    uint64_t done = 0;
    std::string package;
    std::string phase;
    std::size_t phaseIndex = 0;
    std::string stage;
    uint64_t stageDone = 0, stageTotal = 0;
    std::optional<std::vector<std::string>> running;
    std::vector<PackageEventBatch> events;
    std::vector<engine::report::PackageReport> finished;
    std::vector<std::string> recorded;  ///< packages whose results the store now holds
};

namespace {
// Often enough to feel live, rarely enough that a chatty package cannot flood the event loop.
constexpr auto kBatchInterval = std::chrono::milliseconds(50);

QString localPath(const QString& project) {
    const QUrl url(project);
    return url.isLocalFile() ? url.toLocalFile() : project;
}
}  // namespace

ScanController::ScanController(std::shared_ptr<ScanBackend> backend, QObject* parent)
    : QObject(parent),
      backend_(std::move(backend)),
      packages_(new PackageListModel(this)),
      findings_(new FindingListModel(this)),
      events_(new EventListModel(this)),
      heatmap_(new HeatmapModel(this)),
      rules_(new RuleListModel(this)),
      recent_(new RecentProjectsModel(this)),
      details_(new PackageDetails(this)),
      diff_(new VersionDiffModel(this)),
      loader_(new PackageEventLoader(this)) {}

ScanController::~ScanController() {
    // jthread's destructor would do the same; explicit so the order against the models is clear.
    worker_.request_stop();
    diffWorker_.request_stop();
    if (worker_.joinable())
        worker_.join();
    if (diffWorker_.joinable())
        diffWorker_.join();
    norms_.waitForFinished();  // its result is posted to this object
}

int ScanController::elapsedSeconds() const {
    return status_ == Running && clock_.isValid() ? static_cast<int>(clock_.elapsed() / 1000) : elapsedAtEnd_;
}

QString ScanController::projectPath() const {
    return report_ ? QString::fromStdString(report_->projectPath) : pendingProject_;
}

QString ScanController::projectName() const {
    if (report_ && !report_->projectName.empty())
        return QString::fromStdString(report_->projectName);
    return QFileInfo(projectPath()).fileName();
}

QVariantList ScanController::severityCounts() const {
    // [info, low, medium, high, critical] package counts by verdict.
    QVariantList counts{0, 0, 0, 0, 0};
    for (const auto& p : packages_->packages()) {
        const int s = static_cast<int>(p.severity);
        counts[s] = counts[s].toInt() + 1;
    }
    return counts;
}

void ScanController::setSelectedKey(const QString& key) {
    if (key == selectedKey_)
        return;
    selectedKey_ = key;
    loadSelectedEvents();
    emit selectedKeyChanged();
}

void ScanController::loadSelectedEvents() {
    std::optional<engine::report::PackageReport> selected;
    for (const auto& p : packages_->packages())
        if (QString::fromStdString(p.key()) == selectedKey_)
            selected = p;
    loader_->cancel();
    const bool canLoad = selected && loader_->source() != nullptr;
    const std::string name = selected ? selected->name : std::string();
    const std::string version = selected ? selected->version : std::string();
    details_->setPackage(std::move(selected), canLoad || eventSourceError_.has_value());
    if (canLoad)
        loader_->load(name, version, [this](PackageEventLoader::Events events) { details_->setEvents(std::move(events)); });
    else if (details_->valid() && eventSourceError_)
        details_->setEvents(*eventSourceError_);
}

void ScanController::setEventSource(std::shared_ptr<const engine::report::EventSource> source) {
    eventSourceError_.reset();
    loader_->setSource(std::move(source));
    if (details_->valid())
        loadSelectedEvents();
}

QString ScanController::mostSevereKey() const { return packages_->keyAt(0); }

void ScanController::setStatus(Status status) {
    status_ = status;
    emit statusChanged();
}

void ScanController::start(const QString& project) {
    if (status_ == Running || !backend_)
        return;
    // A previous worker has finished (status is not Running); join it before starting the next.
    if (worker_.joinable())
        worker_.join();
    const quint64 run = ++run_;
    pendingProject_ = localPath(project);
    report_.reset();
    packages_->clear();
    findings_->setFromPackages({});
    events_->clear();
    ++normsRun_;  // a computation for the previous report lands nowhere
    heatmap_->setPackages({});
    setSelectedKey({});
    errorString_.clear();
    errorDetail_.clear();
    progress_ = 0;
    eta_ = -1;
    done_ = total_ = 0;
    currentPackage_.clear();
    currentPhase_.clear();
    stage_.clear();
    stageDone_ = stageTotal_ = 0;
    running_.clear();
    countingClock_.invalidate();
    clock_.start();
    setStatus(Running);
    emit reportChanged();
    emit progressChanged();

    ScanOptions scanOptions = options_;
    scanOptions.disabledRules = rules_->disabledRules();  // the Rules page's switches judge this scan
    worker_ = std::jthread([this, run, backend = backend_, project = pendingProject_.toStdString(),
                            options = std::move(scanOptions)](std::stop_token stop) {
        // Worker-local batch; posted whole, then started afresh.
        auto batch = std::make_shared<Batch>();
        auto lastPost = std::chrono::steady_clock::now();
        // What the GUI thread was last sent. A new package, phase, stage or set of running
        // analyses is posted at once: the backend may then be silent for long (a sandbox's 60 s),
        // and the window must not show a stale "Now:" meanwhile. Events alone wait for the interval.
        std::string shownPackage, shownPhase, shownStage;
        std::vector<std::string> shownRunning;
        const auto post = [&] {
            if (!batch->package.empty()) {
                shownPackage = batch->package;
                shownPhase = batch->phase;
            }
            if (!batch->stage.empty())
                shownStage = batch->stage;
            if (batch->running)
                shownRunning = *batch->running;
            QMetaObject::invokeMethod(this, [this, run, b = std::move(batch)] { applyBatch(run, *b); }, Qt::QueuedConnection);
            batch = std::make_shared<Batch>();
            lastPost = std::chrono::steady_clock::now();
        };
        const ProgressCallback progress = [&](ScanProgress p) {
            bool changed = false;
            batch->total = p.totalPackages;
            batch->done = p.donePackages;
            if (!p.package.empty()) {
                changed = changed || p.package != shownPackage || p.phase != shownPhase;
                batch->package = std::move(p.package);
                batch->phase = std::move(p.phase);
                const auto it = std::find(options.phases.begin(), options.phases.end(), batch->phase);
                batch->phaseIndex = static_cast<std::size_t>(it - options.phases.begin());
            }
            if (!p.stage.empty()) {
                changed = changed || p.stage != shownStage || p.running != shownRunning;
                batch->stage = std::move(p.stage);
                batch->stageDone = p.stageDone;
                batch->stageTotal = p.stageTotal;
                batch->running = std::move(p.running);
            }
            if (!p.events.empty()) {
                if (batch->events.empty() || batch->events.back().package != p.eventsPackage)
                    batch->events.push_back({p.eventsPackage, {}});
                auto& into = batch->events.back().events;
                into.insert(into.end(), std::make_move_iterator(p.events.begin()), std::make_move_iterator(p.events.end()));
            }
            if (p.finished)
                batch->finished.push_back(std::move(*p.finished));
            if (!p.recorded.empty())
                batch->recorded.push_back(std::move(p.recorded));
            if (changed || !batch->finished.empty() || !batch->recorded.empty() ||
                std::chrono::steady_clock::now() - lastPost >= kBatchInterval)
                post();
        };
        // The events of finished and cached packages are read from here on demand, also mid-scan.
        auto source = std::make_shared<engine::Result<std::shared_ptr<const engine::report::EventSource>>>(
            backend->eventSource(options));
        QMetaObject::invokeMethod(this, [this, run, source] {
            if (run != run_)
                return;
            if (*source) {
                setEventSource(source->value());
            } else {
                loader_->setSource(nullptr);
                eventSourceError_ = source->error();
            }
        }, Qt::QueuedConnection);
        auto result = backend->run(project, options, progress, stop);
        post();
        QMetaObject::invokeMethod(this, [this, run, r = std::make_shared<decltype(result)>(std::move(result))]() mutable {
            finish(run, std::move(*r));
        }, Qt::QueuedConnection);
    });
}

void ScanController::cancel() {
    if (status_ == Running)
        worker_.request_stop();
}

void ScanController::applyBatch(quint64 run, const Batch& batch) {
    if (run != run_)
        return;  // a batch of a scan the user has since replaced
    if (!batch.stage.empty()) {
        stage_ = QString::fromStdString(batch.stage);
        stageDone_ = static_cast<int>(batch.stageDone);
        stageTotal_ = static_cast<int>(batch.stageTotal);
    }
    if (batch.running) {
        running_.clear();
        for (const auto& r : *batch.running)
            running_ << QString::fromStdString(r);
    }
    if (batch.total > 0) {  // the worker's last flush may carry no progress report at all
        total_ = static_cast<int>(batch.total);
        done_ = static_cast<int>(batch.done);
        if (!batch.package.empty()) {
            currentPackage_ = QString::fromStdString(batch.package);
            currentPhase_ = QString::fromStdString(batch.phase);
        }
        const double phases = static_cast<double>(std::max<std::size_t>(1, options_.phases.size()));
        const double inPackage = batch.finished.empty() && done_ < total_ ? static_cast<double>(batch.phaseIndex) / phases : 0;
        // Never backwards: with parallel packages a report may describe an earlier phase.
        progress_ = std::max(progress_, std::min(1.0, (done_ + inPackage) / total_));
        // From the first package count on: resolving and fetching say nothing about analysis speed.
        if (!countingClock_.isValid())
            countingClock_.start();
        const double elapsed = static_cast<double>(countingClock_.elapsed()) / 1000.0;
        // Under a second of history says nothing about the rest: "estimating" rather than "0 s".
        eta_ = progress_ > 0.02 && elapsed >= 1.0 ? static_cast<int>(elapsed * (1 - progress_) / progress_ + 0.5) : -1;
    }
    events_->appendBatches(batch.events);
    for (const auto& p : batch.finished) {
        packages_->addPackage(p);
        findings_->appendPackage(p);
    }
    if (!batch.finished.empty())
        heatmap_->setPackages(packages_->packages());
    // A package shown the instant before its results were stored read no events ("no recorded
    // runs"): now they are there, read them again.
    if (std::find(batch.recorded.begin(), batch.recorded.end(), selectedKey_.toStdString()) != batch.recorded.end())
        loadSelectedEvents();
    emit progressChanged();
}

void ScanController::finish(quint64 run, engine::Result<engine::report::ScanReport> result) {
    if (run != run_)
        return;
    elapsedAtEnd_ = static_cast<int>(clock_.elapsed() / 1000);
    currentPackage_.clear();
    currentPhase_.clear();
    running_.clear();
    if (!result.ok()) {
        const engine::Error& error = result.error();
        errorString_ = QString::fromStdString(error.primary);
        errorDetail_ = QString::fromStdString(error.secondary);
        eta_ = -1;
        emit progressChanged();
        setStatus(error.code == engine::ErrorCode::Cancelled ? Cancelled : Failed);
        emit scanFinished(false);
        return;
    }
    report_ = std::make_shared<const engine::report::ScanReport>(std::move(result).value());
    publishReport();
    progress_ = 1;
    eta_ = 0;
    done_ = total_ = static_cast<int>(report_->packages.size());
    recent_->add(QString::fromStdString(report_->projectPath));
    emit progressChanged();
    setStatus(Finished);
    emit scanFinished(true);
}

void ScanController::setReport(engine::report::ScanReport report) {
    report_ = std::make_shared<const engine::report::ScanReport>(std::move(report));
    publishReport();
    progress_ = 1;
    done_ = total_ = static_cast<int>(report_->packages.size());
    emit progressChanged();
    setStatus(Finished);
}

void ScanController::publishReport() {
    packages_->setPackages(report_->packages);
    findings_->setFromPackages(packages_->packages());
    heatmap_->setPackages(packages_->packages());
    refreshNorms();
    std::map<std::string, int> hits;
    for (const auto& p : report_->packages)
        for (const auto& f : p.findings)
            hits[f.ruleId]++;
    rules_->setHits(hits);
    selectedKey_.clear();
    emit reportChanged();
    setSelectedKey(mostSevereKey());
}

void ScanController::refreshNorms() {
    const quint64 run = ++normsRun_;
    if (!backend_) {
        heatmap_->setNormsError(tr("No category norms without a scan backend"), {});
        return;
    }
    heatmap_->setNormsLoading();
    // Reading every analysed package's fingerprint from the store takes seconds in a large store:
    // on the thread pool, as the PDF export does, so the window keeps drawing.
    norms_ = QtConcurrent::run([this, run, backend = backend_, options = options_, packages = packages_->packages()] {
        auto result = std::make_shared<engine::Result<PackageNorms>>([&]() -> engine::Result<PackageNorms> {
            auto snapshot = backend->categoryNorms(packages, options);
            if (!snapshot)
                return std::move(snapshot).error();
            return computePackageNorms(*snapshot, packages);
        }());
        QMetaObject::invokeMethod(this, [this, run, result] {
            if (run != normsRun_)
                return;
            if (*result)
                heatmap_->setNorms(std::move(*result).value());
            else
                heatmap_->setNormsError(QString::fromStdString(result->error().primary),
                                        QString::fromStdString(result->error().secondary));
        }, Qt::QueuedConnection);
    });
}

bool ScanController::compareWithPrevious(const QString& key) {
    const std::string k = key.toStdString();
    for (const auto& p : packages_->packages()) {
        if (p.key() != k)
            continue;
        if (p.changes) {  // the scan already compared it with the store's previous version
            supersedeComparison();
            diff_->setChanges(QString::fromStdString(p.name), *p.changes);
            return true;
        }
        if (previousVersion_) {
            if (auto previous = previousVersion_(p)) {
                supersedeComparison();
                diff_->compare(*previous, p);
                return true;
            }
            return false;
        }
        startComparison({}, k);
        return true;
    }
    return false;
}

void ScanController::compareVersions(const QString& older, const QString& newer) {
    startComparison(older.trimmed().toStdString(), newer.trimmed().toStdString());
}

void ScanController::supersedeComparison() {
    // A newer request replaces whatever runs or waits: the running one is told to stop (it may be
    // analysing a version in the sandbox) and its result, whenever it comes, is dropped.
    ++diffRun_;
    pendingDiff_.reset();
    if (diffInFlight_)
        diffWorker_.request_stop();
}

void ScanController::startComparison(const std::string& older, const std::string& newer) {
    if (!backend_)
        return;
    supersedeComparison();
    const quint64 run = diffRun_;
    diff_->setRunning(older.empty() ? tr("Comparing %1 with its previous version…").arg(QString::fromStdString(newer))
                                    : tr("Comparing %1 with %2…").arg(QString::fromStdString(older), QString::fromStdString(newer)));
    // Never joined while it runs (that would block the GUI thread until the sandbox stopped): the
    // request waits until the stopped worker has posted its end, then starts.
    if (diffInFlight_)
        pendingDiff_ = PendingComparison{run, older, newer};
    else
        launchComparison(run, older, newer);
}

void ScanController::launchComparison(quint64 run, const std::string& older, const std::string& newer) {
    if (diffWorker_.joinable())
        diffWorker_.join();  // finished: its result was posted, joining is immediate
    diffInFlight_ = true;
    ScanOptions diffOptions = options_;
    diffOptions.disabledRules = rules_->disabledRules();
    diffWorker_ = std::jthread([this, run, backend = backend_, older, newer, options = std::move(diffOptions)](std::stop_token stop) {
        const StatusCallback status = [this, run](const std::string& text) {
            QMetaObject::invokeMethod(this, [this, run, t = QString::fromStdString(text)] {
                if (run == diffRun_)
                    diff_->setStatusText(t);
            }, Qt::QueuedConnection);
        };
        auto result = std::make_shared<engine::Result<engine::report::VersionChanges>>(
            backend->compare(older, newer, options, status, stop));
        QMetaObject::invokeMethod(this, [this, run, result, newer] {
            diffInFlight_ = false;
            if (pendingDiff_) {  // asked for while this one ran: it is the one the user wants now
                const PendingComparison next = *std::exchange(pendingDiff_, std::nullopt);
                launchComparison(next.run, next.older, next.newer);
                return;
            }
            if (run != diffRun_)
                return;  // replaced by a comparison that needed no worker
            if (!*result) {
                diff_->setError(QString::fromStdString(result->error().primary), QString::fromStdString(result->error().secondary));
                return;
            }
            const auto at = newer.rfind('@');
            diff_->setChanges(QString::fromStdString(at == 0 || at == std::string::npos ? newer : newer.substr(0, at)), **result);
        }, Qt::QueuedConnection);
    });
}

void ScanController::showFileDiff(const QString& path) {
    FileDiffModel* files = diff_->fileDiffModel();
    const auto& changes = diff_->changes();
    if (!backend_ || !changes) {
        files->setError(path, tr("no comparison to take the file from"),
                        tr("Compare two versions first: the files come from their package tarballs."));
        return;
    }
    const std::string name = diff_->package().toStdString();
    files->load(path, [backend = backend_, options = options_, older = name + "@" + changes->fromVersion,
                       newer = name + "@" + changes->toVersion, file = path.toStdString()] {
        return backend->diffFile(older, newer, file, options);
    });
}

}  // namespace vigil::ui
