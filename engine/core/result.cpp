#include "engine/core/result.h"

namespace vigil::engine {

const char* errorCodeName(ErrorCode code) noexcept {
    switch (code) {
    case ErrorCode::Usage: return "usage";
    case ErrorCode::Input: return "input";
    case ErrorCode::Network: return "network";
    case ErrorCode::NotFound: return "not-found";
    case ErrorCode::Integrity: return "integrity";
    case ErrorCode::Unsafe: return "unsafe";
    case ErrorCode::Io: return "io";
    case ErrorCode::Store: return "store";
    case ErrorCode::Cancelled: return "cancelled";
    case ErrorCode::Internal: return "internal";
    }
    return "internal";
}

std::string Error::describe() const {
    if (secondary.empty())
        return primary;
    return primary + "\n  " + secondary;
}

Error Error::withContext(const std::string& context) const {
    return Error{code, context + ": " + primary, secondary};
}

}  // namespace vigil::engine
