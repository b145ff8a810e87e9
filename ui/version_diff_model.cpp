#include "ui/version_diff_model.h"

#include <map>

namespace vigil::ui {

namespace {

QStringList toList(const std::vector<std::string>& items) {
    QStringList out;
    for (const auto& i : items)
        out << QString::fromStdString(i);
    return out;
}

}  // namespace

VersionDiffModel::VersionDiffModel(QObject* parent)
    : QAbstractListModel(parent),
      table_(new VersionBehaviourTable(this)),
      files_(new VersionFileListModel(this)),
      fileDiff_(new FileDiffModel(this)) {}

int VersionDiffModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : static_cast<int>(rows_.size()); }

QVariant VersionDiffModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& r = rows_[static_cast<std::size_t>(index.row())];
    switch (role) {
    case Qt::DisplayRole:
    case BehaviourRole: return QString::fromStdString(r.behaviour);
    case CategoryRole: return QString::fromStdString(r.category);
    case ChangeRole: return QString::fromStdString(r.change);
    case InLeftRole: return r.change != "added";
    case InRightRole: return r.change != "removed";
    case EvidenceRole: return QString::fromStdString(r.evidence);
    case EventsRole: {
        QVariantList events;
        for (const auto& e : r.events)
            events.push_back(QVariantMap{{QStringLiteral("phase"), QString::fromStdString(e.phase)},
                                         {QStringLiteral("seq"), static_cast<qulonglong>(e.seq)},
                                         {QStringLiteral("summary"), QString::fromStdString(e.summary)}});
        return events;
    }
    case EventSummaryRole: {
        QStringList lines;
        for (const auto& e : r.events)
            if (!e.summary.empty())
                lines << QStringLiteral("%1 #%2  %3").arg(QString::fromStdString(e.phase)).arg(e.seq).arg(QString::fromStdString(e.summary));
        return lines.join(QLatin1Char('\n'));
    }
    default: return {};
    }
}

QHash<int, QByteArray> VersionDiffModel::roleNames() const {
    return {{CategoryRole, "category"}, {BehaviourRole, "behaviour"}, {ChangeRole, "change"},
            {InLeftRole, "inLeft"},     {InRightRole, "inRight"},     {EvidenceRole, "evidence"},
            {EventsRole, "events"},     {EventSummaryRole, "eventSummary"}};
}

void VersionDiffModel::replace(std::vector<Row> rows, const QString& left, const QString& right) {
    beginResetModel();
    rows_ = std::move(rows);
    leftTitle_ = left;
    rightTitle_ = right;
    added_ = removed_ = changed_ = 0;
    for (const auto& r : rows_) {
        if (r.change == "added")
            ++added_;
        else if (r.change == "removed")
            ++removed_;
        else if (r.change == "changed")
            ++changed_;
    }
    endResetModel();
    std::vector<VersionBehaviourTable::Entry> entries;
    entries.reserve(rows_.size());
    for (const auto& r : rows_)
        entries.push_back({r.category, r.behaviour, r.change, r.evidence,
                           data(index(static_cast<int>(entries.size())), EventSummaryRole).toString().toStdString()});
    table_->setEntries(std::move(entries), left, right);
    emit changed();
}

void VersionDiffModel::setFiles(const std::optional<engine::report::FileChanges>& files) {
    hasFiles_ = files.has_value();
    filesAdded_ = files ? toList(files->added) : QStringList();
    filesRemoved_ = files ? toList(files->removed) : QStringList();
    filesChanged_ = files ? toList(files->changed) : QStringList();
    fileDiff_->clear();  // its file belonged to the previous comparison
    files_->setFiles(files);  // before the page's reaction to it, which may open the first file
}

void VersionDiffModel::setStatus(Status status) {
    status_ = status;
    emit statusChanged();
}

void VersionDiffModel::setChanges(const QString& package, const engine::report::VersionChanges& changes) {
    // Grouped by section (the page's section headers), added before removed before changed within one.
    std::map<std::string, std::vector<Row>> bySection;
    std::vector<std::string> order;
    for (const auto& l : changes.lines) {
        if (!bySection.count(l.section))
            order.push_back(l.section);
        bySection[l.section].push_back(Row{l.section, l.text, l.change, l.evidence, l.events});
    }
    std::vector<Row> rows;
    for (const auto& section : order)
        for (auto& r : bySection[section])
            rows.push_back(std::move(r));
    summary_ = QString::fromStdString(changes.summary);
    changes_ = changes;
    package_ = package;
    setFiles(changes.files);
    errorString_.clear();
    errorDetail_.clear();
    statusText_.clear();
    replace(std::move(rows), package + QLatin1Char('@') + QString::fromStdString(changes.fromVersion),
            package + QLatin1Char('@') + QString::fromStdString(changes.toVersion));
    setStatus(Ready);
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
    // Changes first within each category: that is what the reader came for.
    for (const auto& [category, behaviours] : merged) {
        std::vector<Row> same;
        for (const auto& [behaviour, where] : behaviours) {
            const char* change = where.first && where.second ? "same" : where.second ? "added" : "removed";
            (where.first && where.second ? same : rows).push_back(Row{category, behaviour, change, {}, {}});
        }
        rows.insert(rows.end(), same.begin(), same.end());
    }
    changes_.reset();
    package_ = QString::fromStdString(newer.name);
    setFiles(std::nullopt);
    errorString_.clear();
    errorDetail_.clear();
    statusText_.clear();
    replace(std::move(rows), QString::fromStdString(older.key()), QString::fromStdString(newer.key()));
    summary_ = tr("%1 added, %2 removed").arg(added_).arg(removed_);
    emit changed();
    setStatus(Ready);
}

void VersionDiffModel::setRunning(const QString& text) {
    errorString_.clear();
    errorDetail_.clear();
    statusText_ = text;
    setStatus(Running);
}

void VersionDiffModel::setStatusText(const QString& text) {
    statusText_ = text;
    emit statusChanged();
}

void VersionDiffModel::setError(const QString& primary, const QString& secondary) {
    summary_.clear();
    changes_.reset();
    package_.clear();
    setFiles(std::nullopt);
    replace({}, {}, {});
    errorString_ = primary;
    errorDetail_ = secondary;
    statusText_.clear();
    setStatus(Failed);
}

void VersionDiffModel::clearError() {
    if (status_ != Failed)
        return;
    errorString_.clear();
    errorDetail_.clear();
    setStatus(Empty);
}

}  // namespace vigil::ui
