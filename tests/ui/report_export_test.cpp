// The export buttons' path end to end: the demo scan in the window, exported through the window's
// save dialog as HTML, PDF (A4 and Letter) and JSON, then checked by the report tests' own
// checkers (tests/report/check_html.py: parses, every finding, nothing external; check_pdf.py:
// qpdf --check, page size, fonts embedded, pdftotext holds every finding, outline). A write that
// fails shows its error in the window.
#include <QDir>
#include <QFile>
#include <QGuiApplication>
#include <QProcess>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QtTest>

#include "ui/demo_report.h"
#include "ui/demo_scan_backend.h"
#include "ui/qml_types.h"
#include "ui/report_exporter.h"
#include "ui/scan_controller.h"
#include "ui/settings_controller.h"

using namespace vigil;
using namespace std::chrono_literals;

namespace {
const QString kOut = QStringLiteral(VIGIL_BINARY_DIR "/gui-exports");
const QString kCheckers = QStringLiteral(VIGIL_SOURCE_DIR "/tests/report");
}  // namespace

class ReportExportTest : public QObject {
    Q_OBJECT
public:
    ReportExportTest() : scan_(std::make_shared<ui::DemoScanBackend>(ui::makeDemoScanReport(), 10ms)), exporter_(&scan_) {}

private:
    QQuickWindow* window() const { return qobject_cast<QQuickWindow*>(engine_->rootObjects().value(0)); }

    /// What a click on an export button and Save in the dialog does: openFor(kind), Save on the
    /// suggested file (the last export's folder, named after the project), then moved to `path`.
    bool exportThroughDialog(const QString& kind, const QString& path) {
        QObject* dialog = window()->findChild<QObject*>(QStringLiteral("exportDialog"));
        if (!dialog)
            return false;
        const QString suggested = exporter_.suggestedFile(kind).toLocalFile();
        QFile::remove(suggested);
        QFile::remove(path);
        QMetaObject::invokeMethod(dialog, "openFor", Q_ARG(QVariant, kind));
        QMetaObject::invokeMethod(dialog, "accept");
        QTest::qWait(50);
        if (exporter_.lastPath() != suggested) {
            qWarning() << "exported to" << exporter_.lastPath() << "not" << suggested << exporter_.errorString();
            return false;
        }
        return QFile::rename(suggested, path);
    }

    static QString check(const QStringList& args) {
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(QStringLiteral(PYTHON3), args);
        if (!p.waitForFinished(120000))
            return QStringLiteral("checker timed out");
        const QString out = QString::fromUtf8(p.readAll());
        return p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0 ? QString() : out;
    }

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("vigil-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("report_export_test"));
        QQuickStyle::setStyle(QStringLiteral("Basic"));
        QDir(kOut).removeRecursively();
        QVERIFY(QDir().mkpath(kOut));
        ui::registerQmlTypes(&scan_, &settings_, &exporter_);
        engine_ = std::make_unique<QQmlApplicationEngine>();
        engine_->load(QUrl(QStringLiteral("qrc:/qt/qml/Vigil/Main.qml")));
        QVERIFY(!engine_->rootObjects().isEmpty());
        QVERIFY(QTest::qWaitForWindowExposed(window()));
        QSignalSpy finished(&scan_, &ui::ScanController::scanFinished);
        scan_.start(QStringLiteral(VIGIL_SOURCE_DIR "/examples/demo"));
        QVERIFY(finished.wait(15000));
    }

    void nothingToExportBeforeAScan() {
        ui::ScanController empty(nullptr);
        ui::ReportExporter exporter(&empty);
        QVERIFY(!exporter.exportHtml(kOut + QStringLiteral("/never.html")));
        QCOMPARE(exporter.errorString(), QStringLiteral("nothing to export yet"));
        QVERIFY(!QFile::exists(kOut + QStringLiteral("/never.html")));
    }

    void jsonHtmlAndPdfFromTheDialog() {
        const QString json = kOut + QStringLiteral("/demo-scan.json");
        const QString html = kOut + QStringLiteral("/demo.html");
        QSettings().setValue(QStringLiteral("reports/folder"), kOut);  // as if the user had exported there before
        QCOMPARE(exporter_.suggestedFile(QStringLiteral("pdf")).toLocalFile(), kOut + QStringLiteral("/vigil-demo-shop-report.pdf"));
        QVERIFY(exportThroughDialog(QStringLiteral("json"), json));
        QVERIFY(exportThroughDialog(QStringLiteral("html"), html));
        QTRY_VERIFY(window()->findChild<QQuickItem*>(QStringLiteral("exportDone"))->property("visible").toBool());
        QString problems = check({kCheckers + QStringLiteral("/check_html.py"), html, json});
        QVERIFY2(problems.isEmpty(), qPrintable(problems));

        for (const QString& size : {QStringLiteral("A4"), QStringLiteral("Letter")}) {
            exporter_.setPageSize(size);
            const QString pdf = kOut + QStringLiteral("/demo-") + size.toLower() + QStringLiteral(".pdf");
            QVERIFY2(exportThroughDialog(QStringLiteral("pdf"), pdf), qPrintable(exporter_.errorString()));
            problems = check({kCheckers + QStringLiteral("/check_pdf.py"), pdf, json, size.toLower()});
            QVERIFY2(problems.isEmpty(), qPrintable(problems));
        }
        exporter_.setPageSize(QStringLiteral("A4"));
    }

    void aFailedWriteIsShownInTheWindow() {
        const QString path = kOut + QStringLiteral("/no-such-folder/report.html");
        QVERIFY(!exporter_.exportHtml(path));
        QVERIFY2(exporter_.errorString().contains(path), qPrintable(exporter_.errorString()));
        QVERIFY(!exporter_.errorDetail().isEmpty());
        auto* banner = window()->findChild<QQuickItem*>(QStringLiteral("exportError"));
        QTRY_VERIFY(banner->property("visible").toBool());
        QVERIFY(!window()->findChild<QQuickItem*>(QStringLiteral("exportDone"))->property("visible").toBool());
        QVERIFY(!exporter_.exportPdf(kOut + QStringLiteral("/no-such-folder/report.pdf")));
        QVERIFY(!exporter_.errorString().isEmpty());
        exporter_.clearMessage();
        QTRY_VERIFY(!banner->property("visible").toBool());
    }

    void cleanupTestCase() { engine_.reset(); }

private:
    ui::ScanController scan_;
    ui::SettingsController settings_;
    ui::ReportExporter exporter_;
    std::unique_ptr<QQmlApplicationEngine> engine_;
};

QTEST_MAIN(ReportExportTest)
#include "report_export_test.moc"
