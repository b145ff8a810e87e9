#include "engine/analysis/condition_source.h"

#include <algorithm>
#include <cctype>
#include <sstream>

namespace vigil::engine::analysis {

std::shared_ptr<const SourceFile> SourceFile::fromText(std::string name, const std::string& text) {
    auto file = std::make_shared<SourceFile>();
    file->name = std::move(name);
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        file->lines.push_back(std::move(line));
    }
    return file;
}

Error sourceError(const SourceFile& file, int line, int column, std::size_t length, const std::string& message,
                  const std::string& hint) {
    std::string primary = file.name + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message;
    std::string secondary;
    if (line >= 1 && static_cast<std::size_t>(line) <= file.lines.size()) {
        const std::string& text = file.lines[static_cast<std::size_t>(line) - 1];
        const std::string number = std::to_string(line);
        const std::size_t start = std::min(static_cast<std::size_t>(std::max(column, 1) - 1), text.size());
        const std::size_t span = std::max<std::size_t>(1, std::min(length, text.size() > start ? text.size() - start : 1));
        // Keep tabs in the caret line so the caret lands under the same character on a terminal.
        std::string pad;
        for (std::size_t i = 0; i < start; ++i)
            pad += text[i] == '\t' ? '\t' : ' ';
        // Printers put two spaces before the secondary text's first line (Error::describe, the
        // CLI); the later lines get them here so the caret stays under its column.
        const std::string gutter(number.size() + 2, ' ');
        secondary = " " + number + " | " + text + "\n  " + gutter + "| " + pad + "^" + std::string(span - 1, '~');
    }
    if (!hint.empty())
        secondary += (secondary.empty() ? "" : "\n  ") + hint;
    return makeError(ErrorCode::Input, std::move(primary), std::move(secondary));
}

ConditionSource ConditionSource::inlineText(std::string text, std::string name) {
    ConditionSource s;
    s.file_ = SourceFile::fromText(std::move(name), text);
    s.text_ = std::move(text);
    s.pos_.resize(s.text_.size() + 1);
    int line = 1, column = 1;
    for (std::size_t i = 0; i <= s.text_.size(); ++i) {
        s.pos_[i] = {line, column};
        if (i < s.text_.size() && s.text_[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return s;
}

ConditionSource ConditionSource::fromYamlScalar(std::shared_ptr<const SourceFile> file, std::string value,
                                                int markLine, int markColumn) {
    ConditionSource s;
    s.file_ = std::move(file);
    s.text_ = std::move(value);
    const auto& lines = s.file_->lines;
    std::size_t l = static_cast<std::size_t>(std::max(markLine, 0));
    std::size_t c = static_cast<std::size_t>(std::max(markColumn, 0));
    const Pos mark{markLine + 1, markColumn + 1};
    s.pos_.assign(s.text_.size() + 1, mark);
    if (l >= lines.size())
        return s;
    // A block scalar's header line ("|", ">-", "> # note") holds no content; quotes are not content.
    if (c < lines[l].size() && (lines[l][c] == '|' || lines[l][c] == '>')) {
        ++l;
        c = 0;
    } else if (c < lines[l].size() && (lines[l][c] == '"' || lines[l][c] == '\'')) {
        ++c;
    }
    Pos last = mark;
    for (std::size_t i = 0; i < s.text_.size(); ++i) {
        const char want = s.text_[i];
        if (std::isspace(static_cast<unsigned char>(want))) {
            s.pos_[i] = (l < lines.size()) ? Pos{static_cast<int>(l) + 1, static_cast<int>(c) + 1} : last;
            continue;
        }
        while (l < lines.size() && (c >= lines[l].size() || lines[l][c] != want)) {
            if (c >= lines[l].size()) {
                ++l;
                c = 0;
            } else {
                ++c;
            }
        }
        if (l >= lines.size()) {
            // An escape sequence we cannot follow: point the rest at the scalar's start.
            std::fill(s.pos_.begin() + static_cast<std::ptrdiff_t>(i), s.pos_.end(), mark);
            return s;
        }
        last = Pos{static_cast<int>(l) + 1, static_cast<int>(c) + 1};
        s.pos_[i] = last;
        ++c;
    }
    s.pos_[s.text_.size()] = Pos{last.line, last.column + (s.text_.empty() ? 0 : 1)};
    return s;
}

std::string ConditionSource::where(std::size_t offset) const {
    const Pos p = pos_[std::min(offset, text_.size())];
    return file_->name + ":" + std::to_string(p.line) + ":" + std::to_string(p.column);
}

Error ConditionSource::errorAt(std::size_t offset, std::size_t length, const std::string& message,
                               const std::string& hint) const {
    const Pos p = pos_[std::min(offset, text_.size())];
    return sourceError(*file_, p.line, p.column, length, message, hint);
}

}  // namespace vigil::engine::analysis
