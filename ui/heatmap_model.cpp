#include "ui/heatmap_model.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <map>

#include "engine/analysis/category_norms.h"

namespace vigil::ui {
namespace {
constexpr int kCategories = static_cast<int>(std::size(engine::report::kHeatmapCategories));

QString percent(double share) {
    // "<1%" rather than "0%": a behaviour one peer in 300 shows is rare, not absent.
    if (share > 0 && share < 0.005)
        return QStringLiteral("<1%");
    return QStringLiteral("%1%").arg(std::lround(share * 100));
}
}  // namespace

HeatmapModel::HeatmapModel(QObject* parent) : QAbstractTableModel(parent) {}

int HeatmapModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : static_cast<int>(rows_.size()); }
int HeatmapModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : 1 + kCategories; }

QVariant HeatmapModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& r = rows_[static_cast<std::size_t>(index.row())];
    const int column = index.column();
    const auto col = static_cast<std::size_t>(column);
    const bool normCell = column > 0;
    switch (role) {
    case Qt::DisplayRole: return normView_ && normCell ? QVariant(normText(r, column, false)) : QVariant(r.values[col]);
    case HeatRole: return r.values[col];
    case SeverityRole: return static_cast<int>(r.severity);
    case KeyRole: return QString::fromStdString(r.key);
    case IsScoreRole: return column == 0;
    case NormTextRole: return normCell ? normText(r, column, false) : QString();
    case NormToolTipRole: return normCell ? normText(r, column, true) : QString();
    case NormLevelRole: return normCell ? normLevel(r, column) : 0.0;
    case NormAvailableRole:
        return normCell && r.norm && r.norm->cells[col - 1].known && r.norm->cells[col - 1].share.has_value();
    default: return {};
    }
}

QString HeatmapModel::normText(const Row& r, int column, bool full) const {
    const QString columnName = this->columnName(column);
    if (!r.norm)
        return full ? columnName + QStringLiteral(": ") + (normsNote_.isEmpty() ? tr("no norm computed yet") : normsNote_)
                    : QStringLiteral("…");
    const NormCell& cell = r.norm->cells[static_cast<std::size_t>(column - 1)];
    const QString behaviour = QString::fromStdString(cell.behaviour);
    if (!cell.known)
        return full ? tr("%1: not known — the analysis of this package holds no fingerprint").arg(columnName)
                    : QStringLiteral("—");
    const QString answer = cell.shows ? tr("yes") : tr("no");
    const QString category = QString::fromStdString(r.norm->category);
    const QString definition = QString::fromStdString(engine::analysis::behaviourDefinition(cell.behaviour));
    const auto withDefinition = [&](const QString& line) {
        return definition.isEmpty() ? line : line + QStringLiteral("\n") + behaviour + QStringLiteral(": ") + definition;
    };
    if (r.norm->category.empty())
        return full ? withDefinition(tr("%1: %2 — no norm: the package’s category is unknown").arg(behaviour, answer))
                    : tr("%1 · no norm").arg(answer);
    if (!cell.share)
        return full ? withDefinition(tr("%1: %2 — norm unavailable: only %3 other %4 packages analysed (at least %5 needed)")
                                         .arg(behaviour, answer)
                                         .arg(r.norm->peers)
                                         .arg(category)
                                         .arg(r.norm->minSample))
                    : tr("%1 · no norm").arg(answer);
    if (!full)
        return QStringLiteral("%1 · %2").arg(answer, percent(*cell.share));
    return withDefinition(tr("%1: %2 — %3 of %4 %5 packages do").arg(behaviour, answer, percent(*cell.share)).arg(r.norm->peers).arg(category));
}

double HeatmapModel::normLevel(const Row& r, int column) const {
    return r.norm ? r.norm->cells[static_cast<std::size_t>(column - 1)].unusual : 0.0;
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
    names.insert({{HeatRole, "heat"}, {SeverityRole, "severity"}, {KeyRole, "key"}, {IsScoreRole, "isScore"},
                  {NormTextRole, "normText"}, {NormToolTipRole, "normToolTip"}, {NormLevelRole, "normLevel"},
                  {NormAvailableRole, "normAvailable"}});
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
    const bool byNorm = normView_ && column > 0;
    std::stable_sort(rows_.begin(), rows_.end(), [&](const Row& a, const Row& b) {
        const double va = byNorm ? normLevel(a, column) : a.values[c];
        const double vb = byNorm ? normLevel(b, column) : b.values[c];
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
    if (packages.empty() && (normsLoading_ || !normsNote_.isEmpty())) {  // a new scan: nothing pending
        normsLoading_ = false;
        normsNote_.clear();
        normsDetail_.clear();
        emit normsChanged();
    }
    // Norms already known for a package (an earlier setNorms) stay until new ones come.
    std::map<std::string, PackageNorm> known;
    for (auto& old : rows_)
        if (old.norm)
            known.emplace(old.key, std::move(*old.norm));
    std::vector<Row> rows;
    for (const auto& p : packages) {
        Row row{p.key(), p.category, p.severity, {p.score}, std::nullopt};
        for (const char* category : engine::report::kHeatmapCategories) {
            const auto it = p.heat.find(category);
            row.values.push_back(it == p.heat.end() ? 0 : it->second);
        }
        if (auto it = known.find(row.key); it != known.end())
            row.norm = std::move(it->second);
        rows.push_back(std::move(row));
    }
    beginResetModel();
    rows_ = std::move(rows);
    endResetModel();
    if (!normsLoading_ && std::any_of(rows_.begin(), rows_.end(), [](const Row& r) { return !r.norm; })) {
        normsNote_ = tr("The category norms are computed when the scan ends.");
        normsDetail_.clear();
        emit normsChanged();
    }
    emit countChanged();
    sort(sortColumn_);
}

void HeatmapModel::normsReset() {
    if (!rows_.empty())
        emit dataChanged(index(0, 1), index(rowCount() - 1, columnCount() - 1));
    emit normsChanged();
    if (normView_ && sortColumn_ > 0)
        sort(sortColumn_);
}

void HeatmapModel::setNormsLoading() {
    normsLoading_ = true;
    normsNote_ = tr("Computing the category norms from the analysis store…");
    normsDetail_.clear();
    normsReset();
}

void HeatmapModel::setNorms(PackageNorms norms) {
    for (auto& row : rows_) {
        const auto it = norms.find(row.key);
        row.norm = it == norms.end() ? std::nullopt : std::optional<PackageNorm>(it->second);
    }
    normsLoading_ = false;
    normsNote_.clear();
    normsDetail_.clear();
    normsReset();
}

void HeatmapModel::setNormsError(const QString& primary, const QString& secondary) {
    for (auto& row : rows_)
        row.norm.reset();
    normsLoading_ = false;
    normsNote_ = primary;
    normsDetail_ = secondary;
    normsReset();
}

void HeatmapModel::setNormView(bool on) {
    if (on == normView_)
        return;
    normView_ = on;
    if (!rows_.empty())
        emit dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1), {Qt::DisplayRole});
    emit normViewChanged();
    if (sortColumn_ > 0)
        sort(sortColumn_);
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

int HeatmapModel::severityAt(int row) const {
    return row >= 0 && row < rowCount() ? static_cast<int>(rows_[static_cast<std::size_t>(row)].severity) : 0;
}

}  // namespace vigil::ui
