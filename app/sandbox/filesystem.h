// @brief Stage 5: the sandbox's file system — a tmpfs root of read-only binds, written /etc, fresh
// /proc and /dev, /tmp and the home on the scratch tmpfs, the package through overlayfs, pivot_root.
#pragma once

#include "app/sandbox/run_plan.h"

namespace vigil::sandbox {

/// The scratch tmpfs's layout. Everything the run can write, except /dev/shm, lives here.
constexpr const char* kScratchProjectUpper = "upper";  ///< the package overlay's upper: /home/dev/project
constexpr const char* kScratchProjectWork = "work";
constexpr const char* kScratchHomeLower = "home";      ///< the planted bait home (lower of /home/dev)
constexpr const char* kScratchHomeUpper = "home-upper";
constexpr const char* kScratchHomeWork = "home-work";
constexpr const char* kScratchTmp = "tmp";             ///< /tmp, bound
// Copies of the Node runtime (copied again into the sandbox's root at kRuntimeDir) and of the
// launcher (bound read-only at /usr/bin/node).
constexpr const char* kScratchRuntime = "node-runtime";
constexpr const char* kScratchLauncherUsr = "usr";
constexpr const char* kScratchLauncherBin = "usr/bin";         ///< usr/bin/node: the launcher

/// Helper side, before the namespaces: a detached, size-capped tmpfs holding the overlays' upper
/// and work dirs, the home's lower layer, /tmp and copies of the Node runtime and launcher. It is in no mount table; the returned fd keeps
/// it alive so the helper can read what the run wrote after the sandbox is gone.
int createScratch(const RunPlan& plan);

/// Helper side: a user namespace whose only mapping is <package owner> -> the run's host ids, used
/// to idmap the package's lower layer so the sandbox user owns the package as a developer owns
/// their checkout. -1 when there is no package.
int createIdmapUserns(const RunPlan& plan);

/// Inside the new mount namespace (still real root): builds the root and pivots into it.
void buildFilesystem(const RunPlan& plan, int scratchFd);

}  // namespace vigil::sandbox
