// @brief Encodes the engine's run request and decodes the helper's messages (app/sandbox/protocol.h).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "engine/core/result.h"
#include "engine/sandbox/sandbox_types.h"

namespace vigil::engine::sandbox {

struct OutputChunk {
    OutputStream stream = OutputStream::Stdout;
    std::string data;
};

struct ChangesBatch {
    std::vector<FileChange> changes;
};

struct BaitBatch {
    std::vector<BaitToken> tokens;
};

struct HelperError {
    uint32_t code = 0;  ///< VIGIL_ERR_*
    std::string primary;
    std::string secondary;
};

/// RunResult fields carried by VIGIL_MSG_RESULT (changes and output arrive separately).
struct ResultSummary {
    RunResult result;
    uint32_t changesCount = 0;
};

struct TraceBatch {
    std::vector<TraceRecord> records;
};

struct RuntimeBatch {
    std::vector<std::string> lines;
    uint32_t dropped = 0;
};

using HelperMessage = std::variant<ReadyInfo, OutputChunk, ChangesBatch, ResultSummary, HelperError, BaitBatch, NetEvent,
                                   TraceBatch, TraceStats, RuntimeBatch>;

/// One RUN_REQUEST packet. Fails (Usage) when the request breaks a protocol bound.
Result<std::vector<uint8_t>> encodeRunRequest(const RunRequest& request);

/// Decodes one packet from the helper after vigil_msg_check(); anything malformed, and a
/// RUN_REQUEST (which only the engine sends), is an Internal error naming the reason.
Result<HelperMessage> decodeHelperMessage(std::span<const uint8_t> packet);

}  // namespace vigil::engine::sandbox
