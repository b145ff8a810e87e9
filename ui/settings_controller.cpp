#include "ui/settings_controller.h"

#include <QDesktopServices>
#include <QDir>
#include <QProcessEnvironment>
#include <QSettings>
#include <QUrl>

#include "engine/core/config.h"
#include "engine/resolve/npmrc.h"

namespace vigil::ui {
namespace {
QVariant setting(const char* key, const QVariant& fallback) { return QSettings().value(QLatin1String(key), fallback); }
}  // namespace

SettingsController::SettingsController(QObject* parent) : QObject(parent) { loadNpmrc(QDir::currentPath()); }

int SettingsController::parallelism() const { return setting("scan/parallelism", 0).toInt(); }
void SettingsController::setParallelism(int n) { QSettings().setValue(QStringLiteral("scan/parallelism"), n); emit changed(); }
QStringList SettingsController::phases() const {
    return setting("scan/phases", QStringList{QStringLiteral("install"), QStringLiteral("import"), QStringLiteral("api")}).toStringList();
}
void SettingsController::setPhases(const QStringList& phases) { QSettings().setValue(QStringLiteral("scan/phases"), phases); emit changed(); }
int SettingsController::phaseBudgetSeconds() const { return setting("scan/phaseBudgetSeconds", 60).toInt(); }
void SettingsController::setPhaseBudgetSeconds(int s) { QSettings().setValue(QStringLiteral("scan/phaseBudgetSeconds"), s); emit changed(); }
QStringList SettingsController::ruleFolders() const { return setting("rules/folders", QStringList{userRulesFolder()}).toStringList(); }
void SettingsController::setRuleFolders(const QStringList& f) { QSettings().setValue(QStringLiteral("rules/folders"), f); emit changed(); }
QString SettingsController::storeLocation() const {
    // The engine's default, so the GUI and vigil-cli share one history of scans.
    const auto fallback = engine::Config::defaults(engine::processEnvironment()).storePath;
    return setting("store/location", QString::fromStdString(fallback.string())).toString();
}
void SettingsController::setStoreLocation(const QString& p) { QSettings().setValue(QStringLiteral("store/location"), p); emit changed(); }
QString SettingsController::userRulesFolder() const {
    // Beside the engine's config file: $XDG_CONFIG_HOME/vigil/rules.
    const auto config = engine::Config::userConfigFile(engine::processEnvironment());
    return QString::fromStdString((config.parent_path() / "rules").string());
}
QString SettingsController::registryOverride() const { return setting("scan/registry", QString()).toString(); }
void SettingsController::setRegistryOverride(const QString& url) {
    QSettings().setValue(QStringLiteral("scan/registry"), url.trimmed());
    emit changed();
}
bool SettingsController::offline() const { return setting("scan/offline", false).toBool(); }
void SettingsController::setOffline(bool offline) {
    QSettings().setValue(QStringLiteral("scan/offline"), offline);
    emit changed();
}

void SettingsController::loadNpmrc(const QString& projectDir) {
    std::map<std::string, std::string> env;
    const auto system = QProcessEnvironment::systemEnvironment();
    for (const QString& key : system.keys())
        env[key.toStdString()] = system.value(key).toStdString();
    const auto config = engine::resolve::loadRegistryConfig(projectDir.toStdString(), env);
    npmrcSources_.clear();
    if (!config.ok()) {
        errorString_ = QString::fromStdString(config.error().primary);
        errorDetail_ = QString::fromStdString(config.error().secondary);
        registry_ = QStringLiteral("https://registry.npmjs.org/");
        registryAuth_.clear();
    } else {
        errorString_.clear();
        errorDetail_.clear();
        registry_ = QString::fromStdString(config->registry);
        // Never the secret itself: only whether one will be sent, and of which kind.
        const auto auth = config->authorizationFor(config->registry);
        registryAuth_ = !auth ? tr("none (anonymous)") : auth->rfind("Bearer", 0) == 0 ? tr("token") : tr("user and password");
        for (const auto& source : config->sources)
            npmrcSources_ << QString::fromStdString(source);
    }
    emit npmrcChanged();
}

bool SettingsController::openUserRulesFolder() const {
    QDir().mkpath(userRulesFolder());
    return QDesktopServices::openUrl(QUrl::fromLocalFile(userRulesFolder()));
}

ScanOptions SettingsController::scanOptions() const {
    ScanOptions options;
    options.parallelism = parallelism();
    options.phases.clear();
    for (const QString& phase : phases())
        options.phases.push_back(phase.toStdString());
    options.phaseBudget = std::chrono::seconds(phaseBudgetSeconds());
    options.offline = offline();
    options.registry = registryOverride().toStdString();
    for (const QString& folder : ruleFolders())
        options.ruleFolders.push_back(folder.toStdString());
    options.storePath = storeLocation().toStdString();
    return options;
}

}  // namespace vigil::ui
