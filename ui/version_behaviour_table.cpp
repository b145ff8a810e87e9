#include "ui/version_behaviour_table.h"

namespace vigil::ui {

VersionBehaviourTable::VersionBehaviourTable(QObject* parent) : QAbstractTableModel(parent) {}

int VersionBehaviourTable::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(entries_.size());
}

int VersionBehaviourTable::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : 2; }

QVariant VersionBehaviourTable::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Entry& e = entries_[static_cast<std::size_t>(index.row())];
    const bool left = index.column() == Older;
    // A changed line ("install started failing") describes the newer version against the older:
    // both have the behaviour, the description belongs to the right.
    const bool present = left ? e.change != "added" : e.change != "removed";
    // The evidence of an added or changed line is the newer version's events, of a removed line the older's.
    const bool evidenceHere = left ? e.change == "removed" : e.change != "removed";
    switch (role) {
    case Qt::DisplayRole:
    case TextRole: return present ? QString::fromStdString(e.text) : QString();
    case PresentRole: return present;
    case HighlightRole:
        if (left && e.change == "removed")
            return QStringLiteral("removed");
        if (!left && (e.change == "added" || e.change == "changed"))
            return QString::fromStdString(e.change);
        return QString();
    case ChangeRole: return QString::fromStdString(e.change);
    case CategoryRole: return QString::fromStdString(e.category);
    case SectionStartRole: return index.row() == 0 || entries_[static_cast<std::size_t>(index.row()) - 1].category != e.category;
    case EvidenceRole: return evidenceHere ? QString::fromStdString(e.evidence) : QString();
    case EventSummaryRole: return evidenceHere ? QString::fromStdString(e.eventSummary) : QString();
    default: return {};
    }
}

QVariant VersionBehaviourTable::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole || section < 0 || section > 1)
        return {};
    return titles_[section];
}

QHash<int, QByteArray> VersionBehaviourTable::roleNames() const {
    return {{TextRole, "text"},         {PresentRole, "present"},           {HighlightRole, "highlight"},
            {ChangeRole, "change"},     {CategoryRole, "category"},         {SectionStartRole, "sectionStart"},
            {EvidenceRole, "evidence"}, {EventSummaryRole, "eventSummary"}};
}

void VersionBehaviourTable::setEntries(std::vector<Entry> entries, const QString& olderTitle, const QString& newerTitle) {
    beginResetModel();
    entries_ = std::move(entries);
    titles_[Older] = olderTitle;
    titles_[Newer] = newerTitle;
    endResetModel();
    emit headerDataChanged(Qt::Horizontal, 0, 1);
    emit rowsChanged();
}

}  // namespace vigil::ui
