// @brief KernelDecoder: turns raw eBPF tracer records (bpf/vigil_trace.h) into collect::Events.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>

#include "engine/collect/event.h"
#include "engine/core/result.h"

namespace vigil::engine::collect {

/// Decodes one run's records in the order the helper forwarded them. Stateful on purpose: a
/// record carries pids and comm, and the decoder remembers each process's executable from its
/// exec record (inherited over fork) to fill Event::exe.
class KernelDecoder {
public:
    /// `execNs` is the CLOCK_MONOTONIC time of the command's execve (TraceStats::execNs): event
    /// timestamps are made relative to it.
    KernelDecoder(std::string phase, uint64_t execNs);

    /// One record. An Input error names what is wrong with a malformed or short record; the
    /// decoder's state is unchanged then.
    [[nodiscard]] Result<Event> decode(std::span<const uint8_t> record);

    /// Joins a leaf-first dentry-walk base ("c/b/a/") and a path string into one absolute,
    /// lexically normal path ("/a/b/c/rel"). Public for the tests.
    static std::string joinPath(std::string_view leafFirstBase, std::string_view rel);

private:
    std::string phase_;
    uint64_t execNs_;
    uint64_t seq_ = 0;
    std::unordered_map<int32_t, std::string> exe_;  ///< pid -> executable path
};

}  // namespace vigil::engine::collect
