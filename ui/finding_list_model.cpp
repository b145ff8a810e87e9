#include "ui/finding_list_model.h"

#include <algorithm>

namespace vigil::ui {

FindingListModel::FindingListModel(QObject* parent) : QAbstractListModel(parent) {}

int FindingListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

QVariant FindingListModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& row = rows_[static_cast<std::size_t>(index.row())];
    const auto& f = row.finding;
    const auto list = [](const std::vector<std::string>& items) {
        QStringList out;
        for (const auto& item : items)
            out << QString::fromStdString(item);
        return out;
    };
    switch (role) {
    case Qt::DisplayRole:
    case TitleRole: return QString::fromStdString(f.title);
    case PackageRole: return QString::fromStdString(row.package);
    case RuleIdRole: return QString::fromStdString(f.ruleId);
    case DescriptionRole: return QString::fromStdString(f.description);
    case SeverityRole: return static_cast<int>(f.severity);
    case SeverityNameRole: return QString::fromUtf8(engine::severityName(f.severity).data());
    case PhasesRole: return list(f.phases);
    case TagsRole: return list(f.tags);
    case EvidenceTextRole: {
        QStringList lines;
        for (const auto& [field, value] : f.evidence.items())
            lines << QString::fromStdString(field + ": " + (value.is_string() ? value.get<std::string>() : value.dump()));
        return lines.join(QLatin1Char('\n'));
    }
    case EvidenceRole: {
        QVariantList refs;
        for (const auto& ref : f.events)
            refs.append(QVariantMap{{QStringLiteral("phase"), QString::fromStdString(ref.phase)},
                                    {QStringLiteral("seq"), static_cast<qulonglong>(ref.seq)},
                                    {QStringLiteral("summary"), QString::fromStdString(ref.summary)}});
        return refs;
    }
    case ExpectedRole: return f.expected;
    default: return {};
    }
}

QHash<int, QByteArray> FindingListModel::roleNames() const {
    return {{PackageRole, "packageKey"},   {RuleIdRole, "ruleId"},     {TitleRole, "title"},
            {DescriptionRole, "description"}, {SeverityRole, "severity"}, {SeverityNameRole, "severityName"},
            {PhasesRole, "phases"},     {TagsRole, "tags"},         {EvidenceTextRole, "evidenceText"},
            {EvidenceRole, "evidence"}, {ExpectedRole, "expected"}};
}

void FindingListModel::setFromPackages(const std::vector<engine::report::PackageReport>& packages) {
    std::vector<Row> rows;
    for (const auto& p : packages)
        for (const auto& f : p.findings)
            rows.push_back({p.key(), f});
    std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.finding.severity > b.finding.severity; });
    beginResetModel();
    rows_ = std::move(rows);
    endResetModel();
    emit countChanged();
}

void FindingListModel::appendPackage(const engine::report::PackageReport& package) {
    if (package.findings.empty())
        return;
    const int first = rowCount();
    beginInsertRows({}, first, first + static_cast<int>(package.findings.size()) - 1);
    for (const auto& f : package.findings)
        rows_.push_back({package.key(), f});
    endInsertRows();
    emit countChanged();
}

}  // namespace vigil::ui
