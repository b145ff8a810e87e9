#include "ui/package_details.h"

namespace vigil::ui {
namespace {
QString q(const std::string& s) { return QString::fromStdString(s); }
}

PackageDetails::PackageDetails(QObject* parent)
    : QObject(parent),
      findings_(new FindingListModel(this)),
      events_(new EventListModel(this, 200000)),
      processes_(new ProcessTreeModel(this)) {}

void PackageDetails::setPackage(std::optional<engine::report::PackageReport> package, bool loading) {
    package_ = std::move(package);
    eventList_.clear();
    events_->clear();
    processes_->setEvents({});
    eventsNote_ = package_ && loading ? tr("Loading events…") : QString();
    if (package_ && !loading)
        eventsNote_ = tr("The events of this package are not available here.");
    findings_->setFromPackages(package_ ? std::vector<engine::report::PackageReport>{*package_}
                                        : std::vector<engine::report::PackageReport>{});
    emit changed();
}

void PackageDetails::setEvents(engine::Result<std::vector<engine::collect::Event>> events) {
    if (!package_)
        return;
    if (!events) {
        const engine::Error& e = events.error();
        eventList_.clear();
        eventsNote_ = package_->analysisFailed ? tr("No events: the analysis did not complete.")
                                               : QString::fromStdString(e.primary + (e.secondary.empty() ? "" : "\n" + e.secondary));
    } else {
        eventList_ = std::move(events).value();
        eventsNote_.clear();
    }
    events_->setEvents(eventList_);
    processes_->setEvents(eventList_);
    emit changed();
}

QString PackageDetails::key() const { return package_ ? q(package_->key()) : QString(); }
QString PackageDetails::name() const { return package_ ? q(package_->name) : QString(); }
QString PackageDetails::version() const { return package_ ? q(package_->version) : QString(); }
int PackageDetails::severity() const { return package_ ? static_cast<int>(package_->severity) : 0; }
QString PackageDetails::severityName() const {
    return package_ ? QString::fromUtf8(engine::severityName(package_->severity).data()) : QString();
}
int PackageDetails::score() const { return package_ ? package_->score : 0; }
QString PackageDetails::category() const { return package_ ? q(package_->category) : QString(); }
QString PackageDetails::integrity() const { return package_ ? q(package_->integrity) : QString(); }
bool PackageDetails::cached() const { return package_ && package_->cached; }
QString PackageDetails::analysisError() const { return package_ ? q(package_->analysisError) : QString(); }

QStringList PackageDetails::paths() const {
    QStringList out;
    if (!package_)
        return out;
    for (const auto& path : package_->paths) {
        QStringList parts;
        for (const auto& step : path)
            parts << q(step);
        out << parts.join(QStringLiteral("  ›  "));
    }
    return out;
}

QVariantList PackageDetails::phases() const {
    QVariantList out;
    if (!package_)
        return out;
    for (const auto& p : package_->phases) {
        QVariantMap counts;
        for (const auto& [category, n] : p.countsByCategory)
            counts.insert(q(category), static_cast<qulonglong>(n));
        out.append(QVariantMap{{QStringLiteral("phase"), q(p.phase)},
                               {QStringLiteral("outcome"), q(p.outcome)},
                               {QStringLiteral("durationMs"), static_cast<qlonglong>(p.duration.count())},
                               {QStringLiteral("drops"), static_cast<qulonglong>(p.drops)},
                               {QStringLiteral("counts"), counts}});
    }
    return out;
}

QVariantList PackageDetails::installScripts() const {
    QVariantList out;
    if (!package_)
        return out;
    for (const auto& [name, text] : package_->installScripts)
        out.append(QVariantMap{{QStringLiteral("name"), q(name)}, {QStringLiteral("text"), q(text)}});
    return out;
}

QVariantList PackageDetails::fingerprint() const {
    QVariantList out;
    if (!package_ || !package_->fingerprint.is_object())
        return out;
    for (const auto& [category, items] : package_->fingerprint.items()) {
        // The analysis document also carries objects (sections with evidence, phase outcomes):
        // the behaviour list shows its summary arrays only.
        if (!items.is_array() || category == "exfiltration")
            continue;
        QStringList list;
        if (items.is_array())
            for (const auto& item : items)
                list << q(item.is_string() ? item.get<std::string>() : item.dump());
        out.append(QVariantMap{{QStringLiteral("category"), q(category)}, {QStringLiteral("items"), list}});
    }
    return out;
}

QString PackageDetails::changesSummary() const {
    if (!package_ || !package_->changes)
        return {};
    return tr("Changes since %1: %2").arg(QString::fromStdString(package_->changes->fromVersion),
                                          QString::fromStdString(package_->changes->summary));
}

}  // namespace vigil::ui
