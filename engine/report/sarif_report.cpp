#include "engine/report/sarif_report.h"

#include <map>

#include "engine/report/dependency_locator.h"
#include "engine/resolve/integrity.h"

namespace vigil::engine::report {

namespace {

using nlohmann::json;

const char* levelOf(Severity s) {
    switch (s) {
    case Severity::Critical:
    case Severity::High: return "error";
    case Severity::Medium: return "warning";
    case Severity::Low:
    case Severity::Info: return "note";
    }
    return "note";
}

std::string pathText(const std::vector<std::string>& path) {
    std::string out;
    for (const auto& step : path)
        out += (out.empty() ? "" : " > ") + step;
    return out;
}

/// Relative to the source root when inside it (what GitHub resolves against the checkout).
json artifactLocation(const std::filesystem::path& file, const std::filesystem::path& root) {
    if (!root.empty()) {
        const auto rel = file.lexically_normal().lexically_relative(root.lexically_normal());
        if (!rel.empty() && *rel.begin() != "..")
            return {{"uri", rel.generic_string()}, {"uriBaseId", "%SRCROOT%"}};
    }
    return {{"uri", "file://" + file.generic_string()}};
}

std::string fingerprintOf(const PackageReport& p, const Finding& f) {
    // The package name, not its version: an upgrade that keeps the behaviour is the same alert.
    auto digest = resolve::digestOf(resolve::HashAlgorithm::Sha256, p.name + "\n" + f.ruleId);
    return digest ? resolve::toHex(*digest).substr(0, 32) : p.name + ":" + f.ruleId;
}

}  // namespace

std::string securitySeverity(Severity s) {
    switch (s) {
    case Severity::Critical: return "9.5";
    case Severity::High: return "8.0";
    case Severity::Medium: return "5.5";
    case Severity::Low: return "3.0";
    case Severity::Info: return "0.0";
    }
    return "0.0";
}

json sarifReport(const ScanReport& report, const SarifOptions& options) {
    const auto locator = DependencyLocator::load(report.projectPath, report.lockfile);

    // Rules: one per id, described by its first finding, rated by its worst one.
    std::map<std::string, std::size_t> ruleIndex;
    json rules = json::array();
    std::vector<Severity> worst;
    for (const auto& p : report.packages) {
        for (const auto& f : p.findings) {
            if (f.expected)
                continue;
            auto [it, added] = ruleIndex.emplace(f.ruleId, rules.size());
            if (!added) {
                worst[it->second] = std::max(worst[it->second], f.severity);
                continue;
            }
            worst.push_back(f.severity);
            const std::string full = f.description.empty() ? f.title : f.description;
            json tags = json::array({"security", "supply-chain"});
            for (const auto& t : f.tags)
                tags.push_back(t);
            rules.push_back({{"id", f.ruleId},
                             {"name", f.ruleId},
                             {"fullDescription", {{"text", full}}},
                             {"help", {{"text", full + " Review the package's behaviour with `vigil-cli report` and "
                                                       "remove or pin the dependency if it is not expected.",
                                        }}},
                             {"properties", {{"tags", tags}}}});
        }
    }
    for (std::size_t i = 0; i < rules.size(); ++i) {
        rules[i]["properties"]["security-severity"] = securitySeverity(worst[i]);
        rules[i]["defaultConfiguration"] = {{"level", levelOf(worst[i])}};
        rules[i]["shortDescription"] = json::object();
        rules[i]["shortDescription"]["text"] =
            rules[i]["id"].get<std::string>() + ": " + std::string(severityName(worst[i])) + " behaviour of a dependency";
    }

    json results = json::array();
    for (const auto& p : report.packages) {
        for (const auto& f : p.findings) {
            if (f.expected)
                continue;
            const std::string direct = p.paths.empty() || p.paths.front().empty() ? p.name : p.paths.front().front();
            const auto at = direct.rfind('@');  // "@scope/name@1.0.0": the last '@' starts the version
            const std::string directName = at == 0 || at == std::string::npos ? direct : direct.substr(0, at);
            const SourceLocation where = locator.locate(p.name, p.version, directName);
            std::string message = p.key() + ": " + f.title + ".";
            if (!p.paths.empty())
                message += " Introduced by " + pathText(p.paths.front()) + ".";
            json physical = {{"artifactLocation", artifactLocation(where.file, options.sourceRoot)}};
            if (where.line > 0)
                physical["region"] = {{"startLine", where.line}};
            json result = {{"ruleId", f.ruleId},
                           {"ruleIndex", ruleIndex.at(f.ruleId)},
                           {"level", levelOf(f.severity)},
                           {"message", {{"text", message}}},
                           {"partialFingerprints", {{"vigilPackageRule/v1", fingerprintOf(p, f)}}},
                           {"properties",
                            {{"package", p.name},
                             {"version", p.version},
                             {"severity", std::string(severityName(f.severity))},
                             {"security-severity", securitySeverity(f.severity)},
                             {"paths", p.paths}}}};
            if (!where.file.empty())
                result["locations"] = json::array({{{"physicalLocation", physical}}});
            results.push_back(std::move(result));
        }
    }

    json run = {{"tool",
                 {{"driver",
                   {{"name", "VIGIL"},
                    {"semanticVersion", options.toolVersion},
                    {"rules", rules}}}}},
                {"automationDetails", {{"id", "vigil/" + report.projectName + "/"}}},
                {"results", results}};
    if (!options.sourceRoot.empty())
        run["originalUriBaseIds"] = {{"%SRCROOT%", {{"uri", "file://" + options.sourceRoot.generic_string() + "/"}}}};
    return {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"}, {"version", "2.1.0"}, {"runs", {run}}};
}

}  // namespace vigil::engine::report
