// @brief PackageDetails: the package the user selected, exposed to the details page — metadata,
// findings, fingerprint, install scripts, events (for the timeline, loaded on demand) and the process tree.
#pragma once

#include <QObject>
#include <QVariantList>

#include <optional>

#include "engine/report/scan_report.h"
#include "ui/event_list_model.h"
#include "ui/finding_list_model.h"
#include "ui/process_tree_model.h"

namespace vigil::ui {

class PackageDetails : public QObject {
    Q_OBJECT
    Q_PROPERTY(bool valid READ valid NOTIFY changed)
    Q_PROPERTY(QString key READ key NOTIFY changed)
    Q_PROPERTY(QString name READ name NOTIFY changed)
    Q_PROPERTY(QString version READ version NOTIFY changed)
    Q_PROPERTY(int severity READ severity NOTIFY changed)
    Q_PROPERTY(QString severityName READ severityName NOTIFY changed)
    Q_PROPERTY(int score READ score NOTIFY changed)
    Q_PROPERTY(QString category READ category NOTIFY changed)
    Q_PROPERTY(QString integrity READ integrity NOTIFY changed)
    Q_PROPERTY(bool cached READ cached NOTIFY changed)
    Q_PROPERTY(QString analysisError READ analysisError NOTIFY changed)
    /// "Changes since 3.0.9: 7 added, 1 removed, 1 changed; behaviour differs"; "" without an earlier analysed version.
    Q_PROPERTY(QString changesSummary READ changesSummary NOTIFY changed)
    Q_PROPERTY(QStringList paths READ paths NOTIFY changed)
    Q_PROPERTY(QVariantList phases READ phases NOTIFY changed)
    Q_PROPERTY(QVariantList installScripts READ installScripts NOTIFY changed)
    Q_PROPERTY(QVariantList fingerprint READ fingerprint NOTIFY changed)
    Q_PROPERTY(QObject* findings READ findings CONSTANT)
    Q_PROPERTY(QObject* events READ events CONSTANT)
    /// Why the timeline and event list are empty: "Loading events…", the store's error, ""
    /// once the events are shown (an empty list then means the package did nothing recorded).
    Q_PROPERTY(QString eventsNote READ eventsNote NOTIFY changed)
    Q_PROPERTY(QObject* processes READ processes CONSTANT)
public:
    explicit PackageDetails(QObject* parent = nullptr);

    /// Shows `package` with no events yet (eventsNote says they are loading when `loading`).
    void setPackage(std::optional<engine::report::PackageReport> package, bool loading = false);
    const std::optional<engine::report::PackageReport>& package() const { return package_; }
    /// The selected package's events, read from the store on demand (the report holds none), or
    /// the error that prevented it.
    void setEvents(engine::Result<std::vector<engine::collect::Event>> events);
    const std::vector<engine::collect::Event>& eventList() const { return eventList_; }
    QString eventsNote() const { return eventsNote_; }

    bool valid() const { return package_.has_value(); }
    QString key() const;
    QString name() const;
    QString version() const;
    int severity() const;
    QString severityName() const;
    int score() const;
    QString category() const;
    QString integrity() const;
    bool cached() const;
    QString analysisError() const;
    QString changesSummary() const;
    QStringList paths() const;
    QVariantList phases() const;
    QVariantList installScripts() const;
    QVariantList fingerprint() const;
    FindingListModel* findingModel() const { return findings_; }
    EventListModel* eventModel() const { return events_; }
    QObject* findings() const { return findings_; }
    QObject* events() const { return events_; }
    QObject* processes() const { return processes_; }

signals:
    void changed();

private:
    std::optional<engine::report::PackageReport> package_;
    std::vector<engine::collect::Event> eventList_;
    QString eventsNote_;
    FindingListModel* findings_;
    EventListModel* events_;
    ProcessTreeModel* processes_;
};

}  // namespace vigil::ui
