// @brief `vigil-cli diff A B` and `query what-changed A B`: what one analysed version does that another did not.
#pragma once

#include <string>

#include "engine/core/config.h"

namespace vigil::cli {

struct DiffOptions {
    std::string from;  ///< name@version
    std::string to;    ///< name@version
    bool json = false;             ///< same as format "json"
    std::string format = "text";   ///< text, json (vigil.diff/1), html or pdf
    std::string out;               ///< file to write; empty = stdout (pdf needs a file)
    std::string pageSize = "a4";   ///< pdf: a4 or letter
    std::string file;              ///< a package file: print its content diff instead (text or json)
};

/// Prints the version diff from the store (vigil.diff/1 with --json / --format json). html and
/// pdf render the newer version as a one-package report whose "Changes since" section is this
/// diff, through the scan report's renderers. A version the store holds no fingerprint document
/// of is an error naming it and how to analyse it (exit 4, like any "not found"); a malformed
/// name@version is a usage error (exit 2).
/// With `file`: that file's content diff between the two versions' tarballs in the cache
/// (report::diffStoredVersionFile) as a unified diff, or with json as vigil.file-diff/1.
int runDiff(const engine::Config& config, const DiffOptions& options);

}  // namespace vigil::cli
