// @brief FileDiffModel: one package file's content diff between the two compared versions, one row
// per line (hunk headers included) with both line numbers, loaded off the GUI thread; binary and
// oversized files show a note instead, engine errors their primary and secondary text.
#pragma once

#include <QAbstractListModel>
#include <QFutureSynchronizer>

#include <functional>
#include <vector>

#include "engine/core/result.h"
#include "engine/resolve/content_diff.h"

namespace vigil::ui {

class FileDiffModel : public QAbstractListModel {
    Q_OBJECT
    Q_PROPERTY(QString path READ path NOTIFY changed)
    /// "text", "binary", "too-large", "symlink"; "" before a diff is shown.
    Q_PROPERTY(QString kind READ kind NOTIFY changed)
    /// What is shown instead of lines for a binary, oversized or symlinked file; "" for text.
    Q_PROPERTY(QString note READ note NOTIFY changed)
    Q_PROPERTY(int added READ added NOTIFY changed)
    Q_PROPERTY(int removed READ removed NOTIFY changed)
    Q_PROPERTY(int count READ rowCount NOTIFY changed)
    Q_PROPERTY(Status status READ status NOTIFY statusChanged)
    Q_PROPERTY(bool busy READ busy NOTIFY statusChanged)
    Q_PROPERTY(QString errorString READ errorString NOTIFY statusChanged)
    Q_PROPERTY(QString errorDetail READ errorDetail NOTIFY statusChanged)
public:
    enum Status { Empty, Loading, Ready, Failed };
    Q_ENUM(Status)
    enum Role {
        KindRole = Qt::UserRole + 1,  ///< "hunk", "context", "added", "removed"
        OldLineRole,                  ///< line number in the older file; 0 when none
        NewLineRole,                  ///< line number in the newer file; 0 when none
        TextRole,                     ///< the line (or the hunk header), UTF-8 decoded, invalid bytes as U+FFFD
        NoNewlineRole,                ///< the file's last line has no final newline
    };
    Q_ENUM(Role)
    using Loader = std::function<engine::Result<engine::resolve::ContentDiff>()>;

    explicit FileDiffModel(QObject* parent = nullptr);
    /// Waits for loads still running (each reads the cache, bounded by the 1 MiB limit).
    ~FileDiffModel() override;
    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    /// Runs `loader` on a worker thread for `path`; status is Loading until it ends. The latest
    /// request wins: an earlier one still running is dropped when it ends.
    void load(const QString& path, Loader loader);
    void setDiff(const engine::resolve::ContentDiff& diff);
    void setError(const QString& path, const QString& primary, const QString& secondary);
    /// Back to Empty (a new comparison: its files have not been opened yet).
    Q_INVOKABLE void clear();

    QString path() const { return path_; }
    QString kind() const { return kind_; }
    QString note() const { return note_; }
    int added() const { return added_; }
    int removed() const { return removed_; }
    Status status() const { return status_; }
    bool busy() const { return status_ == Loading; }
    QString errorString() const { return errorString_; }
    QString errorDetail() const { return errorDetail_; }

signals:
    void changed();
    void statusChanged();

private:
    struct Row {
        QString kind;
        int oldLine = 0, newLine = 0;
        QString text;
        bool noNewline = false;
    };
    void replace(std::vector<Row> rows);
    void setStatus(Status status);

    std::vector<Row> rows_;
    QString path_, kind_, note_;
    int added_ = 0, removed_ = 0;
    Status status_ = Empty;
    QString errorString_, errorDetail_;
    quint64 generation_ = 0;  ///< bumped by every load and clear: a stale result is dropped
    QFutureSynchronizer<void> workers_;
};

}  // namespace vigil::ui
