#include "ui/package_list_model.h"

#include <algorithm>

namespace vigil::ui {

bool packageOrder(const engine::report::PackageReport& a, const engine::report::PackageReport& b) {
    if (a.severity != b.severity)
        return a.severity > b.severity;
    if (a.score != b.score)
        return a.score > b.score;
    return a.key() < b.key();
}

PackageListModel::PackageListModel(QObject* parent) : QAbstractListModel(parent) {}

int PackageListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(packages_.size());
}

QVariant PackageListModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const auto& p = packages_[static_cast<std::size_t>(index.row())];
    switch (role) {
    case Qt::DisplayRole:
    case KeyRole: return QString::fromStdString(p.key());
    case NameRole: return QString::fromStdString(p.name);
    case VersionRole: return QString::fromStdString(p.version);
    case SeverityRole: return static_cast<int>(p.severity);
    case SeverityNameRole: return QString::fromUtf8(engine::severityName(p.severity).data());
    case ScoreRole: return p.score;
    case CategoryRole: return QString::fromStdString(p.category);
    case FindingCountRole: return static_cast<int>(p.findings.size());
    case TopFindingRole: {
        const auto top = std::max_element(p.findings.begin(), p.findings.end(),
                                          [](const auto& a, const auto& b) { return a.severity < b.severity; });
        return top == p.findings.end() ? QString() : QString::fromStdString(top->title);
    }
    case CachedRole: return p.cached;
    case FailedRole: return p.analysisFailed;
    case HeatRole: {
        QVariantList heat;
        for (const char* category : engine::report::kHeatmapCategories) {
            const auto it = p.heat.find(category);
            heat.append(it == p.heat.end() ? 0 : it->second);
        }
        return heat;
    }
    default: return {};
    }
}

QHash<int, QByteArray> PackageListModel::roleNames() const {
    return {{KeyRole, "key"},           {NameRole, "name"},       {VersionRole, "version"},
            {SeverityRole, "severity"}, {SeverityNameRole, "severityName"}, {ScoreRole, "score"},
            {CategoryRole, "category"}, {FindingCountRole, "findingCount"}, {TopFindingRole, "topFinding"},
            {CachedRole, "cached"},     {FailedRole, "failed"},   {HeatRole, "heat"}};
}

void PackageListModel::setPackages(std::vector<engine::report::PackageReport> packages) {
    std::stable_sort(packages.begin(), packages.end(), packageOrder);
    beginResetModel();
    packages_ = std::move(packages);
    endResetModel();
    emit countChanged();
}

void PackageListModel::addPackage(engine::report::PackageReport package) {
    const auto it = std::upper_bound(packages_.begin(), packages_.end(), package, packageOrder);
    const int row = static_cast<int>(it - packages_.begin());
    beginInsertRows({}, row, row);
    packages_.insert(it, std::move(package));
    endInsertRows();
    emit countChanged();
}

void PackageListModel::clear() { setPackages({}); }

int PackageListModel::indexOfKey(const QString& key) const {
    const std::string k = key.toStdString();
    for (std::size_t i = 0; i < packages_.size(); ++i)
        if (packages_[i].key() == k)
            return static_cast<int>(i);
    return -1;
}

QString PackageListModel::keyAt(int row) const {
    return row >= 0 && row < rowCount() ? QString::fromStdString(packages_[static_cast<std::size_t>(row)].key()) : QString();
}

}  // namespace vigil::ui
