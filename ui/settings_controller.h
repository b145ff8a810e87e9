// @brief SettingsController: the settings page — scan options kept in QSettings, and the registry
// and authentication VIGIL will use, read from .npmrc as npm reads it.
#pragma once

#include <QObject>
#include <QStringList>

#include "ui/scan_backend.h"

namespace vigil::ui {

class SettingsController : public QObject {
    Q_OBJECT
    Q_PROPERTY(int parallelism READ parallelism WRITE setParallelism NOTIFY changed)
    Q_PROPERTY(QStringList phases READ phases WRITE setPhases NOTIFY changed)
    Q_PROPERTY(int phaseBudgetSeconds READ phaseBudgetSeconds WRITE setPhaseBudgetSeconds NOTIFY changed)
    Q_PROPERTY(QStringList ruleFolders READ ruleFolders WRITE setRuleFolders NOTIFY changed)
    Q_PROPERTY(QString storeLocation READ storeLocation WRITE setStoreLocation NOTIFY changed)
    Q_PROPERTY(QString registryOverride READ registryOverride WRITE setRegistryOverride NOTIFY changed)
    Q_PROPERTY(bool offline READ offline WRITE setOffline NOTIFY changed)
    Q_PROPERTY(QString userRulesFolder READ userRulesFolder CONSTANT)
    Q_PROPERTY(QString registry READ registry NOTIFY npmrcChanged)
    Q_PROPERTY(QString registryAuth READ registryAuth NOTIFY npmrcChanged)
    Q_PROPERTY(QStringList npmrcSources READ npmrcSources NOTIFY npmrcChanged)
    Q_PROPERTY(QString errorString READ errorString NOTIFY npmrcChanged)
    Q_PROPERTY(QString errorDetail READ errorDetail NOTIFY npmrcChanged)
public:
    explicit SettingsController(QObject* parent = nullptr);

    int parallelism() const;
    void setParallelism(int n);
    QStringList phases() const;
    void setPhases(const QStringList& phases);
    int phaseBudgetSeconds() const;
    void setPhaseBudgetSeconds(int seconds);
    QStringList ruleFolders() const;
    void setRuleFolders(const QStringList& folders);
    /// The SQLite store; by default the engine's ($XDG_DATA_HOME/vigil/vigil.db), shared with vigil-cli.
    QString storeLocation() const;
    void setStoreLocation(const QString& path);
    /// A registry URL used instead of .npmrc's ("" = .npmrc's).
    QString registryOverride() const;
    void setRegistryOverride(const QString& url);
    /// Never touch the network: resolve from lockfiles, fetch from the cache and file: tarballs.
    bool offline() const;
    void setOffline(bool offline);
    QString userRulesFolder() const;
    QString registry() const { return registry_; }
    QString registryAuth() const { return registryAuth_; }
    QStringList npmrcSources() const { return npmrcSources_; }
    QString errorString() const { return errorString_; }
    QString errorDetail() const { return errorDetail_; }

    /// Re-reads .npmrc for this project folder (user and project layers, environment).
    Q_INVOKABLE void loadNpmrc(const QString& projectDir);
    /// Opens the user rules folder in the desktop's file manager (creating it first).
    Q_INVOKABLE bool openUserRulesFolder() const;
    /// Everything above that the next scan needs (the engine backend turns it into its Config).
    ScanOptions scanOptions() const;

signals:
    void changed();
    void npmrcChanged();

private:
    QString registry_, registryAuth_, errorString_, errorDetail_;
    QStringList npmrcSources_;
};

}  // namespace vigil::ui
