// @brief Result<T> and Error: how the engine reports failure — as values, never only in a log line.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace vigil::engine {

/// What kind of failure this is; the CLI maps it to its exit code (see app/cli/exit_codes.h).
enum class ErrorCode {
    Usage,      ///< the caller asked for something malformed (bad flag, bad spec)
    Input,      ///< a file the user gave us is malformed (lockfile, manifest, config, tarball)
    Network,    ///< registry unreachable, HTTP error, timeout
    NotFound,   ///< the registry or cache does not have the package or version
    Integrity,  ///< content does not match its declared integrity
    Unsafe,     ///< content tried something dangerous (path traversal, bomb, symlink out)
    Io,         ///< local file-system failure
    Store,      ///< SQLite failure
    Cancelled,  ///< the user or a deadline cancelled the work
    Internal,   ///< a bug: an invariant did not hold
};

/// The name of an error code as shown to users and in JSON ("input", "network", …).
const char* errorCodeName(ErrorCode code) noexcept;

/// A failure with a one-line primary text (what went wrong, naming the file:line or package)
/// and an optional secondary text (why, or what to do about it) — as Wireshark splits them.
struct Error {
    ErrorCode code = ErrorCode::Internal;
    std::string primary;
    std::string secondary;

    /// "primary" or "primary\n  secondary" for terminals and logs.
    [[nodiscard]] std::string describe() const;
    /// The same error with `context: ` put in front of the primary text.
    [[nodiscard]] Error withContext(const std::string& context) const;
};

inline Error makeError(ErrorCode code, std::string primary, std::string secondary = {}) {
    return Error{code, std::move(primary), std::move(secondary)};
}

/// Either a value or an Error. Deliberately small: check ok(), then value() or error().
template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : data_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
    Result(Error error) : data_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

    [[nodiscard]] bool ok() const noexcept { return data_.index() == 0; }
    explicit operator bool() const noexcept { return ok(); }

    T& value() & { assert(ok()); return std::get<0>(data_); }
    const T& value() const& { assert(ok()); return std::get<0>(data_); }
    T&& value() && { assert(ok()); return std::get<0>(std::move(data_)); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    const Error& error() const& { assert(!ok()); return std::get<1>(data_); }
    Error&& error() && { assert(!ok()); return std::get<1>(std::move(data_)); }

private:
    std::variant<T, Error> data_;
};

/// Result of an operation that yields nothing but can fail.
template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error) : error_(std::move(error)), failed_(true) {}  // NOLINT

    [[nodiscard]] bool ok() const noexcept { return !failed_; }
    explicit operator bool() const noexcept { return ok(); }
    const Error& error() const& { assert(failed_); return error_; }
    Error&& error() && { assert(failed_); return std::move(error_); }

private:
    Error error_;
    bool failed_ = false;
};

using Status = Result<void>;

}  // namespace vigil::engine

/// Return early with the error of a failed Result expression; otherwise evaluate to nothing.
#define VIGIL_TRY(expr)                                   \
    do {                                                  \
        auto vigil_try_result_ = (expr);                  \
        if (!vigil_try_result_.ok())                      \
            return std::move(vigil_try_result_).error();  \
    } while (0)
