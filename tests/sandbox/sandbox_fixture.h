// @brief Shared fixture of the privileged sandbox tests: a client on the built helper, a temp cache.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "engine/sandbox/sandbox_client.h"

namespace vigil::test {

namespace sbx = vigil::engine::sandbox;

class SandboxTest : public ::testing::Test {
protected:
    void SetUp() override;
    void TearDown() override;

    /// Runs argv; `tweak` adjusts the request (limits, package) first. Fails the test on error.
    sbx::RunResult run(std::vector<std::string> argv, const std::function<void(sbx::RunRequest&)>& tweak = {},
                       const sbx::RunObserver& observer = {});
    /// The same, returning the error instead.
    engine::Result<sbx::RunResult> tryRun(std::vector<std::string> argv,
                                          const std::function<void(sbx::RunRequest&)>& tweak = {},
                                          const sbx::RunObserver& observer = {});
    /// Makes <cache>/pkg (the overlay's lower layer) and uses it for the next runs.
    std::filesystem::path makePackage();
    /// Copies the probe into the package as ./probe.
    void addProbe(const std::filesystem::path& pkg);

    /// Fails when anything of the run is left: its pid 1, its cgroup directories.
    static void expectCleanedUp(const sbx::ReadyInfo& ready);

    std::optional<sbx::SandboxClient> client_;
    std::filesystem::path cache_;
    std::filesystem::path pkg_;
};

/// Lines of the test process's /proc/self/mountinfo.
size_t mountCount();
std::string readFile(const std::filesystem::path& p);
void writeFile(const std::filesystem::path& p, const std::string& content);

}  // namespace vigil::test
