#include "engine/core/result.h"

#include <gtest/gtest.h>

using namespace vigil::engine;

namespace {
Result<int> half(int x) {
    if (x % 2)
        return makeError(ErrorCode::Input, "odd number " + std::to_string(x), "only even numbers halve");
    return x / 2;
}
Result<int> quarter(int x) {
    auto h = half(x);
    VIGIL_TRY(h);
    return half(*h);
}
}  // namespace

TEST(Result, CarriesValueOrError) {
    auto ok = half(8);
    ASSERT_TRUE(ok.ok());
    EXPECT_EQ(*ok, 4);
    auto bad = half(3);
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().code, ErrorCode::Input);
    EXPECT_EQ(bad.error().describe(), "odd number 3\n  only even numbers halve");
}

TEST(Result, TryPropagatesTheFirstError) {
    EXPECT_EQ(*quarter(8), 2);
    auto bad = quarter(6);  // 6 → 3 → odd
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().primary, "odd number 3");
}

TEST(Result, ContextIsPrependedAndCodeNamed) {
    Error e = makeError(ErrorCode::Network, "timeout").withContext("fetch lodash");
    EXPECT_EQ(e.primary, "fetch lodash: timeout");
    EXPECT_STREQ(errorCodeName(e.code), "network");
}
