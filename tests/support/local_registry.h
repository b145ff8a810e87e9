// @brief LocalRegistry: the private Verdaccio (127.0.0.1 only) that integration tests read fixture packages from.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

namespace vigil::test {

/// One Verdaccio per test process, started on first use by tests/registry/start-registry.sh into a fresh
/// directory under the build tree and stopped when the process exits (a watcher also stops it if the
/// process dies without exiting). It serves the packages of tests/fixtures/registry-packages and never
/// proxies to a public registry. Use VIGIL_REQUIRE_LOCAL_REGISTRY() at the top of a test.
class LocalRegistry {
public:
    /// The process-wide registry, started on the first call (which may take a few seconds).
    static LocalRegistry& shared();

    ~LocalRegistry();
    LocalRegistry(const LocalRegistry&) = delete;
    LocalRegistry& operator=(const LocalRegistry&) = delete;

    /// True when the registry runs and url()/token() can be used.
    [[nodiscard]] bool available() const { return available_; }
    /// "http://127.0.0.1:PORT/", with the trailing slash; empty when not available.
    [[nodiscard]] std::string url() const { return url_; }
    /// A bearer token of a user that may read @private/* and publish.
    [[nodiscard]] std::string token() const { return token_; }
    /// Why available() is false, with what to do about it.
    [[nodiscard]] std::string unavailableReason() const { return reason_; }
    /// True when it is unavailable only because Verdaccio is not installed (a skip outside CI); a registry
    /// that is installed but fails to start is always a test failure.
    [[nodiscard]] bool notInstalled() const { return notInstalled_; }
    /// How long start-registry.sh took.
    [[nodiscard]] std::chrono::milliseconds startDuration() const { return startDuration_; }

    /// Whether a missing registry must fail the test instead of skipping it (CI=true).
    static bool missingIsFailure();

private:
    LocalRegistry();
    void start();
    void stop();

    bool available_ = false;
    bool notInstalled_ = false;
    std::string url_;
    std::string token_;
    std::string reason_;
    std::filesystem::path workdir_;
    std::chrono::milliseconds startDuration_{0};
    int ownerPid_ = 0;  // the process that started it; a forked child must not stop it
};

}  // namespace vigil::test

/// Skips the test when Verdaccio is not installed (outside CI), fails it otherwise; else continues.
#define VIGIL_REQUIRE_LOCAL_REGISTRY()                                                              \
    do {                                                                                            \
        const auto& vigilRegistry_ = ::vigil::test::LocalRegistry::shared();                       \
        if (!vigilRegistry_.available()) {                                                          \
            if (vigilRegistry_.notInstalled() && !::vigil::test::LocalRegistry::missingIsFailure()) \
                GTEST_SKIP() << vigilRegistry_.unavailableReason();                                 \
            FAIL() << vigilRegistry_.unavailableReason();                                           \
        }                                                                                           \
    } while (false)
