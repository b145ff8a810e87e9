// @brief Severity: the one five-step scale of findings, package verdicts, rules, exit gates and colours.
#pragma once

#include <optional>
#include <string_view>

namespace vigil::engine {

enum class Severity : int { Info = 0, Low = 1, Medium = 2, High = 3, Critical = 4 };

/// "info", "low", "medium", "high", "critical" — the spelling of rules, JSON and CLI flags.
constexpr std::string_view severityName(Severity s) {
    switch (s) {
    case Severity::Info: return "info";
    case Severity::Low: return "low";
    case Severity::Medium: return "medium";
    case Severity::High: return "high";
    case Severity::Critical: return "critical";
    }
    return "info";
}

/// Inverse of severityName (lower case only); nullopt for anything else.
constexpr std::optional<Severity> parseSeverity(std::string_view name) {
    for (Severity s : {Severity::Info, Severity::Low, Severity::Medium, Severity::High, Severity::Critical})
        if (severityName(s) == name)
            return s;
    return std::nullopt;
}

}  // namespace vigil::engine
