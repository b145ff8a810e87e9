// The event timeline of one package: lanes by category, phases side by side, each on its own time scale.
#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "engine/report/event_summary.h"
#include "engine/report/palette.h"
#include "engine/report/report_figures.h"
#include "engine/report/svg_writer.h"

namespace vigil::engine::report {

namespace {
constexpr double kWidth = 760;
constexpr double kLaneLabelWidth = 88;
constexpr double kHeaderHeight = 34;
constexpr double kLaneHeight = 24;
constexpr double kAxisHeight = 20;
constexpr double kPhaseGap = 10;

// The lanes always shown, in order; "runtime" and "sandbox" appear only when they have events.
constexpr const char* kMainLanes[] = {"process", "filesystem", "network", "env", "code"};

int phaseRank(const std::string& phase) {
    if (phase == "install") return 0;
    if (phase == "import") return 1;
    if (phase == "api") return 2;
    return 3;
}
}  // namespace

Figure timelineFigure(const PackageReport& package, const PackageEvents& events, bool standalone) {
    Figure fig;
    if (!events.loaded()) {
        fig.note = events.note;
        return fig;
    }
    if (events.events.empty()) {
        fig.note = "No events were recorded for this package.";
        return fig;
    }
    // Phases in run order, with their time span (the summary's duration, or the last event).
    std::vector<std::string> phases;
    std::map<std::string, double> spanMs;
    for (const auto& e : events.events) {
        if (std::find(phases.begin(), phases.end(), e.phase) == phases.end())
            phases.push_back(e.phase);
        spanMs[e.phase] = std::max(spanMs[e.phase], static_cast<double>(e.tsNs) / 1e6);
    }
    for (const auto& ph : package.phases)
        if (spanMs.count(ph.phase))
            spanMs[ph.phase] = std::max(spanMs[ph.phase], static_cast<double>(ph.duration.count()));
    std::stable_sort(phases.begin(), phases.end(), [](const auto& a, const auto& b) { return phaseRank(a) < phaseRank(b); });

    std::vector<std::string> lanes(std::begin(kMainLanes), std::end(kMainLanes));
    for (const auto& e : events.events) {
        const auto lane = eventLane(e);
        if (std::find(lanes.begin(), lanes.end(), lane) == lanes.end())
            lanes.push_back(lane);
    }
    // Events a finding rests on, in the colour of its most severe such finding.
    std::map<std::pair<std::string, uint64_t>, Severity> flagged;
    for (const auto& f : package.findings) {
        if (f.expected)
            continue;
        for (const auto& ref : f.events) {
            auto [it, inserted] = flagged.emplace(std::make_pair(ref.phase, ref.seq), f.severity);
            if (!inserted)
                it->second = std::max(it->second, f.severity);
        }
    }

    fig.width = kWidth;
    fig.height = kHeaderHeight + static_cast<double>(lanes.size()) * kLaneHeight + kAxisHeight + 4;
    SvgWriter svg(fig.width, fig.height, "Event timeline of " + package.key());
    const double plotTop = kHeaderHeight;
    const double plotBottom = plotTop + static_cast<double>(lanes.size()) * kLaneHeight;
    for (std::size_t l = 0; l < lanes.size(); ++l) {
        const double y = plotTop + static_cast<double>(l) * kLaneHeight;
        if (l % 2 == 0)
            svg.rect(kLaneLabelWidth, y, kWidth - kLaneLabelWidth, kLaneHeight, palette::kSurfaceAlt);
        svg.text(kLaneLabelWidth - 8, y + kLaneHeight / 2 + 4, lanes[l], 10.5, palette::kTextMuted, "end");
    }

    const double segmentWidth =
        (kWidth - kLaneLabelWidth - kPhaseGap * static_cast<double>(phases.size())) / static_cast<double>(phases.size());
    for (std::size_t p = 0; p < phases.size(); ++p) {
        const std::string& phase = phases[p];
        const double x0 = kLaneLabelWidth + kPhaseGap / 2 + static_cast<double>(p) * (segmentWidth + kPhaseGap);
        const double x1 = x0 + segmentWidth;
        const double span = std::max(spanMs[phase], 1.0);
        svg.text(x0, 14, phase, 11.5, palette::kText, "start", true);
        svg.text(x1, 14, fmt::format("{:.0f} ms", span), 10, palette::kTextMuted, "end");
        svg.line(x0, 22, x1, 22, palette::kBorder, 1);
        if (p > 0)
            svg.line(x0 - kPhaseGap / 2, plotTop, x0 - kPhaseGap / 2, plotBottom, palette::kBorder, 1, true);
        // Axis: start, middle, end of the phase.
        for (int t = 0; t <= 2; ++t) {
            const double x = x0 + segmentWidth * t / 2.0;
            svg.line(x, plotBottom, x, plotBottom + 4, palette::kEdge, 1);
            svg.text(x, plotBottom + 15, fmt::format("{:.0f}{}", span * t / 2.0, t == 2 ? " ms" : ""), 9, palette::kTextMuted,
                     t == 0 ? "start" : t == 2 ? "end" : "middle");
        }
        // Plain events first so flagged ones are drawn on top.
        for (int pass = 0; pass < 2; ++pass) {
            for (const auto& e : events.events) {
                if (e.phase != phase)
                    continue;
                const auto flag = flagged.find({e.phase, e.seq});
                if ((flag != flagged.end()) != (pass == 1))
                    continue;
                const auto lane = std::find(lanes.begin(), lanes.end(), eventLane(e)) - lanes.begin();
                const double ms = std::max(0.0, static_cast<double>(e.tsNs) / 1e6);
                const double x = x0 + 6 + (segmentWidth - 12) * std::min(ms / span, 1.0);
                const double y = plotTop + static_cast<double>(lane) * kLaneHeight + kLaneHeight / 2;
                const std::string tip = fmt::format("{} #{} +{:.1f} ms {}: {}", e.phase, e.seq, ms, e.kind, eventSummary(e));
                if (flag != flagged.end())
                    svg.circle(x, y, 6, palette::severityColor(flag->second), "#ffffff", tip);
                else
                    svg.circle(x, y, 3.5, palette::kEdge, {}, tip);
            }
        }
    }
    svg.line(kLaneLabelWidth, plotBottom, kWidth, plotBottom, palette::kEdge, 1);
    fig.svg = svg.finish(standalone);
    return fig;
}

}  // namespace vigil::engine::report
