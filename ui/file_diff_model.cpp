#include "ui/file_diff_model.h"

#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <memory>

namespace vigil::ui {

FileDiffModel::FileDiffModel(QObject* parent) : QAbstractListModel(parent) {}

FileDiffModel::~FileDiffModel() { workers_.waitForFinished(); }

int FileDiffModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : static_cast<int>(rows_.size()); }

QVariant FileDiffModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& r = rows_[static_cast<std::size_t>(index.row())];
    switch (role) {
    case Qt::DisplayRole:
    case TextRole: return r.text;
    case KindRole: return r.kind;
    case OldLineRole: return r.oldLine;
    case NewLineRole: return r.newLine;
    case NoNewlineRole: return r.noNewline;
    default: return {};
    }
}

QHash<int, QByteArray> FileDiffModel::roleNames() const {
    return {{KindRole, "kind"}, {OldLineRole, "oldLine"}, {NewLineRole, "newLine"}, {TextRole, "text"}, {NoNewlineRole, "noNewline"}};
}

void FileDiffModel::setStatus(Status status) {
    status_ = status;
    emit statusChanged();
}

void FileDiffModel::replace(std::vector<Row> rows) {
    beginResetModel();
    rows_ = std::move(rows);
    endResetModel();
    emit changed();
}

void FileDiffModel::load(const QString& path, Loader loader) {
    const quint64 run = ++generation_;
    path_ = path;
    errorString_.clear();
    errorDetail_.clear();
    emit changed();
    setStatus(Loading);
    // A previous load still running is not waited for (that would block the GUI thread): its
    // result is dropped by the generation check; the destructor waits for all of them.
    const auto finished = workers_.futures();
    if (std::all_of(finished.begin(), finished.end(), [](const QFuture<void>& f) { return f.isFinished(); }))
        workers_.clearFutures();  // one kept per click otherwise
    workers_.addFuture(QtConcurrent::run([this, run, path, loader = std::move(loader)] {
        auto result = std::make_shared<engine::Result<engine::resolve::ContentDiff>>(loader());
        QMetaObject::invokeMethod(this, [this, run, path, result] {
            if (run != generation_)
                return;
            if (!*result)
                setError(path, QString::fromStdString(result->error().primary), QString::fromStdString(result->error().secondary));
            else
                setDiff(**result);
        }, Qt::QueuedConnection);
    }));
}

void FileDiffModel::setDiff(const engine::resolve::ContentDiff& diff) {
    std::vector<Row> rows;
    for (const auto& h : diff.hunks) {
        rows.push_back({QStringLiteral("hunk"), 0, 0, QString::fromUtf8(h.header.data(), static_cast<qsizetype>(h.header.size())), false});
        for (const auto& l : h.lines) {
            const QString kind = l.origin == '+' ? QStringLiteral("added") : l.origin == '-' ? QStringLiteral("removed") : QStringLiteral("context");
            rows.push_back({kind, l.oldLine, l.newLine, QString::fromUtf8(l.text.data(), static_cast<qsizetype>(l.text.size())), l.noNewlineAtEnd});
        }
    }
    path_ = QString::fromStdString(diff.path);
    kind_ = QString::fromLatin1(engine::resolve::contentDiffKindName(diff.kind));
    note_ = QString::fromStdString(diff.note);
    added_ = diff.added;
    removed_ = diff.removed;
    errorString_.clear();
    errorDetail_.clear();
    replace(std::move(rows));
    setStatus(Ready);
}

void FileDiffModel::setError(const QString& path, const QString& primary, const QString& secondary) {
    path_ = path;
    kind_.clear();
    note_.clear();
    added_ = removed_ = 0;
    errorString_ = primary;
    errorDetail_ = secondary;
    replace({});
    setStatus(Failed);
}

void FileDiffModel::clear() {
    ++generation_;
    path_.clear();
    kind_.clear();
    note_.clear();
    added_ = removed_ = 0;
    errorString_.clear();
    errorDetail_.clear();
    replace({});
    setStatus(Empty);
}

}  // namespace vigil::ui
