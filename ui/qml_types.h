// @brief registerQmlTypes: makes ui/'s items, models and controllers known to QML under "Vigil 1.0".
//
// Registered by hand rather than with qt_add_qml_module: the QML is loaded by qrc URL (Qt 6.4
// has no loadFromModule), and one function shared by the app and the tests keeps both identical.
#pragma once

namespace vigil::ui {

class ScanController;
class SettingsController;
class ReportExporter;

/// Registers the types and the singletons Scan, Settings, Exporter and Theme (the palette) (the latter owned
/// by the caller's lifetime: call once per process, before loading QML).
void registerQmlTypes(ScanController* scan, SettingsController* settings, ReportExporter* exporter);

}  // namespace vigil::ui
