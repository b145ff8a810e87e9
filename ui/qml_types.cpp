#include "ui/qml_types.h"

#include <QtQml/qqml.h>

#include "ui/dependency_graph_item.h"
#include "ui/event_timeline_item.h"
#include "ui/palette_object.h"
#include "ui/report_exporter.h"
#include "ui/scan_controller.h"
#include "ui/settings_controller.h"

namespace vigil::ui {

void registerQmlTypes(ScanController* scan, SettingsController* settings, ReportExporter* exporter) {
    constexpr const char* uri = "Vigil";
    qmlRegisterType<DependencyGraphItem>(uri, 1, 0, "DependencyGraph");
    qmlRegisterType<EventTimelineItem>(uri, 1, 0, "EventTimeline");
    const QString owned = QStringLiteral("created by the application");
    qmlRegisterUncreatableType<ScanController>(uri, 1, 0, "ScanController", owned);
    qmlRegisterUncreatableType<PackageListModel>(uri, 1, 0, "PackageListModel", owned);
    qmlRegisterUncreatableType<FindingListModel>(uri, 1, 0, "FindingListModel", owned);
    qmlRegisterUncreatableType<EventListModel>(uri, 1, 0, "EventListModel", owned);
    qmlRegisterUncreatableType<HeatmapModel>(uri, 1, 0, "HeatmapModel", owned);
    qmlRegisterUncreatableType<RuleListModel>(uri, 1, 0, "RuleListModel", owned);
    qmlRegisterUncreatableType<RecentProjectsModel>(uri, 1, 0, "RecentProjectsModel", owned);
    qmlRegisterUncreatableType<PackageDetails>(uri, 1, 0, "PackageDetails", owned);
    qmlRegisterUncreatableType<VersionDiffModel>(uri, 1, 0, "VersionDiffModel", owned);
    qmlRegisterUncreatableType<FileDiffModel>(uri, 1, 0, "FileDiffModel", owned);
    qmlRegisterSingletonInstance<ScanController>(uri, 1, 0, "Scan", scan);
    qmlRegisterSingletonInstance<SettingsController>(uri, 1, 0, "Settings", settings);
    qmlRegisterSingletonInstance<ReportExporter>(uri, 1, 0, "Exporter", exporter);
    static PaletteObject palette;  // constants only: one per process, lives as long as QML may
    // "Theme", not "Palette": QtQuick already has a Palette type.
    qmlRegisterSingletonInstance<PaletteObject>(uri, 1, 0, "Theme", &palette);
}

}  // namespace vigil::ui
