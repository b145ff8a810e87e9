// @brief The one VIGIL palette: severity colours and the neutral tones around them, as "#rrggbb"
// strings that Qt (QColor / QML colour strings), HTML/CSS and the PDF writer all accept.
//
// Every view that colours a severity — graph nodes, heatmap cells, badges, report tables — reads
// it from here, so a "high" looks the same in the GUI, the HTML report and the PDF. The severity
// hues were picked to stay distinguishable for the common colour-vision deficiencies (they also
// differ in lightness) and each has a text colour chosen for contrast on top of it.
#pragma once

#include <string_view>

#include "engine/core/severity.h"

namespace vigil::engine::report::palette {

// Severity fills, from the least to the most alarming.
inline constexpr std::string_view kInfo = "#7d8799";
inline constexpr std::string_view kLow = "#3d8bd9";
inline constexpr std::string_view kMedium = "#e3a21a";
inline constexpr std::string_view kHigh = "#e8672a";
inline constexpr std::string_view kCritical = "#cf2c3f";

// Neutral tones: page background, raised surfaces (cards, panes), borders and lines, text.
inline constexpr std::string_view kBackground = "#f4f6f9";
inline constexpr std::string_view kSurface = "#ffffff";
inline constexpr std::string_view kSurfaceAlt = "#eef1f6";  ///< alternate table rows, selected tabs
inline constexpr std::string_view kBorder = "#d8dee8";
inline constexpr std::string_view kNeutral = "#b3bccb";     ///< "nothing seen": empty heat cells, clean nodes
inline constexpr std::string_view kEdge = "#9aa5b8";        ///< graph edges
inline constexpr std::string_view kText = "#1d2433";
inline constexpr std::string_view kTextMuted = "#5d6679";
inline constexpr std::string_view kAccent = "#2f62d6";      ///< focus, selection, links, the highlighted path
inline constexpr std::string_view kSidebar = "#1b2233";     ///< the GUI's navigation rail and report headers
inline constexpr std::string_view kOnDark = "#e9edf5";      ///< text on kSidebar

/// The fill of a severity.
constexpr std::string_view severityColor(Severity s) {
    switch (s) {
    case Severity::Info: return kInfo;
    case Severity::Low: return kLow;
    case Severity::Medium: return kMedium;
    case Severity::High: return kHigh;
    case Severity::Critical: return kCritical;
    }
    return kInfo;
}

/// Text drawn on top of severityColor(s): dark on the light amber, white on the rest.
constexpr std::string_view severityTextColor(Severity s) {
    return s == Severity::Medium ? kText : std::string_view{"#ffffff"};
}

/// The severity whose colour a heat value (0..100, ScanReport's PackageReport::heat and score)
/// is drawn in; 0 means "nothing" and is drawn kNeutral by callers.
constexpr Severity heatSeverity(int heat) {
    if (heat >= 75) return Severity::Critical;
    if (heat >= 50) return Severity::High;
    if (heat >= 25) return Severity::Medium;
    if (heat >= 10) return Severity::Low;
    return Severity::Info;
}

}  // namespace vigil::engine::report::palette
