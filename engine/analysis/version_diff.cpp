// Diff of two fingerprints: items per section, phase moves, outcomes and resources.
#include "engine/analysis/version_diff.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace vigil::engine::analysis {

namespace {

const std::map<std::string, EventSeqs>& itemsOf(const Fingerprint& fp, Section section) {
    static const std::map<std::string, EventSeqs> kNone;
    const auto it = fp.sections.find(section);
    return it == fp.sections.end() ? kNone : it->second;
}

std::set<std::string> phasesOf(const EventSeqs& evidence, const std::set<std::string>& within) {
    std::set<std::string> out;
    for (const auto& [phase, seqs] : evidence)
        if (within.count(phase) != 0)
            out.insert(phase);
    return out;
}

std::string joined(const std::set<std::string>& s) { return fmt::format("{}", fmt::join(s, ",")); }

DiffChange phaseMove(Section section, const std::string& key, const std::set<std::string>& before,
                     const std::set<std::string>& after, const EventSeqs& beforeEvidence, const EventSeqs& afterEvidence) {
    std::set<std::string> gained, lost;
    std::set_difference(after.begin(), after.end(), before.begin(), before.end(), std::inserter(gained, gained.end()));
    std::set_difference(before.begin(), before.end(), after.begin(), after.end(), std::inserter(lost, lost.end()));
    DiffChange c;
    c.kind = ChangeKind::Phases;
    c.section = section;
    c.key = key;
    c.before = joined(before);
    c.after = joined(after);
    if (lost.empty())
        c.description = "now also in " + joined(gained);
    else if (gained.empty())
        c.description = "no longer in " + joined(lost);
    else if (lost == before)
        c.description = fmt::format("moved from {} to {}", joined(lost), joined(gained));
    else
        c.description = fmt::format("phases {} -> {}", c.before, c.after);
    c.beforeEvidence = beforeEvidence;
    c.afterEvidence = afterEvidence;
    return c;
}

enum class State { Ok, Failed, TimedOut, Crashed };

State stateOf(const PhaseOutcome& o) {
    if (o.timedOut())
        return State::TimedOut;
    if (o.crashed())
        return State::Crashed;
    return o.failed() ? State::Failed : State::Ok;
}

std::string stateText(const PhaseOutcome& o) {
    switch (stateOf(o)) {
    case State::TimedOut: return "timed out (wall-clock limit)";
    case State::Crashed:
        if (o.memoryLimitHit)
            return "crashed (memory limit)";
        if (o.pidsLimitHit)
            return "crashed (pids limit)";
        return fmt::format("crashed (signal {})", o.signal);
    case State::Failed:
        return o.outputLimitHit ? std::string("failed (output limit)") : fmt::format("failed (exit {})", o.exitCode);
    case State::Ok: break;
    }
    return "ok (exit 0)";
}

const char* verb(State s) {
    switch (s) {
    case State::Failed: return "failing";
    case State::TimedOut: return "timing out";
    case State::Crashed: return "crashing";
    case State::Ok: break;
    }
    return "succeeding";
}

std::optional<DiffChange> outcomeChange(const std::string& phase, const PhaseOutcome& a, const PhaseOutcome& b) {
    const State before = stateOf(a), after = stateOf(b);
    if (before == after)
        return std::nullopt;  // exit 1 -> exit 2 is still "failing": not a new behaviour
    DiffChange c;
    c.kind = ChangeKind::Outcome;
    c.phase = phase;
    c.before = stateText(a);
    c.after = stateText(b);
    if (before == State::Ok)
        c.description = fmt::format("{} started {}", phase, verb(after));
    else if (after == State::Ok)
        c.description = fmt::format("{} stopped {}", phase, verb(before));
    else
        c.description = fmt::format("{} now {} instead of {}", phase, verb(after), verb(before));
    c.description += fmt::format(": {} -> {}", c.before, c.after);
    return c;
}

std::string seconds(double ns) { return fmt::format("{:.1f} s", ns / 1e9); }

std::string bytes(double b) {
    if (b >= 1024.0 * 1024.0)
        return fmt::format("{:.1f} MiB", b / (1024.0 * 1024.0));
    if (b >= 1024.0)
        return fmt::format("{:.1f} KiB", b / 1024.0);
    return fmt::format("{:.0f} B", b);
}

struct Measure {
    const char* name;
    double before, after, factor, floor;
    std::string (*format)(double);
};

std::optional<DiffChange> resourceChange(const std::string& phase, const Measure& m) {
    const double lo = std::min(m.before, m.after), hi = std::max(m.before, m.after);
    if (hi - lo < m.floor)
        return std::nullopt;
    if (lo > 0 && hi / lo < m.factor)
        return std::nullopt;
    DiffChange c;
    c.kind = ChangeKind::Resource;
    c.phase = phase;
    c.measure = m.name;
    c.before = m.format(m.before);
    c.after = m.format(m.after);
    c.factor = m.before > 0 ? m.after / m.before : 0;
    std::string how;
    if (m.before <= 0)
        how = "from nothing";
    else if (c.factor >= 1)
        how = fmt::format("{:.1f}x more", c.factor);
    else
        how = fmt::format("{:.1f}x less", 1 / c.factor);
    c.description = fmt::format("{} {} {} -> {} ({})", phase, m.name, c.before, c.after, how);
    return c;
}

void compareResources(const std::string& phase, const PhaseOutcome& a, const PhaseOutcome& b, const DiffThresholds& t,
                      std::vector<DiffChange>& out) {
    using std::chrono::nanoseconds;
    std::vector<Measure> measures = {
        {"duration", double(a.duration.count()), double(b.duration.count()), t.durationFactor,
         double(nanoseconds(t.durationFloor).count()), seconds},
        {"memory", double(a.memoryPeakBytes), double(b.memoryPeakBytes), t.memoryFactor, double(t.memoryFloorBytes),
         bytes},
        {"output", double(a.stdoutBytes + a.stderrBytes), double(b.stdoutBytes + b.stderrBytes), t.outputFactor,
         double(t.outputFloorBytes), bytes},
    };
    // 0 means "not measured" for CPU; comparing it with a measured run would invent a change.
    if (a.cpu.count() > 0 && b.cpu.count() > 0)
        measures.insert(measures.begin() + 1, Measure{"cpu", double(a.cpu.count()), double(b.cpu.count()), t.cpuFactor,
                                                      double(nanoseconds(t.cpuFloor).count()), seconds});
    for (const Measure& m : measures)
        if (auto c = resourceChange(phase, m))
            out.push_back(std::move(*c));
}

std::string plural(size_t n, const char* what) { return fmt::format("{} {}", n, what); }

}  // namespace

const char* changeKindName(ChangeKind kind) {
    switch (kind) {
    case ChangeKind::Outcome: return "outcome";
    case ChangeKind::Resource: return "resource";
    case ChangeKind::Phases: return "phases";
    case ChangeKind::PhaseRun: return "phase_run";
    }
    return "outcome";
}

std::string VersionDiff::summary() const {
    std::string s = empty() ? std::string("no differences")
                            : fmt::format("{}, {}, {}", plural(added.size(), "added"),
                                          plural(removed.size(), "removed"), plural(changed.size(), "changed"));
    return s + (sameBehaviour ? "; same behaviour" : "; behaviour differs");
}

VersionDiff diffFingerprints(const Fingerprint& from, const Fingerprint& to, const DiffThresholds& thresholds) {
    VersionDiff d;
    d.from = {from.package, from.version, from.checksum};
    d.to = {to.package, to.version, to.checksum};
    d.sameBehaviour = from.sameBehaviour(to);

    // Phases that ran in both: only there can an item's phases be compared.
    std::set<std::string> common;
    for (const auto& [phase, s] : from.phases)
        if (to.phases.count(phase) != 0)
            common.insert(phase);

    std::vector<DiffChange> moves;
    for (Section section : kAllSections) {
        const auto& a = itemsOf(from, section);
        const auto& b = itemsOf(to, section);
        for (const auto& [key, evidence] : b) {
            const auto old = a.find(key);
            if (old == a.end()) {
                d.added.push_back({section, key, evidence});
                continue;
            }
            const auto before = phasesOf(old->second, common), after = phasesOf(evidence, common);
            if (before != after)
                moves.push_back(phaseMove(section, key, before, after, old->second, evidence));
        }
        for (const auto& [key, evidence] : a)
            if (b.count(key) == 0)
                d.removed.push_back({section, key, evidence});
    }

    for (const auto& [phase, s] : from.phases) {
        const auto other = to.phases.find(phase);
        if (other == to.phases.end()) {
            d.changed.push_back({ChangeKind::PhaseRun, phase, Section::FileReads, {}, {}, "ran", "not run", 0,
                                 fmt::format("{} phase did not run in {}", phase, to.version), {}, {}});
            continue;
        }
        if (auto c = outcomeChange(phase, s.outcome, other->second.outcome))
            d.changed.push_back(std::move(*c));
        compareResources(phase, s.outcome, other->second.outcome, thresholds, d.changed);
    }
    for (const auto& [phase, s] : to.phases)
        if (from.phases.count(phase) == 0)
            d.changed.push_back({ChangeKind::PhaseRun, phase, Section::FileReads, {}, {}, "not run", "ran", 0,
                                 fmt::format("{} phase ran only in {}", phase, to.version), {}, {}});
    d.changed.insert(d.changed.end(), moves.begin(), moves.end());
    return d;
}

DiffFacts diffFacts(const Fingerprint& from, const Fingerprint& to, std::string_view phase) {
    // The lists come from buildFacts itself, so diff.added.X always means "values of events.X".
    const nlohmann::json a = buildFacts(from, phase, {}, std::nullopt, std::nullopt, {});
    const nlohmann::json b = buildFacts(to, phase, {}, std::nullopt, std::nullopt, {});
    DiffFacts out;
    for (const std::string& k : diffFactKeys()) {
        const auto before = a.at("events." + k).get<std::set<std::string>>();
        const auto after = b.at("events." + k).get<std::set<std::string>>();
        std::vector<std::string>& added = out.added[k];
        std::vector<std::string>& removed = out.removed[k];
        std::set_difference(after.begin(), after.end(), before.begin(), before.end(), std::back_inserter(added));
        std::set_difference(before.begin(), before.end(), after.begin(), after.end(), std::back_inserter(removed));
    }
    return out;
}

nlohmann::json toJson(const VersionDiff& d) {
    auto side = [](const VersionDiff::Side& s) {
        return nlohmann::json{{"package", s.package}, {"version", s.version}, {"checksum", s.checksum}};
    };
    nlohmann::json sections = nlohmann::json::object();
    auto put = [&](const std::vector<DiffLine>& lines, const char* which) {
        for (const DiffLine& l : lines) {
            nlohmann::json& entry = sections[sectionName(l.section)];
            if (!entry.contains("added"))
                entry = {{"added", nlohmann::json::array()}, {"removed", nlohmann::json::array()}};
            entry[which].push_back({{"key", l.key}, {"evidence", l.evidence}});
        }
    };
    put(d.added, "added");
    put(d.removed, "removed");
    nlohmann::json changed = nlohmann::json::array();
    for (const DiffChange& c : d.changed) {
        nlohmann::json j = {{"kind", changeKindName(c.kind)}, {"description", c.description}};
        if (c.kind == ChangeKind::Phases) {
            j["section"] = sectionName(c.section);
            j["key"] = c.key;
            j["before_evidence"] = c.beforeEvidence;
            j["after_evidence"] = c.afterEvidence;
        } else {
            j["phase"] = c.phase;
        }
        if (c.kind == ChangeKind::Resource) {
            j["measure"] = c.measure;
            j["factor"] = c.factor;
        }
        j["before"] = c.before;
        j["after"] = c.after;
        changed.push_back(std::move(j));
    }
    return {{"schema", "vigil.diff/1"},
            {"from", side(d.from)},
            {"to", side(d.to)},
            {"same_behaviour", d.sameBehaviour},
            {"summary", d.summary()},
            {"counts", {{"added", d.added.size()}, {"removed", d.removed.size()}, {"changed", d.changed.size()}}},
            {"sections", sections},
            {"changed", changed}};
}

std::string evidenceText(const EventSeqs& evidence, size_t maxSeqs) {
    auto seqs = [&](const std::vector<uint64_t>& list) {
        std::string s;
        for (size_t i = 0; i < list.size() && i < maxSeqs; ++i)
            s += fmt::format("{}#{}", i == 0 ? "" : ",", list[i]);
        if (list.size() > maxSeqs)
            s += fmt::format(",...+{}", list.size() - maxSeqs);
        return s;
    };
    if (evidence.empty())
        return "(no events)";
    if (evidence.size() == 1) {
        const auto& [phase, list] = *evidence.begin();
        return fmt::format("({}; {} {})", phase, list.size() == 1 ? "event" : "events", seqs(list));
    }
    std::string out = "(";
    for (const auto& [phase, list] : evidence)
        out += fmt::format("{}{}: {}", out.size() == 1 ? "" : "; ", phase, seqs(list));
    return out + ")";
}

std::string terminalSafe(std::string_view text, size_t width) {
    // Keys come from the package under analysis: a hostile one could carry escape sequences that
    // rewrite the user's terminal, so every control byte is shown, never sent.
    std::string out;
    for (char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == '\n')
            out += "\\n";
        else if (c == '\t')
            out += "\\t";
        else if (c < 0x20 || c == 0x7f)
            out += fmt::format("\\x{:02x}", c);
        else
            out += ch;
    }
    if (width > 3 && out.size() > width) {
        size_t cut = width - 3;
        while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80)
            --cut;  // do not split a UTF-8 sequence
        out = out.substr(0, cut) + "...";
    }
    return out;
}

std::string renderText(const VersionDiff& d) {
    const bool samePackage = d.from.package == d.to.package;
    std::string out = samePackage ? fmt::format("{} {} -> {}: {}\n", d.to.package, d.from.version, d.to.version, d.summary())
                                  : fmt::format("{}@{} -> {}@{}: {}\n", d.from.package, d.from.version, d.to.package,
                                                d.to.version, d.summary());
    size_t sectionWidth = 0, keyWidth = 0;
    auto measure = [&](Section s, const std::string& key) {
        sectionWidth = std::max(sectionWidth, std::string_view(sectionName(s)).size());
        keyWidth = std::max(keyWidth, terminalSafe(key, 48).size());
    };
    for (const DiffLine& l : d.added)
        measure(l.section, l.key);
    for (const DiffLine& l : d.removed)
        measure(l.section, l.key);
    for (const DiffChange& c : d.changed)
        if (c.kind == ChangeKind::Phases)
            measure(c.section, c.key);
    auto line = [&](char mark, Section s, const std::string& key, const std::string& rest) {
        out += fmt::format("{} {:<{}}  {:<{}}  {}\n", mark, sectionName(s), sectionWidth, terminalSafe(key, 48), keyWidth,
                           rest);
    };
    for (Section s : kAllSections) {
        for (const DiffLine& l : d.added)
            if (l.section == s)
                line('+', s, l.key, evidenceText(l.evidence));
        for (const DiffLine& l : d.removed)
            if (l.section == s)
                line('-', s, l.key, evidenceText(l.evidence));
    }
    for (const DiffChange& c : d.changed) {
        if (c.kind == ChangeKind::Phases)
            line('~', c.section, c.key, c.description + "  " + evidenceText(c.afterEvidence));
        else
            out += fmt::format("~ {}\n", c.description);
    }
    return out;
}

}  // namespace vigil::engine::analysis
