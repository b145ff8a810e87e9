// @brief FindingListModel: findings with their package, severity and evidence (each evidence entry
// names the event behind it, so the details page can jump to it on the timeline).
#pragma once

#include <QAbstractListModel>

#include <vector>

#include "engine/report/scan_report.h"

namespace vigil::ui {

class FindingListModel : public QAbstractListModel {
    Q_OBJECT
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
public:
    enum Role {
        PackageRole = Qt::UserRole + 1, RuleIdRole, TitleRole, DescriptionRole, SeverityRole, SeverityNameRole,
        PhasesRole, TagsRole, EvidenceTextRole, EvidenceRole, ExpectedRole,
    };
    Q_ENUM(Role)

    explicit FindingListModel(QObject* parent = nullptr);
    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    /// Replaces the list with the findings of these packages (most severe first).
    void setFromPackages(const std::vector<engine::report::PackageReport>& packages);
    /// Appends the findings of one package that just finished.
    void appendPackage(const engine::report::PackageReport& package);

signals:
    void countChanged();

private:
    struct Row {
        std::string package;
        engine::report::Finding finding;
    };
    std::vector<Row> rows_;
};

}  // namespace vigil::ui
