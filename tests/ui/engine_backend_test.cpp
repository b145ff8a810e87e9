// EngineScanBackend through the ScanController, without the sandbox: the real orchestrator, store
// and resolver (offline, over the fixture's file: tarballs) with a scripted analyzer. What the user
// sees: stages, package counts, findings before the scan ends, cancellation, errors with their fix.
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "tests/engine/plan/fake_analyzer.h"
#include "tests/support/test_http_server.h"
#include "ui/engine_scan_backend.h"
#include "ui/scan_controller.h"

using namespace vigil;
using namespace std::chrono_literals;
using FakeAnalyzer = engine::plan::testing::FakeAnalyzer;

namespace {
const QString kFixture = QStringLiteral(VIGIL_SOURCE_DIR "/tests/fixtures/ui/engine-project");

ui::AnalyzerFactory factoryOf(std::shared_ptr<FakeAnalyzer> analyzer) {
    return [analyzer](const ui::AnalyzerRequest&) -> engine::Result<ui::Analyzers> { return ui::Analyzers{analyzer, nullptr}; };
}
}  // namespace

class EngineBackendTest : public QObject {
    Q_OBJECT
private:
    QTemporaryDir home_;
    std::map<std::string, std::string> env() const { return {{"HOME", home_.path().toStdString()}, {"PATH", "/usr/bin:/bin"}}; }
    ui::ScanOptions options(const QString& store) const {
        ui::ScanOptions o;
        o.offline = true;  // the fixture's tarballs are file: entries; nothing needs the registry
        o.storePath = (home_.path() + QLatin1Char('/') + store).toStdString();
        return o;
    }

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("vigil-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("engine_backend_test"));
        QVERIFY(home_.isValid());
    }

    void scanShowsStagesAndPackagesAsTheyFinish() {
        auto analyzer = std::make_shared<FakeAnalyzer>();
        analyzer->delay = 150ms;  // per phase: long enough to see the scan in flight
        ui::ScanController scan(std::make_shared<ui::EngineScanBackend>(factoryOf(analyzer), env()));
        scan.setOptions(options(QStringLiteral("live.db")));
        QSignalSpy finished(&scan, &ui::ScanController::scanFinished);
        QStringList stages;
        int packagesWhileRunning = 0, findingsWhileRunning = 0;
        QStringList running;
        connect(&scan, &ui::ScanController::progressChanged, this, [&] {
            if (!scan.stage().isEmpty() && !stages.contains(scan.stage()))
                stages << scan.stage();
            if (!scan.running())
                return;
            packagesWhileRunning = std::max(packagesWhileRunning, scan.packageModel()->rowCount());
            findingsWhileRunning = std::max(findingsWhileRunning, scan.findingModel()->rowCount());
            if (!scan.currentPackage().isEmpty() && !running.contains(scan.currentPackage()))
                running << scan.currentPackage();
        });
        scan.start(kFixture);
        QVERIFY(finished.wait(30000));
        QVERIFY2(finished.first().first().toBool(), qPrintable(scan.errorString() + " / " + scan.errorDetail()));
        // Stages are batched with everything else (short ones may be merged away); analysis is always seen.
        QVERIFY2(stages.contains(QStringLiteral("analyse")), qPrintable(stages.join(',')));
        QVERIFY2(running.contains(QStringLiteral("evil-beacon@1.0.0")), qPrintable(running.join(',')));
        QVERIFY2(packagesWhileRunning >= 1, "a finished package shows before the scan ends");
        QVERIFY2(findingsWhileRunning >= 1, "evil-beacon's finding shows before the scan ends");
        QCOMPARE(scan.totalPackages(), 2);
        QCOMPARE(scan.donePackages(), 2);
        QCOMPARE(scan.progress(), 1.0);
        QCOMPARE(scan.packageModel()->rowCount(), 2);
        QCOMPARE(scan.mostSevereKey(), QStringLiteral("evil-beacon@1.0.0"));
        QCOMPARE(scan.packageDetails()->severityName(), QStringLiteral("critical"));
        QVERIFY(scan.eventModel()->totalSeen() >= 2);  // one event per analysed package, streamed
        for (int row = 0; row < scan.eventModel()->rowCount(); ++row) {  // each naming its package
            const QString key = scan.eventModel()->data(scan.eventModel()->index(row), ui::EventListModel::AnalysedPackageRole).toString();
            QVERIFY2(scan.packageModel()->indexOfKey(key) >= 0, qPrintable(key));
        }
        // The heatmap's norms come from the store, computed off the GUI thread after the scan.
        QTRY_VERIFY(!scan.heatmapModel()->normsLoading());
        QVERIFY2(scan.heatmapModel()->normsNote().isEmpty(), qPrintable(scan.heatmapModel()->normsNote()));
        // The final report is the orchestrator's: dependency paths and edges are there.
        QVERIFY(scan.report());
        QCOMPARE(scan.report()->edges.size(), std::size_t{3});  // root -> both, evil-beacon -> plain-util
        QCOMPARE(scan.projectName(), QStringLiteral("vigil-gui-fixture"));
        QCOMPARE(analyzer->calls().size(), std::size_t{2});
    }

    void secondScanServesTheStore() {
        auto analyzer = std::make_shared<FakeAnalyzer>();
        ui::ScanController scan(std::make_shared<ui::EngineScanBackend>(factoryOf(analyzer), env()));
        scan.setOptions(options(QStringLiteral("twice.db")));
        QSignalSpy finished(&scan, &ui::ScanController::scanFinished);
        scan.start(kFixture);
        QVERIFY(finished.wait(30000));
        analyzer->resetCalls();
        scan.start(kFixture);
        QVERIFY(finished.wait(30000));
        QVERIFY(finished.last().first().toBool());
        QCOMPARE(analyzer->calls().size(), std::size_t{0});        // nothing ran again
        QCOMPARE(scan.packageModel()->rowCount(), 2);  // yet both packages and their verdicts show
        QCOMPARE(scan.mostSevereKey(), QStringLiteral("evil-beacon@1.0.0"));
        QCOMPARE(scan.report()->cached, uint64_t{2});
    }

    void cancelStopsRunningAnalysesPromptly() {
        auto analyzer = std::make_shared<FakeAnalyzer>();
        analyzer->blockUntilStopped = true;  // a sandbox that would run forever
        ui::ScanController scan(std::make_shared<ui::EngineScanBackend>(factoryOf(analyzer), env()));
        scan.setOptions(options(QStringLiteral("cancel.db")));
        QSignalSpy finished(&scan, &ui::ScanController::scanFinished);
        scan.start(kFixture);
        QTRY_VERIFY_WITH_TIMEOUT(analyzer->started() >= 1 && !scan.runningPackages().isEmpty(), 20000);
        QElapsedTimer clock;
        clock.start();
        scan.cancel();
        QVERIFY(finished.wait(5000));
        QVERIFY2(clock.elapsed() < 2000, qPrintable(QString::number(clock.elapsed())));
        QCOMPARE(scan.status(), ui::ScanController::Cancelled);
        QVERIFY(scan.errorString().contains(QStringLiteral("cancelled")));
        QVERIFY(scan.errorDetail().contains(QStringLiteral("next scan")));
    }

    // A registry that accepts the connection and never answers: Cancel must not wait for the
    // transfer's 60 s timeout (nor its retries).
    void cancelWhileResolvingStopsPromptly() {
        test::TestHttpServer registry;
        registry.on("/slow-registry-pkg", std::vector<test::ScriptedResponse>{{.body = "{}", .delay = 120s}});
        auto analyzer = std::make_shared<FakeAnalyzer>();
        ui::ScanController scan(std::make_shared<ui::EngineScanBackend>(factoryOf(analyzer), env()));
        auto o = options(QStringLiteral("cancel-resolve.db"));
        o.offline = false;
        o.registry = registry.url("/");
        scan.setOptions(o);
        QSignalSpy finished(&scan, &ui::ScanController::scanFinished);
        scan.start(QStringLiteral("slow-registry-pkg@1.0.0"));
        QTRY_VERIFY_WITH_TIMEOUT(!registry.requestsFor("/slow-registry-pkg").empty(), 10000);
        QTRY_COMPARE_WITH_TIMEOUT(scan.stage(), QStringLiteral("resolve"), 2000);  // posted by the worker, may trail the request
        QElapsedTimer clock;
        clock.start();
        scan.cancel();
        QVERIFY(finished.wait(5000));
        QVERIFY2(clock.elapsed() < 1000, qPrintable(QString::number(clock.elapsed())));
        QCOMPARE(scan.status(), ui::ScanController::Cancelled);
        QVERIFY2(scan.errorString().contains(QStringLiteral("cancelled")), qPrintable(scan.errorString()));
        QVERIFY2(scan.errorDetail().contains(QStringLiteral("resolving")), qPrintable(scan.errorDetail()));
        QCOMPARE(analyzer->calls().size(), std::size_t{0});
    }

    // The packument comes at once, the tarball never: Cancel stops the libcurl download.
    void cancelWhileDownloadingStopsPromptly() {
        test::TestHttpServer registry;
        const std::string tarball = registry.url("/slow-tarball-pkg/-/slow-tarball-pkg-1.0.0.tgz");
        // Built with nlohmann::json: moc's preprocessor does not read raw string literals.
        const std::string packument =
            nlohmann::json{{"name", "slow-tarball-pkg"},
                           {"dist-tags", {{"latest", "1.0.0"}}},
                           {"versions", {{"1.0.0", {{"name", "slow-tarball-pkg"}, {"version", "1.0.0"},
                                                    {"dist", {{"tarball", tarball}, {"integrity", "sha512-AAAA"}}}}}}}}
                .dump();
        registry.on("/slow-tarball-pkg", std::vector<test::ScriptedResponse>{{.body = packument}});
        registry.on("/slow-tarball-pkg/-/slow-tarball-pkg-1.0.0.tgz", std::vector<test::ScriptedResponse>{{.body = "x", .delay = 120s}});
        auto analyzer = std::make_shared<FakeAnalyzer>();
        ui::ScanController scan(std::make_shared<ui::EngineScanBackend>(factoryOf(analyzer), env()));
        auto o = options(QStringLiteral("cancel-fetch.db"));
        o.offline = false;
        o.registry = registry.url("/");
        scan.setOptions(o);
        QSignalSpy finished(&scan, &ui::ScanController::scanFinished);
        scan.start(QStringLiteral("slow-tarball-pkg@1.0.0"));
        QTRY_VERIFY_WITH_TIMEOUT(!registry.requestsFor("/slow-tarball-pkg/-/slow-tarball-pkg-1.0.0.tgz").empty(), 10000);
        QTRY_COMPARE_WITH_TIMEOUT(scan.stage(), QStringLiteral("fetch"), 2000);  // the window says it is downloading
        QElapsedTimer clock;
        clock.start();
        scan.cancel();
        QVERIFY(finished.wait(5000));
        QVERIFY2(clock.elapsed() < 1000, qPrintable(QString::number(clock.elapsed())));
        QCOMPARE(scan.status(), ui::ScanController::Cancelled);
        QVERIFY2(scan.errorDetail().contains(QStringLiteral("resolving")), qPrintable(scan.errorDetail()));
        QCOMPARE(analyzer->calls().size(), std::size_t{0});
    }

    void analyzerErrorsAreShownWithTheirFix() {
        // What the default factory returns when the helper cannot run privileged.
        const engine::Error error = engine::makeError(engine::ErrorCode::Io, "/usr/libexec/vigil/vigil-sandbox cannot run privileged",
                                                      "run as root, or grant them once: sudo setcap ...");
        ui::ScanController scan(std::make_shared<ui::EngineScanBackend>(
            [error](const ui::AnalyzerRequest&) -> engine::Result<ui::Analyzers> { return error; }, env()));
        scan.setOptions(options(QStringLiteral("error.db")));
        QSignalSpy finished(&scan, &ui::ScanController::scanFinished);
        scan.start(kFixture);
        QVERIFY(finished.wait(10000));
        QCOMPARE(scan.status(), ui::ScanController::Failed);
        QCOMPARE(scan.errorString(), QString::fromStdString(error.primary));
        QCOMPARE(scan.errorDetail(), QString::fromStdString(error.secondary));
    }

    void missingHelperNamesTheFix() {
        // The real factory, from a test binary with no helper beside it.
        if (QFile::exists(QStringLiteral("/usr/libexec/vigil/vigil-sandbox")))
            QSKIP("an installed helper exists: the factory would find it");
        ui::ScanController scan(std::make_shared<ui::EngineScanBackend>(ui::defaultAnalyzerFactory(), env()));
        scan.setOptions(options(QStringLiteral("nohelper.db")));
        QSignalSpy finished(&scan, &ui::ScanController::scanFinished);
        scan.start(kFixture);
        QVERIFY(finished.wait(10000));
        QCOMPARE(scan.status(), ui::ScanController::Failed);
        QVERIFY2(scan.errorString().contains(QStringLiteral("vigil-sandbox not found")), qPrintable(scan.errorString()));
        QVERIFY2(scan.errorDetail().contains(QStringLiteral("build the vigil-sandbox target")), qPrintable(scan.errorDetail()));
    }

    void badProjectAndSettingsAreErrors() {
        auto analyzer = std::make_shared<FakeAnalyzer>();
        ui::ScanController scan(std::make_shared<ui::EngineScanBackend>(factoryOf(analyzer), env()));
        QSignalSpy finished(&scan, &ui::ScanController::scanFinished);
        scan.setOptions(options(QStringLiteral("bad.db")));
        scan.start(home_.path() + QStringLiteral("/no-such-project"));
        QVERIFY(finished.wait(10000));
        QCOMPARE(scan.status(), ui::ScanController::Failed);
        QVERIFY2(scan.errorString().contains(QStringLiteral("no-such-project")), qPrintable(scan.errorString()));
        auto noPhases = options(QStringLiteral("bad.db"));
        noPhases.phases.clear();
        scan.setOptions(noPhases);
        scan.start(kFixture);
        QVERIFY(finished.wait(10000));
        QCOMPARE(scan.status(), ui::ScanController::Failed);
        QVERIFY(scan.errorDetail().contains(QStringLiteral("Settings")));
        QCOMPARE(analyzer->calls().size(), std::size_t{0});
    }

    void settingsReachTheEngineConfig() {
        ui::EngineScanBackend backend(factoryOf(std::make_shared<FakeAnalyzer>()), env());
        ui::ScanOptions o;
        o.storePath = "/tmp/elsewhere/v.db";
        o.registry = "http://127.0.0.1:4873/";
        o.parallelism = 3;
        o.offline = true;
        auto config = backend.configFor(o);
        QVERIFY(config.ok());
        QCOMPARE(config->storePath.string(), std::string("/tmp/elsewhere/v.db"));
        QCOMPARE(config->registry, std::string("http://127.0.0.1:4873/"));
        QCOMPARE(config->jobs, std::size_t{3});
        QVERIFY(config->offline);
        // Defaults come from the environment (XDG), like vigil-cli's.
        auto defaults = backend.configFor(ui::ScanOptions{});
        QVERIFY(defaults.ok());
        QVERIFY(defaults->storePath.string().starts_with(home_.path().toStdString()));
        QVERIFY(!defaults->offline);
    }

    void phaseBudgetAndRuleFoldersReachTheFactory() {
        ui::AnalyzerRequest seen;
        ui::EngineScanBackend backend([&seen](const ui::AnalyzerRequest& r) -> engine::Result<ui::Analyzers> {
            seen = r;
            return engine::makeError(engine::ErrorCode::Internal, "stop here");
        }, env());
        auto o = options(QStringLiteral("factory.db"));
        o.phaseBudget = std::chrono::seconds(17);
        o.ruleFolders = {home_.path().toStdString(), home_.path().toStdString() + "/missing"};
        auto result = backend.run(kFixture.toStdString(), o, [](ui::ScanProgress) {}, {});
        QVERIFY(!result.ok());
        QVERIFY(seen.phaseBudget == std::chrono::seconds(17));
        QCOMPARE(seen.ruleFolders.size(), std::size_t{1});  // the missing folder holds no rules
        QCOMPARE(seen.config.storePath.string(), o.storePath);
    }
};

QTEST_MAIN(EngineBackendTest)
#include "engine_backend_test.moc"
