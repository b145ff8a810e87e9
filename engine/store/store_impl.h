// @brief Store::Impl: the state behind a Store, shared by the store_*.cpp files. Internal.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>

#include "engine/store/db_connection.h"
#include "engine/store/store.h"

namespace vigil::engine::store {

struct Store::Impl {
    explicit Impl(detail::DbConnection connection) : db(std::move(connection)) {}
    detail::DbConnection db;
};

namespace detail {

inline std::int64_t nowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

/// The error a moved-from Store returns instead of dereferencing nothing.
inline Error movedFromStore() {
    return makeError(ErrorCode::Internal, "store used after it was moved from");
}

}  // namespace detail
}  // namespace vigil::engine::store
