// @brief Where a condition's characters came from, so compile errors name file:line:column with a caret.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "engine/core/result.h"

namespace vigil::engine::analysis {

/// A rule file's name and its raw lines, kept while loading to quote them in errors.
struct SourceFile {
    std::string name;
    std::vector<std::string> lines;

    static std::shared_ptr<const SourceFile> fromText(std::string name, const std::string& text);
};

/// An Input error "FILE:LINE:COL: message" whose secondary text quotes the line with a caret under
/// `length` characters (at least one), then the hint. `line` and `column` count from 1.
Error sourceError(const SourceFile& file, int line, int column, std::size_t length, const std::string& message,
                  const std::string& hint = {});

/// One condition's text plus, for each byte of it, its line and column in the file it came from.
class ConditionSource {
public:
    /// A condition not read from a file (tests, the CLI): line 1, column = offset + 1.
    static ConditionSource inlineText(std::string text, std::string name = "<condition>");
    /// A YAML scalar's value, aligned with the raw file from its mark (0-based, as yaml-cpp gives
    /// it). YAML folding and quoting change whitespace and quotes only, so every other character
    /// is found again in order in the raw lines; errors then point into the file, not the value.
    static ConditionSource fromYamlScalar(std::shared_ptr<const SourceFile> file, std::string value, int markLine,
                                          int markColumn);

    const std::string& text() const { return text_; }
    const std::string& fileName() const { return file_->name; }
    /// "FILE:LINE:COL" of the byte at `offset` (the end of the text is allowed).
    std::string where(std::size_t offset) const;
    Error errorAt(std::size_t offset, std::size_t length, const std::string& message,
                  const std::string& hint = {}) const;

private:
    struct Pos {
        int line = 1;
        int column = 1;
    };
    std::shared_ptr<const SourceFile> file_;
    std::string text_;
    std::vector<Pos> pos_;  // text_.size() + 1 entries
};

}  // namespace vigil::engine::analysis
