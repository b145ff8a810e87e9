#include "ui/recent_projects_model.h"

#include <QFileInfo>
#include <QSettings>

namespace vigil::ui {

RecentProjectsModel::RecentProjectsModel(QObject* parent, int max) : QAbstractListModel(parent), max_(max) {
    QSettings settings;
    const int n = settings.beginReadArray(QStringLiteral("recentProjects"));
    for (int i = 0; i < n && i < max_; ++i) {
        settings.setArrayIndex(i);
        entries_.append({settings.value(QStringLiteral("path")).toString(), settings.value(QStringLiteral("opened")).toDateTime()});
    }
    settings.endArray();
}

int RecentProjectsModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : static_cast<int>(entries_.size()); }

QVariant RecentProjectsModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Entry& e = entries_.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case PathRole: return e.path;
    case NameRole: return QFileInfo(e.path).fileName().isEmpty() ? e.path : QFileInfo(e.path).fileName();
    case OpenedRole: return e.opened;
    default: return {};
    }
}

QHash<int, QByteArray> RecentProjectsModel::roleNames() const {
    return {{PathRole, "path"}, {NameRole, "name"}, {OpenedRole, "opened"}};
}

void RecentProjectsModel::add(const QString& path) {
    for (int i = 0; i < entries_.size(); ++i)
        if (entries_.at(i).path == path) {
            remove(i);
            break;
        }
    beginInsertRows({}, 0, 0);
    entries_.prepend({path, QDateTime::currentDateTime()});
    endInsertRows();
    if (entries_.size() > max_) {
        beginRemoveRows({}, max_, static_cast<int>(entries_.size()) - 1);
        entries_.resize(max_);
        endRemoveRows();
    }
    save();
    emit countChanged();
}

void RecentProjectsModel::remove(int row) {
    if (row < 0 || row >= entries_.size())
        return;
    beginRemoveRows({}, row, row);
    entries_.removeAt(row);
    endRemoveRows();
    save();
    emit countChanged();
}

void RecentProjectsModel::save() const {
    QSettings settings;
    settings.beginWriteArray(QStringLiteral("recentProjects"), static_cast<int>(entries_.size()));
    for (int i = 0; i < entries_.size(); ++i) {
        settings.setArrayIndex(i);
        settings.setValue(QStringLiteral("path"), entries_.at(i).path);
        settings.setValue(QStringLiteral("opened"), entries_.at(i).opened);
    }
    settings.endArray();
}

}  // namespace vigil::ui
