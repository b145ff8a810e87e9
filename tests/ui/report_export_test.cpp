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
#include "ui/report/pdf_report.h"
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
        QSignalSpy done(&exporter_, &ui::ReportExporter::exportFinished);
        QMetaObject::invokeMethod(dialog, "openFor", Q_ARG(QVariant, kind));
        QMetaObject::invokeMethod(dialog, "accept");
        // HTML and JSON are written at once, a PDF on a worker: either way exportFinished says when.
        if (done.isEmpty() && !done.wait(120000))
            return false;
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

    // The PDF is written on a worker: the GUI thread keeps handling events (timers, input, frames)
    // while it runs, the window shows that it runs, and the file arrives complete.
    void pdfExportDoesNotBlockTheWindow() {
        ui::ScanController big(nullptr);
        big.setReport(ui::makeSyntheticScanReport(40));
        ui::ReportExporter exporter(&big);
        const QString before = kOut + QStringLiteral("/synthetic-on-gui-thread.pdf");
        const QString pdf = kOut + QStringLiteral("/synthetic.pdf");

        // What exporting used to do: writePdf on the GUI thread, which stalls it for the whole write.
        QElapsedTimer clock;
        clock.start();
        QVERIFY(ui::report::writePdf(*big.report(), before.toStdString(), ui::report::PageSize::A4).ok());
        const qint64 onGuiThread = clock.elapsed();

        // A 10 ms timer on the GUI thread: the longest gap between its ticks is the longest stall.
        QTimer ticker;
        ticker.setInterval(10);
        qint64 last = 0, longestGap = 0;
        int ticks = 0;
        connect(&ticker, &QTimer::timeout, this, [&] {
            const qint64 now = clock.elapsed();
            longestGap = std::max(longestGap, now - last);
            last = now;
            ++ticks;
        });
        QSignalSpy done(&exporter, &ui::ReportExporter::exportFinished);
        QSignalSpy busy(&exporter, &ui::ReportExporter::busyChanged);
        clock.restart();
        ticker.start();
        QVERIFY(exporter.exportPdf(pdf));
        const qint64 callTook = clock.elapsed();
        QVERIFY(exporter.busy());
        QVERIFY(exporter.busyText().contains(pdf));
        QVERIFY(!exporter.exportHtml(kOut + QStringLiteral("/meanwhile.html")));  // one export at a time
        QVERIFY(exporter.errorString().contains(QStringLiteral("still being written")));
        QCOMPARE(done.count(), 1);  // the refused HTML export, reported at once
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 2, 120000);
        ticker.stop();
        const qint64 exportTook = clock.elapsed();
        qInfo("PDF of 40 packages: writePdf on the GUI thread stalled it %lld ms; through the exporter the call "
              "took %lld ms, the export %lld ms, the longest GUI-thread gap %lld ms over %d timer ticks",
              onGuiThread, callTook, exportTook, longestGap, ticks);
        QVERIFY2(done.last().at(0).toBool(), qPrintable(exporter.errorString()));
        QCOMPARE(done.last().at(1).toString(), pdf);
        QCOMPARE(exporter.lastPath(), pdf);
        QVERIFY(!exporter.busy());
        QCOMPARE(busy.count(), 2);
        QVERIFY2(callTook < 100, qPrintable(QString::number(callTook)));
        // The event loop ran throughout: far more ticks than a stalled thread gets, and no stall near
        // the write's own length (generous bounds: the build machine is shared).
        QVERIFY2(longestGap < std::max<qint64>(250, onGuiThread / 3), qPrintable(QString::number(longestGap)));
        QVERIFY2(ticks >= exportTook / 40, qPrintable(QStringLiteral("%1 ticks in %2 ms").arg(ticks).arg(exportTook)));
        QFile file(pdf);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(file.read(5) == "%PDF-");
        QVERIFY(file.size() > 10000);
        QVERIFY(!QFile::exists(pdf + QStringLiteral(".part")));
    }

    // HTML and JSON go through the same worker as the PDF: the call returns at once with busy set
    // (the window's banner says what is written), a second export meanwhile is refused, and
    // exportFinished brings the complete file.
    void htmlAndJsonExportsRunOffTheGuiThread() {
        ui::ScanController big(nullptr);
        big.setReport(ui::makeSyntheticScanReport(40));
        ui::ReportExporter exporter(&big);
        for (const QString& format : {QStringLiteral("html"), QStringLiteral("json")}) {
            const QString path = kOut + QStringLiteral("/synthetic.") + format;
            QFile::remove(path);
            QSignalSpy done(&exporter, &ui::ReportExporter::exportFinished);
            QSignalSpy busy(&exporter, &ui::ReportExporter::busyChanged);
            QElapsedTimer clock;
            clock.start();
            QVERIFY(exporter.exportTo({}, format, path));
            const qint64 callTook = clock.elapsed();
            QVERIFY(exporter.busy());
            QVERIFY2(exporter.busyText().contains(format.toUpper()) && exporter.busyText().contains(path), qPrintable(exporter.busyText()));
            QVERIFY(done.isEmpty());  // not written yet: the worker writes it
            QVERIFY(!exporter.exportPdf(kOut + QStringLiteral("/meanwhile.pdf")));
            QVERIFY(exporter.errorString().contains(QStringLiteral("still being written")));
            QCOMPARE(done.count(), 1);  // the refusal, reported at once
            QVERIFY(done.wait(60000));
            QVERIFY2(done.last().at(0).toBool(), qPrintable(exporter.errorString()));
            QCOMPARE(done.last().at(1).toString(), path);
            QCOMPARE(busy.count(), 2);
            QVERIFY(!exporter.busy());
            qInfo("%s of 40 packages: the call took %lld ms, the export %lld ms", qPrintable(format), callTook, clock.elapsed());
            QFile file(path);
            QVERIFY(file.open(QIODevice::ReadOnly));
            const QByteArray body = file.readAll();
            QVERIFY(body.size() > 10000);
            QVERIFY(format == QLatin1String("html") ? body.contains("<html") : body.startsWith("{"));
            QVERIFY(!QFile::exists(kOut + QStringLiteral("/meanwhile.pdf")));
        }
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
