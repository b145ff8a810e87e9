// @brief VersionBehaviourTable: a version diff's behaviours side by side — column 0 the older
// version, column 1 the newer, one row per behaviour; what only the older did is highlighted
// "removed" on the left, what only the newer does "added" on the right.
#pragma once

#include <QAbstractTableModel>

#include <string>
#include <vector>

namespace vigil::ui {

class VersionBehaviourTable : public QAbstractTableModel {
    Q_OBJECT
    Q_PROPERTY(int rows READ rowCount NOTIFY rowsChanged)
public:
    enum Column { Older = 0, Newer = 1 };
    enum Role {
        TextRole = Qt::UserRole + 1,  ///< the behaviour as this side shows it; "" when this side lacks it
        PresentRole,                  ///< this version has the behaviour
        HighlightRole,                ///< "removed" (left), "added" (right), "changed" (right), or ""
        ChangeRole,                   ///< the row's change: "added", "removed", "changed", "same"
        CategoryRole,                 ///< the fingerprint section ("network.connections")
        SectionStartRole,             ///< first row of its category: the view draws the category's title
        EvidenceRole,                 ///< "(install; events #12,#15)" on the side the evidence is from
        EventSummaryRole,             ///< the events' one-line summaries, on that side too
    };
    Q_ENUM(Role)

    /// One behaviour of the comparison, as VersionDiffModel holds it.
    struct Entry {
        std::string category;
        std::string text;
        std::string change;  ///< "added", "removed", "changed", "same"
        std::string evidence;
        std::string eventSummary;
    };

    explicit VersionBehaviourTable(QObject* parent = nullptr);
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    /// Replaces the rows (grouped by category, as given) and the column titles ("evil@1.0.0").
    void setEntries(std::vector<Entry> entries, const QString& olderTitle, const QString& newerTitle);

signals:
    void rowsChanged();

private:
    std::vector<Entry> entries_;
    QString titles_[2];
};

}  // namespace vigil::ui
