// @brief DemoScanBackend: a ScanBackend that replays a prepared ScanReport with realistic pacing —
// for development, tests and benchmarks until the engine's orchestrator is wired in.
#pragma once

#include <chrono>
#include <memory>
#include <optional>

#include "ui/scan_backend.h"

namespace vigil::ui {

class DemoScanBackend : public ScanBackend {
public:
    /// Each package takes `perPackage` (split over its phases); `events` (the demo's when null)
    /// are streamed in small batches while a package "runs" and are the eventSource() after.
    explicit DemoScanBackend(engine::report::ScanReport report,
                             std::chrono::milliseconds perPackage = std::chrono::milliseconds(120),
                             std::shared_ptr<const engine::report::EventSource> events = nullptr);

    /// Makes every run fail with `error` after `afterPackages` packages (tests of error display).
    void failWith(engine::Error error, uint64_t afterPackages = 0);

    engine::Result<engine::report::ScanReport> run(const std::string& project, const ScanOptions& options,
                                                   const ProgressCallback& progress, std::stop_token stop) override;
    engine::Result<std::shared_ptr<const engine::report::EventSource>> eventSource(const ScanOptions& options) override;
    /// makeDemoNorms: made-up peers, so the norm view has something to show without a store.
    engine::Result<NormsSnapshot> categoryNorms(const std::vector<engine::report::PackageReport>& packages,
                                                const ScanOptions& options) override;
    /// The demo's canned package contents (demoPackageFile), diffed as the engine diffs tarballs.
    engine::Result<engine::resolve::ContentDiff> diffFile(const std::string& older, const std::string& newer,
                                                          const std::string& path, const ScanOptions& options) override;

private:
    engine::report::ScanReport report_;
    std::chrono::milliseconds perPackage_;
    std::shared_ptr<const engine::report::EventSource> events_;
    std::optional<engine::Error> failure_;
    uint64_t failAfter_ = 0;
};

}  // namespace vigil::ui
