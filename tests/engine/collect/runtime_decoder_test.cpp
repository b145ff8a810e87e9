// The runtime hook's lines -> events: a good line keeps every field; hostile or broken lines are
// rejected, counted and named, never crash and never yield half an event.
#include <gtest/gtest.h>

#include "engine/collect/runtime_decoder.h"

using namespace vigil::engine::collect;

namespace {

const char* kGood =
    R"({"ts_ns":12573175569840,"pid":7,"ppid":3,"tid":0,"exe":"/usr/bin/node","kind":"env.read",)"
    R"("attrs":{"name":"NPM_TOKEN","via":"process.env"},"package":"evil@1.0.0","file":"lib/index.js","line":12})";

}  // namespace

TEST(RuntimeDecoder, DecodesAHookLine) {
    RuntimeDecoder decoder("install", 12573175000000);
    const auto e = decoder.decode(kGood);
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(e->kind, "env.read");
    EXPECT_EQ(e->source, Source::Runtime);
    EXPECT_EQ(e->phase, "install");
    EXPECT_EQ(e->tsNs, 569840);
    EXPECT_EQ(e->pid, 7);
    EXPECT_EQ(e->ppid, 3);
    EXPECT_EQ(e->exe, "/usr/bin/node");
    EXPECT_EQ(e->attrs["name"], "NPM_TOKEN");
    EXPECT_EQ(e->attrs["via"], "process.env");
    EXPECT_EQ(e->attribution.text(), "evil@1.0.0:lib/index.js:12");
    EXPECT_EQ(decoder.rejected(), 0u);
    // And it survives the store's JSON form.
    const auto back = eventFromJson(toJson(*e));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back->attribution, e->attribution);
}

TEST(RuntimeDecoder, KeepsUnattributedEvents) {
    RuntimeDecoder decoder("debug");
    const auto e = decoder.decode(
        R"({"ts_ns":5,"pid":1,"ppid":0,"kind":"code.global_override","attrs":{"target":"JSON.parse"},"package":"","file":"","line":0})");
    ASSERT_TRUE(e.has_value());
    EXPECT_TRUE(e->attribution.empty());
    EXPECT_EQ(e->tsNs, 5);
}

TEST(RuntimeDecoder, RejectsMalformedLinesWithACountedReason) {
    RuntimeDecoder decoder("install");
    const std::string bad[] = {
        "",
        "not json at all",
        "{\"ts_ns\":1,",                                                                   // truncated
        "[1,2,3]",                                                                         // not an object
        R"({"pid":1,"ppid":0,"kind":"env.read","attrs":{"name":"A","via":"process.env"}})",  // no ts
        R"({"ts_ns":-4,"pid":1,"ppid":0,"kind":"env.read","attrs":{"name":"A","via":"x"}})",  // negative ts
        R"({"ts_ns":"12","pid":1,"ppid":0,"kind":"env.read","attrs":{"name":"A","via":"x"}})",  // ts as text
        R"({"ts_ns":1,"pid":1,"ppid":0,"kind":"process.exec","attrs":{}})",                 // a kernel kind
        R"({"ts_ns":1,"pid":1,"ppid":0,"kind":"made.up","attrs":{}})",                      // unknown kind
        R"({"ts_ns":1,"pid":1,"ppid":0,"kind":"env.read","attrs":"name"})",                 // attrs not an object
        R"({"ts_ns":1,"pid":1,"ppid":0,"kind":"env.read","attrs":{"via":"process.env"}})",  // required attr missing
        R"({"ts_ns":1,"pid":1,"ppid":0,"kind":"env.read","attrs":{"name":5,"via":"x"}})",   // attr wrong type
        R"({"ts_ns":1,"pid":-1,"ppid":0,"kind":"env.read","attrs":{"name":"A","via":"x"}})",  // pid out of range
        R"({"ts_ns":1,"pid":99999999999,"ppid":0,"kind":"env.read","attrs":{"name":"A","via":"x"}})",
        R"({"ts_ns":1,"pid":1,"ppid":0,"kind":"env.read","attrs":{"name":"A","via":"x"},"line":"7"})",
        R"({"ts_ns":1,"pid":1,"ppid":0,"kind":"env.read","attrs":{"name":"A","via":"x"},"package":{}})",
        R"({"ts_ns":1,"pid":1,"ppid":0,"kind":7,"attrs":{}})",
        std::string("{\"ts_ns\":1,\"pid\":1\0", 19),
        "\xff\xfe{}",
    };
    for (const std::string& line : bad)
        EXPECT_FALSE(decoder.decode(line).has_value()) << line;
    EXPECT_EQ(decoder.rejected(), std::size(bad));
    ASSERT_FALSE(decoder.warnings().empty());
    EXPECT_NE(decoder.warnings()[0].find("runtime line 1"), std::string::npos) << decoder.warnings()[0];
    EXPECT_LE(decoder.warnings().size(), 20u);
    // A good line after the garbage still decodes.
    EXPECT_TRUE(decoder.decode(kGood).has_value());
}

TEST(RuntimeDecoder, SurvivesDeepNestingAndHugeNumbers) {
    RuntimeDecoder decoder("install");
    std::string deep(100000, '[');
    EXPECT_FALSE(decoder.decode(deep).has_value());
    EXPECT_FALSE(decoder.decode(R"({"ts_ns":1e400,"pid":1,"ppid":0,"kind":"env.read","attrs":{}})").has_value());
    EXPECT_FALSE(decoder.decode(R"({"ts_ns":99999999999999999999999,"pid":1,"ppid":0,"kind":"env.read","attrs":{}})").has_value());
    EXPECT_EQ(decoder.rejected(), 3u);
}
