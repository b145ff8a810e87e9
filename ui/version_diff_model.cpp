#include "ui/version_diff_model.h"

#include <map>
#include <set>

namespace vigil::ui {

VersionDiffModel::VersionDiffModel(QObject* parent) : QAbstractListModel(parent) {}

int VersionDiffModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : static_cast<int>(rows_.size()); }

QVariant VersionDiffModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& r = rows_[static_cast<std::size_t>(index.row())];
    switch (role) {
    case Qt::DisplayRole:
    case BehaviourRole: return QString::fromStdString(r.behaviour);
    case CategoryRole: return QString::fromStdString(r.category);
    case ChangeRole: return r.inLeft && r.inRight ? QStringLiteral("same") : r.inRight ? QStringLiteral("added") : QStringLiteral("removed");
    case InLeftRole: return r.inLeft;
    case InRightRole: return r.inRight;
    default: return {};
    }
}

QHash<int, QByteArray> VersionDiffModel::roleNames() const {
    return {{CategoryRole, "category"}, {BehaviourRole, "behaviour"}, {ChangeRole, "change"}, {InLeftRole, "inLeft"}, {InRightRole, "inRight"}};
}

void VersionDiffModel::compare(const engine::report::PackageReport& older, const engine::report::PackageReport& newer) {
    // category -> behaviour -> (in older, in newer); fingerprints are {category: [behaviour, ...]}.
    std::map<std::string, std::map<std::string, std::pair<bool, bool>>> merged;
    const auto collect = [&merged](const nlohmann::json& fingerprint, bool left) {
        if (!fingerprint.is_object())
            return;
        for (const auto& [category, items] : fingerprint.items()) {
            if (!items.is_array())
                continue;
            for (const auto& item : items) {
                auto& cell = merged[category][item.is_string() ? item.get<std::string>() : item.dump()];
                (left ? cell.first : cell.second) = true;
            }
        }
    };
    collect(older.fingerprint, true);
    collect(newer.fingerprint, false);
    std::vector<Row> rows;
    added_ = removed_ = 0;
    // Changes first within each category: that is what the reader came for.
    for (const auto& [category, behaviours] : merged) {
        std::vector<Row> same;
        for (const auto& [behaviour, where] : behaviours) {
            Row row{category, behaviour, where.first, where.second};
            if (row.inLeft && row.inRight) {
                same.push_back(row);
                continue;
            }
            (row.inRight ? added_ : removed_)++;
            rows.push_back(row);
        }
        rows.insert(rows.end(), same.begin(), same.end());
    }
    beginResetModel();
    rows_ = std::move(rows);
    leftTitle_ = QString::fromStdString(older.key());
    rightTitle_ = QString::fromStdString(newer.key());
    endResetModel();
    emit changed();
}

}  // namespace vigil::ui
