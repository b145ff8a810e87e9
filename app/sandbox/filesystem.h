// @brief Stage 5: the sandbox's file system — a tmpfs root of read-only binds, written /etc, fresh
// /proc and /dev, capped tmpfs /tmp and home, the package through overlayfs, pivot_root.
#pragma once

#include "app/sandbox/run_plan.h"

namespace vigil::sandbox {

/// Helper side, before the namespaces: a detached, size-capped tmpfs holding the overlay's
/// upper and work dirs. It is in no mount table; the returned fd keeps it alive so the helper can
/// read the upper dir after the sandbox is gone.
int createScratch(const RunPlan& plan);

/// Helper side: a user namespace whose only mapping is <package owner> -> the run's host ids, used
/// to idmap the package's lower layer so the sandbox user owns the package as a developer owns
/// their checkout. -1 when there is no package.
int createIdmapUserns(const RunPlan& plan);

/// Inside the new mount namespace (still real root): builds the root and pivots into it.
void buildFilesystem(const RunPlan& plan, int scratchFd);

}  // namespace vigil::sandbox
