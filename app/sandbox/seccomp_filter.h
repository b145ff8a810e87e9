// @brief The seccomp filter loaded as the very last step before execve.
#pragma once

namespace vigil::sandbox {

/// Builds the filter (may allocate; call while setup can still fail cleanly) and returns an
/// opaque handle for loadSeccompFilter().
void* buildSeccompFilter();

/// Loads the filter into the calling thread (needs no_new_privs). After this only execve.
void loadSeccompFilter(void* filter);

}  // namespace vigil::sandbox
