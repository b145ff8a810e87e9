// Every ui/ model under QAbstractItemModelTester, plus the behaviour each list promises.
#include <QAbstractItemModelTester>
#include <QSettings>
#include <QStandardPaths>
#include <QtTest>

#include "ui/demo_report.h"
#include "ui/event_list_model.h"
#include "ui/finding_list_model.h"
#include "ui/heatmap_model.h"
#include "ui/package_list_model.h"
#include "ui/process_tree_model.h"
#include "ui/recent_projects_model.h"
#include "ui/rule_list_model.h"
#include "ui/version_diff_model.h"

using namespace vigil;
using Tester = QAbstractItemModelTester;

class UiModelsTest : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("vigil-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("ui_models_test"));
        QSettings().clear();
    }

    void packagesAreOrderedMostSevereFirstAsTheyArrive() {
        ui::PackageListModel model;
        Tester tester(&model, Tester::FailureReportingMode::QtTest);
        auto report = ui::makeDemoScanReport();
        // Arrive in reverse: the benign ones first, as a real scan would deliver them.
        for (auto it = report.packages.rbegin(); it != report.packages.rend(); ++it)
            model.addPackage(*it);
        QCOMPARE(model.rowCount(), 6);
        QCOMPARE(model.keyAt(0), QStringLiteral("env-inspector@1.0.3"));
        QCOMPARE(model.data(model.index(0), ui::PackageListModel::SeverityNameRole).toString(), QStringLiteral("critical"));
        QCOMPARE(model.keyAt(1), QStringLiteral("fast-setup@3.1.0"));
        QCOMPARE(model.indexOfKey(QStringLiteral("tiny-pad@1.2.0")), 5);
        QCOMPARE(model.data(model.index(0), ui::PackageListModel::HeatRole).toList().size(), 6);
        model.setPackages({});
        QCOMPARE(model.rowCount(), 0);
    }

    void findingsCarryTheirEvidenceEvents() {
        ui::FindingListModel model;
        Tester tester(&model, Tester::FailureReportingMode::QtTest);
        const auto report = ui::makeDemoScanReport();
        model.setFromPackages(report.packages);
        QVERIFY(model.rowCount() >= 5);
        QCOMPARE(model.data(model.index(0), ui::FindingListModel::RuleIdRole).toString(), QStringLiteral("env-exfiltration"));
        const auto evidence = model.data(model.index(0), ui::FindingListModel::EvidenceRole).toList();
        QCOMPARE(evidence.size(), 3);
        QCOMPARE(evidence.at(2).toMap().value(QStringLiteral("phase")).toString(), QStringLiteral("install"));
        QVERIFY(model.data(model.index(0), ui::FindingListModel::EvidenceTextRole).toString().contains(QStringLiteral("NPM_TOKEN")));
        ui::FindingListModel live;
        Tester liveTester(&live, Tester::FailureReportingMode::QtTest);
        live.appendPackage(report.packages[1]);
        live.appendPackage(report.packages[3]);  // benign: adds nothing
        QCOMPARE(live.rowCount(), 2);
    }

    void eventBatchesAreCappedKeepingTheNewest() {
        ui::EventListModel model(nullptr, 10);
        Tester tester(&model, Tester::FailureReportingMode::QtTest);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        const auto events = ui::makeDemoEvents()->eventsOf("env-inspector", "1.0.3").value();
        QVERIFY(events.size() > 12);
        model.appendBatch({events.begin(), events.begin() + 6});
        model.appendBatch({events.begin() + 6, events.end()});
        QCOMPARE(inserted.count(), 2);  // one notification per batch, not per event
        QCOMPARE(model.rowCount(), 10);
        QCOMPARE(model.totalSeen(), static_cast<qulonglong>(events.size()));
        QCOMPARE(model.data(model.index(9), ui::EventListModel::SeqRole).toULongLong(), events.back().seq);
        QVERIFY(model.rawAt(9).contains(QStringLiteral("\"kind\"")));
        QCOMPARE(model.indexOf(QString::fromStdString(events.back().phase), events.back().seq), 9);
        QCOMPARE(model.indexOf(QStringLiteral("install"), 0), -1);  // dropped by the cap
    }

    void rulesShowHitsAndRememberDisabled() {
        {
            ui::RuleListModel model;
            Tester tester(&model, Tester::FailureReportingMode::QtTest);
            model.setRules(ui::makeDemoRules());
            model.setHits({{"env-exfiltration", 1}, {"install-shell-download-exec", 2}});
            QCOMPARE(model.data(model.index(1), ui::RuleListModel::HitsRole).toInt(), 2);
            QCOMPARE(model.data(model.index(5), ui::RuleListModel::HitsRole).toInt(), 0);
            QVERIFY(model.setData(model.index(2), false, ui::RuleListModel::EnabledRole));
            QCOMPARE(model.disabledRules(), std::vector<std::string>{"install-script-network"});
        }
        ui::RuleListModel reloaded;
        reloaded.setRules(ui::makeDemoRules());
        QCOMPARE(reloaded.data(reloaded.index(2), ui::RuleListModel::EnabledRole).toBool(), false);
        reloaded.setEnabled(2, true);
        QVERIFY(reloaded.disabledRules().empty());
    }

    void recentProjectsDeduplicateAndPersist() {
        {
            ui::RecentProjectsModel model(nullptr, 3);
            Tester tester(&model, Tester::FailureReportingMode::QtTest);
            for (const char* p : {"/a", "/b", "/c", "/b", "/d"})
                model.add(QString::fromLatin1(p));
            QCOMPARE(model.rowCount(), 3);
            QCOMPARE(model.data(model.index(0), ui::RecentProjectsModel::PathRole).toString(), QStringLiteral("/d"));
            QCOMPARE(model.data(model.index(1), ui::RecentProjectsModel::PathRole).toString(), QStringLiteral("/b"));
        }
        ui::RecentProjectsModel reloaded(nullptr, 3);
        QCOMPARE(reloaded.rowCount(), 3);
        QCOMPARE(reloaded.data(reloaded.index(2), ui::RecentProjectsModel::NameRole).toString(), QStringLiteral("c"));
    }

    void heatmapSortsAndComparesWithPeers() {
        ui::HeatmapModel model;
        Tester tester(&model, Tester::FailureReportingMode::QtTest);
        auto report = ui::makeDemoScanReport();
        // Two packages in one category so the norm has a peer to compare with.
        report.packages[3].category = "debug";
        model.setPackages(report.packages);
        QCOMPARE(model.columnCount(), 7);
        QCOMPARE(model.keyAt(0), QStringLiteral("env-inspector@1.0.3"));  // sorted by score
        model.sort(3);  // network
        QCOMPARE(model.columnName(3), QStringLiteral("network"));
        QCOMPARE(model.keyAt(0), QStringLiteral("env-inspector@1.0.3"));
        model.sort(6);  // code: fetch-guard overrides fetch
        QCOMPARE(model.keyAt(0), QStringLiteral("fetch-guard@0.9.0"));
        const int row = model.rowOfKey(QStringLiteral("env-inspector@1.0.3"));
        model.setNormView(true);
        // env: env-inspector 100 against its peer date-stamp's 0.
        QCOMPARE(model.data(model.index(row, 5), Qt::DisplayRole).toInt(), 100);
        QCOMPARE(model.data(model.index(row, 5), ui::HeatmapModel::HeatRole).toInt(), 100);
        // fast-setup is alone in "build": compared with the other five (install 90,0,0,0,0 -> 18).
        const int alone = model.rowOfKey(QStringLiteral("fast-setup@3.1.0"));
        QCOMPARE(model.data(model.index(alone, 1), ui::HeatmapModel::DeltaRole).toInt(), 85 - 18);
    }

    void processTreeNestsChildrenUnderParents() {
        ui::ProcessTreeModel model;
        Tester tester(&model, Tester::FailureReportingMode::QtTest);
        model.setEvents(ui::makeDemoEvents()->eventsOf("fast-setup", "3.1.0").value());
        QVERIFY(model.rowCount() >= 5);
        QCOMPARE(model.data(model.index(0), ui::ProcessTreeModel::DepthRole).toInt(), 0);
        QVERIFY(model.data(model.index(0), ui::ProcessTreeModel::CommandRole).toString().startsWith(QStringLiteral("sh -c")));
        bool curlNested = false;
        for (int i = 0; i < model.rowCount(); ++i)
            if (model.data(model.index(i), ui::ProcessTreeModel::CommandRole).toString().startsWith(QStringLiteral("curl")))
                curlNested = model.data(model.index(i), ui::ProcessTreeModel::DepthRole).toInt() == 2;
        QVERIFY2(curlNested, "curl runs under sh setup.sh under sh -c");
    }

    void versionDiffMarksWhatTheUpdateAdded() {
        ui::VersionDiffModel model;
        Tester tester(&model, Tester::FailureReportingMode::QtTest);
        const auto report = ui::makeDemoScanReport();
        model.compare(ui::makeDemoPreviousVersion("fast-setup"), report.packages[1]);
        QCOMPARE(model.leftTitle(), QStringLiteral("fast-setup@3.0.9"));
        QVERIFY(model.added() >= 6);
        QCOMPARE(model.removed(), 1);  // the old version read index.js, the new one does not list it
        bool curlAdded = false;
        for (int i = 0; i < model.rowCount(); ++i)
            if (model.data(model.index(i), ui::VersionDiffModel::BehaviourRole).toString() == QStringLiteral("exec curl"))
                curlAdded = model.data(model.index(i), ui::VersionDiffModel::ChangeRole).toString() == QStringLiteral("added");
        QVERIFY(curlAdded);
    }
};

QTEST_GUILESS_MAIN(UiModelsTest)
#include "ui_models_test.moc"
