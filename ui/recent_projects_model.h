// @brief RecentProjectsModel: the projects opened before, most recent first, kept in QSettings.
#pragma once

#include <QAbstractListModel>
#include <QDateTime>

namespace vigil::ui {

class RecentProjectsModel : public QAbstractListModel {
    Q_OBJECT
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
public:
    enum Role { PathRole = Qt::UserRole + 1, NameRole, OpenedRole };
    Q_ENUM(Role)

    explicit RecentProjectsModel(QObject* parent = nullptr, int max = 8);
    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    /// Moves (or adds) the project to the top and saves the list.
    Q_INVOKABLE void add(const QString& path);
    Q_INVOKABLE void remove(int row);

signals:
    void countChanged();

private:
    void save() const;
    struct Entry {
        QString path;
        QDateTime opened;
    };
    QList<Entry> entries_;
    int max_;
};

}  // namespace vigil::ui
