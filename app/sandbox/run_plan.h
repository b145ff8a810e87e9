// @brief RunPlan: the validated request plus what the helper derived from it, shared by all stages.
#pragma once

#include <cstdint>
#include <string>
#include <sys/types.h>
#include <vector>

#include "app/sandbox/bait_home.h"
#include "app/sandbox/protocol.h"

namespace vigil::sandbox {

/// The ids the command sees: an ordinary first desktop user.
constexpr uid_t kSandboxUid = 1000;
constexpr gid_t kSandboxGid = 1000;
constexpr const char* kSandboxUser = "dev";
constexpr const char* kHomeDir = "/home/dev";
constexpr const char* kProjectDir = "/home/dev/project";
/// VIGIL's own scripts for Node (runtime hook, phase drivers): plain files of the read-only root
/// (no mount of their own for /proc/self/mountinfo to list), inside what reads as a Node tarball
/// unpacked under /opt, in a directory the sandbox user may enter but not list. Must match
/// node_launcher.c and engine/plan/phase_runner.h. Not <prefix>/lib/node: that is one of Node's
/// global module folders, where `require('hook')` would find the hook.
constexpr const char* kRuntimeDir = "/opt/nodejs/lib/node_modules/npm/lib/cli";
/// The run's CA certificate alone (also in the system bundle), as an organisation that inspects
/// TLS installs it for tools that keep their own store (NODE_EXTRA_CA_CERTS).
constexpr const char* kRunCaPath = "/etc/ssl/corporate-root-ca.pem";

struct RunPlan {
    vigil_run_request limits{};    ///< the fixed part as received (limits, counts, test mode)
    std::vector<std::string> argv;
    std::vector<std::string> env;  ///< extra NAME=value entries from the engine
    std::string cwd;
    std::string packageDir;        ///< canonical host path after validation; empty = none
    std::string cacheRoot;
    std::string hostname;
    std::string phase;
    std::string runtimeDir;        ///< host dir shown at kRuntimeDir; empty = not installed (no Node phases)
    std::string nodeLauncher;      ///< host path of vigil-node-launcher; empty = Node runs unhooked

    int packageFd = -1;            ///< O_PATH fd of packageDir, opened without following symlinks
    int idmapUsernsFd = -1;        ///< user ns mapping the package's owner to hostUid (idmapped lower)
    uid_t hostUid = 0;             ///< host uid/gid the sandbox's 1000 maps to (unprivileged, per run)
    gid_t hostGid = 0;
    std::string runName;           ///< "vigil-<helper pid>-<nonce>": cgroup directory names
    uint64_t startNs = 0;          ///< CLOCK_MONOTONIC at helper start
    BaitHome bait;                 ///< the run's fake home and honeytokens (stage 6)
    std::string trustedCaPem;      ///< the run's CA certificate: added to the sandbox's trust (stage 5)
};

/// Decodes a whole RUN_REQUEST packet (header included) after vigil_msg_check(); returns null
/// on success or the reason it was refused. Pure: no syscalls, so the fuzz test can drive it.
const char* decodeRunRequest(const uint8_t* packet, size_t size, RunPlan& out);

/// Validates the decoded request against the host (paths under the cache root, owned by the
/// engine's user, names well-formed) and opens the package dir. Refusals go through dieWith().
void validateRunPlan(RunPlan& plan, uid_t engineUid);

uint64_t monotonicNs();

/// The host directory with VIGIL's Node runtime files: <helper dir>/../../resources/node in a
/// build tree, else /usr/share/vigil/node; empty when neither exists. Never taken from the request:
/// the engine cannot make the helper expose another host directory.
std::string locateRuntimeDir();

/// vigil-node-launcher next to the helper, else /usr/libexec/vigil/vigil-node-launcher; empty
/// when neither exists (the sandbox then runs Node without the runtime hook).
std::string locateNodeLauncher();

/// Where the host's Node binary appears inside the sandbox once the launcher stands in for
/// /usr/bin/node (must match resources/node/hook.cjs and node_launcher.c).
constexpr const char* kRealNodePath = "/opt/nodejs/bin/node";

}  // namespace vigil::sandbox
