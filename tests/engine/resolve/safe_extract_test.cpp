#include "engine/resolve/safe_extract.h"

#include "engine/resolve/integrity.h"
#include "tests/engine/resolve/tar_builder.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <set>
#include <sstream>

using namespace vigil::engine;
using namespace vigil::engine::resolve;
using vigil::test::TarBuilder;
namespace fs = std::filesystem;

namespace {

std::string readFile(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string sha256Hex(std::string_view data) {
    auto d = digestOf(HashAlgorithm::Sha256, data);
    return d.ok() ? toHex(*d) : std::string();
}

unsigned modeOf(const fs::path& p) {
    struct stat st {};
    EXPECT_EQ(::lstat(p.c_str(), &st), 0) << p;
    return st.st_mode & 07777;
}

/// Every test gets base/{pkg.tgz, dest/, sentinel/keep.txt}: the sentinel is the "outside"
/// an attack aims at, right next to destDir.
class SafeExtract : public ::testing::Test {
protected:
    void SetUp() override {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        base_ = fs::temp_directory_path() / ("vigil-extract-" + std::string(info->name()) + "-" + std::to_string(::getpid()));
        fs::remove_all(base_);
        fs::create_directories(base_ / "sentinel");
        std::ofstream(base_ / "sentinel" / "keep.txt") << "original";
        tgz_ = base_ / "pkg.tgz";
        dest_ = base_ / "dest";
    }
    void TearDown() override { fs::remove_all(base_); }

    Result<std::vector<ExtractedFile>> extract(const ExtractLimits& limits = {}) { return extractTarball(tgz_, dest_, limits); }

    /// The attack failed the way a user must see it: right code, the tarball and entry named,
    /// no partial destDir left, nothing written next to it.
    void expectRefused(const Result<std::vector<ExtractedFile>>& r, ErrorCode code, const std::string& entry) {
        ASSERT_FALSE(r.ok()) << "extraction of a hostile tarball succeeded (entry " << entry << ")";
        EXPECT_EQ(r.error().code, code) << r.error().describe();
        EXPECT_NE(r.error().primary.find("'" + entry + "'"), std::string::npos) << r.error().describe();
        EXPECT_NE(r.error().primary.find(tgz_.string()), std::string::npos) << r.error().describe();
        expectNothingLeft();
    }
    void expectNothingLeft() {
        std::error_code ec;
        EXPECT_EQ(fs::symlink_status(dest_, ec).type(), fs::file_type::not_found) << "partial extraction survived";
        std::set<std::string> besideDest;
        for (const auto& e : fs::directory_iterator(base_)) besideDest.insert(e.path().filename().string());
        EXPECT_EQ(besideDest, (std::set<std::string>{"pkg.tgz", "sentinel"}));
        std::set<std::string> inSentinel;
        for (const auto& e : fs::directory_iterator(base_ / "sentinel")) inSentinel.insert(e.path().filename().string());
        EXPECT_EQ(inSentinel, (std::set<std::string>{"keep.txt"}));
        EXPECT_EQ(readFile(base_ / "sentinel" / "keep.txt"), "original");
    }

    fs::path base_, tgz_, dest_;
};

}  // namespace

TEST_F(SafeExtract, BenignPackageWithBinAndInternalSymlinks) {
    {
        TarBuilder(tgz_)
            .dir("package/")
            .file("package/package.json", "{\"name\":\"x\"}\n", 0664)
            .file("package/bin/cli.js", "#!/usr/bin/env node\n", 0775)
            .dir("package/lib/")
            .file("package/lib/util.js", "module.exports = 1;\n")
            .symlink("package/alias.js", "lib/util.js")
            .symlink("package/lib/up.json", "../package.json");
    }
    auto r = extract();
    ASSERT_TRUE(r.ok()) << r.error().describe();
    std::vector<std::string> paths;
    for (const auto& f : *r) paths.push_back(f.path);
    EXPECT_EQ(paths, (std::vector<std::string>{"alias.js", "bin/cli.js", "lib/up.json", "lib/util.js", "package.json"}));

    const ExtractedFile& cli = (*r)[1];
    EXPECT_TRUE(cli.executable);
    EXPECT_EQ(cli.mode, 0755u);
    EXPECT_EQ(cli.size, 20u);
    EXPECT_EQ(cli.sha256, sha256Hex("#!/usr/bin/env node\n"));
    EXPECT_EQ(modeOf(dest_ / "bin/cli.js"), 0755u);
    EXPECT_EQ(modeOf(dest_ / "package.json"), 0644u) << "group write is normalised away";
    EXPECT_EQ(modeOf(dest_ / "lib"), 0755u);
    EXPECT_EQ(modeOf(dest_), 0755u);
    EXPECT_EQ((*r)[0].symlinkTarget, "lib/util.js");
    EXPECT_EQ(fs::read_symlink(dest_ / "alias.js"), "lib/util.js");
    EXPECT_EQ(readFile(dest_ / "lib/up.json"), "{\"name\":\"x\"}\n") << "the internal link resolves";
}

TEST_F(SafeExtract, StripsAnyTopFolderNameLikeNpm) {
    {
        TarBuilder(tgz_)
            .file("node-foo/index.js", "1")
            .file("./node-foo/lib/a.js", "2")
            .file("README", "top-level files are outside the package folder: npm drops them");
    }
    auto r = extract();
    ASSERT_TRUE(r.ok()) << r.error().describe();
    ASSERT_EQ(r->size(), 2u);
    EXPECT_EQ((*r)[0].path, "index.js");
    EXPECT_EQ((*r)[1].path, "lib/a.js");
    EXPECT_EQ(readFile(dest_ / "index.js"), "1");
    EXPECT_FALSE(fs::exists(dest_ / "README"));
    EXPECT_FALSE(fs::exists(dest_ / "node-foo"));
}

TEST_F(SafeExtract, SetuidSetgidAndStickyAreStripped) {
    {
        TarBuilder(tgz_).file("package/bin/tool", "#!/bin/sh\n", 06755).file("package/data", "d", 01666);
    }
    auto r = extract();
    ASSERT_TRUE(r.ok()) << r.error().describe();
    EXPECT_EQ(modeOf(dest_ / "bin/tool"), 0755u);
    EXPECT_EQ(modeOf(dest_ / "data"), 0644u);
}

TEST_F(SafeExtract, DuplicateRegularFileLaterWins) {
    {
        TarBuilder(tgz_).file("package/a.js", "one").file("package/a.js", "two");
    }
    auto r = extract();
    ASSERT_TRUE(r.ok()) << r.error().describe();
    ASSERT_EQ(r->size(), 1u);
    EXPECT_EQ((*r)[0].sha256, sha256Hex("two"));
    EXPECT_EQ(readFile(dest_ / "a.js"), "two");
}

TEST_F(SafeExtract, HardlinkInsidePackageIsAllowed) {
    {
        TarBuilder(tgz_).file("package/a.js", "same").hardlink("package/b.js", "package/a.js");
    }
    auto r = extract();
    ASSERT_TRUE(r.ok()) << r.error().describe();
    ASSERT_EQ(r->size(), 2u);
    EXPECT_EQ((*r)[1].path, "b.js");
    EXPECT_EQ((*r)[1].sha256, sha256Hex("same"));
    EXPECT_EQ(fs::hard_link_count(dest_ / "a.js"), 2u);
}

TEST_F(SafeExtract, RefusesAbsolutePath) {
    { TarBuilder(tgz_).file((base_ / "sentinel" / "pwned").string(), "x"); }
    expectRefused(extract(), ErrorCode::Unsafe, (base_ / "sentinel" / "pwned").string());
}

TEST_F(SafeExtract, RefusesDotDotEscape) {
    { TarBuilder(tgz_).file("package/ok.js", "1").file("../sentinel/pwned", "x"); }
    expectRefused(extract(), ErrorCode::Unsafe, "../sentinel/pwned");
}

TEST_F(SafeExtract, RefusesDotDotInsideThePackagePath) {
    { TarBuilder(tgz_).file("package/../../sentinel/pwned", "x"); }
    expectRefused(extract(), ErrorCode::Unsafe, "package/../../sentinel/pwned");
}

TEST_F(SafeExtract, RefusesSymlinkToEtcPasswd) {
    { TarBuilder(tgz_).file("package/index.js", "1").symlink("package/passwd", "/etc/passwd"); }
    expectRefused(extract(), ErrorCode::Unsafe, "package/passwd");
}

TEST_F(SafeExtract, RefusesRelativeSymlinkOutOfThePackage) {
    { TarBuilder(tgz_).dir("package/lib/").symlink("package/lib/out", "../../sentinel"); }
    expectRefused(extract(), ErrorCode::Unsafe, "package/lib/out");
}

TEST_F(SafeExtract, RefusesSymlinkDirectoryThenFileThroughIt) {
    // The classic: a link to the outside, then a file "inside" the link.
    { TarBuilder(tgz_).symlink("package/evil", (base_ / "sentinel").string()).file("package/evil/pwned", "x"); }
    expectRefused(extract(), ErrorCode::Unsafe, "package/evil");
}

TEST_F(SafeExtract, NeverWritesThroughASymlinkEvenAnInternalOne) {
    // `b` looks internal by text (a/.. with a -> .) yet is destDir's parent: writes must not
    // follow any link, so the file through it is refused on its own merits.
    {
        TarBuilder(tgz_).symlink("package/a", ".").symlink("package/b", "a/..").file("package/b/sentinel/pwned", "x");
    }
    auto r = extract();
    expectRefused(r, ErrorCode::Unsafe, "package/b/sentinel/pwned");
    EXPECT_NE(r.error().primary.find("symlink"), std::string::npos) << r.error().primary;
}

TEST_F(SafeExtract, RefusesSymlinkChainThatEscapes) {
    { TarBuilder(tgz_).symlink("package/a", ".").symlink("package/b", "a/.."); }
    auto r = extract();
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::Unsafe);
    EXPECT_NE(r.error().primary.find("symlink 'b'"), std::string::npos) << r.error().describe();
    expectNothingLeft();
}

TEST_F(SafeExtract, RefusesFileReplacingSymlink) {
    { TarBuilder(tgz_).file("package/target.js", "t").symlink("package/a.js", "target.js").file("package/a.js", "x"); }
    expectRefused(extract(), ErrorCode::Unsafe, "package/a.js");
}

TEST_F(SafeExtract, RefusesHardlinkToEtcPasswd) {
    { TarBuilder(tgz_).file("package/index.js", "1").hardlink("package/passwd", "/etc/passwd"); }
    expectRefused(extract(), ErrorCode::Unsafe, "package/passwd");
}

TEST_F(SafeExtract, RefusesHardlinkOutOfRoot) {
    { TarBuilder(tgz_).hardlink("package/keep", "package/../../sentinel/keep.txt"); }
    expectRefused(extract(), ErrorCode::Unsafe, "package/keep");
}

TEST_F(SafeExtract, RefusesHardlinkToSomethingNotInThePackage) {
    { TarBuilder(tgz_).hardlink("package/keep", "sentinel/keep.txt"); }
    expectRefused(extract(), ErrorCode::Unsafe, "package/keep");
}

TEST_F(SafeExtract, RefusesDevicesAndFifos) {
    for (unsigned type : {AE_IFCHR, AE_IFBLK, AE_IFIFO}) {  // tar has no socket type
        SCOPED_TRACE(type);
        { TarBuilder(tgz_).file("package/index.js", "1").special("package/node", type); }
        auto r = extract();
        expectRefused(r, ErrorCode::Unsafe, "package/node");
        fs::remove(tgz_);
    }
}

TEST_F(SafeExtract, RefusesTooManyFiles) {
    {
        TarBuilder b(tgz_);
        for (int i = 0; i < 60000; ++i) b.file("package/f" + std::to_string(i), "");
    }
    auto r = extract();
    expectRefused(r, ErrorCode::Unsafe, "package/f50000");  // the 50001st entry
    EXPECT_NE(r.error().primary.find("more than 50000 entries"), std::string::npos) << r.error().primary;
}

TEST_F(SafeExtract, RefusesFileOverPerFileLimit) {
    { TarBuilder(tgz_).file("package/a.js", "1").zeros("package/big.bin", 2u << 20); }
    ExtractLimits limits;
    limits.maxFileBytes = 1u << 20;
    expectRefused(extract(limits), ErrorCode::Unsafe, "package/big.bin");
}

TEST_F(SafeExtract, TotalLimitIsInclusiveAndEnforcedAcrossFiles) {
    ExtractLimits limits;
    limits.maxTotalBytes = 3u << 20;
    limits.maxCompressionRatio = 0;
    {
        TarBuilder(tgz_).zeros("package/f0", 1u << 20).zeros("package/f1", 1u << 20).zeros("package/f2", 1u << 20);
    }
    auto exact = extract(limits);
    ASSERT_TRUE(exact.ok()) << exact.error().describe();
    EXPECT_EQ(fs::file_size(dest_ / "f2"), 1u << 20);
    fs::remove_all(dest_);
    fs::remove(tgz_);

    {
        TarBuilder(tgz_).zeros("package/f0", 1u << 20).zeros("package/f1", 1u << 20).zeros("package/f2", 1u << 20).file("package/f3", "x");
    }
    expectRefused(extract(limits), ErrorCode::Unsafe, "package/f3");
}

TEST_F(SafeExtract, RefusesGzipBombFastAndWritesNothing) {
    // A tar header claiming 10 GiB of zeros, followed by 16 MiB of them, gzip'd to a few KiB.
    vigil::test::writeDeclaredBomb(tgz_, "package/bomb.bin", 10ull << 30, 16u << 20);
    ASSERT_LT(fs::file_size(tgz_), 1u << 20);
    const auto start = std::chrono::steady_clock::now();
    auto r = extract();
    const auto elapsed = std::chrono::steady_clock::now() - start;
    expectRefused(r, ErrorCode::Unsafe, "package/bomb.bin");
    EXPECT_LT(elapsed, std::chrono::seconds(2));
}

TEST_F(SafeExtract, RefusesImplausibleCompressionRatio) {
    { TarBuilder(tgz_).zeros("package/zeros.bin", 4u << 20); }
    auto r = extract();
    expectRefused(r, ErrorCode::Unsafe, "package/zeros.bin");
    EXPECT_NE(r.error().primary.find("times the size of the tarball"), std::string::npos) << r.error().primary;

    ExtractLimits noRatio;
    noRatio.maxCompressionRatio = 0;
    auto allowed = extract(noRatio);
    ASSERT_TRUE(allowed.ok()) << allowed.error().describe();
    EXPECT_EQ((*allowed)[0].size, 4u << 20);
}

TEST_F(SafeExtract, RefusesOverlongPaths) {
    { TarBuilder(tgz_).file("package/" + std::string(1100, 'a'), "x"); }
    auto r = extract();
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::Unsafe);
    EXPECT_NE(r.error().primary.find("longer than 1024"), std::string::npos) << r.error().primary;
    expectNothingLeft();
}

TEST_F(SafeExtract, CorruptArchiveIsAnInputError) {
    {
        TarBuilder(tgz_).file("package/a.js", std::string(100000, 'a'));
    }
    fs::resize_file(tgz_, fs::file_size(tgz_) / 2);  // truncated download
    auto r = extract();
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::Input) << r.error().describe();
    EXPECT_NE(r.error().primary.find(tgz_.string()), std::string::npos);
    expectNothingLeft();
}

TEST_F(SafeExtract, ExistingDestinationIsNeitherUsedNorRemoved) {
    { TarBuilder(tgz_).file("package/a.js", "1"); }
    fs::create_directory(dest_);
    std::ofstream(dest_ / "mine") << "user data";
    auto r = extract();
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().primary.find("already exists"), std::string::npos);
    EXPECT_EQ(readFile(dest_ / "mine"), "user data");
}
