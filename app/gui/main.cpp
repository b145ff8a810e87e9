// vigil: the desktop application. Wires the scan backend (the engine's, or the built-in demo with
// --demo-backend), the controllers and the report exporter, then loads the QML shell from
// resources (Qt 6.4 has no loadFromModule, so by qrc URL — ARCHITECTURE.md §5).
#include <QCommandLineParser>
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQuickStyle>
#include <QTimer>
#include <QUrl>

#include <cstdio>
#include <memory>

#include "engine/report/scan_report_json.h"
#include "ui/demo_report.h"
#include "ui/demo_scan_backend.h"
#include "ui/engine_analyzers.h"
#include "ui/engine_scan_backend.h"
#include "ui/qml_types.h"
#include "ui/report_exporter.h"
#include "ui/scan_controller.h"
#include "ui/settings_controller.h"
#include "vigil_version.h"

int main(int argc, char* argv[]) {
    QGuiApplication app(argc, argv);
    QGuiApplication::setApplicationName(QStringLiteral("VIGIL"));
    QGuiApplication::setOrganizationName(QStringLiteral("vigil"));
    QGuiApplication::setApplicationVersion(QStringLiteral(VIGIL_VERSION));
    QQuickStyle::setStyle(QStringLiteral("Basic"));

    QCommandLineParser cli;
    cli.setApplicationDescription(QStringLiteral("VIGIL: what your npm dependencies actually do."));
    cli.addHelpOption();
    cli.addVersionOption();
    const QCommandLineOption scanOption(QStringLiteral("scan"), QStringLiteral("Start scanning <project> (folder, lockfile or name@version)."), QStringLiteral("project"));
    const QCommandLineOption reportOption(QStringLiteral("report"), QStringLiteral("Open a vigil.scan/1 JSON report (vigil-cli scan --format json)."), QStringLiteral("file"));
    const QCommandLineOption offlineOption(QStringLiteral("offline"), QStringLiteral("Never use the network in this session's scans."));
    const QCommandLineOption demoOption(QStringLiteral("demo-backend"), QStringLiteral("Replay a built-in demo scan instead of running the engine (no sandbox, no root)."));
    const QCommandLineOption quitOption(QStringLiteral("quit-after"), QStringLiteral("Quit after <ms> (smoke tests)."), QStringLiteral("ms"));
    cli.addOptions({scanOption, reportOption, offlineOption, demoOption, quitOption});
    cli.process(app);

    // Real scans by default; the demo replay only when asked for by name.
    const bool demo = cli.isSet(demoOption);
    std::shared_ptr<vigil::ui::ScanBackend> backend;
    if (demo)
        backend = std::make_shared<vigil::ui::DemoScanBackend>(vigil::ui::makeDemoScanReport(), std::chrono::milliseconds(700));
    else
        backend = std::make_shared<vigil::ui::EngineScanBackend>(vigil::ui::defaultAnalyzerFactory());
    vigil::ui::ScanController scan(backend);
    if (demo) {
        scan.ruleModel()->setRules(vigil::ui::makeDemoRules());
        scan.setPreviousVersionLookup([](const vigil::engine::report::PackageReport& p) {
            return std::optional(vigil::ui::makeDemoPreviousVersion(p.name));
        });
    } else {
        scan.ruleModel()->setRules(vigil::ui::defaultAnalyzerRules());
    }
    vigil::ui::SettingsController settings;
    const bool offline = cli.isSet(offlineOption);
    const auto applySettings = [&] {
        auto options = settings.scanOptions();
        options.offline = options.offline || offline;
        scan.setOptions(std::move(options));
    };
    applySettings();
    QObject::connect(&settings, &vigil::ui::SettingsController::changed, &scan, applySettings);
    vigil::ui::ReportExporter exporter(&scan);
    vigil::ui::registerQmlTypes(&scan, &settings, &exporter);

    QQmlApplicationEngine engine;
    const QUrl url(QStringLiteral("qrc:/qt/qml/Vigil/Main.qml"));
    QObject::connect(&engine, &QQmlApplicationEngine::objectCreationFailed, &app,
                     [] { QCoreApplication::exit(1); }, Qt::QueuedConnection);
    engine.load(url);
    if (engine.rootObjects().isEmpty()) {
        std::fprintf(stderr, "vigil: the main window could not be created (see the QML errors above)\n");
        return 1;
    }
    if (cli.isSet(reportOption)) {
        const QString file = cli.value(reportOption);
        // The file's events (when it has them) are what the details page and the exports show.
        auto events = std::make_shared<vigil::engine::report::MemoryEventSource>();
        auto report = vigil::engine::report::readScanReportFile(file.toStdString(), events.get());
        if (!report) {
            std::fprintf(stderr, "vigil: %s\n", report.error().primary.c_str());
            if (!report.error().secondary.empty())
                std::fprintf(stderr, "  %s\n", report.error().secondary.c_str());
            return 2;
        }
        scan.setEventSource(events);
        scan.setReport(std::move(report).value());
        QMetaObject::invokeMethod(engine.rootObjects().constFirst(), "showPage", Q_ARG(QVariant, QStringLiteral("graph")));
    }
    if (cli.isSet(scanOption))
        scan.start(cli.value(scanOption));
    if (cli.isSet(quitOption))
        QTimer::singleShot(cli.value(quitOption).toInt(), &app, &QCoreApplication::quit);
    return QGuiApplication::exec();
}
