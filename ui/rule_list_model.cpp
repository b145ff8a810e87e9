#include "ui/rule_list_model.h"

#include <QSettings>

namespace vigil::ui {
namespace {
const QString kDisabledKey = QStringLiteral("rules/disabled");
}

RuleListModel::RuleListModel(QObject* parent) : QAbstractListModel(parent) {}

int RuleListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

QVariant RuleListModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& r = rows_[static_cast<std::size_t>(index.row())];
    switch (role) {
    case Qt::DisplayRole:
    case IdRole: return QString::fromStdString(r.info.id);
    case TitleRole: return QString::fromStdString(r.info.title);
    case SeverityRole: return static_cast<int>(r.info.severity);
    case SeverityNameRole: return QString::fromUtf8(engine::severityName(r.info.severity).data());
    case SourceRole: return QString::fromStdString(r.info.source);
    case HitsRole: return r.hits;
    case EnabledRole: return r.enabled;
    default: return {};
    }
}

bool RuleListModel::setData(const QModelIndex& index, const QVariant& value, int role) {
    if (role != EnabledRole || !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return false;
    Row& r = rows_[static_cast<std::size_t>(index.row())];
    if (r.enabled == value.toBool())
        return true;
    r.enabled = value.toBool();
    QStringList disabled;
    for (const auto& id : disabledRules())
        disabled << QString::fromStdString(id);
    QSettings().setValue(kDisabledKey, disabled);
    emit dataChanged(index, index, {EnabledRole});
    return true;
}

Qt::ItemFlags RuleListModel::flags(const QModelIndex& index) const {
    return QAbstractListModel::flags(index) | (index.isValid() ? Qt::ItemIsEditable : Qt::NoItemFlags);
}

QHash<int, QByteArray> RuleListModel::roleNames() const {
    return {{IdRole, "ruleId"}, {TitleRole, "title"}, {SeverityRole, "severity"}, {SeverityNameRole, "severityName"},
            {SourceRole, "source"}, {HitsRole, "hits"}, {EnabledRole, "enabled"}};
}

void RuleListModel::setRules(std::vector<RuleInfo> rules) {
    const QStringList disabled = QSettings().value(kDisabledKey).toStringList();
    beginResetModel();
    rows_.clear();
    for (auto& info : rules) {
        const bool enabled = !disabled.contains(QString::fromStdString(info.id));
        rows_.push_back({std::move(info), 0, enabled});
    }
    endResetModel();
    emit countChanged();
}

void RuleListModel::setHits(const std::map<std::string, int>& hits) {
    for (auto& r : rows_) {
        const auto it = hits.find(r.info.id);
        r.hits = it == hits.end() ? 0 : it->second;
    }
    if (!rows_.empty())
        emit dataChanged(index(0), index(rowCount() - 1), {HitsRole});
}

void RuleListModel::setEnabled(int row, bool enabled) { setData(index(row), enabled, EnabledRole); }

std::vector<std::string> RuleListModel::disabledRules() const {
    std::vector<std::string> out;
    for (const auto& r : rows_)
        if (!r.enabled)
            out.push_back(r.info.id);
    return out;
}

}  // namespace vigil::ui
