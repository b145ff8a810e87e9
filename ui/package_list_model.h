// @brief PackageListModel: the packages of a scan (name, version, severity, score, heat, …) for the
// scan page's list, the graph's search and the details page's picker.
#pragma once

#include <QAbstractListModel>

#include <vector>

#include "engine/report/scan_report.h"

namespace vigil::ui {

class PackageListModel : public QAbstractListModel {
    Q_OBJECT
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
public:
    enum Role {
        KeyRole = Qt::UserRole + 1, NameRole, VersionRole, SeverityRole, SeverityNameRole, ScoreRole,
        CategoryRole, FindingCountRole, TopFindingRole, CachedRole, FailedRole, HeatRole,
    };
    Q_ENUM(Role)

    explicit PackageListModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void setPackages(std::vector<engine::report::PackageReport> packages);
    /// Adds a package that just finished, keeping the order: severity desc, score desc, name.
    void addPackage(engine::report::PackageReport package);
    void clear();
    const std::vector<engine::report::PackageReport>& packages() const { return packages_; }

    Q_INVOKABLE int indexOfKey(const QString& key) const;
    Q_INVOKABLE QString keyAt(int row) const;

signals:
    void countChanged();

private:
    std::vector<engine::report::PackageReport> packages_;
};

/// The order every list uses: severity desc, score desc, name asc.
bool packageOrder(const engine::report::PackageReport& a, const engine::report::PackageReport& b);

}  // namespace vigil::ui
