// vigil: the desktop application. Wires the scan backend, the controllers and the report
// renderers, then loads the QML shell from resources (Qt 6.4 has no loadFromModule, so by qrc
// URL — ARCHITECTURE.md §5).
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQuickStyle>
#include <QTimer>
#include <QUrl>

#include <cstdio>
#include <memory>

#include "ui/demo_report.h"
#include "ui/demo_scan_backend.h"
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

    // TODO(lead): replace the demo backend with the scan orchestrator's ScanBackend, and set the
    // ReportRenderers from engine/report (renderHtml, writePdf) once issue 8 is in main.
    auto backend = std::make_shared<vigil::ui::DemoScanBackend>(vigil::ui::makeDemoScanReport(), std::chrono::milliseconds(700));
    vigil::ui::ScanController scan(backend);
    scan.ruleModel()->setRules(vigil::ui::makeDemoRules());
    scan.setPreviousVersionLookup([](const vigil::engine::report::PackageReport& p) {
        return std::optional(vigil::ui::makeDemoPreviousVersion(p.name));
    });
    vigil::ui::SettingsController settings;
    scan.setOptions(settings.scanOptions());
    QObject::connect(&settings, &vigil::ui::SettingsController::changed, &scan, [&] { scan.setOptions(settings.scanOptions()); });
    vigil::ui::ReportExporter exporter(&scan, vigil::ui::ReportRenderers{});
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
    const QStringList args = QCoreApplication::arguments();
    // --scan PATH: start scanning a project right away (make run uses the demo).
    if (const auto i = args.indexOf(QStringLiteral("--scan")); i >= 0 && i + 1 < args.size())
        scan.start(args.at(i + 1));
    // --quit-after MS: used by the smoke test to prove the window opens and the event loop runs.
    if (const auto i = args.indexOf(QStringLiteral("--quit-after")); i >= 0 && i + 1 < args.size())
        QTimer::singleShot(args.at(i + 1).toInt(), &app, &QCoreApplication::quit);
    return QGuiApplication::exec();
}
