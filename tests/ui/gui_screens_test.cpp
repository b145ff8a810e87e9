// The whole window over the demo project: scan it, select the most severe package, check that the
// graph, details, timeline and heatmap show it, and save a screenshot of every screen under
// <build>/gui-screenshots/ (VIGIL_SCREENSHOT_SUFFIX distinguishes the 200 % run).
#include <QDir>
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QtTest>

#include <functional>

#include "engine/report/palette.h"
#include "ui/demo_report.h"
#include "ui/demo_scan_backend.h"
#include "ui/dependency_graph_item.h"
#include "ui/event_timeline_item.h"
#include "ui/qml_types.h"
#include "ui/report_exporter.h"
#include "ui/scan_controller.h"
#include "ui/settings_controller.h"

using namespace vigil;
using namespace std::chrono_literals;

class GuiScreensTest : public QObject {
    Q_OBJECT
public:
    GuiScreensTest()
        : scan_(std::make_shared<ui::DemoScanBackend>(ui::makeDemoScanReport(), 80ms)),
          exporter_(&scan_) {}

private:
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
        QTest::qWait(150);
    }
    void screenshot(const QString& name) {
        const QString dir = QStringLiteral(VIGIL_BINARY_DIR "/gui-screenshots");
        QDir().mkpath(dir);
        const QImage image = window()->grabWindow();
        QVERIFY(!image.isNull());
        // Not a blank frame: a rendered page has many colours.
        QSet<QRgb> colours;
        for (int y = 0; y < image.height(); y += 7)
            for (int x = 0; x < image.width(); x += 7)
                colours.insert(image.pixel(x, y));
        QVERIFY2(colours.size() > 20, qPrintable(name));
        QVERIFY(image.save(dir + QLatin1Char('/') + name + qEnvironmentVariable("VIGIL_SCREENSHOT_SUFFIX") + QStringLiteral(".png")));
    }

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("vigil-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("gui_screens_test"));
        QQuickStyle::setStyle(QStringLiteral("Basic"));
        scan_.ruleModel()->setRules(ui::makeDemoRules());
        scan_.setPreviousVersionLookup([](const engine::report::PackageReport& p) { return std::optional(ui::makeDemoPreviousVersion(p.name)); });
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
        QTest::qWait(100);
        screenshot(QStringLiteral("01-start-empty"));
    }

    void scanOfTheDemoShowsLiveProgress() {
        QSignalSpy finished(&scan_, &ui::ScanController::scanFinished);
        scan_.start(QStringLiteral(VIGIL_SOURCE_DIR "/examples/demo"));
        QCOMPARE(window()->property("currentPage").toInt(), 1);  // the scan page comes up by itself
        QTRY_VERIFY_WITH_TIMEOUT(scan_.packageModel()->rowCount() >= 3, 10000);
        screenshot(QStringLiteral("02-scan-running"));
        QVERIFY(finished.wait(15000));
        QTest::qWait(100);
        screenshot(QStringLiteral("03-scan-finished"));
        QVERIFY(find("eventStream")->property("count").toInt() > 20);
        QVERIFY(find("liveFindings")->property("count").toInt() >= 5);
        // Each line of the stream names whose event it is.
        QStringList packages;
        std::function<void(QQuickItem*)> visit = [&](QQuickItem* item) {
            if (item->objectName() == QLatin1String("eventPackage") && item->isVisible())
                packages << item->property("text").toString();
            for (auto* child : item->childItems())
                visit(child);
        };
        visit(find("eventStream"));
        QVERIFY(!packages.isEmpty());
        for (const QString& key : packages)
            QVERIFY2(scan_.packageModel()->indexOfKey(key) >= 0, qPrintable(key));
    }

    void graphShowsTheMostSevere() {
        const QString key = scan_.mostSevereKey();
        QCOMPARE(key, QStringLiteral("env-inspector@1.0.3"));
        scan_.setSelectedKey(key);
        show("graph");
        auto* graph = find<ui::DependencyGraphItem>("dependencyGraph");
        QVERIFY(graph);
        QTRY_VERIFY_WITH_TIMEOUT(!graph->layoutRunning() && graph->nodeCount() == 7, 10000);
        QCOMPARE(graph->selectedKey(), key);
        QCOMPARE(graph->layoutAlgorithm(), QStringLiteral("dot"));
        QCOMPARE(graph->pathEdgeCount(), 1);  // project -> env-inspector (a direct dev dependency)
        QCOMPARE(graph->nodeColor(key), QColor(QLatin1String(engine::report::palette::kCritical.data())));
        const QPointF at = graph->screenPosition(key);
        QVERIFY(QRectF(0, 0, graph->width(), graph->height()).contains(at));
        QCOMPARE(graph->keyAt(at), key);
        QCOMPARE(find("graphSelection")->property("text").toString(), key);
        QTest::qWait(100);
        screenshot(QStringLiteral("04-graph"));
        // Clicking tiny-pad selects it; its paths run through three parents.
        const QPointF pad = graph->screenPosition(QStringLiteral("tiny-pad@1.2.0"));
        QTest::mouseClick(window(), Qt::LeftButton, {}, graph->mapToScene(pad).toPoint());
        QTRY_COMPARE(scan_.selectedKey(), QStringLiteral("tiny-pad@1.2.0"));
        QVERIFY(graph->pathEdgeCount() >= 5);
        graph->setSearchText(QStringLiteral("tiny"));
        QCOMPARE(graph->searchMatches(), 2);
        graph->setMinSeverity(3);
        QCOMPARE(graph->nodeColor(QStringLiteral("tiny-pad@1.2.0")).alpha() < 255, true);  // filtered out: dimmed
        QTest::qWait(100);
        screenshot(QStringLiteral("05-graph-filtered-search"));
        graph->setMinSeverity(0);
        graph->setSearchText({});
        graph->toggleCollapsed(QStringLiteral("fast-setup@3.1.0"));
        QVERIFY(graph->isCollapsed(QStringLiteral("fast-setup@3.1.0")));
        graph->expandAll();
        scan_.setSelectedKey(key);
    }

    void detailsAndTimelineShowTheMostSevere() {
        show("package");
        QCOMPARE(find("packageTitle")->property("text").toString(), QStringLiteral("env-inspector"));
        QCOMPARE(find("packageSeverity")->property("severity").toInt(), 4);
        auto* timeline = find<ui::EventTimelineItem>("eventTimeline");
        QVERIFY(timeline);
        QTRY_VERIFY(timeline->eventCount() > 15);  // read from the event source off the GUI thread
        // The exfiltrating POST (install #12, evidence) sits in the network lane; selecting it
        // shows the raw event.
        QVERIFY(timeline->selectEvent(QStringLiteral("install"), 12));
        QCOMPARE(timeline->laneOf(timeline->selectedRow()), 2);
        QTRY_VERIFY(find("rawEvent")->property("text").toString().contains(QStringLiteral("collector.vigil-demo.invalid")));
        const QPointF p = timeline->positionOf(timeline->selectedRow());
        QCOMPARE(timeline->rowAt(p), timeline->selectedRow());
        QTest::qWait(100);
        screenshot(QStringLiteral("06-package-details"));
    }

    // The timeline without a mouse: Tab or a click gives it focus, then the keys move the selection.
    void timelineKeyboardNavigation() {
        auto* timeline = find<ui::EventTimelineItem>("eventTimeline");
        auto* flick = find("timelineFlick");
        QVERIFY(timeline && flick);
        window()->requestActivate();
        QVERIFY(QTest::qWaitForWindowActive(window()));
        timeline->forceActiveFocus(Qt::TabFocusReason);
        QTRY_VERIFY(timeline->hasActiveFocus());
        const auto key = [&](Qt::Key k, Qt::KeyboardModifiers m = Qt::NoModifier) { QTest::keyClick(window(), k, m); };
        const auto x = [&](int row) { return timeline->positionOf(row).x(); };
        QVERIFY(timeline->selectEvent(QStringLiteral("install"), 12));  // the exfiltrating POST, network lane
        const int lane = timeline->laneOf(timeline->selectedRow());
        QSignalSpy changed(timeline, &ui::EventTimelineItem::selectedRowChanged);

        key(Qt::Key_Home);  // the first event of the lane
        const int first = timeline->selectedRow();
        QCOMPARE(timeline->laneOf(first), lane);
        key(Qt::Key_Right);
        const int second = timeline->selectedRow();
        QVERIFY2(second != first, "Right moves to the next event");
        QCOMPARE(timeline->laneOf(second), lane);
        QVERIFY(x(second) >= x(first));
        key(Qt::Key_Left);
        QCOMPARE(timeline->selectedRow(), first);
        key(Qt::Key_Left);  // nothing before the first: stays
        QCOMPARE(timeline->selectedRow(), first);
        key(Qt::Key_End);
        const int last = timeline->selectedRow();
        QCOMPARE(timeline->laneOf(last), lane);
        QVERIFY(x(last) > x(first));
        key(Qt::Key_Right);
        QCOMPARE(timeline->selectedRow(), last);
        QVERIFY(changed.count() >= 4);

        key(Qt::Key_Up);  // the nearest event of the nearest lane above that has any
        QVERIFY(timeline->laneOf(timeline->selectedRow()) < lane);
        key(Qt::Key_Down);
        QCOMPARE(timeline->laneOf(timeline->selectedRow()), lane);

        key(Qt::Key_Home, Qt::ControlModifier);  // the first event of the whole timeline
        const int earliest = timeline->selectedRow();
        for (int row = 0; row < scan_.packageDetails()->eventModel()->rowCount(); ++row)
            if (timeline->laneOf(row) >= 0)
                QVERIFY(x(row) >= x(earliest));

        // Enter opens it as a click does: the raw event beside the timeline.
        QSignalSpy clicked(timeline, &ui::EventTimelineItem::eventClicked);
        key(Qt::Key_Return);
        QCOMPARE(clicked.count(), 1);
        QCOMPARE(clicked.first().first().toInt(), earliest);
        QTRY_COMPARE(find("rawEvent")->property("text").toString(), scan_.packageDetails()->eventModel()->rawAt(earliest));

        // Zoom, and the selection stays in view as it moves beyond the visible part.
        const double zoom = timeline->zoom();
        key(Qt::Key_Plus);
        QCOMPARE(timeline->zoom(), zoom * 1.5);
        key(Qt::Key_Minus);
        QCOMPARE(timeline->zoom(), zoom);
        for (int i = 0; i < 4; ++i)
            key(Qt::Key_Equal);  // "+" without Shift
        QVERIFY(timeline->implicitWidth() > flick->width() * 3);
        key(Qt::Key_End, Qt::ControlModifier);
        QTest::qWait(50);
        const double contentX = flick->property("contentX").toDouble();
        QVERIFY2(contentX > 0, "scrolled to the last event");
        QVERIFY(timeline->selectedX() >= contentX && timeline->selectedX() <= contentX + flick->width());
        key(Qt::Key_Home, Qt::ControlModifier);
        QTest::qWait(50);
        QVERIFY(timeline->selectedX() >= flick->property("contentX").toDouble());
        QVERIFY(timeline->selectedX() <= flick->property("contentX").toDouble() + flick->width());
        for (int i = 0; i < 4; ++i)
            key(Qt::Key_Minus);
        QVERIFY(timeline->selectEvent(QStringLiteral("install"), 12));
        QTest::qWait(100);
        screenshot(QStringLiteral("06b-timeline-keyboard"));
    }

    void heatmapShowsTheMostSevereFirst() {
        show("heatmap");
        auto* heatmap = qobject_cast<ui::HeatmapModel*>(scan_.heatmap());
        QCOMPARE(heatmap->keyAt(0), QStringLiteral("env-inspector@1.0.3"));
        QVERIFY(find("heatmapTable"));
        QTest::qWait(100);
        screenshot(QStringLiteral("07-heatmap"));
        // The norm view: the (demo) store's category shares, computed off the GUI thread after the scan.
        QTRY_VERIFY(!heatmap->normsLoading());
        QVERIFY2(heatmap->normsNote().isEmpty(), qPrintable(heatmap->normsNote()));
        heatmap->setNormView(true);
        QCOMPARE(heatmap->data(heatmap->index(heatmap->rowOfKey(QStringLiteral("env-inspector@1.0.3")), 3), Qt::DisplayRole).toString(),
                 QStringLiteral("yes · 4%"));
        QVERIFY(!find("normsNote")->isVisible());
        QTest::qWait(100);
        screenshot(QStringLiteral("08-heatmap-norm"));
        heatmap->setNormView(false);
    }

    void otherScreens() {
        QVERIFY(scan_.compareWithPrevious(QStringLiteral("fast-setup@3.1.0")));
        show("diff");
        QVERIFY(find("diffTable")->property("rows").toInt() > 5);
        // The added HTTP request opened on its events, as a click does; the files panel below.
        QVERIFY(find("diffTable")->setProperty("expandedRow", 2));
        QVERIFY(find("diffFiles")->property("count").toInt() >= 4);
        // The first changed file selected, as a click or the arrow keys do: its line diff beside the list.
        QVERIFY(find("diffFiles")->setProperty("currentIndex", 0));
        const ui::FileDiffModel* fileDiff = scan_.diffModel()->fileDiffModel();
        QTRY_VERIFY2(find("fileDiffLines")->property("count").toInt() > 5,
                     qPrintable(QStringLiteral("%1 %2 %3 %4").arg(fileDiff->status()).arg(fileDiff->path(), fileDiff->errorString()).arg(fileDiff->rowCount())));
        QTest::qWait(100);
        screenshot(QStringLiteral("09-version-diff"));
        find("diffTable")->setProperty("expandedRow", -1);
        show("rules");
        QCOMPARE(find("rulesList")->property("count").toInt(), 8);
        // One column per kind of text: every title and every hit count starts at the same x,
        // whatever the length of the rule's title; counts read as words, not "1 hit(s)".
        QSet<int> titleX, hitsX;
        QStringList hits;
        // Delegates are visual children of the list, not QObject children of the window.
        std::function<void(QQuickItem*)> visit = [&](QQuickItem* item) {
            if (item->objectName() == QLatin1String("ruleTitle"))
                titleX.insert(qRound(item->mapToScene({0, 0}).x()));
            if (item->objectName() == QLatin1String("ruleHits")) {
                hitsX.insert(qRound(item->mapToScene({0, 0}).x()));
                hits << item->property("text").toString();
            }
            for (auto* child : item->childItems())
                visit(child);
        };
        visit(find("rulesList"));
        QCOMPARE(hits.size(), 8);
        QCOMPARE(titleX.size(), 1);
        QCOMPARE(hitsX.size(), 1);
        QVERIFY2(hits.contains(QStringLiteral("1 hit")) && hits.contains(QStringLiteral("no hits")), qPrintable(hits.join(',')));
        screenshot(QStringLiteral("10-rules"));
        show("settings");
        screenshot(QStringLiteral("11-settings"));
        show("start");
        screenshot(QStringLiteral("12-start-after-scan"));
    }

    void exportFailureShowsInTheWindow() {
        // Exports themselves are checked in report_export_test; here: the banner a failure raises.
        QVERIFY(!exporter_.exportHtml(QDir::tempPath() + QStringLiteral("/no-such-folder/vigil-test.html")));
        QVERIFY(exporter_.errorString().contains(QStringLiteral("cannot write")));
        QVERIFY(!exporter_.errorDetail().isEmpty());
        QTRY_VERIFY(find("exportError")->property("visible").toBool());
    }

    // QML binding errors are bugs a user would see as missing text or broken layout.
    void noQmlWarnings() { QVERIFY2(warnings_.isEmpty(), qPrintable(warnings_.join('\n'))); }

    void cleanupTestCase() { engine_.reset(); }

private:
    ui::ScanController scan_;
    ui::SettingsController settings_;
    ui::ReportExporter exporter_;
    std::unique_ptr<QQmlApplicationEngine> engine_;
    QStringList warnings_;
};

QTEST_MAIN(GuiScreensTest)
#include "gui_screens_test.moc"
