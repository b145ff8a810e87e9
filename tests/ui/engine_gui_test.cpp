// The whole window over the REAL engine: the sandbox helper, the orchestrator and the default
// analyzer. Opens the fixture project, scans it, and checks what the user sees: the findings
// list, the graph's nodes, an HTML export. Then scans examples/demo and saves every main screen
// as <build>/gui-screenshots/engine-*.png. Privileged: needs root (skips outside CI when not root).
//
// The binary lives in <build>/app/gui beside vigil, so the helper is found exactly as the app
// finds it (<exe dir>/../sandbox/vigil-sandbox).
#include <filesystem>

#include <QDir>
#include <QFile>
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <unistd.h>

#include "ui/dependency_graph_item.h"
#include "ui/engine_analyzers.h"
#include "ui/engine_scan_backend.h"
#include "ui/event_timeline_item.h"
#include "ui/qml_types.h"
#include "ui/report_exporter.h"
#include "ui/scan_controller.h"
#include "ui/settings_controller.h"

using namespace vigil;

namespace {
const QString kFixture = QStringLiteral(VIGIL_SOURCE_DIR "/tests/fixtures/ui/engine-project");
const QString kDemo = QStringLiteral(VIGIL_SOURCE_DIR "/examples/demo");
constexpr int kScanTimeoutMs = 240000;
}  // namespace

class EngineGuiTest : public QObject {
    Q_OBJECT
public:
    EngineGuiTest()
        : scan_(std::make_shared<ui::EngineScanBackend>(ui::defaultAnalyzerFactory(), engineEnvironment())), exporter_(&scan_) {}

private:
    static std::map<std::string, std::string> engineEnvironment() {
        // The user's environment, as the app gets it; the store is set per test below.
        return engine::processEnvironment();
    }
    QQuickWindow* window() const { return qobject_cast<QQuickWindow*>(engine_->rootObjects().value(0)); }
    template <typename T = QQuickItem>
    T* find(const char* name) const {
        auto* item = window()->findChild<T*>(QString::fromLatin1(name));
        if (!item)
            qWarning() << "no item" << name;
        return item;
    }
    void show(const char* page) {
        QMetaObject::invokeMethod(window(), "showPage", Q_ARG(QVariant, QString::fromLatin1(page)));
        QTest::qWait(200);
    }
    void screenshot(const QString& name) {
        const QString dir = QStringLiteral(VIGIL_BINARY_DIR "/gui-screenshots");
        QDir().mkpath(dir);
        const QImage image = window()->grabWindow();
        QVERIFY(!image.isNull());
        QVERIFY(image.save(dir + QStringLiteral("/engine-") + name + QStringLiteral(".png")));
    }
    /// A fresh store per scan: nothing cached, so every package really runs and has its events.
    void useFreshStore(const QString& name) {
        auto options = settings_.scanOptions();
        options.storePath = (store_.path() + QLatin1Char('/') + name).toStdString();
        options.offline = true;  // both projects are file: tarballs in the repository
        options.phases = {"install", "import", "api"};
        options.parallelism = 2;
        scan_.setOptions(options);
    }
    bool scanned(const QString& project) {
        QSignalSpy finished(&scan_, &ui::ScanController::scanFinished);
        scan_.start(project);
        if (!finished.wait(kScanTimeoutMs) || !finished.first().first().toBool()) {
            qWarning() << "scan of" << project << "failed:" << scan_.errorString() << scan_.errorDetail();
            return false;
        }
        return true;
    }

private slots:
    void initTestCase() {
        if (::geteuid() != 0) {
            if (qgetenv("CI") == "true")
                QFAIL("the privileged GUI test must run as root in CI");
            QSKIP("not root and CI != true: scanning runs packages in the sandbox, which needs root (run with sudo)");
        }
        QVERIFY(store_.isValid());
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("vigil-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("engine_gui_test"));
        QQuickStyle::setStyle(QStringLiteral("Basic"));
        scan_.ruleModel()->setRules(ui::defaultAnalyzerRules());
        ui::registerQmlTypes(&scan_, &settings_, &exporter_);
        engine_ = std::make_unique<QQmlApplicationEngine>();
        connect(engine_.get(), &QQmlApplicationEngine::warnings, this, [this](const QList<QQmlError>& list) {
            for (const auto& w : list)
                warnings_ << w.toString();
        });
        engine_->load(QUrl(QStringLiteral("qrc:/qt/qml/Vigil/Main.qml")));
        QVERIFY2(!engine_->rootObjects().isEmpty(), qPrintable(warnings_.join('\n')));
        QVERIFY(QTest::qWaitForWindowExposed(window()));
        window()->resize(1320, 840);
    }

    void withoutPrivilegesTheScanPageNamesTheFix() {
        // The user's situation without root: the real factory, run with an unprivileged effective
        // uid (restored at once; root keeps its saved uid), must fail with the helper's fix shown.
        useFreshStore(QStringLiteral("unprivileged.db"));
        // A copy the unprivileged uid can read: the checkout itself may sit in a folder private to
        // root (a CI clone under `mktemp -d`), and the error under test is the helper's, not that.
        QTemporaryDir readable;
        QVERIFY(readable.isValid());
        QFile::setPermissions(readable.path(), QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner |
                                                   QFileDevice::ReadGroup | QFileDevice::ExeGroup |
                                                   QFileDevice::ReadOther | QFileDevice::ExeOther);
        const std::filesystem::path project = std::filesystem::path(readable.path().toStdString()) / "engine-project";
        std::error_code ec;
        std::filesystem::copy(kFixture.toStdString(), project, std::filesystem::copy_options::recursive, ec);
        QVERIFY2(!ec, ec.message().c_str());
        QSignalSpy finished(&scan_, &ui::ScanController::scanFinished);
        if (::seteuid(65534) != 0)
            QSKIP("cannot lower the effective uid here (no CAP_SETUID): the unprivileged case is not checked");
        scan_.start(QString::fromStdString(project.string()));
        const bool ended = finished.wait(30000);
        QVERIFY(::seteuid(0) == 0);
        QVERIFY(ended);
        QCOMPARE(scan_.status(), ui::ScanController::Failed);
        QVERIFY2(scan_.errorString().contains(QStringLiteral("cannot run privileged")), qPrintable(scan_.errorString()));
        QVERIFY2(scan_.errorDetail().contains(QStringLiteral("run as root")) && scan_.errorDetail().contains(QStringLiteral("setcap")),
                 qPrintable(scan_.errorDetail()));
        auto* banner = find("scanStatusBanner");
        QVERIFY(banner && banner->property("visible").toBool());
        QCOMPARE(window()->property("currentPage").toInt(), 1);  // the scan page, with the error on it
        QTest::qWait(150);
        screenshot(QStringLiteral("00-not-root-error"));
    }

    void scanOfTheFixtureFillsFindingsGraphAndExport() {
        useFreshStore(QStringLiteral("fixture.db"));
        QVERIFY(scanned(kFixture));
        QCOMPARE(scan_.status(), ui::ScanController::Finished);
        QCOMPARE(scan_.packageModel()->rowCount(), 2);
        // evil-beacon posts $NPM_TOKEN (a honeytoken in the sandbox) to a .invalid host.
        QCOMPARE(scan_.mostSevereKey(), QStringLiteral("evil-beacon@1.0.0"));
        QStringList rules;
        for (int row = 0; row < scan_.findingModel()->rowCount(); ++row)
            rules << scan_.findingModel()->index(row).data(ui::FindingListModel::RuleIdRole).toString();
        // The postinstall posts the baited NPM_TOKEN over plain HTTP to an unknown host.
        QVERIFY2(rules.contains(QStringLiteral("honeytoken-exfiltration")) &&
                     rules.contains(QStringLiteral("install-contacts-unknown-host")),
                 qPrintable(rules.join(',')));
        QVERIFY(find("liveFindings")->property("count").toInt() >= 2);
        QVERIFY(scan_.eventModel()->totalSeen() > 0);

        show("graph");
        auto* graph = find<ui::DependencyGraphItem>("dependencyGraph");
        QVERIFY(graph);
        QTRY_VERIFY_WITH_TIMEOUT(!graph->layoutRunning() && graph->nodeCount() == 3, 10000);  // project + 2
        QVERIFY(QRectF(0, 0, graph->width(), graph->height()).contains(graph->screenPosition(QStringLiteral("plain-util@1.0.0"))));

        const QString html = store_.path() + QStringLiteral("/fixture.html");
        QSignalSpy exported(&exporter_, &ui::ReportExporter::exportFinished);
        QVERIFY2(exporter_.exportHtml(QUrl::fromLocalFile(html).toString()), qPrintable(exporter_.errorString()));
        QVERIFY(exported.wait(60000));  // written on a worker
        QVERIFY2(exported.first().first().toBool(), qPrintable(exporter_.errorString()));
        QFile file(html);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(file.readAll());
        QVERIFY(text.contains(QStringLiteral("evil-beacon@1.0.0")));
        QVERIFY(text.contains(QStringLiteral("plain-util@1.0.0")));
        for (const auto& p : scan_.report()->packages)
            for (const auto& f : p.findings)
                QVERIFY2(text.contains(QString::fromStdString(f.title).toHtmlEscaped()), f.title.c_str());
        QTRY_VERIFY(find("exportDone")->property("visible").toBool());
    }

    void screensAfterARealScanOfTheDemo() {
        useFreshStore(QStringLiteral("demo.db"));
        QSignalSpy finished(&scan_, &ui::ScanController::scanFinished);
        scan_.start(kDemo);
        QTRY_VERIFY_WITH_TIMEOUT(scan_.packageModel()->rowCount() >= 1 || !scan_.running(), kScanTimeoutMs);
        if (scan_.running())
            screenshot(QStringLiteral("01-scan-running"));
        QVERIFY(finished.wait(kScanTimeoutMs) || !finished.isEmpty());
        QVERIFY2(finished.first().first().toBool(), qPrintable(scan_.errorString() + " / " + scan_.errorDetail()));
        QCOMPARE(scan_.packageModel()->rowCount(), 6);
        show("scan");
        screenshot(QStringLiteral("02-scan-finished"));

        const QString worst = scan_.mostSevereKey();
        scan_.setSelectedKey(worst);
        show("graph");
        auto* graph = find<ui::DependencyGraphItem>("dependencyGraph");
        QTRY_VERIFY_WITH_TIMEOUT(!graph->layoutRunning() && graph->nodeCount() == 7, 10000);
        QTest::qWait(200);
        screenshot(QStringLiteral("03-graph"));
        show("package");
        screenshot(QStringLiteral("04-package-details"));
        show("heatmap");
        screenshot(QStringLiteral("05-heatmap"));
        show("rules");
        screenshot(QStringLiteral("06-rules"));
        show("settings");
        screenshot(QStringLiteral("07-settings"));
        show("start");
        screenshot(QStringLiteral("08-start"));
    }

    /// The same store again: every package is served from the store (none re-run), yet the details
    /// page and the HTML export show the worst package's events, read from the store on demand.
    void warmScanShowsTheCachedPackagesEvents() {
        QVERIFY(scanned(kDemo));  // the store of screensAfterARealScanOfTheDemo
        QCOMPARE(scan_.report()->cached, 6u);
        QCOMPARE(scan_.report()->analysed, 0u);
        const QString worst = scan_.mostSevereKey();
        QCOMPARE(scan_.selectedKey(), worst);
        auto* details = scan_.packageDetails();
        QVERIFY(details->cached());
        QTRY_VERIFY_WITH_TIMEOUT(details->eventModel()->rowCount() > 5, 5000);
        QVERIFY2(details->eventsNote().isEmpty(), qPrintable(details->eventsNote()));
        show("package");
        auto* timeline = find<ui::EventTimelineItem>("eventTimeline");
        QVERIFY(timeline);
        QTRY_VERIFY(timeline->eventCount() > 5);
        screenshot(QStringLiteral("09-package-details-cached"));

        const QString html = store_.path() + QStringLiteral("/demo-warm.html");
        QSignalSpy exported(&exporter_, &ui::ReportExporter::exportFinished);
        QVERIFY2(exporter_.exportHtml(QUrl::fromLocalFile(html).toString()), qPrintable(exporter_.errorString()));
        QVERIFY(exported.wait(60000));  // written on a worker
        QVERIFY2(exported.first().first().toBool(), qPrintable(exporter_.errorString()));
        QFile file(html);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(file.readAll());
        const auto at = text.indexOf(QStringLiteral("<h2>") + worst.toHtmlEscaped());
        QVERIFY(at >= 0);
        const QString section = text.mid(at, text.indexOf(QStringLiteral("</section>"), at) - at);
        QVERIFY(section.contains(QStringLiteral("served from the store")));
        QVERIFY2(section.contains(QStringLiteral("recorded events</summary>")), qPrintable(section.left(2000)));
    }

    // QML binding errors are bugs a user would see as missing text or broken layout.
    void noQmlWarnings() { QVERIFY2(warnings_.isEmpty(), qPrintable(warnings_.join('\n'))); }

    void cleanupTestCase() { engine_.reset(); }

private:
    QTemporaryDir store_;
    ui::ScanController scan_;
    ui::SettingsController settings_;
    ui::ReportExporter exporter_;
    std::unique_ptr<QQmlApplicationEngine> engine_;
    QStringList warnings_;
};

QTEST_MAIN(EngineGuiTest)
#include "engine_gui_test.moc"
