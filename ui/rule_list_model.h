// @brief RuleListModel: the loaded rules with their hit counts in the current scan; the enabled
// flag is editable from QML and remembered (QSettings) for the next scan.
#pragma once

#include <QAbstractListModel>

#include <map>
#include <string>
#include <vector>

#include "engine/core/severity.h"

namespace vigil::ui {

struct RuleInfo {
    std::string id;
    engine::Severity severity = engine::Severity::Info;
    std::string title;
    std::string source;  ///< the file it came from ("rules/install.yaml")
};

class RuleListModel : public QAbstractListModel {
    Q_OBJECT
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
public:
    enum Role { IdRole = Qt::UserRole + 1, TitleRole, SeverityRole, SeverityNameRole, SourceRole, HitsRole, EnabledRole };
    Q_ENUM(Role)

    explicit RuleListModel(QObject* parent = nullptr);
    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role) override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    QHash<int, QByteArray> roleNames() const override;

    void setRules(std::vector<RuleInfo> rules);
    /// rule id -> findings it produced in the current scan.
    void setHits(const std::map<std::string, int>& hits);
    Q_INVOKABLE void setEnabled(int row, bool enabled);
    std::vector<std::string> disabledRules() const;

signals:
    void countChanged();

private:
    struct Row {
        RuleInfo info;
        int hits = 0;
        bool enabled = true;
    };
    std::vector<Row> rows_;
};

}  // namespace vigil::ui
