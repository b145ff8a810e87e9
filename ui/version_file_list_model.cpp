#include "ui/version_file_list_model.h"

namespace vigil::ui {

VersionFileListModel::VersionFileListModel(QObject* parent) : QAbstractListModel(parent) {}

int VersionFileListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

QVariant VersionFileListModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& r = rows_[static_cast<std::size_t>(index.row())];
    switch (role) {
    case Qt::DisplayRole:
    case PathRole: return r.path;
    case ChangeRole: return r.change;
    default: return {};
    }
}

QHash<int, QByteArray> VersionFileListModel::roleNames() const { return {{PathRole, "path"}, {ChangeRole, "change"}}; }

void VersionFileListModel::setFiles(const std::optional<engine::report::FileChanges>& files) {
    beginResetModel();
    rows_.clear();
    if (files) {
        const std::pair<const std::vector<std::string>*, QString> lists[] = {
            {&files->changed, QStringLiteral("changed")}, {&files->added, QStringLiteral("added")}, {&files->removed, QStringLiteral("removed")}};
        for (const auto& [list, change] : lists)
            for (const auto& path : *list)
                rows_.push_back({QString::fromStdString(path), change});
    }
    endResetModel();
    emit countChanged();
}

int VersionFileListModel::rowOf(const QString& path) const {
    for (std::size_t i = 0; i < rows_.size(); ++i)
        if (rows_[i].path == path)
            return static_cast<int>(i);
    return -1;
}

QString VersionFileListModel::pathAt(int row) const {
    return row >= 0 && row < static_cast<int>(rows_.size()) ? rows_[static_cast<std::size_t>(row)].path : QString();
}

}  // namespace vigil::ui
