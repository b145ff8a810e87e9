// @brief Stores hand-made analysis fingerprints the way a scan does (fingerprintRecordOf of the document), for the key-query tests.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "engine/analysis/fingerprint.h"
#include "engine/plan/scan_aggregation.h"
#include "engine/store/store.h"
#include "tests/engine/analysis/analysis_test_events.h"

namespace vigil::engine::plan::test {

/// Records `fingerprint` as the analysis of its name@version in one recordAnalysis, as the scan does.
inline void storeAnalysis(store::Store& store, const analysis::Fingerprint& fingerprint,
                          const std::string& category = {}, const std::string& publishedAt = {}) {
    store::VersionRecord v;
    v.packageName = fingerprint.package;
    v.version = fingerprint.version;
    v.publishedAt = publishedAt;
    auto id = store.upsertVersion(v);
    ASSERT_TRUE(id.ok()) << id.error().describe();
    store::AnalysisRecord record;
    record.version = *id;
    record.category = category;
    record.fingerprint = fingerprintRecordOf(analysis::toJson(fingerprint), "test-analyzer");
    auto stored = store.recordAnalysis(record);
    ASSERT_TRUE(stored.ok()) << stored.error().describe();
}

inline collect::Event connectTo(uint64_t seq, const char* host) {
    return analysis::test::ev(seq, collect::kind::NetConnect, {{"address", "10.0.0.9"}, {"port", 443}, {"host", host}});
}

/// evil@version: a quiet install, or (network = true) one that reads NPM_TOKEN and calls evil.example.
inline analysis::Fingerprint evilRelease(const std::string& version, bool network) {
    using analysis::test::ev;
    using analysis::test::record;
    std::vector<collect::Event> install = {ev(1, collect::kind::ProcessExec, {{"argv", {"sh", "-c", "node build.js"}}})};
    if (network) {
        install.push_back(ev(11, collect::kind::EnvRead, {{"name", "NPM_TOKEN"}}));
        install.push_back(connectTo(12, "evil.example"));
        install.push_back(connectTo(15, "evil.example"));
    }
    return analysis::test::fingerprintOf("evil", version,
                                         {record("install", install, 0, std::chrono::milliseconds(900)),
                                          record("import", {}, 0, std::chrono::milliseconds(200))});
}

/// A package that does nothing but run (the common case in a utility category).
inline analysis::Fingerprint quietPackage(const std::string& name, const std::string& version = "1.0.0") {
    return analysis::test::fingerprintOf(name, version, {analysis::test::record("import", {})});
}

}  // namespace vigil::engine::plan::test
