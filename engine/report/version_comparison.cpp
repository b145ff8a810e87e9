#include "engine/report/version_comparison.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include <nlohmann/json.hpp>

#include "engine/plan/scan_aggregation.h"
#include "engine/report/event_summary.h"
#include "engine/store/store.h"

namespace vigil::engine::report {

namespace {

using nlohmann::json;

/// phase -> seq -> one-line summary of the events of one version's newest runs.
using EventIndex = std::map<std::string, std::map<uint64_t, std::string>>;

/// The summaries of the events `wanted` names, from the version's newest run of each phase. A
/// version whose runs are gone (only a fingerprint was kept) yields an empty index, not an error:
/// the line still carries its evidence text.
Result<EventIndex> storedEvents(store::Store& store, const std::string& name, const std::string& version,
                                const std::map<std::string, std::set<uint64_t>>& wanted) {
    EventIndex index;
    if (wanted.empty())
        return index;
    auto stored = store.findVersion("npm", name, version);
    if (!stored)
        return std::move(stored).error();
    if (!*stored)
        return index;
    auto runs = store.runsOf((*stored)->id, (*stored)->analyzerVersion);
    if (!runs)
        return std::move(runs).error();
    // Re-analyses by the same analyzer append runs; the fingerprint is the newest one's.
    std::map<std::string, store::RunId> newest;
    for (const auto& run : *runs)
        newest[store::phaseName(run.phase)] = run.id;
    const auto parse = [](const store::StoredEvent& row) -> std::optional<collect::Event> {
        const auto parsed = json::parse(row.event.dataJson, nullptr, /*allow_exceptions=*/false);
        if (parsed.is_discarded())
            return std::nullopt;
        auto event = collect::eventFromJson(parsed);
        return event ? std::optional<collect::Event>(std::move(event).value()) : std::nullopt;
    };
    for (const auto& [phase, run] : newest) {
        const auto want = wanted.find(phase);
        if (want == wanted.end())
            continue;
        // The store numbers a run's rows in append order, which is the collector's seq order from
        // 0: read only the rows asked for. Reading and parsing whole runs for a few lines made
        // this most of a warm scan. A row that is not the event asked for means the numbering
        // differs (a gap, an older store): then the whole run is read as before.
        bool exact = true;
        for (uint64_t seq : want->second) {
            auto rows = store.eventsOf(run, static_cast<std::int64_t>(seq), 1);
            if (!rows)
                return std::move(rows).error();
            const auto event = rows->empty() ? std::nullopt : parse(rows->front());
            if (!event || event->seq != seq) {
                exact = false;
                break;
            }
            index[phase][seq] = eventSummary(*event);
        }
        if (exact)
            continue;
        index.erase(phase);
        auto events = store.eventsOf(run);
        if (!events)
            return std::move(events).error();
        for (const auto& e : *events) {
            // A row this build cannot read is skipped: the seq stays in the evidence text.
            const auto event = parse(e);
            if (event && want->second.count(event->seq) != 0)
                index[phase][event->seq] = eventSummary(*event);
        }
    }
    return index;
}

void want(std::map<std::string, std::set<uint64_t>>& into, const analysis::EventSeqs& evidence) {
    for (const auto& [phase, seqs] : evidence) {
        std::size_t n = 0;
        for (uint64_t seq : seqs)
            if (n++ < kEventsPerChangeLine)
                into[phase].insert(seq);
    }
}

std::vector<EvidenceRef> eventsOf(const analysis::EventSeqs& evidence, const EventIndex& index) {
    std::vector<EvidenceRef> out;
    for (const auto& [phase, seqs] : evidence) {
        const auto inPhase = index.find(phase);
        for (uint64_t seq : seqs) {
            if (out.size() >= kEventsPerChangeLine)
                return out;
            EvidenceRef ref{phase, seq, {}};
            if (inPhase != index.end())
                if (const auto it = inPhase->second.find(seq); it != inPhase->second.end())
                    ref.summary = it->second;
            out.push_back(std::move(ref));
        }
    }
    return out;
}

/// A tarball's path as valid UTF-8 (invalid bytes as U+FFFD): every report format is UTF-8, and
/// the JSON writer refuses anything else.
std::string utf8(const std::string& path) {
    return json::parse(json(path).dump(-1, ' ', false, json::error_handler_t::replace)).get<std::string>();
}

/// Both versions' stored file lists compared by path, content hash and mode.
std::optional<FileChanges> diffStoredFiles(const std::vector<store::FileEntry>& older,
                                           const std::vector<store::FileEntry>& newer) {
    if (older.empty() || newer.empty())
        return std::nullopt;  // a version resolved without metadata: no list to compare
    std::map<std::string, const store::FileEntry*> before;
    for (const auto& f : older)
        before[f.path] = &f;
    FileChanges out;
    for (const auto& f : newer) {
        const auto it = before.find(f.path);
        if (it == before.end())
            out.added.push_back(utf8(f.path));
        else {
            if (it->second->sha256 != f.sha256 || it->second->mode != f.mode)
                out.changed.push_back(utf8(f.path));
            before.erase(it);
        }
    }
    for (const auto& [path, entry] : before)
        out.removed.push_back(utf8(path));
    std::sort(out.added.begin(), out.added.end());
    std::sort(out.changed.begin(), out.changed.end());
    return out;
}

/// The file diff of from -> to: both file lists when stored, else the diff the resolver recorded
/// in `to`'s metadata when its previous version is `from`.
Result<std::optional<FileChanges>> storedFileChanges(store::Store& store, const std::string& name,
                                                     const std::string& from, const std::string& to) {
    auto older = store.findVersion("npm", name, from);
    if (!older)
        return std::move(older).error();
    auto newer = store.findVersion("npm", name, to);
    if (!newer)
        return std::move(newer).error();
    if (!*older || !*newer)
        return std::optional<FileChanges>{};
    auto olderFiles = store.versionFiles((*older)->id);
    if (!olderFiles)
        return std::move(olderFiles).error();
    auto newerFiles = store.versionFiles((*newer)->id);
    if (!newerFiles)
        return std::move(newerFiles).error();
    if (auto files = diffStoredFiles(*olderFiles, *newerFiles))
        return files;
    const auto meta = json::parse((*newer)->record.metadataJson, nullptr, false);
    if (!meta.is_object() || meta.value("previous_version", json()) != json(from))
        return std::optional<FileChanges>{};
    const auto diff = meta.find("diff_from_previous");
    if (diff == meta.end() || !diff->is_object())
        return std::optional<FileChanges>{};
    FileChanges out;
    const auto list = [&](const char* key, std::vector<std::string>& into) {
        if (const auto it = diff->find(key); it != diff->end() && it->is_array())
            for (const auto& p : *it)
                if (p.is_string())
                    into.push_back(p.get<std::string>());
    };
    list("added", out.added);
    list("removed", out.removed);
    list("changed", out.changed);
    return std::optional<FileChanges>{std::move(out)};
}

}  // namespace

VersionChanges changesOf(const analysis::VersionDiff& diff) {
    VersionChanges out;
    out.fromVersion = diff.from.version;
    out.toVersion = diff.to.version;
    out.summary = diff.summary();
    out.sameBehaviour = diff.sameBehaviour;
    for (const auto& [lines, change] : {std::pair{&diff.added, "added"}, std::pair{&diff.removed, "removed"}})
        for (const auto& l : *lines)
            out.lines.push_back({change, analysis::sectionName(l.section), l.key,
                                 l.evidence.empty() ? std::string() : analysis::evidenceText(l.evidence), {}});
    for (const auto& c : diff.changed) {
        const auto& evidence = c.afterEvidence.empty() ? c.beforeEvidence : c.afterEvidence;
        out.lines.push_back({"changed", c.kind == analysis::ChangeKind::Phases ? analysis::sectionName(c.section)
                                                                                : analysis::changeKindName(c.kind),
                             c.description, evidence.empty() ? std::string() : analysis::evidenceText(evidence), {}});
    }
    return out;
}

Result<VersionChanges> compareStoredVersions(store::Store& store, const plan::PackageVersionRef& from,
                                             const plan::PackageVersionRef& to) {
    plan::BehaviourQueries queries(store);
    auto diff = queries.whatChanged(from, to);
    if (!diff)
        return std::move(diff).error();
    VersionChanges out = changesOf(*diff);

    // Added lines and the "after" side of a change point into `to`'s events, removed ones into `from`'s.
    std::map<std::string, std::set<uint64_t>> wantFrom, wantTo;
    for (const auto& l : diff->added)
        want(wantTo, l.evidence);
    for (const auto& l : diff->removed)
        want(wantFrom, l.evidence);
    for (const auto& c : diff->changed)
        want(c.afterEvidence.empty() ? wantFrom : wantTo, c.afterEvidence.empty() ? c.beforeEvidence : c.afterEvidence);
    auto fromEvents = storedEvents(store, from.name, from.version, wantFrom);
    if (!fromEvents)
        return std::move(fromEvents).error();
    auto toEvents = storedEvents(store, to.name, to.version, wantTo);
    if (!toEvents)
        return std::move(toEvents).error();
    std::size_t i = 0;
    for (const auto& l : diff->added)
        out.lines[i++].events = eventsOf(l.evidence, *toEvents);
    for (const auto& l : diff->removed)
        out.lines[i++].events = eventsOf(l.evidence, *fromEvents);
    for (const auto& c : diff->changed)
        out.lines[i++].events = c.afterEvidence.empty() ? eventsOf(c.beforeEvidence, *fromEvents)
                                                        : eventsOf(c.afterEvidence, *toEvents);

    if (from.name == to.name) {
        auto files = storedFileChanges(store, to.name, from.version, to.version);
        if (!files)
            return std::move(files).error();
        out.files = std::move(files).value();
    }
    return out;
}

Result<std::optional<std::string>> previousAnalysedVersion(store::Store& store, const std::string& name,
                                                           const std::string& version) {
    // Version numbers only: parsing every analysed version's document to learn its number made
    // a warm scan's cost grow with the store.
    plan::BehaviourQueries queries(store);
    auto versions = queries.analysedVersionNumbers(name);
    if (!versions) {
        if (versions.error().code == ErrorCode::NotFound)
            return std::optional<std::string>{};
        return std::move(versions).error();
    }
    for (std::size_t i = 1; i < versions->size(); ++i)
        if ((*versions)[i] == version)
            return std::optional<std::string>{(*versions)[i - 1]};
    return std::optional<std::string>{};
}

Result<PackageReport> storedPackageReport(store::Store& store, const plan::PackageVersionRef& ref) {
    auto version = store.findVersion("npm", ref.name, ref.version);
    if (!version)
        return std::move(version).error();
    if (!*version)
        return makeError(ErrorCode::NotFound, ref.name + "@" + ref.version + " is not in the store",
                         "Analyse it first: vigil-cli scan " + ref.name + "@" + ref.version);
    PackageReport p;
    p.name = ref.name;
    p.version = ref.version;
    p.integrity = (*version)->record.integrity;
    p.cached = true;
    auto category = store.categoryOf("npm", ref.name);
    if (!category)
        return std::move(category).error();
    p.category = category->value_or("");
    auto fingerprint = store.fingerprintOf("npm", ref.name, ref.version);
    if (!fingerprint)
        return std::move(fingerprint).error();
    if (*fingerprint)
        p.fingerprint = plan::fingerprintJsonOf(**fingerprint);
    auto findings = store.findingsOf((*version)->id);
    if (!findings)
        return std::move(findings).error();
    for (const auto& f : *findings)
        p.findings.push_back(plan::findingFromStored(f));
    p.score = plan::packageScore(p.findings);
    p.severity = plan::packageSeverity(p.findings);
    p.heat = plan::heatOf(p.fingerprint, (*version)->record.hasInstallScript);
    return p;
}

ScanReport singlePackageReport(PackageReport package, const ScanReport* scan) {
    ScanReport r;
    if (scan) {
        r.scanId = scan->scanId;
        r.projectPath = scan->projectPath;
        r.lockfile = scan->lockfile;
        r.startedAt = scan->startedAt;
        r.finishedAt = scan->finishedAt;
        r.analyzerVersion = scan->analyzerVersion;
        r.rulesVersion = scan->rulesVersion;
    }
    r.projectName = package.key();
    r.totalPackages = 1;
    (package.analysisFailed ? r.failed : package.cached ? r.cached : r.analysed) = 1;
    for (const auto& f : package.findings)
        if (!f.expected)
            ++r.findingsBySeverity[f.severity];
    r.edges.push_back({"", package.key(), false, false});
    r.packages.push_back(std::move(package));
    return r;
}

Status attachVersionChanges(store::Store& store, ScanReport& report) {
    // A stored document this build cannot read (an older analyzer's, a damaged row) costs that
    // package its changes section, not the whole report; a failing database is an error.
    const auto storeFailure = [](const Error& e) { return e.code == ErrorCode::Store || e.code == ErrorCode::Io; };
    for (auto& p : report.packages) {
        if (p.analysisFailed)
            continue;
        auto previous = previousAnalysedVersion(store, p.name, p.version);
        if (!previous) {
            if (storeFailure(previous.error()))
                return std::move(previous).error().withContext(p.key());
            continue;
        }
        if (!*previous)
            continue;
        auto changes = compareStoredVersions(store, {p.name, **previous}, {p.name, p.version});
        if (!changes) {
            if (storeFailure(changes.error()))
                return std::move(changes).error().withContext(p.key());
            continue;
        }
        p.changes = std::move(changes).value();
    }
    return {};
}

}  // namespace vigil::engine::report
