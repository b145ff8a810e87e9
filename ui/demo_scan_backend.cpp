// Replays a prepared ScanReport: packages "run" one after another, phase by phase, events in
// batches, so the GUI sees the same progress shape as a real scan.
#include "ui/demo_scan_backend.h"

#include <algorithm>
#include <filesystem>
#include <thread>

#include "ui/demo_norms.h"
#include "ui/demo_package_files.h"
#include "ui/demo_report.h"

namespace vigil::ui {

DemoScanBackend::DemoScanBackend(engine::report::ScanReport report, std::chrono::milliseconds perPackage,
                                 std::shared_ptr<const engine::report::EventSource> events)
    : report_(std::move(report)), perPackage_(perPackage), events_(events ? std::move(events) : makeDemoEvents()) {}

engine::Result<std::shared_ptr<const engine::report::EventSource>> DemoScanBackend::eventSource(const ScanOptions&) {
    return events_;
}

engine::Result<NormsSnapshot> DemoScanBackend::categoryNorms(const std::vector<engine::report::PackageReport>& packages,
                                                             const ScanOptions&) {
    return makeDemoNorms(packages);
}

void DemoScanBackend::failWith(engine::Error error, uint64_t afterPackages) {
    failure_ = std::move(error);
    failAfter_ = afterPackages;
}

engine::Result<engine::report::ScanReport> DemoScanBackend::run(const std::string& project, const ScanOptions& options,
                                                                const ProgressCallback& progress, std::stop_token stop) {
    using engine::ErrorCode;
    using engine::makeError;
    // The same first check the orchestrator makes: a folder must hold a project.
    const std::filesystem::path path(project);
    const bool looksLikeSpec = project.find('@', 1) != std::string::npos && !std::filesystem::exists(path);
    if (!looksLikeSpec && !std::filesystem::exists(path / "package.json") && !std::filesystem::is_regular_file(path))
        return makeError(ErrorCode::Input, project + ": no package.json here",
                         "Open the folder that holds package.json and its lockfile, or enter name@version.");

    engine::report::ScanReport report = report_;
    report.projectPath = project;
    report.startedAt = std::chrono::system_clock::now();
    const auto total = static_cast<uint64_t>(report.packages.size());
    uint64_t done = 0;
    for (const auto& package : report.packages) {
        if (failure_ && done >= failAfter_)
            return *failure_;
        const auto phaseCount = std::max<std::size_t>(1, options.phases.size());
        const auto perPhase = perPackage_ / phaseCount;
        for (const std::string& phase : options.phases) {
            auto stored = events_->eventsOf(package.name, package.version, phase);
            std::vector<engine::collect::Event> phaseEvents = stored ? std::move(stored).value()
                                                                     : std::vector<engine::collect::Event>{};
            // Events trickle out in a few batches over the phase's time.
            constexpr std::size_t kSlices = 3;
            for (std::size_t slice = 0; slice < kSlices; ++slice) {
                if (stop.stop_requested())
                    return makeError(ErrorCode::Cancelled, "scan of " + project + " cancelled",
                                     std::to_string(done) + " of " + std::to_string(total) + " packages were analysed.");
                ScanProgress p;
                p.totalPackages = total;
                p.donePackages = done;
                p.package = package.key();
                p.phase = phase;
                p.eventsPackage = package.key();
                const std::size_t from = phaseEvents.size() * slice / kSlices;
                const std::size_t to = phaseEvents.size() * (slice + 1) / kSlices;
                p.events.assign(phaseEvents.begin() + static_cast<std::ptrdiff_t>(from),
                                phaseEvents.begin() + static_cast<std::ptrdiff_t>(to));
                progress(std::move(p));
                std::this_thread::sleep_for(perPhase / kSlices);
            }
        }
        ++done;
        ScanProgress finished;
        finished.totalPackages = total;
        finished.donePackages = done;
        finished.finished = package;
        progress(std::move(finished));
    }
    report.finishedAt = std::chrono::system_clock::now();
    return report;
}

engine::Result<engine::resolve::ContentDiff> DemoScanBackend::diffFile(const std::string& older, const std::string& newer,
                                                                   const std::string& path, const ScanOptions&) {
    const auto split = [](const std::string& key) {
        const auto at = key.rfind('@');
        return at == 0 || at == std::string::npos ? std::pair{key, std::string()} : std::pair{key.substr(0, at), key.substr(at + 1)};
    };
    const auto [name, from] = split(older);
    const auto to = split(newer).second;
    const auto before = demoPackageFile(name, from, path);
    const auto after = demoPackageFile(name, to, path);
    if (!before && !after)
        return engine::makeError(engine::ErrorCode::NotFound, path + " is in neither version of " + name,
                                 "The demo has package contents for fast-setup 3.0.9 and 3.1.0 only.");
    return engine::resolve::diffContents(before.value_or(""), after.value_or(""), path, before.has_value(), after.has_value());
}

}  // namespace vigil::ui
