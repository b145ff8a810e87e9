// @brief EventListModel: an event stream (live during a scan, or one package's for its details),
// appended in batches and capped so a chatty package cannot grow the GUI without bound.
#pragma once

#include <QAbstractListModel>

#include <deque>
#include <string>
#include <vector>

#include "engine/collect/event.h"

namespace vigil::ui {

/// Events of one analysed package, as the live stream receives them.
struct PackageEventBatch {
    std::string package;  ///< "name@version"
    std::vector<engine::collect::Event> events;
};

class EventListModel : public QAbstractListModel {
    Q_OBJECT
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
    Q_PROPERTY(qulonglong totalSeen READ totalSeen NOTIFY countChanged)
public:
    enum Role {
        SeqRole = Qt::UserRole + 1, TimeMsRole, PhaseRole, KindRole, CategoryRole, PidRole, ExeRole,
        SummaryRole, PackageRole, SourceRole, RawRole,
        AnalysedPackageRole,  ///< "name@version" of the package analysed when the event happened ("" if not given)
    };
    Q_ENUM(Role)

    explicit EventListModel(QObject* parent = nullptr, std::size_t cap = 5000);
    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    /// Appends a batch (one insert notification); drops the oldest rows beyond the cap.
    void appendBatch(std::vector<engine::collect::Event> events);
    /// The same for the live stream: several packages' events, each row naming its package.
    void appendBatches(std::vector<PackageEventBatch> batches);
    void setEvents(std::vector<engine::collect::Event> events);
    void clear();
    qulonglong totalSeen() const { return totalSeen_; }

    /// Row of the event (phase, seq), -1 when not (or no longer) in the model.
    Q_INVOKABLE int indexOf(const QString& phase, qulonglong seq) const;
    /// Pretty-printed JSON of the event at `row`.
    Q_INVOKABLE QString rawAt(int row) const;

signals:
    void countChanged();

private:
    struct Row {
        engine::collect::Event event;
        std::string package;
    };
    void append(std::vector<Row> rows);

    std::deque<Row> events_;
    std::size_t cap_;
    qulonglong totalSeen_ = 0;
};

}  // namespace vigil::ui
