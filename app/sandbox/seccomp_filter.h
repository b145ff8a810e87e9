// @brief The seccomp filter loaded as the very last step before execve.
#pragma once

#include <vector>

namespace vigil::sandbox {

/// Builds the filter (may allocate; call while setup can still fail cleanly) and returns an
/// opaque handle for loadSeccompFilter().
void* buildSeccompFilter();

/// Loads the filter into the calling thread (needs no_new_privs). After this only execve.
void loadSeccompFilter(void* filter);

/// Syscall numbers (this architecture) the filter answers with EPERM whatever their arguments
/// say, plus clone (EPERM only for namespace flags): the tracer records those answers as denials.
/// clone3's ENOSYS is left out on purpose: every fork meets it and falls back to clone.
std::vector<int> deniedSyscallNumbers();

}  // namespace vigil::sandbox
