// The event shape every source produces: JSON round trip and the errors a bad record gets.
#include <gtest/gtest.h>

#include "engine/collect/event.h"

using namespace vigil::engine;
using namespace vigil::engine::collect;

TEST(Event, RoundTripsThroughJson) {
    Event e;
    e.seq = 7;
    e.tsNs = 1'200'000'000;
    e.phase = "install";
    e.pid = 12;
    e.ppid = 1;
    e.exe = "/usr/bin/node";
    e.kind = std::string(kind::NetDns);
    e.source = Source::Honeypot;
    e.attrs = {{"name", "x.example"}, {"type", "A"}};
    e.attribution = {"evil@1.0.0", "index.js", 3};
    const auto back = eventFromJson(toJson(e));
    ASSERT_TRUE(back.ok()) << back.error().describe();
    EXPECT_EQ(back->seq, 7u);
    EXPECT_EQ(back->tsNs, 1'200'000'000);
    EXPECT_EQ(back->kind, "network.dns");
    EXPECT_EQ(back->category(), "network");
    EXPECT_EQ(back->source, Source::Honeypot);
    EXPECT_EQ(back->attrs["name"], "x.example");
    EXPECT_EQ(back->attribution, e.attribution);
    EXPECT_EQ(back->attribution.text(), "evil@1.0.0:index.js:3");
}

TEST(Event, RejectsRecordsAUserCouldNotTrust) {
    EXPECT_FALSE(eventFromJson(nlohmann::json::array()).ok());
    EXPECT_FALSE(eventFromJson({{"kind", "file.open"}, {"source", "kernel"}}).ok());  // no ts_ns
    const auto badSource = eventFromJson({{"ts_ns", 1}, {"kind", "file.open"}, {"source", "disk"}});
    ASSERT_FALSE(badSource.ok());
    EXPECT_NE(badSource.error().primary.find("disk"), std::string::npos);
    EXPECT_FALSE(eventFromJson({{"ts_ns", 1}, {"kind", "open"}, {"source", "kernel"}}).ok());
    const auto badType = eventFromJson({{"ts_ns", "soon"}, {"kind", "file.open"}, {"source", "kernel"}});
    ASSERT_FALSE(badType.ok());
    EXPECT_NE(badType.error().primary.find("ts_ns"), std::string::npos);
}
