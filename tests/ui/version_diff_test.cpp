// The version diff over the real store through the engine backend: two analysed versions seeded
// the way a scan records them (document, runs with events, file lists), compared from the Start
// page's entry point and from a package of the report. What the user sees: the added lines with
// the events behind them, the files the update brought, and errors with their primary and
// secondary text.
#include <QAbstractItemModelTester>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include "engine/collect/event.h"
#include "engine/plan/scan_aggregation.h"
#include "engine/resolve/tarball_cache.h"
#include "engine/store/store.h"
#include "tests/engine/analysis/analysis_test_events.h"
#include "tests/engine/resolve/tar_builder.h"
#include "ui/engine_scan_backend.h"
#include "ui/report_exporter.h"
#include "ui/scan_controller.h"

using namespace vigil;

namespace {

namespace test = engine::analysis::test;

/// evil@version: a quiet install, or (network) one that reads NPM_TOKEN and calls `host`.
std::vector<engine::collect::Event> installEvents(bool network, const std::string& host) {
    std::vector<engine::collect::Event> events = {test::ev(1, engine::collect::kind::ProcessExec, {{"argv", {"sh", "-c", "node build.js"}}})};
    if (network) {
        events.push_back(test::ev(11, engine::collect::kind::EnvRead, {{"name", "NPM_TOKEN"}}));
        events.push_back(test::ev(12, engine::collect::kind::NetConnect, {{"address", "10.0.0.9"}, {"port", 443}, {"host", host}}));
    }
    for (auto& e : events)
        e.phase = "install";
    return events;
}

/// Records name@version as a scan does: the document, the install run with its events, the files.
void seed(engine::store::Store& store, const std::string& name, const std::string& version, bool network,
          const std::vector<std::string>& files, const std::string& host = "evil.example") {
    const auto events = installEvents(network, host);
    const auto fingerprint = test::fingerprintOf(name, version, {test::record("install", events, 0, std::chrono::milliseconds(900))});
    engine::store::VersionRecord v;
    v.packageName = name;
    v.version = version;
    auto id = store.upsertVersion(v);
    QVERIFY2(id.ok(), id.ok() ? "" : id.error().describe().c_str());
    std::vector<engine::store::FileEntry> entries;
    for (const auto& f : files)
        entries.push_back({f, 10, 0644, std::string(64, f == "index.js" && network ? 'b' : 'a')});
    QVERIFY(store.replaceVersionFiles(*id, entries).ok());
    engine::store::AnalysisRecord record;
    record.version = *id;
    record.fingerprint = engine::plan::fingerprintRecordOf(engine::analysis::toJson(fingerprint), "test-analyzer");
    engine::store::AnalysisRunRecord run;
    run.phase = engine::store::Phase::Install;
    run.outcome = "ok";
    for (const auto& e : events)
        run.events.push_back({e.tsNs, e.kind, engine::collect::toJson(e).dump()});
    record.runs.push_back(std::move(run));
    auto stored = store.recordAnalysis(record);
    QVERIFY2(stored.ok(), stored.ok() ? "" : stored.error().describe().c_str());
}

/// Scans must not run here: every version is in the store, or the test says what it expects.
ui::AnalyzerFactory refusingFactory() {
    return [](const ui::AnalyzerRequest&) -> engine::Result<ui::Analyzers> {
        return engine::makeError(engine::ErrorCode::Io, "the sandbox helper is not available in this test",
                                 "install vigil-sandbox next to vigil");
    };
}

int rowOf(const QAbstractItemModel& model, const QString& behaviour) {
    for (int r = 0; r < model.rowCount(); ++r)
        if (model.index(r, 0).data(ui::VersionDiffModel::BehaviourRole).toString() == behaviour)
            return r;
    return -1;
}

}  // namespace

class VersionDiffTest : public QObject {
    Q_OBJECT
private:
    QTemporaryDir home_;
    std::string storePath_;
    std::unique_ptr<ui::ScanController> controller() {
        std::map<std::string, std::string> env{{"HOME", home_.path().toStdString()}, {"PATH", "/usr/bin:/bin"}};
        auto scan = std::make_unique<ui::ScanController>(std::make_shared<ui::EngineScanBackend>(refusingFactory(), env));
        ui::ScanOptions o;
        o.offline = true;
        o.storePath = storePath_;
        scan->setOptions(o);
        return scan;
    }
    static bool waitForEnd(ui::VersionDiffModel& diff) {
        QSignalSpy status(&diff, &ui::VersionDiffModel::statusChanged);
        for (int i = 0; i < 100 && diff.status() == ui::VersionDiffModel::Running; ++i)
            status.wait(200);
        return diff.status() != ui::VersionDiffModel::Running;
    }

private slots:
    void initTestCase() {
        // The exporter remembers its folder in QSettings: keep the tests' out of the user's.
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("vigil-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("version_diff_test"));
        QVERIFY(home_.isValid());
        storePath_ = (home_.path() + QStringLiteral("/vigil.db")).toStdString();
        auto store = engine::store::Store::open(storePath_);
        QVERIFY(store.ok());
        seed(*store, "evil", "1.0.0", false, {"index.js", "package.json", "README.md"});
        seed(*store, "evil", "1.0.1", true, {"index.js", "package.json", "lib/steal.js"});
    }

    void comparingTwoStoredVersionsShowsTheAddedLinesWithTheirEvents() {
        auto scan = controller();
        ui::VersionDiffModel& diff = *scan->diffModel();
        QAbstractItemModelTester tester(&diff, QAbstractItemModelTester::FailureReportingMode::QtTest);
        scan->compareVersions(QStringLiteral("evil@1.0.0"), QStringLiteral("evil@1.0.1"));
        QCOMPARE(diff.status(), ui::VersionDiffModel::Running);  // never on the GUI thread
        QVERIFY(waitForEnd(diff));
        QVERIFY2(diff.status() == ui::VersionDiffModel::Ready, qPrintable(diff.errorString() + " / " + diff.errorDetail()));
        QCOMPARE(diff.leftTitle(), QStringLiteral("evil@1.0.0"));
        QCOMPARE(diff.rightTitle(), QStringLiteral("evil@1.0.1"));
        QCOMPARE(diff.added(), 2);
        QCOMPARE(diff.removed(), 0);
        const int host = rowOf(diff, QStringLiteral("evil.example:443/tcp"));
        QVERIFY2(host >= 0, "the new connection is a line of the diff");
        const QModelIndex i = diff.index(host, 0);
        QCOMPARE(i.data(ui::VersionDiffModel::ChangeRole).toString(), QStringLiteral("added"));
        QCOMPARE(i.data(ui::VersionDiffModel::CategoryRole).toString(), QStringLiteral("network.connections"));
        QVERIFY2(i.data(ui::VersionDiffModel::EvidenceRole).toString().contains(QStringLiteral("#12")),
                 qPrintable(i.data(ui::VersionDiffModel::EvidenceRole).toString()));
        // The justifying event, as the newer version's stored run recorded it.
        const QString events = i.data(ui::VersionDiffModel::EventSummaryRole).toString();
        QVERIFY2(events.contains(QStringLiteral("evil.example")) && events.contains(QStringLiteral("install #12")), qPrintable(events));
        QCOMPARE(i.data(ui::VersionDiffModel::EventsRole).toList().size(), 1);
        QVERIFY(rowOf(diff, QStringLiteral("NPM_TOKEN")) >= 0);
        // The package contents: what the update added, removed and changed.
        QVERIFY(diff.hasFiles());
        QCOMPARE(diff.filesAdded(), QStringList{QStringLiteral("lib/steal.js")});
        QCOMPARE(diff.filesRemoved(), QStringList{QStringLiteral("README.md")});
        QCOMPARE(diff.filesChanged(), QStringList{QStringLiteral("index.js")});
    }

    // Side by side: one row per behaviour, the older version left and the newer right; what only
    // the newer does is empty on the left and highlighted "added" on the right.
    void theSideBySideTableAlignsBothVersionsBehaviours() {
        auto scan = controller();
        ui::VersionBehaviourTable& table = *scan->diffModel()->behaviourTable();
        QAbstractItemModelTester tester(&table, QAbstractItemModelTester::FailureReportingMode::QtTest);
        scan->compareVersions(QStringLiteral("evil@1.0.0"), QStringLiteral("evil@1.0.1"));
        QVERIFY(waitForEnd(*scan->diffModel()));
        QCOMPARE(table.columnCount(), 2);
        QCOMPARE(table.rowCount(), scan->diffModel()->rowCount());
        QCOMPARE(table.headerData(0, Qt::Horizontal, Qt::DisplayRole).toString(), QStringLiteral("evil@1.0.0"));
        QCOMPARE(table.headerData(1, Qt::Horizontal, Qt::DisplayRole).toString(), QStringLiteral("evil@1.0.1"));
        const int host = rowOf(*scan->diffModel(), QStringLiteral("evil.example:443/tcp"));
        QVERIFY(host >= 0);
        const QModelIndex left = table.index(host, 0), right = table.index(host, 1);
        QVERIFY(!left.data(ui::VersionBehaviourTable::PresentRole).toBool());
        QCOMPARE(left.data(ui::VersionBehaviourTable::TextRole).toString(), QString());
        QCOMPARE(left.data(ui::VersionBehaviourTable::HighlightRole).toString(), QString());
        QVERIFY(right.data(ui::VersionBehaviourTable::PresentRole).toBool());
        QCOMPARE(right.data(ui::VersionBehaviourTable::TextRole).toString(), QStringLiteral("evil.example:443/tcp"));
        QCOMPARE(right.data(ui::VersionBehaviourTable::HighlightRole).toString(), QStringLiteral("added"));
        QVERIFY(right.data(ui::VersionBehaviourTable::EventSummaryRole).toString().contains(QStringLiteral("evil.example")));
        QVERIFY(table.index(0, 0).data(ui::VersionBehaviourTable::SectionStartRole).toBool());

        // The reverse comparison: the same behaviour is now only in the older version, red on the left.
        scan->compareVersions(QStringLiteral("evil@1.0.1"), QStringLiteral("evil@1.0.0"));
        QVERIFY(waitForEnd(*scan->diffModel()));
        const int gone = rowOf(*scan->diffModel(), QStringLiteral("evil.example:443/tcp"));
        QVERIFY(gone >= 0);
        QCOMPARE(table.index(gone, 0).data(ui::VersionBehaviourTable::HighlightRole).toString(), QStringLiteral("removed"));
        QCOMPARE(table.index(gone, 0).data(ui::VersionBehaviourTable::TextRole).toString(), QStringLiteral("evil.example:443/tcp"));
        QVERIFY(!table.index(gone, 1).data(ui::VersionBehaviourTable::PresentRole).toBool());
    }

    // The file list, and a selected file's content diff read from the versions' cached tarballs
    // off the GUI thread; a file the tarballs lack is an error with its primary and secondary text.
    void selectingAChangedFileShowsItsLineDiffFromTheTarballs() {
        {
            engine::resolve::TarballCache cache(home_.filePath(QStringLiteral(".cache/vigil")).toStdString());
            auto store = engine::store::Store::open(storePath_);
            QVERIFY(store.ok());
            const std::pair<const char*, std::vector<std::pair<std::string, std::string>>> versions[] = {
                {"1.0.0", {{"index.js", "module.exports = 1;\n"}, {"package.json", "{}\n"}, {"README.md", "# evil\n"}}},
                {"1.0.1", {{"index.js", "require('./lib/steal');\nmodule.exports = 1;\n"}, {"package.json", "{}\n"},
                           {"lib/steal.js", "send(process.env.NPM_TOKEN);\n"}}}};
            for (const auto& [version, files] : versions) {
                const std::string tgz = home_.filePath(QStringLiteral("evil-%1.tgz").arg(QLatin1String(version))).toStdString();
                {
                    vigil::test::TarBuilder tar(tgz);
                    for (const auto& [path, content] : files)
                        tar.file("package/" + path, content);
                }
                auto stored = cache.store(tgz, "", std::string("evil@") + version);
                QVERIFY2(stored.ok(), stored.ok() ? "" : stored.error().describe().c_str());
                engine::store::VersionRecord v;
                v.packageName = "evil";
                v.version = version;
                v.integrity = stored->integrity;
                QVERIFY(store->upsertVersion(v).ok());
            }
        }
        auto scan = controller();
        ui::VersionFileListModel& files = *scan->diffModel()->fileList();
        ui::FileDiffModel& file = *scan->diffModel()->fileDiffModel();
        QAbstractItemModelTester filesTester(&files, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester fileTester(&file, QAbstractItemModelTester::FailureReportingMode::QtTest);
        scan->compareVersions(QStringLiteral("evil@1.0.0"), QStringLiteral("evil@1.0.1"));
        QVERIFY(waitForEnd(*scan->diffModel()));
        // Changed files first: that is what a reviewer opens.
        QCOMPARE(files.rowCount(), 3);
        QCOMPARE(files.index(0).data(ui::VersionFileListModel::PathRole).toString(), QStringLiteral("index.js"));
        QCOMPARE(files.index(0).data(ui::VersionFileListModel::ChangeRole).toString(), QStringLiteral("changed"));
        QCOMPARE(files.rowOf(QStringLiteral("README.md")), 2);

        QSignalSpy status(&file, &ui::FileDiffModel::statusChanged);
        scan->showFileDiff(QStringLiteral("index.js"));
        QCOMPARE(file.status(), ui::FileDiffModel::Loading);  // never on the GUI thread
        QTRY_VERIFY_WITH_TIMEOUT(file.status() != ui::FileDiffModel::Loading, 20000);
        QVERIFY2(file.status() == ui::FileDiffModel::Ready, qPrintable(file.errorString() + " / " + file.errorDetail()));
        QCOMPARE(file.path(), QStringLiteral("index.js"));
        QCOMPARE(file.kind(), QStringLiteral("text"));
        QCOMPARE(file.added(), 1);
        QCOMPARE(file.removed(), 0);
        QCOMPARE(file.rowCount(), 3);  // the hunk header, the added line, the unchanged one
        QCOMPARE(file.index(0).data(ui::FileDiffModel::KindRole).toString(), QStringLiteral("hunk"));
        QCOMPARE(file.index(1).data(ui::FileDiffModel::KindRole).toString(), QStringLiteral("added"));
        QCOMPARE(file.index(1).data(ui::FileDiffModel::TextRole).toString(), QStringLiteral("require('./lib/steal');"));
        QCOMPARE(file.index(1).data(ui::FileDiffModel::NewLineRole).toInt(), 1);
        QCOMPARE(file.index(1).data(ui::FileDiffModel::OldLineRole).toInt(), 0);
        QCOMPARE(file.index(2).data(ui::FileDiffModel::KindRole).toString(), QStringLiteral("context"));
        QCOMPARE(file.index(2).data(ui::FileDiffModel::OldLineRole).toInt(), 1);
        QCOMPARE(file.index(2).data(ui::FileDiffModel::NewLineRole).toInt(), 2);

        scan->showFileDiff(QStringLiteral("README.md"));
        QTRY_VERIFY_WITH_TIMEOUT(file.status() != ui::FileDiffModel::Loading, 20000);
        QCOMPARE(file.removed(), 1);
        QCOMPARE(file.index(1).data(ui::FileDiffModel::KindRole).toString(), QStringLiteral("removed"));

        // Two requests in a row: the latest one is what the page shows.
        scan->showFileDiff(QStringLiteral("index.js"));
        scan->showFileDiff(QStringLiteral("lib/steal.js"));
        QTRY_VERIFY_WITH_TIMEOUT(file.status() != ui::FileDiffModel::Loading, 20000);
        QTest::qWait(200);  // the first one's result, whenever it lands, is dropped
        QCOMPARE(file.path(), QStringLiteral("lib/steal.js"));
        QCOMPARE(file.added(), 1);

        scan->showFileDiff(QStringLiteral("nope.js"));
        QTRY_VERIFY_WITH_TIMEOUT(file.status() != ui::FileDiffModel::Loading, 20000);
        QCOMPARE(file.status(), ui::FileDiffModel::Failed);
        QCOMPARE(file.errorString(), QStringLiteral("nope.js is in neither version of the package"));
        QVERIFY(!file.errorDetail().isEmpty());
        QCOMPARE(file.rowCount(), 0);

        // A new comparison clears the file shown: it belonged to the previous one.
        scan->compareVersions(QStringLiteral("evil@1.0.1"), QStringLiteral("evil@1.0.0"));
        QVERIFY(waitForEnd(*scan->diffModel()));
        QCOMPARE(file.status(), ui::FileDiffModel::Empty);
        QCOMPARE(file.path(), QString());
    }

    void comparingAPackageOfTheReportFindsItsPreviousVersionInTheStore() {
        auto scan = controller();
        engine::report::ScanReport report;
        engine::report::PackageReport p;
        p.name = "evil";
        p.version = "1.0.1";
        report.packages.push_back(p);
        scan->setReport(report);
        QVERIFY(scan->compareWithPrevious(QStringLiteral("evil@1.0.1")));
        QVERIFY(waitForEnd(*scan->diffModel()));
        QVERIFY2(scan->diffModel()->status() == ui::VersionDiffModel::Ready, qPrintable(scan->diffModel()->errorString()));
        QCOMPARE(scan->diffModel()->leftTitle(), QStringLiteral("evil@1.0.0"));
        QCOMPARE(scan->diffModel()->removed(), 0);
        QVERIFY(rowOf(*scan->diffModel(), QStringLiteral("evil.example:443/tcp")) >= 0);

        // The first analysed version has nothing before it: said, with what to do instead.
        scan->compareVersions({}, QStringLiteral("evil@1.0.0"));
        QVERIFY(waitForEnd(*scan->diffModel()));
        QCOMPARE(scan->diffModel()->status(), ui::VersionDiffModel::Failed);
        QVERIFY2(scan->diffModel()->errorString().contains(QStringLiteral("no earlier analysed version of evil")),
                 qPrintable(scan->diffModel()->errorString()));
        QVERIFY(!scan->diffModel()->errorDetail().isEmpty());
        QCOMPARE(scan->diffModel()->rowCount(), 0);
    }

    void theDiffAndOnePackageExportThroughTheReportRenderers() {
        auto scan = controller();
        ui::ReportExporter exporter(scan.get());
        QVERIFY(!exporter.canExportDiff());
        QVERIFY(!exporter.exportTo(QStringLiteral("diff"), QStringLiteral("html"), home_.filePath(QStringLiteral("none.html"))));
        QVERIFY2(exporter.errorString().contains(QStringLiteral("no version comparison")), qPrintable(exporter.errorString()));

        scan->compareVersions(QStringLiteral("evil@1.0.0"), QStringLiteral("evil@1.0.1"));
        QVERIFY(waitForEnd(*scan->diffModel()));
        QVERIFY(exporter.canExportDiff());
        QVERIFY(exporter.suggestedFile(QStringLiteral("pdf"), QStringLiteral("diff")).fileName().endsWith(QStringLiteral("-diff.pdf")));
        const QString html = home_.filePath(QStringLiteral("diff.html"));
        QSignalSpy htmlDone(&exporter, &ui::ReportExporter::exportFinished);
        QVERIFY2(exporter.exportTo(QStringLiteral("diff"), QStringLiteral("html"), html), qPrintable(exporter.errorString()));
        QVERIFY(htmlDone.wait(60000));  // written on a worker
        QVERIFY2(htmlDone.first().first().toBool(), qPrintable(exporter.errorString()));
        QFile file(html);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QString body = QString::fromUtf8(file.readAll());
        QVERIFY(body.contains(QStringLiteral("<h2>evil@1.0.1</h2>")));
        QVERIFY(body.contains(QStringLiteral("Changes since 1.0.0")));
        QVERIFY(body.contains(QStringLiteral("evil.example:443/tcp")));
        QVERIFY(body.contains(QStringLiteral("lib/steal.js")));

        const QString pdf = home_.filePath(QStringLiteral("diff.pdf"));
        QSignalSpy pdfDone(&exporter, &ui::ReportExporter::exportFinished);
        QVERIFY2(exporter.exportTo(QStringLiteral("diff"), QStringLiteral("pdf"), pdf), qPrintable(exporter.errorString()));
        QVERIFY(pdfDone.wait(60000));  // written on a worker
        QVERIFY2(pdfDone.first().first().toBool(), qPrintable(exporter.errorString()));
        if (QFileInfo::exists(QStringLiteral("/usr/bin/pdftotext"))) {
            QProcess text;
            text.start(QStringLiteral("/usr/bin/pdftotext"), {pdf, QStringLiteral("-")});
            QVERIFY(text.waitForFinished(60000));
            const QString out = QString::fromUtf8(text.readAllStandardOutput());
            QVERIFY2(out.contains(QStringLiteral("Changes since 1.0.0")) && out.contains(QStringLiteral("evil.example:443/tcp")), qPrintable(out));
        }

        // One package of the report, as the package page's export does.
        engine::report::ScanReport report;
        engine::report::PackageReport p;
        p.name = "evil";
        p.version = "1.0.1";
        report.packages.push_back(p);
        p.name = "other";
        report.packages.push_back(p);
        scan->setReport(report);
        const QString one = home_.filePath(QStringLiteral("one.html"));
        QSignalSpy oneDone(&exporter, &ui::ReportExporter::exportFinished);
        QVERIFY2(exporter.exportTo(QStringLiteral("other@1.0.1"), QStringLiteral("html"), one), qPrintable(exporter.errorString()));
        QVERIFY(oneDone.wait(60000));
        QVERIFY2(oneDone.first().first().toBool(), qPrintable(exporter.errorString()));
        QFile oneFile(one);
        QVERIFY(oneFile.open(QIODevice::ReadOnly));
        const QString oneBody = QString::fromUtf8(oneFile.readAll());
        QVERIFY(oneBody.contains(QStringLiteral("<h2>other@1.0.1</h2>")));
        QVERIFY(!oneBody.contains(QStringLiteral("<h2>evil@1.0.1</h2>")));
        QVERIFY(!exporter.exportTo(QStringLiteral("nope@1.0.0"), QStringLiteral("html"), one));
        QVERIFY(exporter.errorString().contains(QStringLiteral("nope@1.0.0 is not a package of this scan")));
    }

    void aVersionNotInTheStoreIsAnalysedFirstAndItsErrorShown() {
        auto scan = controller();
        ui::VersionDiffModel& diff = *scan->diffModel();
        // 9.9.9 is unknown: the backend tries to analyse it, and the analyzer's error is what shows.
        scan->compareVersions(QStringLiteral("evil@1.0.0"), QStringLiteral("evil@9.9.9"));
        QVERIFY(waitForEnd(diff));
        QCOMPARE(diff.status(), ui::VersionDiffModel::Failed);
        QCOMPARE(diff.errorString(), QStringLiteral("the sandbox helper is not available in this test"));
        QCOMPARE(diff.errorDetail(), QStringLiteral("install vigil-sandbox next to vigil"));

        // A typo is a usage error naming the text, before anything is analysed.
        scan->compareVersions(QStringLiteral("evil@1.0.0"), QStringLiteral("evil"));
        QVERIFY(waitForEnd(diff));
        QCOMPARE(diff.status(), ui::VersionDiffModel::Failed);
        QVERIFY2(diff.errorString().contains(QStringLiteral("evil")), qPrintable(diff.errorString()));
        scan->compareVersions(QStringLiteral("other@1.0.0"), QStringLiteral("evil@1.0.1"));
        QVERIFY(waitForEnd(diff));
        QVERIFY2(diff.errorString().contains(QStringLiteral("cannot compare other@1.0.0 with evil@1.0.1")), qPrintable(diff.errorString()));
    }
};

QTEST_MAIN(VersionDiffTest)
#include "version_diff_test.moc"
