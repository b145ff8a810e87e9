// ScanController: progress and completion as signals, batching, cancellation, engine errors with
// primary and secondary text, selection feeding the details.
#include <QSignalSpy>
#include <QStandardPaths>
#include <QtTest>

#include "ui/demo_report.h"
#include "ui/demo_scan_backend.h"
#include "ui/scan_controller.h"

using namespace vigil;
using namespace std::chrono_literals;

namespace {
const QString kDemo = QStringLiteral(VIGIL_SOURCE_DIR "/examples/demo");
}

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
