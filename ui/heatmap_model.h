// @brief HeatmapModel: packages × kHeatmapCategories, each cell a 0..100 heat; sortable by any
// column; a "norm" view shows each cell against its category's norm in the store (PackageNorms).
#pragma once

#include <QAbstractTableModel>

#include <vector>

#include "engine/report/scan_report.h"
#include "ui/package_norms.h"

namespace vigil::ui {

class HeatmapModel : public QAbstractTableModel {
    Q_OBJECT
    Q_PROPERTY(bool normView READ normView WRITE setNormView NOTIFY normViewChanged)
    Q_PROPERTY(int sortColumn READ sortColumn NOTIFY sortChanged)
    Q_PROPERTY(int count READ packageCount NOTIFY countChanged)
    /// Why the norm view shows no shares: "Computing category norms…", the backend's error; "" when shown.
    Q_PROPERTY(QString normsNote READ normsNote NOTIFY normsChanged)
    Q_PROPERTY(QString normsDetail READ normsDetail NOTIFY normsChanged)
    Q_PROPERTY(bool normsLoading READ normsLoading NOTIFY normsChanged)
public:
    enum Role {
        HeatRole = Qt::UserRole + 1, SeverityRole, KeyRole, IsScoreRole,
        NormTextRole,       ///< short: "yes · 4%", "no · 60%", "yes · no norm"
        NormToolTipRole,    ///< "network: yes — 4% of 120 http-client packages do" and the behaviour's definition
        NormLevelRole,      ///< NormCell::unusual: -1..1, 0 without a norm
        NormAvailableRole,  ///< a share is shown
    };
    Q_ENUM(Role)

    explicit HeatmapModel(QObject* parent = nullptr);
    int rowCount(const QModelIndex& parent = {}) const override;
    /// Column 0 is the overall score; then one per kHeatmapCategories.
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    /// In norm view, category columns sort by how unusual the package is among its peers.
    Q_INVOKABLE void sort(int column, Qt::SortOrder order = Qt::DescendingOrder) override;

    /// New packages: their norms are unknown until setNorms (the note says they are pending).
    void setPackages(const std::vector<engine::report::PackageReport>& packages);
    /// The norms are being computed (off the GUI thread).
    void setNormsLoading();
    void setNorms(PackageNorms norms);
    void setNormsError(const QString& primary, const QString& secondary);
    bool normView() const { return normView_; }
    void setNormView(bool on);
    int sortColumn() const { return sortColumn_; }
    int packageCount() const { return static_cast<int>(rows_.size()); }
    QString normsNote() const { return normsNote_; }
    QString normsDetail() const { return normsDetail_; }
    bool normsLoading() const { return normsLoading_; }
    Q_INVOKABLE QString keyAt(int row) const;
    Q_INVOKABLE int rowOfKey(const QString& key) const;
    Q_INVOKABLE int severityAt(int row) const;
    Q_INVOKABLE QString columnName(int column) const;

signals:
    void normViewChanged();
    void sortChanged();
    void countChanged();
    void normsChanged();

private:
    struct Row {
        std::string key;
        std::string category;
        engine::Severity severity;
        std::vector<int> values;           ///< score, then per category
        std::optional<PackageNorm> norm;   ///< empty until the norms arrive
    };
    QString normText(const Row& row, int column, bool full) const;
    double normLevel(const Row& row, int column) const;
    void normsReset();

    std::vector<Row> rows_;
    bool normView_ = false;
    int sortColumn_ = 0;
    QString normsNote_, normsDetail_;
    bool normsLoading_ = false;
};

}  // namespace vigil::ui
