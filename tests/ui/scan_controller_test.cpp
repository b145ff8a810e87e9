// ScanController: progress and completion as signals, batching, cancellation, engine errors with
// primary and secondary text, selection feeding the details.
#include <QSignalSpy>
#include <QStandardPaths>
#include <QtTest>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "ui/demo_report.h"
#include "ui/demo_scan_backend.h"
#include "ui/scan_controller.h"

using namespace vigil;
using namespace std::chrono_literals;

namespace {
const QString kDemo = QStringLiteral(VIGIL_SOURCE_DIR "/examples/demo");

/// Compares instantly, except the first comparison, which runs until it is stopped (a version
/// being analysed in the sandbox). Records every request and whether it was stopped.
class SlowFirstCompareBackend : public ui::ScanBackend {
public:
    engine::Result<engine::report::ScanReport> run(const std::string&, const ui::ScanOptions&, const ui::ProgressCallback&,
                                                   std::stop_token) override {
        return engine::makeError(engine::ErrorCode::Usage, "not in this test");
    }
    engine::Result<engine::report::VersionChanges> compare(const std::string& older, const std::string& newer,
                                                           const ui::ScanOptions&, const ui::StatusCallback&,
                                                           std::stop_token stop) override {
        bool first = false;
        {
            std::lock_guard lock(mutex_);
            first = requests_.empty();
            requests_.push_back(older + " -> " + newer);
        }
        if (first) {
            while (!stop.stop_requested())
                std::this_thread::sleep_for(5ms);
            std::lock_guard lock(mutex_);
            firstStopped_ = true;
            return engine::makeError(engine::ErrorCode::Cancelled, "comparison of " + newer + " cancelled");
        }
        engine::report::VersionChanges changes;
        changes.fromVersion = older.substr(older.rfind('@') + 1);
        changes.toVersion = newer.substr(newer.rfind('@') + 1);
        changes.summary = "1 added";
        changes.lines.push_back({"added", "network.connections", "evil.example:443", "(install)", {}});
        return changes;
    }
    std::vector<std::string> requests() const {
        std::lock_guard lock(mutex_);
        return requests_;
    }
    bool firstStopped() const {
        std::lock_guard lock(mutex_);
        return firstStopped_;
    }

private:
    mutable std::mutex mutex_;
    std::vector<std::string> requests_;
    bool firstStopped_ = false;
};

/// The events a scan has stored so far, as a real store would have them: read from the loader's
/// thread while the scan's thread adds to them.
class GrowingEventSource : public engine::report::EventSource {
public:
    void add(const std::string& key, std::vector<engine::collect::Event> events) {
        std::lock_guard lock(mutex_);
        byKey_[key] = std::move(events);
    }
    engine::Result<std::vector<engine::collect::Event>> eventsOf(const std::string& name, const std::string& version,
                                                                 const std::string&) const override {
        std::lock_guard lock(mutex_);
        const auto it = byKey_.find(name + "@" + version);
        if (it == byKey_.end())
            return engine::makeError(engine::ErrorCode::NotFound, name + "@" + version + " has no recorded runs in the store");
        return it->second;
    }

private:
    mutable std::mutex mutex_;
    std::map<std::string, std::vector<engine::collect::Event>> byKey_;
};

/// One package that finishes, then is stored only when the test says so — the instant between a
/// package showing up and its results being committed, stretched — then the scan ends when told.
class StoredLaterBackend : public ui::ScanBackend {
public:
    std::shared_ptr<GrowingEventSource> source = std::make_shared<GrowingEventSource>();
    std::atomic<bool> store{false}, end{false};

    engine::Result<engine::report::ScanReport> run(const std::string&, const ui::ScanOptions&, const ui::ProgressCallback& progress,
                                                   std::stop_token stop) override {
        engine::report::PackageReport p;
        p.name = "late";
        p.version = "1.0.0";
        p.category = "string";
        engine::report::PhaseSummary phase;
        phase.phase = "install";
        phase.outcome = "ok";
        phase.duration = 30ms;
        p.phases.push_back(phase);
        ui::ScanProgress finished;
        finished.totalPackages = finished.donePackages = 1;
        finished.finished = p;
        progress(finished);
        waitFor(store, stop);
        std::vector<engine::collect::Event> events(3);
        for (std::size_t i = 0; i < events.size(); ++i) {
            events[i].seq = i;
            events[i].tsNs = static_cast<int64_t>(i) * 1'000'000;
            events[i].phase = "install";
            events[i].kind = "process.exec";
        }
        source->add(p.key(), std::move(events));
        ui::ScanProgress recorded;
        recorded.recorded = p.key();
        progress(recorded);
        waitFor(end, stop);
        engine::report::ScanReport report;
        report.packages = {p};
        return report;
    }
    engine::Result<std::shared_ptr<const engine::report::EventSource>> eventSource(const ui::ScanOptions&) override {
        return std::shared_ptr<const engine::report::EventSource>(source);
    }

private:
    static void waitFor(const std::atomic<bool>& flag, std::stop_token stop) {
        while (!flag && !stop.stop_requested())
            std::this_thread::sleep_for(5ms);
    }
};

/// Fails every scan at once, remembering the options it was given.
class OptionsRecordingBackend : public ui::ScanBackend {
public:
    engine::Result<engine::report::ScanReport> run(const std::string&, const ui::ScanOptions& options,
                                                   const ui::ProgressCallback&, std::stop_token) override {
        std::lock_guard lock(mutex_);
        seen_ = options;
        return engine::makeError(engine::ErrorCode::Usage, "recorded");
    }
    engine::Result<engine::report::VersionChanges> compare(const std::string&, const std::string&, const ui::ScanOptions&,
                                                           const ui::StatusCallback&, std::stop_token) override {
        return engine::makeError(engine::ErrorCode::Usage, "not in this test");
    }
    ui::ScanOptions seen() const {
        std::lock_guard lock(mutex_);
        return seen_;
    }

private:
    mutable std::mutex mutex_;
    ui::ScanOptions seen_;
};
}  // namespace

class ScanControllerTest : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("vigil-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("scan_controller_test"));
    }

    void scanReportsProgressThenCompletes() {
        ui::ScanController scan(std::make_shared<ui::DemoScanBackend>(ui::makeDemoScanReport(), 60ms));
        QSignalSpy progress(&scan, &ui::ScanController::progressChanged);
        QSignalSpy finished(&scan, &ui::ScanController::scanFinished);
        QSignalSpy packagesInserted(scan.packageModel(), &QAbstractItemModel::rowsInserted);
        std::vector<double> seen;
        int findingsBeforeEnd = 0;
        connect(&scan, &ui::ScanController::progressChanged, this, [&] {
            seen.push_back(scan.progress());
            if (scan.running())
                findingsBeforeEnd = scan.findingModel()->rowCount();
        });
        scan.start(kDemo);
        QCOMPARE(scan.status(), ui::ScanController::Running);
        QVERIFY(finished.wait(10000));
        QCOMPARE(finished.first().first().toBool(), true);
        QCOMPARE(scan.status(), ui::ScanController::Finished);
        QVERIFY(progress.count() >= 6);
        QVERIFY(std::is_sorted(seen.begin(), seen.end()));  // never goes backwards
        QCOMPARE(scan.progress(), 1.0);
        QCOMPARE(scan.etaSeconds(), 0);
        QVERIFY(packagesInserted.count() >= 6);            // packages appeared one by one
        QVERIFY2(findingsBeforeEnd > 0, "findings show as each package finishes, before the scan ends");
        // Events arrived in batches: fewer insert notifications than events.
        QVERIFY(scan.eventModel()->totalSeen() > 40);
        QCOMPARE(scan.packageModel()->rowCount(), 6);
        QCOMPARE(scan.mostSevereKey(), QStringLiteral("env-inspector@1.0.3"));
        QCOMPARE(scan.selectedKey(), QStringLiteral("env-inspector@1.0.3"));  // selected for the user
        QCOMPARE(scan.packageDetails()->severityName(), QStringLiteral("critical"));
        QTRY_VERIFY(scan.packageDetails()->eventModel()->rowCount() > 10);  // loaded on demand
        QVERIFY(scan.packageDetails()->eventsNote().isEmpty());
        QCOMPARE(scan.severityCounts().at(4).toInt(), 1);
        QCOMPARE(scan.projectPath(), kDemo);
    }

    void liveEventsNameTheirPackageAndNormsFollowTheScan() {
        ui::ScanController scan(std::make_shared<ui::DemoScanBackend>(ui::makeDemoScanReport(), 20ms));
        QSignalSpy finished(&scan, &ui::ScanController::scanFinished);
        scan.start(kDemo);
        QVERIFY(finished.wait(10000));
        const auto* events = scan.eventModel();
        std::set<QString> keys;
        for (int row = 0; row < events->rowCount(); ++row)
            keys.insert(events->data(events->index(row), ui::EventListModel::AnalysedPackageRole).toString());
        QVERIFY(keys.count(QStringLiteral("env-inspector@1.0.3")) == 1);
        QVERIFY(keys.count(QStringLiteral("fast-setup@3.1.0")) == 1);
        QVERIFY2(keys.count(QString()) == 0, "every live event names its package");
        // The heatmap's norms are computed after the scan, off the GUI thread, then shown.
        auto* heatmap = scan.heatmapModel();
        QTRY_VERIFY(!heatmap->normsLoading());
        QVERIFY2(heatmap->normsNote().isEmpty(), qPrintable(heatmap->normsNote()));
        const int env = heatmap->rowOfKey(QStringLiteral("env-inspector@1.0.3"));
        QCOMPARE(heatmap->data(heatmap->index(env, 3), ui::HeatmapModel::NormTextRole).toString(), QStringLiteral("yes · 4%"));
    }

    void normsOfABackendWithoutAStoreSayWhy() {
        auto backend = std::make_shared<StoredLaterBackend>();
        backend->store = backend->end = true;
        ui::ScanController scan(backend);
        QSignalSpy finished(&scan, &ui::ScanController::scanFinished);
        scan.start(kDemo);
        QVERIFY(finished.wait(5000));
        QTRY_VERIFY(!scan.heatmapModel()->normsLoading());
        QVERIFY2(scan.heatmapModel()->normsNote().contains(QStringLiteral("not available")), qPrintable(scan.heatmapModel()->normsNote()));
        QVERIFY(!scan.heatmapModel()->normsDetail().isEmpty());
        QVERIFY(!scan.heatmapModel()->data(scan.heatmapModel()->index(0, 3), ui::HeatmapModel::NormAvailableRole).toBool());
    }

    // Selected in the instant before its results were stored, a package read "no recorded runs";
    // once the store has them the details load them without the user selecting it again.
    void detailsReloadWhenTheSelectedPackageIsStored() {
        auto backend = std::make_shared<StoredLaterBackend>();
        ui::ScanController scan(backend);
        QSignalSpy finished(&scan, &ui::ScanController::scanFinished);
        scan.start(kDemo);
        QTRY_COMPARE(scan.packageModel()->rowCount(), 1);
        scan.setSelectedKey(QStringLiteral("late@1.0.0"));
        auto* details = scan.packageDetails();
        QTRY_VERIFY(details->eventsNote().contains(QStringLiteral("no recorded runs")));
        QVERIFY(details->eventList().empty());
        backend->store = true;
        QTRY_COMPARE(details->eventList().size(), std::size_t{3});
        QVERIFY(details->eventsNote().isEmpty());
        QCOMPARE(details->eventModel()->rowCount(), 3);
        QVERIFY2(scan.running(), "reloaded while the scan runs, not by the end-of-scan selection");
        backend->end = true;
        QVERIFY(finished.wait(5000));
    }

    void eventsReachTheModelInBatches() {
        ui::ScanController scan(std::make_shared<ui::DemoScanBackend>(ui::makeDemoScanReport(), 30ms));
        QSignalSpy inserted(scan.eventModel(), &QAbstractItemModel::rowsInserted);
        QSignalSpy finished(&scan, &ui::ScanController::scanFinished);
        scan.start(kDemo);
        QVERIFY(finished.wait(10000));
        QVERIFY(inserted.count() > 0);
        QVERIFY2(static_cast<qulonglong>(inserted.count()) < scan.eventModel()->totalSeen() / 2,
                 qPrintable(QStringLiteral("%1 inserts for %2 events").arg(inserted.count()).arg(scan.eventModel()->totalSeen())));
    }

    void cancelStopsTheScanAndKeepsWhatFinished() {
        ui::ScanController scan(std::make_shared<ui::DemoScanBackend>(ui::makeDemoScanReport(), 300ms));
        QSignalSpy finished(&scan, &ui::ScanController::scanFinished);
        QSignalSpy status(&scan, &ui::ScanController::statusChanged);
        scan.start(kDemo);
        QTRY_VERIFY_WITH_TIMEOUT(scan.packageModel()->rowCount() >= 1, 5000);
        scan.cancel();
        QVERIFY(finished.wait(5000));
        QCOMPARE(finished.first().first().toBool(), false);
        QCOMPARE(scan.status(), ui::ScanController::Cancelled);
        QVERIFY(scan.errorString().contains(QStringLiteral("cancelled")));
        QVERIFY(scan.errorDetail().contains(QStringLiteral("of 6 packages")));
        QVERIFY(scan.packageModel()->rowCount() < 6);
        QVERIFY(!scan.hasReport());
        // A new scan can start after a cancel and completes normally.
        scan.start(kDemo);
        QVERIFY(finished.wait(15000));
        QCOMPARE(scan.status(), ui::ScanController::Finished);
    }

    void rulesSwitchedOffOnTheRulesPageReachTheScan() {
        auto backend = std::make_shared<OptionsRecordingBackend>();
        ui::ScanController scan(backend);
        scan.ruleModel()->setRules({{"install-network-unknown-host", engine::Severity::High, "t", "rules/network.yaml"},
                                    {"credential-file-read", engine::Severity::High, "t", "rules/credentials.yaml"}});
        scan.ruleModel()->setEnabled(1, false);
        QSignalSpy finished(&scan, &ui::ScanController::scanFinished);
        scan.start(kDemo);
        QVERIFY(finished.wait(5000));
        QCOMPARE(backend->seen().disabledRules, std::vector<std::string>{"credential-file-read"});
        scan.ruleModel()->setEnabled(1, true);  // and back on: the next scan judges with it again
        scan.start(kDemo);
        QVERIFY(finished.wait(5000));
        QVERIFY(backend->seen().disabledRules.empty());
    }

    void aFolderWithoutAProjectIsAnErrorWithBothTexts() {
        ui::ScanController scan(std::make_shared<ui::DemoScanBackend>(ui::makeDemoScanReport(), 10ms));
        QSignalSpy finished(&scan, &ui::ScanController::scanFinished);
        const QString empty = QDir::tempPath() + QStringLiteral("/vigil-no-project-here");
        QDir().mkpath(empty);
        scan.start(QUrl::fromLocalFile(empty).toString());  // what FolderDialog hands over
        QVERIFY(finished.wait(5000));
        QCOMPARE(scan.status(), ui::ScanController::Failed);
        QVERIFY2(scan.errorString().contains(empty), qPrintable(scan.errorString()));
        QVERIFY(scan.errorString().contains(QStringLiteral("package.json")));
        QVERIFY(!scan.errorDetail().isEmpty());
    }

    void anEngineErrorMidScanIsShownAsTheEngineWroteIt() {
        auto backend = std::make_shared<ui::DemoScanBackend>(ui::makeDemoScanReport(), 20ms);
        backend->failWith(engine::makeError(engine::ErrorCode::Network, "registry.npmjs.org: connection refused",
                                            "Check the proxy settings in ~/.npmrc."),
                          2);
        ui::ScanController scan(backend);
        QSignalSpy finished(&scan, &ui::ScanController::scanFinished);
        scan.start(kDemo);
        QVERIFY(finished.wait(5000));
        QCOMPARE(scan.status(), ui::ScanController::Failed);
        QCOMPARE(scan.errorString(), QStringLiteral("registry.npmjs.org: connection refused"));
        QCOMPARE(scan.errorDetail(), QStringLiteral("Check the proxy settings in ~/.npmrc."));
        QCOMPARE(scan.packageModel()->rowCount(), 2);  // what finished before the error stays visible
    }

    void destroyingTheControllerMidScanStopsTheWorker() {
        auto scan = std::make_unique<ui::ScanController>(std::make_shared<ui::DemoScanBackend>(ui::makeDemoScanReport(), 500ms));
        scan->start(kDemo);
        QTest::qWait(50);
        QElapsedTimer timer;
        timer.start();
        scan.reset();  // must not hang for the whole scan nor crash on late batches
        QVERIFY(timer.elapsed() < 2000);
        QTest::qWait(50);
    }

    // The user changes their mind while a comparison runs: the latest request is what shows. The
    // running one is stopped, one asked for in between never runs, and nothing of the stopped one
    // (its "cancelled" error) reaches the page.
    void theLatestVersionComparisonWins() {
        auto backend = std::make_shared<SlowFirstCompareBackend>();
        ui::ScanController scan(backend);
        ui::VersionDiffModel& diff = *scan.diffModel();
        bool sawFailure = false;
        connect(&diff, &ui::VersionDiffModel::statusChanged, this, [&] { sawFailure = sawFailure || diff.status() == ui::VersionDiffModel::Failed; });
        scan.compareVersions(QStringLiteral("left-pad@1.0.0"), QStringLiteral("left-pad@1.0.1"));
        QTRY_COMPARE(backend->requests().size(), std::size_t{1});
        QVERIFY(diff.busy());
        scan.compareVersions(QStringLiteral("left-pad@1.0.1"), QStringLiteral("left-pad@1.0.2"));
        scan.compareVersions(QStringLiteral("left-pad@1.0.2"), QStringLiteral("left-pad@1.0.3"));
        QVERIFY(diff.busy());
        QVERIFY2(diff.statusText().contains(QStringLiteral("left-pad@1.0.3")), qPrintable(diff.statusText()));
        QTRY_COMPARE_WITH_TIMEOUT(diff.status(), ui::VersionDiffModel::Ready, 5000);
        QVERIFY(backend->firstStopped());
        QCOMPARE(backend->requests(), (std::vector<std::string>{"left-pad@1.0.0 -> left-pad@1.0.1", "left-pad@1.0.2 -> left-pad@1.0.3"}));
        QCOMPARE(diff.leftTitle(), QStringLiteral("left-pad@1.0.2"));
        QCOMPARE(diff.rightTitle(), QStringLiteral("left-pad@1.0.3"));
        QCOMPARE(diff.added(), 1);
        QVERIFY(diff.errorString().isEmpty());
        QTest::qWait(50);
        QCOMPARE(diff.status(), ui::VersionDiffModel::Ready);
        QVERIFY2(!sawFailure, "the stopped comparison's error never reached the page");
        // And a later request after it ended runs at once.
        scan.compareVersions(QStringLiteral("left-pad@1.0.3"), QStringLiteral("left-pad@1.0.4"));
        QTRY_COMPARE(diff.rightTitle(), QStringLiteral("left-pad@1.0.4"));
        QCOMPARE(backend->requests().size(), std::size_t{3});
    }

    void selectionAndVersionDiff() {
        ui::ScanController scan(std::make_shared<ui::DemoScanBackend>(ui::makeDemoScanReport(), 10ms));
        scan.setPreviousVersionLookup([](const engine::report::PackageReport& p) { return std::optional(ui::makeDemoPreviousVersion(p.name)); });
        scan.setReport(ui::makeDemoScanReport());
        QSignalSpy selected(&scan, &ui::ScanController::selectedKeyChanged);
        scan.setSelectedKey(QStringLiteral("fast-setup@3.1.0"));
        QCOMPARE(selected.count(), 1);
        QCOMPARE(scan.packageDetails()->installScripts().size(), 2);
        QVERIFY(scan.compareWithPrevious(QStringLiteral("fast-setup@3.1.0")));
        QVERIFY(scan.diffModel()->added() > 0);
        QVERIFY(!scan.compareWithPrevious(QStringLiteral("nope@1.0.0")));
    }
};

QTEST_GUILESS_MAIN(ScanControllerTest)
#include "scan_controller_test.moc"
