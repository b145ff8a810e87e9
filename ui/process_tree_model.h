// @brief ProcessTreeModel: the processes a package started, as a flattened tree (depth per row)
// built from process.fork/exec/exit events, for an indented list on the details page.
#pragma once

#include <QAbstractListModel>

#include <vector>

#include "engine/collect/event.h"

namespace vigil::ui {

class ProcessTreeModel : public QAbstractListModel {
    Q_OBJECT
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
public:
    enum Role { PidRole = Qt::UserRole + 1, PhaseRole, DepthRole, CommandRole, ExitRole, StartMsRole };
    Q_ENUM(Role)

    explicit ProcessTreeModel(QObject* parent = nullptr);
    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void setEvents(const std::vector<engine::collect::Event>& events);

signals:
    void countChanged();

private:
    struct Row {
        int pid = 0;
        std::string phase;
        int depth = 0;
        std::string command;
        std::string exit;
        double startMs = 0;
    };
    std::vector<Row> rows_;
};

}  // namespace vigil::ui
