#include "ui/event_list_model.h"

#include "ui/event_text.h"

namespace vigil::ui {

EventListModel::EventListModel(QObject* parent, std::size_t cap) : QAbstractListModel(parent), cap_(cap) {}

int EventListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(events_.size());
}

QVariant EventListModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const auto& row = events_[static_cast<std::size_t>(index.row())];
    const auto& e = row.event;
    switch (role) {
    case Qt::DisplayRole:
    case SummaryRole: return QString::fromStdString(eventSummary(e));
    case SeqRole: return static_cast<qulonglong>(e.seq);
    case TimeMsRole: return static_cast<double>(e.tsNs) / 1e6;
    case PhaseRole: return QString::fromStdString(e.phase);
    case KindRole: return QString::fromStdString(e.kind);
    case CategoryRole: return QString::fromUtf8(e.category().data(), static_cast<qsizetype>(e.category().size()));
    case PidRole: return e.pid;
    case ExeRole: return QString::fromStdString(e.exe);
    case PackageRole: return QString::fromStdString(e.attribution.text());
    case SourceRole: return QString::fromUtf8(engine::collect::sourceName(e.source));
    case RawRole: return QString::fromStdString(engine::collect::toJson(e).dump(2));
    case AnalysedPackageRole: return QString::fromStdString(row.package);
    default: return {};
    }
}

QHash<int, QByteArray> EventListModel::roleNames() const {
    return {{SeqRole, "seq"},       {TimeMsRole, "timeMs"},   {PhaseRole, "phase"},     {KindRole, "kind"},
            {CategoryRole, "category"}, {PidRole, "pid"},     {ExeRole, "exe"},         {SummaryRole, "summary"},
            {PackageRole, "attribution"},   {SourceRole, "source"}, {RawRole, "raw"},
            {AnalysedPackageRole, "packageKey"}};
}

void EventListModel::appendBatch(std::vector<engine::collect::Event> events) {
    std::vector<PackageEventBatch> batches(1);
    batches.front().events = std::move(events);
    appendBatches(std::move(batches));
}

void EventListModel::appendBatches(std::vector<PackageEventBatch> batches) {
    std::vector<Row> rows;
    for (auto& batch : batches)
        for (auto& e : batch.events)
            rows.push_back({std::move(e), batch.package});
    append(std::move(rows));
}

void EventListModel::append(std::vector<Row> rows) {
    if (rows.empty())
        return;
    totalSeen_ += rows.size();
    if (rows.size() > cap_)
        rows.erase(rows.begin(), rows.end() - static_cast<std::ptrdiff_t>(cap_));
    const std::size_t overflow = events_.size() + rows.size() > cap_ ? events_.size() + rows.size() - cap_ : 0;
    if (overflow > 0) {
        beginRemoveRows({}, 0, static_cast<int>(overflow) - 1);
        events_.erase(events_.begin(), events_.begin() + static_cast<std::ptrdiff_t>(overflow));
        endRemoveRows();
    }
    const int first = rowCount();
    beginInsertRows({}, first, first + static_cast<int>(rows.size()) - 1);
    for (auto& r : rows)
        events_.push_back(std::move(r));
    endInsertRows();
    emit countChanged();
}

void EventListModel::setEvents(std::vector<engine::collect::Event> events) {
    beginResetModel();
    events_.clear();
    for (auto& e : events)
        events_.push_back({std::move(e), {}});
    totalSeen_ = events_.size();
    endResetModel();
    emit countChanged();
}

void EventListModel::clear() { setEvents({}); }

int EventListModel::indexOf(const QString& phase, qulonglong seq) const {
    const std::string p = phase.toStdString();
    for (std::size_t i = 0; i < events_.size(); ++i)
        if (events_[i].event.seq == seq && events_[i].event.phase == p)
            return static_cast<int>(i);
    return -1;
}

QString EventListModel::rawAt(int row) const {
    return data(index(row), RawRole).toString();
}

}  // namespace vigil::ui
