// Rule fixtures: terse YAML behaviour cases run through the whole analysis chain
// (events -> normaliser -> fingerprint -> exfiltration proof -> facts -> rules).
//
// A case is one package version's behaviour in one or more phases:
//
//   - name: reads ~/.npmrc and posts it
//     package: evil@1.0.0            # default fixture@1.0.0
//     category: string               # default "" (unknown)
//     phase: install                 # default install; or `phases: {install: {...}, import: {...}}`
//     events:                        # kind + the attrs of engine/collect/event.h; optional pid, exe,
//                                    # source (kernel|runtime|honeypot) set the event's own fields
//       - {kind: file.open, path: /home/dev/.npmrc, access: read}
//     outcome: {exit_code: 1, wall_limit: true, duration_ms: 1500, cpu_ms: 900, stdout_bytes: 10}
//     bait: [{name: npm_token, env: NPM_TOKEN, value: npm_…}]   # honeytokens planted in the run
//     previous: [ …events of the previous version's same phase… ]  # gives diff.*
//     norms: {network: 0.01}         # category norms (share per behaviour)
//     expect_excepted: native_build  # negative cases: the rule holds but this exception suppresses it
//     expect: [rule-id, …]           # attack profiles: these must fire too
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "engine/analysis/facts.h"
#include "engine/analysis/phase_record.h"
#include "engine/analysis/rule_set.h"

namespace vigil::engine::analysis::test {

struct FixturePhase {
    std::string phase = "install";
    std::vector<collect::Event> events;
    std::vector<collect::Event> previous;
    PhaseOutcome outcome;
    std::vector<sandbox::BaitToken> bait;
};

struct FixtureCase {
    std::string file;  ///< fixture file it came from, for messages
    std::string name;
    std::string package = "fixture";
    std::string version = "1.0.0";
    std::string category;
    std::vector<FixturePhase> phases;
    bool hasPrevious = false;
    std::optional<NormFacts> norms;
    std::string expectExcepted;
    std::vector<std::string> expect;
};

inline void PrintTo(const FixtureCase& c, std::ostream* os) { *os << c.package << "@" << c.version << " \"" << c.name << "\""; }

/// One rule's fixture file: tests/fixtures/rules/<rule-id>.yaml.
struct RuleFixture {
    std::string ruleId;
    std::string file;
    std::vector<FixtureCase> positive;
    std::vector<FixtureCase> negative;
};

/// Reads a rule fixture file; the error names the file and the case.
Result<RuleFixture> loadRuleFixture(const std::filesystem::path& file);
/// Reads a profile file (`profiles:` list of cases).
Result<std::vector<FixtureCase>> loadProfiles(const std::filesystem::path& file);

struct CaseRun {
    std::vector<RuleMatch> matches;    ///< findings of every phase (a rule once per phase it held in)
    std::vector<nlohmann::json> facts;  ///< per phase, for failure messages
};

/// Builds the fingerprint, proofs, diff and facts of every phase of the case and evaluates the
/// rules on each (with excepted findings, marked by exceptedBy).
CaseRun runCase(const FixtureCase& c, const RuleSet& rules);

/// "id (severity)" of each match that no exception suppressed, for messages.
std::string describeMatches(const std::vector<RuleMatch>& matches);

}  // namespace vigil::engine::analysis::test
