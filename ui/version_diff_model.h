// @brief VersionDiffModel: one package's versions compared — each behaviour line added (only in the
// newer), removed (only in the older) or changed, with the events behind it, plus the package
// contents' file diff; the comparison's status and errors for the diff page.
#pragma once

#include <QAbstractListModel>
#include <QStringList>
#include <QVariantList>

#include <optional>
#include <vector>

#include "engine/report/scan_report.h"
#include "ui/file_diff_model.h"
#include "ui/version_behaviour_table.h"
#include "ui/version_file_list_model.h"

namespace vigil::ui {

class VersionDiffModel : public QAbstractListModel {
    Q_OBJECT
    Q_PROPERTY(QString leftTitle READ leftTitle NOTIFY changed)
    Q_PROPERTY(QString rightTitle READ rightTitle NOTIFY changed)
    Q_PROPERTY(QString summary READ summary NOTIFY changed)
    Q_PROPERTY(int added READ added NOTIFY changed)
    Q_PROPERTY(int removed READ removed NOTIFY changed)
    Q_PROPERTY(int changedCount READ changedCount NOTIFY changed)
    Q_PROPERTY(int count READ rowCount NOTIFY changed)
    Q_PROPERTY(bool hasFiles READ hasFiles NOTIFY changed)
    Q_PROPERTY(QStringList filesAdded READ filesAdded NOTIFY changed)
    Q_PROPERTY(QStringList filesRemoved READ filesRemoved NOTIFY changed)
    Q_PROPERTY(QStringList filesChanged READ filesChanged NOTIFY changed)
    /// The same behaviours side by side (VersionBehaviourTable): older left, newer right.
    Q_PROPERTY(QObject* sideBySide READ sideBySide CONSTANT)
    /// The file list (VersionFileListModel) and the selected file's content diff (FileDiffModel).
    Q_PROPERTY(QObject* files READ files CONSTANT)
    Q_PROPERTY(QObject* fileDiff READ fileDiff CONSTANT)
    Q_PROPERTY(Status status READ status NOTIFY statusChanged)
    Q_PROPERTY(bool busy READ busy NOTIFY statusChanged)
    Q_PROPERTY(QString statusText READ statusText NOTIFY statusChanged)
    Q_PROPERTY(QString errorString READ errorString NOTIFY statusChanged)
    Q_PROPERTY(QString errorDetail READ errorDetail NOTIFY statusChanged)
public:
    enum Status { Empty, Running, Ready, Failed };
    Q_ENUM(Status)
    enum Role {
        CategoryRole = Qt::UserRole + 1,  ///< the fingerprint section ("network.connections") or change kind
        BehaviourRole,                    ///< the key, or what changed
        ChangeRole,                       ///< "added", "removed", "changed", "same"
        InLeftRole,
        InRightRole,
        EvidenceRole,        ///< "(install; events #12,#15)"
        EventsRole,          ///< [{phase, seq, summary}] of the version that shows the line
        EventSummaryRole,    ///< the events' summaries, one per line ("" when the store had none)
    };
    Q_ENUM(Role)

    explicit VersionDiffModel(QObject* parent = nullptr);
    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    /// A comparison from the store (ScanBackend::compare, or a report's PackageReport::changes).
    void setChanges(const QString& package, const engine::report::VersionChanges& changes);
    /// `older` on the left, `newer` on the right, from their reports' fingerprint lists (no
    /// events, no files): the demo's previous-version lookup.
    void compare(const engine::report::PackageReport& older, const engine::report::PackageReport& newer);
    /// A comparison started: rows stay until it ends; `text` says what runs.
    void setRunning(const QString& text);
    void setStatusText(const QString& text);
    /// The engine's error, primary and secondary; the rows are cleared.
    void setError(const QString& primary, const QString& secondary);
    /// The error banner's dismiss button: back to Empty.
    Q_INVOKABLE void clearError();

    QObject* sideBySide() const { return table_; }
    QObject* files() const { return files_; }
    QObject* fileDiff() const { return fileDiff_; }
    VersionBehaviourTable* behaviourTable() const { return table_; }
    VersionFileListModel* fileList() const { return files_; }
    FileDiffModel* fileDiffModel() const { return fileDiff_; }
    QString leftTitle() const { return leftTitle_; }
    QString rightTitle() const { return rightTitle_; }
    QString summary() const { return summary_; }
    int added() const { return added_; }
    int removed() const { return removed_; }
    int changedCount() const { return changed_; }
    bool hasFiles() const { return hasFiles_; }
    QStringList filesAdded() const { return filesAdded_; }
    QStringList filesRemoved() const { return filesRemoved_; }
    QStringList filesChanged() const { return filesChanged_; }
    Status status() const { return status_; }
    bool busy() const { return status_ == Running; }
    QString statusText() const { return statusText_; }
    QString errorString() const { return errorString_; }
    QString errorDetail() const { return errorDetail_; }
    /// The comparison shown, for the diff export; null for the demo's fingerprint-list compare.
    const std::optional<engine::report::VersionChanges>& changes() const { return changes_; }
    /// The package name of the comparison shown ("" when none).
    QString package() const { return package_; }

signals:
    void changed();
    void statusChanged();

private:
    struct Row {
        std::string category;
        std::string behaviour;
        std::string change;  ///< "added", "removed", "changed", "same"
        std::string evidence;
        std::vector<engine::report::EvidenceRef> events;
    };
    void replace(std::vector<Row> rows, const QString& left, const QString& right);
    void setFiles(const std::optional<engine::report::FileChanges>& files);
    void setStatus(Status status);

    std::vector<Row> rows_;
    VersionBehaviourTable* table_;
    VersionFileListModel* files_;
    FileDiffModel* fileDiff_;
    QString leftTitle_, rightTitle_, summary_;
    int added_ = 0, removed_ = 0, changed_ = 0;
    bool hasFiles_ = false;
    QStringList filesAdded_, filesRemoved_, filesChanged_;
    std::optional<engine::report::VersionChanges> changes_;
    QString package_;
    Status status_ = Empty;
    QString statusText_, errorString_, errorDetail_;
};

}  // namespace vigil::ui
