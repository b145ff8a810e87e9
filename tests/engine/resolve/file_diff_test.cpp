#include "engine/resolve/file_diff.h"

#include <gtest/gtest.h>

using namespace vigil::engine::resolve;

namespace {

ExtractedFile file(std::string path, std::string sha, std::uint32_t mode = 0644) {
    return {.path = std::move(path), .size = 1, .mode = mode, .sha256 = std::move(sha), .executable = mode == 0755, .symlinkTarget = {}};
}

ExtractedFile symlinkEntry(std::string path, std::string target) {
    return {.path = std::move(path), .size = 0, .mode = 0777, .sha256 = {}, .executable = false, .symlinkTarget = std::move(target)};
}

}  // namespace

TEST(FileDiff, ReportsAddedRemovedAndChangedByPathAndHash) {
    std::vector<ExtractedFile> older = {file("index.js", "aa"), file("lib/old.js", "bb"), file("README.md", "cc"),
                                        file("bin/run", "dd", 0644), symlinkEntry("alias.js", "index.js")};
    std::vector<ExtractedFile> newer = {file("README.md", "cc"), file("index.js", "a2"), file("postinstall.js", "ee"),
                                        file("bin/run", "dd", 0755), symlinkEntry("alias.js", "postinstall.js")};
    FileDiff diff = diffFileLists(older, newer);
    EXPECT_EQ(diff.added, (std::vector<std::string>{"postinstall.js"}));
    EXPECT_EQ(diff.removed, (std::vector<std::string>{"lib/old.js"}));
    EXPECT_EQ(diff.changed, (std::vector<std::string>{"alias.js", "bin/run", "index.js"}))
        << "content, mode (became executable) and link target changes all count";
}

TEST(FileDiff, IdenticalListsGiveAnEmptyDiff) {
    std::vector<ExtractedFile> files = {file("a", "1"), file("b", "2")};
    EXPECT_TRUE(diffFileLists(files, files).empty());
    EXPECT_TRUE(diffFileLists({}, {}).empty());
    FileDiff fromNothing = diffFileLists({}, files);
    EXPECT_EQ(fromNothing.added, (std::vector<std::string>{"a", "b"}));
}
