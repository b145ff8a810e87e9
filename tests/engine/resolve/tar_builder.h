// @brief TarBuilder: writes crafted (often hostile) gzip'd tarballs for the extraction tests.
#pragma once

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>

#include <sys/sysmacros.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

namespace vigil::test {

/// Streams entries straight into a .tgz with libarchive's writer (pax format, gzip filter),
/// so even tens of thousands of entries cost no memory. finish() (or the destructor) closes it.
class TarBuilder {
public:
    explicit TarBuilder(const std::filesystem::path& out) : a_(archive_write_new()) {
        archive_write_set_format_pax_restricted(a_);
        archive_write_add_filter_gzip(a_);
        EXPECT_EQ(archive_write_open_filename(a_, out.c_str()), ARCHIVE_OK) << archive_error_string(a_);
    }
    ~TarBuilder() {
        finish();
        if (e_) archive_entry_free(e_);
    }
    TarBuilder(const TarBuilder&) = delete;
    TarBuilder& operator=(const TarBuilder&) = delete;

    TarBuilder& file(const std::string& path, const std::string& content, unsigned mode = 0644) {
        archive_entry* e = entry(path, AE_IFREG, mode);
        archive_entry_set_size(e, static_cast<la_int64_t>(content.size()));
        writeHeader(e);
        if (!content.empty()) archive_write_data(a_, content.data(), content.size());
        return *this;
    }
    /// A file of `size` zero bytes, streamed (for size and bomb tests).
    TarBuilder& zeros(const std::string& path, std::uint64_t size) {
        archive_entry* e = entry(path, AE_IFREG, 0644);
        archive_entry_set_size(e, static_cast<la_int64_t>(size));
        writeHeader(e);
        static const std::string block(1 << 16, '\0');
        for (std::uint64_t left = size; left > 0;) {
            std::size_t n = left < block.size() ? static_cast<std::size_t>(left) : block.size();
            archive_write_data(a_, block.data(), n);
            left -= n;
        }
        return *this;
    }
    TarBuilder& dir(const std::string& path, unsigned mode = 0755) {
        writeHeader(entry(path, AE_IFDIR, mode));
        return *this;
    }
    TarBuilder& symlink(const std::string& path, const std::string& target) {
        archive_entry* e = entry(path, AE_IFLNK, 0777);
        archive_entry_set_symlink(e, target.c_str());
        writeHeader(e);
        return *this;
    }
    TarBuilder& hardlink(const std::string& path, const std::string& target) {
        archive_entry* e = entry(path, AE_IFREG, 0644);
        archive_entry_set_hardlink(e, target.c_str());
        archive_entry_set_size(e, 0);
        writeHeader(e);
        return *this;
    }
    /// AE_IFCHR, AE_IFBLK, AE_IFIFO, AE_IFSOCK.
    TarBuilder& special(const std::string& path, unsigned type) {
        archive_entry* e = entry(path, type, 0644);
        if (type == AE_IFCHR || type == AE_IFBLK) archive_entry_set_rdev(e, makedev(1, 3));  // /dev/null's numbers
        writeHeader(e);
        return *this;
    }
    void finish() {
        if (!a_) return;
        EXPECT_EQ(archive_write_close(a_), ARCHIVE_OK) << archive_error_string(a_);
        archive_write_free(a_);
        a_ = nullptr;
    }

private:
    archive_entry* entry(const std::string& path, unsigned type, unsigned mode) {
        if (!e_) e_ = archive_entry_new();
        archive_entry_clear(e_);
        archive_entry_set_pathname(e_, path.c_str());
        archive_entry_set_filetype(e_, type);
        archive_entry_set_perm(e_, mode);
        archive_entry_set_mtime(e_, 499162500, 0);  // npm's fixed 1985 timestamp
        return e_;
    }
    void writeHeader(archive_entry* e) {
        EXPECT_EQ(archive_write_header(a_, e), ARCHIVE_OK) << archive_entry_pathname(e) << ": " << archive_error_string(a_);
    }

    archive* a_;
    archive_entry* e_ = nullptr;  // reused for every entry
};

/// A gzip'd tar whose single entry *declares* `declaredSize` bytes but carries only `actualZeros`
/// bytes before the stream ends — a decompression bomb without the cost of compressing gigabytes.
/// libarchive's tar writer would pad the entry to its declared size, so the 512-byte ustar header
/// is built here and libarchive's "raw" format + gzip filter only compresses it.
inline void writeDeclaredBomb(const std::filesystem::path& out, const std::string& path, std::uint64_t declaredSize,
                              std::uint64_t actualZeros) {
    char header[512] = {};
    std::snprintf(header, 100, "%s", path.c_str());
    std::snprintf(header + 100, 8, "%07o", 0644u);
    std::snprintf(header + 108, 8, "%07o", 0u);
    std::snprintf(header + 116, 8, "%07o", 0u);
    // Size in GNU base-256 form (first byte 0x80, big-endian value): octal tops out at 8 GiB.
    header[124] = static_cast<char>(0x80);
    for (int i = 0; i < 8; ++i) header[135 - i] = static_cast<char>((declaredSize >> (8 * i)) & 0xFF);
    std::snprintf(header + 136, 12, "%011o", 0u);
    header[156] = '0';
    std::memcpy(header + 257, "ustar", 6);
    std::memcpy(header + 263, "00", 2);
    std::memset(header + 148, ' ', 8);
    unsigned sum = 0;
    for (unsigned char c : header) sum += c;
    std::snprintf(header + 148, 8, "%06o", sum);
    header[155] = ' ';

    archive* a = archive_write_new();
    archive_write_set_format_raw(a);
    archive_write_add_filter_gzip(a);
    ASSERT_EQ(archive_write_open_filename(a, out.c_str()), ARCHIVE_OK) << archive_error_string(a);
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, "bomb");
    archive_entry_set_filetype(e, AE_IFREG);
    ASSERT_EQ(archive_write_header(a, e), ARCHIVE_OK) << archive_error_string(a);
    archive_write_data(a, header, sizeof header);
    static const std::string block(1 << 16, '\0');
    for (std::uint64_t left = actualZeros; left > 0;) {
        std::size_t n = left < block.size() ? static_cast<std::size_t>(left) : block.size();
        archive_write_data(a, block.data(), n);
        left -= n;
    }
    archive_write_close(a);
    archive_entry_free(e);
    archive_write_free(a);
}

}  // namespace vigil::test
