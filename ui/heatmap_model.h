// @brief HeatmapModel: packages × kHeatmapCategories, each cell a 0..100 heat; sortable by any
// column; a "norm" view shows each cell against the mean of the package's category peers.
#pragma once

#include <QAbstractTableModel>

#include <vector>

#include "engine/report/scan_report.h"

namespace vigil::ui {

class HeatmapModel : public QAbstractTableModel {
    Q_OBJECT
    Q_PROPERTY(bool normView READ normView WRITE setNormView NOTIFY normViewChanged)
    Q_PROPERTY(int sortColumn READ sortColumn NOTIFY sortChanged)
    Q_PROPERTY(int count READ packageCount NOTIFY countChanged)
public:
    enum Role { HeatRole = Qt::UserRole + 1, SeverityRole, KeyRole, DeltaRole, IsScoreRole };
    Q_ENUM(Role)

    explicit HeatmapModel(QObject* parent = nullptr);
    int rowCount(const QModelIndex& parent = {}) const override;
    /// Column 0 is the overall score; then one per kHeatmapCategories.
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    Q_INVOKABLE void sort(int column, Qt::SortOrder order = Qt::DescendingOrder) override;

    void setPackages(const std::vector<engine::report::PackageReport>& packages);
    bool normView() const { return normView_; }
    void setNormView(bool on);
    int sortColumn() const { return sortColumn_; }
    int packageCount() const { return static_cast<int>(rows_.size()); }
    Q_INVOKABLE QString keyAt(int row) const;
    Q_INVOKABLE int rowOfKey(const QString& key) const;
    Q_INVOKABLE int severityAt(int row) const;
    Q_INVOKABLE QString columnName(int column) const;

signals:
    void normViewChanged();
    void sortChanged();
    void countChanged();

private:
    struct Row {
        std::string key;
        std::string category;
        engine::Severity severity;
        std::vector<int> values;   ///< score, then per category
        std::vector<int> deltas;   ///< value minus the category peers' mean (0 without peers)
    };
    std::vector<Row> rows_;
    bool normView_ = false;
    int sortColumn_ = 0;
};

}  // namespace vigil::ui
