// @brief RuntimeDecoder: one JSON line of the Node runtime hook -> an Event with source runtime.
//
// The lines come from inside the sandbox, where package code can write the same channel, so
// every field is checked: a malformed line is rejected with a counted warning, never a crash
// and never a half-filled event.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/collect/event.h"

namespace vigil::engine::collect {

class RuntimeDecoder {
public:
    /// `phase` labels every event; `baseNs` (CLOCK_MONOTONIC of the phase's exec, 0 = keep the
    /// hook's absolute monotonic time) is subtracted from each line's ts_ns.
    explicit RuntimeDecoder(std::string phase, int64_t baseNs = 0);

    /// The event of one line (without its '\n'), or nullopt when the line is malformed.
    std::optional<Event> decode(std::string_view line);

    /// Lines rejected so far.
    [[nodiscard]] uint64_t rejected() const { return rejected_; }
    /// Why, for the first few rejected lines: "runtime line 3: <reason>".
    [[nodiscard]] const std::vector<std::string>& warnings() const { return warnings_; }

    /// The kinds the hook emits, with the attrs each must carry as strings.
    static bool knownKind(std::string_view kind);

private:
    std::optional<Event> reject(const std::string& reason);

    std::string phase_;
    int64_t baseNs_ = 0;
    uint64_t lineNo_ = 0;
    uint64_t rejected_ = 0;
    std::vector<std::string> warnings_;
};

}  // namespace vigil::engine::collect
