#include "ui/heatmap_model.h"

#include <algorithm>
#include <iterator>
#include <map>

namespace vigil::ui {
namespace {
constexpr int kCategories = static_cast<int>(std::size(engine::report::kHeatmapCategories));
}

HeatmapModel::HeatmapModel(QObject* parent) : QAbstractTableModel(parent) {}

int HeatmapModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : static_cast<int>(rows_.size()); }
int HeatmapModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : 1 + kCategories; }

QVariant HeatmapModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& r = rows_[static_cast<std::size_t>(index.row())];
    const auto col = static_cast<std::size_t>(index.column());
    switch (role) {
    case Qt::DisplayRole: return normView_ && col > 0 ? r.deltas[col] : r.values[col];
    case HeatRole: return r.values[col];
    case DeltaRole: return r.deltas[col];
    case SeverityRole: return static_cast<int>(r.severity);
    case KeyRole: return QString::fromStdString(r.key);
    case IsScoreRole: return col == 0;
    default: return {};
    }
}

QVariant HeatmapModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (role != Qt::DisplayRole)
        return {};
    if (orientation == Qt::Vertical)
        return section >= 0 && section < rowCount() ? QVariant(QString::fromStdString(rows_[static_cast<std::size_t>(section)].key)) : QVariant();
    return columnName(section);
}

QHash<int, QByteArray> HeatmapModel::roleNames() const {
    auto names = QAbstractTableModel::roleNames();
    names.insert({{HeatRole, "heat"}, {SeverityRole, "severity"}, {KeyRole, "key"}, {DeltaRole, "delta"}, {IsScoreRole, "isScore"}});
    return names;
}

QString HeatmapModel::columnName(int column) const {
    if (column == 0)
        return QStringLiteral("score");
    return column > 0 && column <= kCategories ? QString::fromUtf8(engine::report::kHeatmapCategories[column - 1]) : QString();
}

void HeatmapModel::sort(int column, Qt::SortOrder order) {
    if (column < 0 || column > kCategories)
        return;
    emit layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
    const auto c = static_cast<std::size_t>(column);
    std::stable_sort(rows_.begin(), rows_.end(), [&](const Row& a, const Row& b) {
        const int va = normView_ && c > 0 ? a.deltas[c] : a.values[c];
        const int vb = normView_ && c > 0 ? b.deltas[c] : b.values[c];
        if (va != vb)
            return order == Qt::DescendingOrder ? va > vb : va < vb;
        return a.key < b.key;
    });
    // Rows moved without persistent indexes to fix: the model hands out none that outlive a sort.
    emit layoutChanged({}, QAbstractItemModel::VerticalSortHint);
    sortColumn_ = column;
    emit sortChanged();
}

void HeatmapModel::setPackages(const std::vector<engine::report::PackageReport>& packages) {
    std::vector<Row> rows;
    std::map<std::string, std::vector<const engine::report::PackageReport*>> byCategory;
    for (const auto& p : packages)
        byCategory[p.category].push_back(&p);
    const auto valuesOf = [](const engine::report::PackageReport& p) {
        std::vector<int> values{p.score};
        for (const char* category : engine::report::kHeatmapCategories) {
            const auto it = p.heat.find(category);
            values.push_back(it == p.heat.end() ? 0 : it->second);
        }
        return values;
    };
    for (const auto& p : packages) {
        Row row{p.key(), p.category, p.severity, valuesOf(p), std::vector<int>(1 + kCategories, 0)};
        // The norm: the mean of the other packages of the same inferred category; a package
        // alone in its category is compared with the rest of the project instead.
        std::vector<const engine::report::PackageReport*> peers;
        const auto& sameCategory = byCategory[p.category];
        for (const auto& other : packages)
            if (&other != &p && (sameCategory.size() < 2 || other.category == p.category))
                peers.push_back(&other);
        if (!peers.empty())
            for (std::size_t c = 0; c < row.values.size(); ++c) {
                int sum = 0;
                for (const auto* peer : peers)
                    sum += valuesOf(*peer)[c];
                row.deltas[c] = row.values[c] - sum / static_cast<int>(peers.size());
            }
        rows.push_back(std::move(row));
    }
    beginResetModel();
    rows_ = std::move(rows);
    endResetModel();
    emit countChanged();
    sort(sortColumn_);
}

void HeatmapModel::setNormView(bool on) {
    if (on == normView_)
        return;
    normView_ = on;
    if (!rows_.empty())
        emit dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1), {Qt::DisplayRole});
    emit normViewChanged();
}

QString HeatmapModel::keyAt(int row) const {
    return row >= 0 && row < rowCount() ? QString::fromStdString(rows_[static_cast<std::size_t>(row)].key) : QString();
}

int HeatmapModel::rowOfKey(const QString& key) const {
    for (std::size_t i = 0; i < rows_.size(); ++i)
        if (rows_[i].key == key.toStdString())
            return static_cast<int>(i);
    return -1;
}

}  // namespace vigil::ui

namespace vigil::ui {
int HeatmapModel::severityAt(int row) const {
    return row >= 0 && row < rowCount() ? static_cast<int>(rows_[static_cast<std::size_t>(row)].severity) : 0;
}
}  // namespace vigil::ui
