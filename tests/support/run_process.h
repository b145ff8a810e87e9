// @brief Runs a program as a user would and captures its exit code and output (tests only).
#pragma once

#include <map>
#include <string>
#include <vector>

namespace vigil::test {

struct ProcessResult {
    int exitCode = -1;   ///< exit status, or 128 + signal
    std::string out;
    std::string err;
};

/// Runs `argv` with exactly `env` as its environment (nothing inherited), in `cwd` when given.
ProcessResult runProcess(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                         const std::string& cwd = {});

/// Runs `cli args… --store <home>/vigil.db` in `home` as a user whose HOME is `home` and whose PATH
/// is the system's only: the CLI tests' way of calling vigil-cli against their own store.
ProcessResult runCliWithStore(const std::string& cli, std::vector<std::string> args, const std::string& home);

}  // namespace vigil::test
