// @brief Stage 6: the baited fake home — a developer's dotfiles holding per-run honeytokens, and the token list.
#pragma once

#include <cstdint>
#include <string>
#include <sys/types.h>
#include <vector>

namespace vigil::sandbox {

/// One placement of one honeytoken: the same value planted in two places is two entries, so the
/// analysis can tell which place a leaked value was read from.
struct BaitToken {
    std::string name;      ///< kind of credential: "aws_access_key_id", "npm_token", ...
    uint32_t place = 0;    ///< VIGIL_BAIT_ENV or VIGIL_BAIT_FILE
    std::string location;  ///< env var name, or absolute path inside the sandbox
    std::string value;
};

struct BaitDir {
    std::string path;  ///< relative to the home
    mode_t mode = 0755;
};

struct BaitFile {
    std::string path;  ///< relative to the home
    std::string content;
    mode_t mode = 0644;
    int64_t ageSeconds = 0;  ///< mtime this far in the past: a home is not created the second the run starts
};

struct BaitHome {
    std::string login;     ///< the fake developer's GitHub / npm user name (the honeypot answers whoami with it)
    std::string fullName;
    std::string email;
    std::vector<BaitToken> tokens;
    std::vector<std::string> env;  ///< NAME=value entries for the command's environment
    std::vector<BaitDir> dirs;     ///< parents before children
    std::vector<BaitFile> files;
};

/// Helper side, before the sandbox exists: a new identity (name, logins, email) and fresh
/// tokens for this run, laid out as the files of `homeDir` (the path the sandbox sees).
BaitHome makeBaitHome(const std::string& homeDir, const std::string& hostname);

/// The engine's extra environment wins over the bait's (buildEnvironment): drops the bait
/// variables it overrides, and their token entries, so the list only names what was planted.
void yieldEnvToEngine(BaitHome& bait, const std::vector<std::string>& engineEnv);

/// Inside the sandbox's mount namespace (real root): writes the dirs and files under
/// `hostHomePath` (the home's tmpfs before pivot_root), owned by uid/gid, with their modes.
void plantBaitHome(const BaitHome& bait, const std::string& hostHomePath, uid_t uid, gid_t gid);

}  // namespace vigil::sandbox
