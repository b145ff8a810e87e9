#include "engine/report/scan_report_text.h"

#include <algorithm>
#include <cctype>
#include <sstream>

namespace vigil::engine::report {

namespace {

constexpr const char* kReset = "\033[0m";
constexpr const char* kBold = "\033[1m";
constexpr const char* kDim = "\033[2m";

const char* colourOf(Severity s) {
    switch (s) {
    case Severity::Critical: return "\033[1;97;41m";  // white on red: the one that must not be missed
    case Severity::High: return "\033[1;31m";
    case Severity::Medium: return "\033[33m";
    case Severity::Low: return "\033[36m";
    case Severity::Info: return "\033[2m";
    }
    return "";
}

std::string upper(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::toupper(c); });
    return out;
}

std::string pathText(const std::string& project, const std::vector<std::string>& path) {
    std::string out = project.empty() ? "(project)" : project;
    for (const auto& step : path)
        out += " > " + step;
    return out;
}

std::string seconds(const ScanReport& r) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(r.finishedAt - r.startedAt).count();
    std::ostringstream out;
    out.precision(1);
    out << std::fixed << static_cast<double>(std::max<long long>(ms, 0)) / 1000.0 << " s";
    return out.str();
}

}  // namespace

std::string scanReportText(const ScanReport& r, const TextOptions& o) {
    auto paint = [&](const char* style, const std::string& text) {
        return o.colour ? std::string(style) + text + kReset : text;
    };
    std::ostringstream out;
    const std::string rule(64, '=');
    out << rule << "\n";
    out << " " << paint(kBold, "VIGIL scan of " + (r.projectName.empty() ? r.projectPath : r.projectName));
    if (r.scanId)
        out << paint(kDim, "  (scan #" + std::to_string(r.scanId) + ")");
    out << "\n";
    out << " Scanned " << r.totalPackages << " dependencies — analysed " << r.analysed << " (" << r.cached
        << " cached)";
    if (r.failed)
        out << ", " << paint(colourOf(Severity::High), std::to_string(r.failed) + " failed");
    out << " in " << seconds(r) << "\n";
    if (r.status != "complete")
        out << " " << paint(colourOf(Severity::High), "Scan " + r.status + ": results are partial") << "\n";
    out << " Findings:";
    for (Severity s : {Severity::Critical, Severity::High, Severity::Medium, Severity::Low}) {
        const auto it = r.findingsBySeverity.find(s);
        const uint64_t n = it == r.findingsBySeverity.end() ? 0 : it->second;
        const std::string text = std::to_string(n) + " " + std::string(severityName(s));
        out << " " << (n ? paint(colourOf(s), text) : text) << (s == Severity::Low ? "" : " ·");
    }
    out << "\n";
    if (r.comparison) {
        const auto& c = *r.comparison;
        out << " Since scan #" << c.previousScanId << ": +" << c.addedPackages.size() << " / -"
            << c.removedPackages.size() << " packages, " << c.newFindings.size() << " new finding(s), "
            << c.resolvedFindings.size() << " resolved\n";
        for (const auto& f : c.newFindings)
            out << "   new: " << f << "\n";
    }
    out << rule << "\n";

    bool any = false;
    for (Severity s : {Severity::Critical, Severity::High, Severity::Medium, Severity::Low, Severity::Info}) {
        if (s < o.minimum)
            break;
        std::vector<const PackageReport*> group;
        for (const auto& p : r.packages)
            if (!p.analysisFailed && p.severity == s && s != Severity::Info)
                group.push_back(&p);
        if (group.empty())
            continue;
        any = true;
        out << "\n" << paint(colourOf(s), " " + upper(severityName(s)) + " ") << "\n";
        for (const PackageReport* p : group) {
            out << "  " << paint(kBold, p->key()) << paint(kDim, "  score " + std::to_string(p->score))
                << (p->cached ? paint(kDim, "  (cached)") : "") << "\n";
            for (const auto& f : p->findings) {
                if (f.expected || f.severity < o.minimum)
                    continue;
                out << "    - " << f.title;
                if (f.severity != s)
                    out << paint(kDim, " [" + std::string(severityName(f.severity)) + "]");
                out << "\n";
            }
            for (std::size_t i = 0; i < p->paths.size() && i < o.maxPaths; ++i)
                out << "    " << paint(kDim, "via " + pathText(r.projectName, p->paths[i])) << "\n";
            if (p->paths.size() > o.maxPaths)
                out << "    " << paint(kDim, "(+" + std::to_string(p->paths.size() - o.maxPaths) + " more paths)")
                    << "\n";
        }
    }
    if (!any)
        out << "\n No findings at " << severityName(o.minimum) << " or above.\n";

    std::vector<const PackageReport*> failed;
    for (const auto& p : r.packages)
        if (p.analysisFailed)
            failed.push_back(&p);
    if (!failed.empty()) {
        out << "\n" << paint(kBold, " NOT ANALYSED") << "\n";
        for (const auto* p : failed)
            out << "  " << p->key() << ": " << p->analysisError << "\n";
    }
    return out.str();
}

}  // namespace vigil::engine::report
