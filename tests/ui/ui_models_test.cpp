// Every ui/ model under QAbstractItemModelTester, plus the behaviour each list promises.
#include <QAbstractItemModelTester>
#include <QSettings>
#include <QStandardPaths>
#include <QtTest>

#include "engine/analysis/fingerprint.h"
#include "ui/demo_norms.h"
#include "ui/demo_report.h"
#include "ui/event_list_model.h"
#include "ui/finding_list_model.h"
#include "ui/heatmap_model.h"
#include "ui/package_list_model.h"
#include "ui/package_norms.h"
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

    void liveEventsNameTheirPackage() {
        ui::EventListModel model(nullptr, 100);
        Tester tester(&model, Tester::FailureReportingMode::QtTest);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        auto events = ui::makeDemoEvents();
        const auto a = events->eventsOf("env-inspector", "1.0.3").value();
        const auto b = events->eventsOf("fast-setup", "3.1.0").value();
        model.appendBatches({{"env-inspector@1.0.3", {a.begin(), a.begin() + 3}}, {"fast-setup@3.1.0", {b.begin(), b.begin() + 2}}});
        QCOMPARE(inserted.count(), 1);  // two packages' events, one notification
        QCOMPARE(model.rowCount(), 5);
        QCOMPARE(model.data(model.index(2), ui::EventListModel::AnalysedPackageRole).toString(), QStringLiteral("env-inspector@1.0.3"));
        QCOMPARE(model.data(model.index(3), ui::EventListModel::AnalysedPackageRole).toString(), QStringLiteral("fast-setup@3.1.0"));
        QCOMPARE(model.roleNames().value(ui::EventListModel::AnalysedPackageRole), QByteArray("packageKey"));
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

    void heatmapSortsByAnyColumn() {
        ui::HeatmapModel model;
        Tester tester(&model, Tester::FailureReportingMode::QtTest);
        const auto report = ui::makeDemoScanReport();
        model.setPackages(report.packages);
        QCOMPARE(model.columnCount(), 7);
        QCOMPARE(model.keyAt(0), QStringLiteral("env-inspector@1.0.3"));  // sorted by score
        model.sort(3);  // network
        QCOMPARE(model.columnName(3), QStringLiteral("network"));
        QCOMPARE(model.keyAt(0), QStringLiteral("env-inspector@1.0.3"));
        model.sort(6);  // code: fetch-guard overrides fetch
        QCOMPARE(model.keyAt(0), QStringLiteral("fetch-guard@0.9.0"));
    }

    void heatmapNormViewShowsTheStoresCategoryShares() {
        ui::HeatmapModel model;
        Tester tester(&model, Tester::FailureReportingMode::QtTest);
        QSignalSpy normsChanged(&model, &ui::HeatmapModel::normsChanged);
        const auto report = ui::makeDemoScanReport();
        model.setPackages(report.packages);
        model.setNormView(true);
        const int env = model.rowOfKey(QStringLiteral("env-inspector@1.0.3"));
        // Before the norms arrive the cells say nothing made up.
        QCOMPARE(model.data(model.index(env, 3), ui::HeatmapModel::NormTextRole).toString(), QStringLiteral("…"));
        QVERIFY(!model.normsNote().isEmpty());
        model.setNormsLoading();
        QVERIFY(model.normsLoading());
        model.setNorms(ui::computePackageNorms(ui::makeDemoNorms(report.packages), report.packages));
        QVERIFY(model.normsNote().isEmpty());
        QVERIFY(normsChanged.count() >= 2);
        const int network = 3;
        QCOMPARE(model.columnName(network), QStringLiteral("network"));
        // 1 of the 28 other "debug" packages networks: env-inspector doing it is unusual.
        QCOMPARE(model.data(model.index(env, network), Qt::DisplayRole).toString(), QStringLiteral("yes · 4%"));
        const QString tip = model.data(model.index(env, network), ui::HeatmapModel::NormToolTipRole).toString();
        QVERIFY2(tip.startsWith(QStringLiteral("network: yes — 4% of 28 debug packages do")), qPrintable(tip));
        QVERIFY2(tip.contains(QStringLiteral("HTTP request")), qPrintable(tip));  // what "network" means
        QVERIFY(model.data(model.index(env, network), ui::HeatmapModel::NormAvailableRole).toBool());
        QVERIFY(model.data(model.index(env, network), ui::HeatmapModel::NormLevelRole).toDouble() > 0.9);
        // fetch-guard, an HTTP client that does not network (heat 10 counts as yes), and one that does.
        const int fetch = model.rowOfKey(QStringLiteral("fetch-guard@0.9.0"));
        QCOMPARE(model.data(model.index(fetch, network), Qt::DisplayRole).toString(), QStringLiteral("yes · 92%"));
        QVERIFY(model.data(model.index(fetch, network), ui::HeatmapModel::NormLevelRole).toDouble() < 0.1);
        // tiny-colors: 3 other terminal packages, fewer than the minimum sample: no share, and why.
        const int colors = model.rowOfKey(QStringLiteral("tiny-colors@2.0.1"));
        QCOMPARE(model.data(model.index(colors, network), Qt::DisplayRole).toString(), QStringLiteral("no · no norm"));
        QVERIFY(!model.data(model.index(colors, network), ui::HeatmapModel::NormAvailableRole).toBool());
        QCOMPARE(model.data(model.index(colors, network), ui::HeatmapModel::NormLevelRole).toDouble(), 0.0);
        const QString unavailable = model.data(model.index(colors, network), ui::HeatmapModel::NormToolTipRole).toString();
        QVERIFY2(unavailable.contains(QStringLiteral("norm unavailable: only 3 other terminal packages analysed (at least 5 needed)")),
                 qPrintable(unavailable));
        // Sorting a column in norm view puts the most unusual first.
        model.sort(network);
        QCOMPARE(model.keyAt(0), QStringLiteral("env-inspector@1.0.3"));
        // The score column keeps its number.
        QCOMPARE(model.data(model.index(0, 0), Qt::DisplayRole).toInt(), 96);
        // A backend error replaces every share with the note.
        model.setNormsError(QStringLiteral("cannot open the store"), QStringLiteral("check the store path"));
        QCOMPARE(model.normsNote(), QStringLiteral("cannot open the store"));
        QCOMPARE(model.data(model.index(0, network), Qt::DisplayRole).toString(), QStringLiteral("…"));
        QVERIFY(model.data(model.index(0, network), ui::HeatmapModel::NormToolTipRole).toString().contains(QStringLiteral("cannot open the store")));
    }

    void packageNormsPointAtTheRarestBehaviourOfAColumn() {
        using engine::analysis::Section;
        // A package that resolves names and networks: DNS is rarer among its peers, so the cell is about DNS.
        engine::analysis::Fingerprint fp;
        fp.package = "chatty";
        fp.version = "1.0.0";
        fp.sections[Section::NetHttp]["GET a.example /"]["api"] = {4};
        fp.sections[Section::NetDns]["a.example"]["api"] = {3};
        fp.checksum = engine::analysis::computeChecksum(fp);
        engine::report::PackageReport p;
        p.name = "chatty";
        p.version = "1.0.0";
        p.category = "string";
        p.fingerprint = engine::analysis::toJson(fp);
        const auto behaviours = ui::reportBehaviours(p);
        QVERIFY(behaviours);
        QCOMPARE(*behaviours, (std::set<std::string>{"dns", "network"}));

        std::vector<engine::analysis::NormSample> samples{{"string", fp}};
        for (int i = 0; i < 10; ++i) {
            engine::analysis::Fingerprint peer;
            peer.package = "peer-" + std::to_string(i);
            if (i < 5)
                peer.sections[Section::NetHttp]["GET b.example /"]["api"] = {1};  // half network, none resolve names
            samples.push_back({"string", peer});
        }
        ui::NormsSnapshot snapshot{engine::analysis::CategoryNorms(samples), {{p.key(), *behaviours}}};
        engine::report::PackageReport unknown = p;  // same name, no fingerprint: behaviours not known
        unknown.version = "0.9.0";
        unknown.fingerprint = nlohmann::json::object();
        QVERIFY(!ui::reportBehaviours(unknown));
        const auto norms = ui::computePackageNorms(snapshot, {p, unknown});
        const ui::PackageNorm& norm = norms.at("chatty@1.0.0");
        QCOMPARE(norm.peers, std::size_t{10});  // itself left out
        const ui::NormCell& net = norm.cells[2];  // kHeatmapCategories: install, process, network, ...
        QCOMPARE(net.behaviour, std::string("dns"));
        QVERIFY(net.shows && net.known);
        QCOMPARE(*net.share, 0.0);
        QCOMPARE(net.unusual, 1.0);
        const ui::NormCell& process = norm.cells[1];  // does not run programs, nor do its peers
        QCOMPARE(process.behaviour, std::string("process"));
        QVERIFY(!process.shows);
        QCOMPARE(process.unusual, 0.0);
        QVERIFY(!norms.at("chatty@0.9.0").cells[2].known);
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
