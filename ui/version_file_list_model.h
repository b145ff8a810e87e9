// @brief VersionFileListModel: the files a version diff's newer version added, removed or changed,
// one row each — the list the diff page selects a file from to see its content diff.
#pragma once

#include <QAbstractListModel>
#include <QStringList>

#include <optional>

#include "engine/report/scan_report.h"

namespace vigil::ui {

class VersionFileListModel : public QAbstractListModel {
    Q_OBJECT
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
public:
    enum Role {
        PathRole = Qt::UserRole + 1,
        ChangeRole,  ///< "added", "removed", "changed"
    };
    Q_ENUM(Role)

    explicit VersionFileListModel(QObject* parent = nullptr);
    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    /// Changed files first (what a reviewer opens), then added, then removed; empty for nullopt.
    void setFiles(const std::optional<engine::report::FileChanges>& files);
    /// The row of `path`, -1 when it is not listed.
    Q_INVOKABLE int rowOf(const QString& path) const;
    /// The path of `row` ("" out of range): what the page loads when the selection moves.
    Q_INVOKABLE QString pathAt(int row) const;

signals:
    void countChanged();

private:
    struct Row {
        QString path;
        QString change;
    };
    std::vector<Row> rows_;
};

}  // namespace vigil::ui
