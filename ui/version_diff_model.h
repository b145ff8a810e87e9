// @brief VersionDiffModel: two versions of a package side by side — every behaviour of their
// fingerprints, marked added (only in the newer), removed (only in the older) or unchanged.
#pragma once

#include <QAbstractListModel>

#include <vector>

#include "engine/report/scan_report.h"

namespace vigil::ui {

class VersionDiffModel : public QAbstractListModel {
    Q_OBJECT
    Q_PROPERTY(QString leftTitle READ leftTitle NOTIFY changed)
    Q_PROPERTY(QString rightTitle READ rightTitle NOTIFY changed)
    Q_PROPERTY(int added READ added NOTIFY changed)
    Q_PROPERTY(int removed READ removed NOTIFY changed)
    Q_PROPERTY(int count READ rowCount NOTIFY changed)
public:
    enum Role { CategoryRole = Qt::UserRole + 1, BehaviourRole, ChangeRole, InLeftRole, InRightRole };
    Q_ENUM(Role)

    explicit VersionDiffModel(QObject* parent = nullptr);
    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    /// `older` on the left, `newer` on the right.
    void compare(const engine::report::PackageReport& older, const engine::report::PackageReport& newer);
    QString leftTitle() const { return leftTitle_; }
    QString rightTitle() const { return rightTitle_; }
    int added() const { return added_; }
    int removed() const { return removed_; }

signals:
    void changed();

private:
    struct Row {
        std::string category;
        std::string behaviour;
        bool inLeft = false;
        bool inRight = false;
    };
    std::vector<Row> rows_;
    QString leftTitle_, rightTitle_;
    int added_ = 0, removed_ = 0;
};

}  // namespace vigil::ui
