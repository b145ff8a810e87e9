// ScanReport <-> vigil.scan/1 JSON. Field names are snake_case and stable: scripts and the GUI read them.
#include "engine/report/scan_report_json.h"

#include <cstdio>
#include <ctime>

#include <fmt/format.h>

#include "engine/core/file_io.h"

namespace vigil::engine::report {

namespace {

using nlohmann::json;

json severityCounts(const std::map<Severity, uint64_t>& counts) {
    json j = json::object();
    for (Severity s : {Severity::Critical, Severity::High, Severity::Medium, Severity::Low, Severity::Info}) {
        const auto it = counts.find(s);
        j[std::string(severityName(s))] = it == counts.end() ? 0 : it->second;
    }
    return j;
}

json findingToJson(const Finding& f) {
    json events = json::array();
    for (const auto& e : f.events)
        events.push_back({{"phase", e.phase}, {"seq", e.seq}, {"summary", e.summary}});
    json j = {{"rule_id", f.ruleId},   {"severity", severityName(f.severity)}, {"title", f.title},
              {"description", f.description}, {"tags", f.tags}, {"phases", f.phases},
              {"evidence", f.evidence}, {"events", std::move(events)}, {"expected", f.expected}};
    if (f.scoreContribution > 0)  // optional: absent means it adds nothing to the score
        j["score_contribution"] = f.scoreContribution;
    return j;
}

json phaseToJson(const PhaseSummary& p) {
    return {{"phase", p.phase},   {"outcome", p.outcome},  {"exit_code", p.exitCode},
            {"signal", p.signal}, {"duration_ms", p.duration.count()},
            {"counts_by_category", p.countsByCategory}, {"drops", p.drops}};
}

json changesToJson(const VersionChanges& c) {
    json lines = json::array();
    for (const auto& l : c.lines) {
        json events = json::array();
        for (const auto& e : l.events)
            events.push_back({{"phase", e.phase}, {"seq", e.seq}, {"summary", e.summary}});
        lines.push_back({{"change", l.change}, {"section", l.section}, {"text", l.text},
                         {"evidence", l.evidence}, {"events", std::move(events)}});
    }
    json out = {{"from_version", c.fromVersion}, {"to_version", c.toVersion}, {"summary", c.summary},
                {"same_behaviour", c.sameBehaviour}, {"lines", std::move(lines)}};
    if (c.files)
        out["files"] = {{"added", c.files->added}, {"removed", c.files->removed}, {"changed", c.files->changed}};
    return out;
}

json packageToJson(const PackageReport& p, json events) {
    json findings = json::array();
    for (const auto& f : p.findings)
        findings.push_back(findingToJson(f));
    json phases = json::array();
    for (const auto& ph : p.phases)
        phases.push_back(phaseToJson(ph));
    json out = {{"name", p.name},
            {"version", p.version},
            {"integrity", p.integrity},
            {"category", p.category},
            {"score", p.score},
            {"severity", severityName(p.severity)},
            {"cached", p.cached},
            {"analysis_failed", p.analysisFailed},
            {"analysis_error", p.analysisError},
            {"findings", std::move(findings)},
            {"paths", p.paths},
            {"heat", p.heat},
            {"phases", std::move(phases)},
            {"install_scripts", p.installScripts},
            {"fingerprint", p.fingerprint},
            {"events", std::move(events)}};
    // Optional (vigil.scan/1 stays compatible): only packages with an earlier analysed version.
    if (p.changes)
        out["changes"] = changesToJson(*p.changes);
    return out;
}

/// Reads fields of one JSON object, naming its JSON path in every error.
class FieldReader {
public:
    FieldReader(const json& j, std::string path) : j_(j), path_(std::move(path)) {}

    [[nodiscard]] const std::string& path() const { return path_; }
    [[nodiscard]] std::string at(const std::string& name) const { return path_ + "/" + name; }

    Status requireObject() const {
        if (!j_.is_object())
            return makeError(ErrorCode::Input, fmt::format("scan JSON: {} is not an object", path_.empty() ? "/" : path_));
        return {};
    }

    template <typename T>
    Status get(const char* name, T& out, bool required = false) const {
        const auto it = j_.find(name);
        if (it == j_.end() || it->is_null()) {
            if (required)
                return makeError(ErrorCode::Input, fmt::format("scan JSON: {} is missing", at(name)));
            return {};
        }
        try {
            out = it->template get<T>();
        } catch (const json::exception&) {
            return makeError(ErrorCode::Input, fmt::format("scan JSON: {} has the wrong type ({})", at(name), it->type_name()),
                             expected<T>());
        }
        return {};
    }

    Status severity(const char* name, Severity& out) const {
        std::string text;
        VIGIL_TRY(get(name, text, true));
        const auto s = parseSeverity(text);
        if (!s)
            return makeError(ErrorCode::Input, fmt::format("scan JSON: {} is \"{}\", not a severity", at(name), text),
                             "expected info, low, medium, high or critical");
        out = *s;
        return {};
    }

    Status time(const char* name, std::chrono::system_clock::time_point& out) const {
        std::string text;
        VIGIL_TRY(get(name, text, false));
        if (text.empty())
            return {};
        const auto tp = parseIsoTimestamp(text);
        if (!tp)
            return makeError(ErrorCode::Input, fmt::format("scan JSON: {} is \"{}\", not a timestamp", at(name), text),
                             "expected UTC ISO 8601 like 2025-03-14T09:26:53.589Z");
        out = *tp;
        return {};
    }

    /// The array under `name` (empty when absent); an error when present but not an array.
    Result<const json*> array(const char* name) const {
        static const json empty = json::array();
        const auto it = j_.find(name);
        if (it == j_.end() || it->is_null())
            return &empty;
        if (!it->is_array())
            return makeError(ErrorCode::Input, fmt::format("scan JSON: {} is not an array", at(name)));
        return &*it;
    }

private:
    template <typename T>
    static std::string expected() {
        if constexpr (std::is_same_v<T, std::string>)
            return "expected a string";
        else if constexpr (std::is_same_v<T, bool>)
            return "expected true or false";
        else if constexpr (std::is_arithmetic_v<T>)
            return "expected a number";
        else
            return "see resources/schemas/vigil.scan-1.md for the field's shape";
    }

    const json& j_;
    std::string path_;
};

Result<Finding> findingFromJson(const json& j, const std::string& path) {
    FieldReader r(j, path);
    VIGIL_TRY(r.requireObject());
    Finding f;
    VIGIL_TRY(r.get("rule_id", f.ruleId, true));
    VIGIL_TRY(r.severity("severity", f.severity));
    VIGIL_TRY(r.get("title", f.title, true));
    VIGIL_TRY(r.get("description", f.description));
    VIGIL_TRY(r.get("tags", f.tags));
    VIGIL_TRY(r.get("phases", f.phases));
    VIGIL_TRY(r.get("expected", f.expected));
    VIGIL_TRY(r.get("score_contribution", f.scoreContribution));
    if (f.scoreContribution < 0 || f.scoreContribution > 100)
        return makeError(ErrorCode::Input, fmt::format("scan JSON: {} is {}, outside 0..100", r.at("score_contribution"),
                                                       f.scoreContribution));
    if (const auto it = j.find("evidence"); it != j.end() && !it->is_null())
        f.evidence = *it;
    auto events = r.array("events");
    if (!events)
        return std::move(events).error();
    for (std::size_t i = 0; i < (*events)->size(); ++i) {
        FieldReader er((**events)[i], fmt::format("{}/{}", r.at("events"), i));
        VIGIL_TRY(er.requireObject());
        EvidenceRef ref;
        VIGIL_TRY(er.get("phase", ref.phase));
        VIGIL_TRY(er.get("seq", ref.seq, true));
        VIGIL_TRY(er.get("summary", ref.summary));
        f.events.push_back(std::move(ref));
    }
    return f;
}

Result<PhaseSummary> phaseFromJson(const json& j, const std::string& path) {
    FieldReader r(j, path);
    VIGIL_TRY(r.requireObject());
    PhaseSummary p;
    int64_t ms = 0;
    VIGIL_TRY(r.get("phase", p.phase, true));
    VIGIL_TRY(r.get("outcome", p.outcome, true));
    VIGIL_TRY(r.get("exit_code", p.exitCode));
    VIGIL_TRY(r.get("signal", p.signal));
    VIGIL_TRY(r.get("duration_ms", ms));
    VIGIL_TRY(r.get("counts_by_category", p.countsByCategory));
    VIGIL_TRY(r.get("drops", p.drops));
    p.duration = std::chrono::milliseconds(ms);
    return p;
}

Result<VersionChanges> changesFromJson(const json& j, const std::string& path) {
    FieldReader r(j, path);
    VIGIL_TRY(r.requireObject());
    VersionChanges c;
    VIGIL_TRY(r.get("from_version", c.fromVersion, true));
    VIGIL_TRY(r.get("to_version", c.toVersion));
    VIGIL_TRY(r.get("summary", c.summary));
    VIGIL_TRY(r.get("same_behaviour", c.sameBehaviour));
    auto lines = r.array("lines");
    if (!lines)
        return std::move(lines).error();
    for (std::size_t i = 0; i < (*lines)->size(); ++i) {
        FieldReader lr((**lines)[i], fmt::format("{}/{}", r.at("lines"), i));
        VIGIL_TRY(lr.requireObject());
        ChangeLine l;
        VIGIL_TRY(lr.get("change", l.change, true));
        VIGIL_TRY(lr.get("section", l.section));
        VIGIL_TRY(lr.get("text", l.text, true));
        VIGIL_TRY(lr.get("evidence", l.evidence));
        auto events = lr.array("events");
        if (!events)
            return std::move(events).error();
        for (std::size_t k = 0; k < (*events)->size(); ++k) {
            FieldReader er((**events)[k], fmt::format("{}/{}", lr.at("events"), k));
            VIGIL_TRY(er.requireObject());
            EvidenceRef ref;
            VIGIL_TRY(er.get("phase", ref.phase));
            VIGIL_TRY(er.get("seq", ref.seq, true));
            VIGIL_TRY(er.get("summary", ref.summary));
            l.events.push_back(std::move(ref));
        }
        c.lines.push_back(std::move(l));
    }
    if (const auto it = j.find("files"); it != j.end() && !it->is_null()) {
        FieldReader fr(*it, r.at("files"));
        VIGIL_TRY(fr.requireObject());
        FileChanges files;
        VIGIL_TRY(fr.get("added", files.added));
        VIGIL_TRY(fr.get("removed", files.removed));
        VIGIL_TRY(fr.get("changed", files.changed));
        c.files = std::move(files);
    }
    return c;
}

Result<PackageReport> packageFromJson(const json& j, const std::string& path, MemoryEventSource* into) {
    FieldReader r(j, path);
    VIGIL_TRY(r.requireObject());
    PackageReport p;
    VIGIL_TRY(r.get("name", p.name, true));
    VIGIL_TRY(r.get("version", p.version, true));
    VIGIL_TRY(r.get("integrity", p.integrity));
    VIGIL_TRY(r.get("category", p.category));
    VIGIL_TRY(r.get("score", p.score));
    if (p.score < 0 || p.score > 100)
        return makeError(ErrorCode::Input, fmt::format("scan JSON: {} is {}, outside 0..100", r.at("score"), p.score));
    VIGIL_TRY(r.severity("severity", p.severity));
    VIGIL_TRY(r.get("cached", p.cached));
    VIGIL_TRY(r.get("analysis_failed", p.analysisFailed));
    VIGIL_TRY(r.get("analysis_error", p.analysisError));
    VIGIL_TRY(r.get("paths", p.paths));
    VIGIL_TRY(r.get("heat", p.heat));
    VIGIL_TRY(r.get("install_scripts", p.installScripts));
    if (const auto it = j.find("fingerprint"); it != j.end() && !it->is_null())
        p.fingerprint = *it;

    auto findings = r.array("findings");
    if (!findings)
        return std::move(findings).error();
    for (std::size_t i = 0; i < (*findings)->size(); ++i) {
        auto f = findingFromJson((**findings)[i], fmt::format("{}/{}", r.at("findings"), i));
        if (!f)
            return std::move(f).error();
        p.findings.push_back(std::move(*f));
    }
    auto phases = r.array("phases");
    if (!phases)
        return std::move(phases).error();
    for (std::size_t i = 0; i < (*phases)->size(); ++i) {
        auto ph = phaseFromJson((**phases)[i], fmt::format("{}/{}", r.at("phases"), i));
        if (!ph)
            return std::move(ph).error();
        p.phases.push_back(std::move(*ph));
    }
    auto events = r.array("events");
    if (!events)
        return std::move(events).error();
    std::vector<collect::Event> parsed;
    for (std::size_t i = 0; i < (*events)->size(); ++i) {
        auto e = collect::eventFromJson((**events)[i]);
        if (!e)
            return std::move(e).error().withContext(fmt::format("scan JSON: {}/{}", r.at("events"), i));
        parsed.push_back(std::move(*e));
    }
    // A file without a package's events says nothing about them: no entry, so a reader reports
    // them as missing rather than as "did nothing".
    if (into && !parsed.empty())
        into->add(p.key(), std::move(parsed));
    if (const auto it = j.find("changes"); it != j.end() && !it->is_null()) {
        auto changes = changesFromJson(*it, r.at("changes"));
        if (!changes)
            return std::move(changes).error();
        p.changes = std::move(changes).value();
    }
    return p;
}

Result<ScanComparison> comparisonFromJson(const json& j, const std::string& path) {
    FieldReader r(j, path);
    VIGIL_TRY(r.requireObject());
    ScanComparison c;
    VIGIL_TRY(r.get("previous_scan_id", c.previousScanId));
    VIGIL_TRY(r.get("added_packages", c.addedPackages));
    VIGIL_TRY(r.get("removed_packages", c.removedPackages));
    VIGIL_TRY(r.get("new_findings", c.newFindings));
    VIGIL_TRY(r.get("resolved_findings", c.resolvedFindings));
    return c;
}

}  // namespace

std::string isoTimestamp(std::chrono::system_clock::time_point tp) {
    using namespace std::chrono;
    const auto ms = duration_cast<milliseconds>(tp.time_since_epoch()).count();
    const std::time_t secs = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
    const int frac = static_cast<int>(ms - static_cast<int64_t>(secs) * 1000);
    std::tm utc{};
    ::gmtime_r(&secs, &utc);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday,
                       utc.tm_hour, utc.tm_min, utc.tm_sec, frac);
}

std::optional<std::chrono::system_clock::time_point> parseIsoTimestamp(std::string_view text) {
    std::tm utc{};
    int consumed = 0;
    const std::string s(text);
    if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &utc.tm_year, &utc.tm_mon, &utc.tm_mday, &utc.tm_hour,
                    &utc.tm_min, &utc.tm_sec, &consumed) != 6 || consumed != 19)
        return std::nullopt;
    std::string_view rest = text.substr(19);
    int64_t ms = 0;
    if (!rest.empty() && rest.front() == '.') {
        rest.remove_prefix(1);
        int digits = 0;
        while (!rest.empty() && rest.front() >= '0' && rest.front() <= '9') {
            if (digits < 3)
                ms = ms * 10 + (rest.front() - '0');
            ++digits;
            rest.remove_prefix(1);
        }
        if (digits == 0)
            return std::nullopt;
        for (; digits < 3; ++digits)
            ms *= 10;
    }
    if (rest != "Z" && rest != "+00:00")
        return std::nullopt;
    if (utc.tm_mon < 1 || utc.tm_mon > 12 || utc.tm_mday < 1 || utc.tm_mday > 31 || utc.tm_hour > 23 ||
        utc.tm_min > 59 || utc.tm_sec > 60)
        return std::nullopt;
    utc.tm_year -= 1900;
    utc.tm_mon -= 1;
    const std::time_t secs = ::timegm(&utc);
    return std::chrono::system_clock::time_point(std::chrono::seconds(secs) + std::chrono::milliseconds(ms));
}

namespace {

json reportToJson(const ScanReport& r, json packages) {
    json edges = json::array();
    for (const auto& e : r.edges)
        edges.push_back({{"from", e.from}, {"to", e.to}, {"dev", e.dev}, {"optional", e.optional}});
    json comparison = nullptr;
    if (r.comparison)
        comparison = {{"previous_scan_id", r.comparison->previousScanId},
                      {"added_packages", r.comparison->addedPackages},
                      {"removed_packages", r.comparison->removedPackages},
                      {"new_findings", r.comparison->newFindings},
                      {"resolved_findings", r.comparison->resolvedFindings}};
    return {{"schema", kScanSchema},
            {"scan_id", r.scanId},
            {"project", {{"path", r.projectPath}, {"name", r.projectName}, {"lockfile", r.lockfile}}},
            {"started_at", isoTimestamp(r.startedAt)},
            {"finished_at", isoTimestamp(r.finishedAt)},
            {"analyzer_version", r.analyzerVersion},
            {"rules_version", r.rulesVersion},
            {"status", r.status},
            {"totals", {{"packages", r.totalPackages}, {"analysed", r.analysed}, {"cached", r.cached}, {"failed", r.failed}}},
            {"findings_by_severity", severityCounts(r.findingsBySeverity)},
            {"packages", std::move(packages)},
            {"edges", std::move(edges)},
            {"comparison", std::move(comparison)}};
}

}  // namespace

nlohmann::json scanReportToJson(const ScanReport& r) {
    json packages = json::array();
    for (const auto& p : r.packages)
        packages.push_back(packageToJson(p, json::array()));
    return reportToJson(r, std::move(packages));
}

Result<nlohmann::json> scanReportToJson(const ScanReport& r, const EventSource& events) {
    json packages = json::array();
    for (const auto& p : r.packages) {
        json list = json::array();
        auto loaded = events.eventsOf(p.name, p.version);
        if (!loaded && loaded.error().code != ErrorCode::NotFound)
            return std::move(loaded).error();
        if (loaded)
            for (const auto& e : *loaded)
                list.push_back(collect::toJson(e));
        packages.push_back(packageToJson(p, std::move(list)));
    }
    return reportToJson(r, std::move(packages));
}

Result<ScanReport> scanReportFromJson(const nlohmann::json& j, MemoryEventSource* events) {
    FieldReader r(j, "");
    VIGIL_TRY(r.requireObject());
    std::string schema;
    VIGIL_TRY(r.get("schema", schema, true));
    if (schema != kScanSchema)
        return makeError(ErrorCode::Input, fmt::format("scan JSON: schema is \"{}\", this VIGIL reads \"{}\"", schema, kScanSchema),
                         schema.rfind("vigil.scan/", 0) == 0 ? "the file was written by another VIGIL version"
                                                             : "this is not a VIGIL scan report");
    ScanReport out;
    VIGIL_TRY(r.get("scan_id", out.scanId));
    if (const auto it = j.find("project"); it != j.end() && !it->is_null()) {
        FieldReader pr(*it, "/project");
        VIGIL_TRY(pr.requireObject());
        VIGIL_TRY(pr.get("path", out.projectPath));
        VIGIL_TRY(pr.get("name", out.projectName));
        VIGIL_TRY(pr.get("lockfile", out.lockfile));
    }
    VIGIL_TRY(r.time("started_at", out.startedAt));
    VIGIL_TRY(r.time("finished_at", out.finishedAt));
    VIGIL_TRY(r.get("analyzer_version", out.analyzerVersion));
    VIGIL_TRY(r.get("rules_version", out.rulesVersion));
    VIGIL_TRY(r.get("status", out.status));
    if (const auto it = j.find("totals"); it != j.end() && !it->is_null()) {
        FieldReader tr(*it, "/totals");
        VIGIL_TRY(tr.requireObject());
        VIGIL_TRY(tr.get("packages", out.totalPackages));
        VIGIL_TRY(tr.get("analysed", out.analysed));
        VIGIL_TRY(tr.get("cached", out.cached));
        VIGIL_TRY(tr.get("failed", out.failed));
    }
    if (const auto it = j.find("findings_by_severity"); it != j.end() && !it->is_null()) {
        if (!it->is_object())
            return makeError(ErrorCode::Input, "scan JSON: /findings_by_severity is not an object");
        for (const auto& [name, count] : it->items()) {
            const auto s = parseSeverity(name);
            if (!s)
                return makeError(ErrorCode::Input, fmt::format("scan JSON: /findings_by_severity has the key \"{}\", not a severity", name));
            if (!count.is_number_unsigned())
                return makeError(ErrorCode::Input, fmt::format("scan JSON: /findings_by_severity/{} is not a count", name));
            if (const auto n = count.get<uint64_t>(); n > 0)
                out.findingsBySeverity[*s] = n;
        }
    }
    auto packages = r.array("packages");
    if (!packages)
        return std::move(packages).error();
    for (std::size_t i = 0; i < (*packages)->size(); ++i) {
        auto p = packageFromJson((**packages)[i], fmt::format("/packages/{}", i), events);
        if (!p)
            return std::move(p).error();
        out.packages.push_back(std::move(*p));
    }
    auto edges = r.array("edges");
    if (!edges)
        return std::move(edges).error();
    for (std::size_t i = 0; i < (*edges)->size(); ++i) {
        FieldReader er((**edges)[i], fmt::format("/edges/{}", i));
        VIGIL_TRY(er.requireObject());
        DependencyEdge e;
        VIGIL_TRY(er.get("from", e.from));
        VIGIL_TRY(er.get("to", e.to, true));
        VIGIL_TRY(er.get("dev", e.dev));
        VIGIL_TRY(er.get("optional", e.optional));
        out.edges.push_back(std::move(e));
    }
    if (const auto it = j.find("comparison"); it != j.end() && !it->is_null()) {
        auto c = comparisonFromJson(*it, "/comparison");
        if (!c)
            return std::move(c).error();
        out.comparison = std::move(*c);
    }
    return out;
}

Result<ScanReport> readScanReportFile(const std::filesystem::path& path, MemoryEventSource* events) {
    auto text = readWholeFile(path);
    if (!text)
        return std::move(text).error();
    json j;
    try {
        j = json::parse(*text);
    } catch (const json::parse_error& ex) {
        // nlohmann reports a byte offset; users want line:column.
        std::size_t line = 1, column = 1;
        for (std::size_t i = 0; i + 1 < ex.byte && i < text->size(); ++i) {
            if ((*text)[i] == '\n') {
                ++line;
                column = 1;
            } else {
                ++column;
            }
        }
        return makeError(ErrorCode::Input, fmt::format("{}:{}:{}: not valid JSON", path.string(), line, column), ex.what());
    }
    auto report = scanReportFromJson(j, events);
    if (!report)
        return std::move(report).error().withContext(path.string());
    return report;
}

}  // namespace vigil::engine::report
