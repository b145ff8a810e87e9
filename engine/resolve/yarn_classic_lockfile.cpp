// yarn.lock v1: yarn's own indentation format (not YAML). Each top-level block is one resolved
// package, keyed by every "name@range" selector that resolved to it:
//
//   "@babel/code-frame@^7.0.0", "@babel/code-frame@^7.5.5":
//     version "7.5.5"
//     resolved "https://registry.yarnpkg.com/…/code-frame-7.5.5.tgz#sha1"
//     dependencies:
//       "@babel/highlight" "^7.0.0"
//
// Dependencies are found again by their "name@range" selector; the root's come from package.json.
#include <unordered_map>

#include "engine/resolve/locator.h"
#include "engine/resolve/lockfile.h"

namespace vigil::engine::resolve {

namespace {

/// One parsed line: a scalar `key value`, or a block `key:` with children.
struct YarnNode {
    std::vector<std::string> keys;
    std::string value;
    bool isBlock = false;
    std::size_t line = 0;
    std::vector<YarnNode> children;

    [[nodiscard]] const YarnNode* child(std::string_view key) const {
        for (const auto& c : children)
            if (!c.keys.empty() && c.keys.front() == key)
                return &c;
        return nullptr;
    }
};

class LineScanner {
public:
    LineScanner(std::string_view text, std::string where) : text_(text), where_(std::move(where)) {}

    [[nodiscard]] bool atEnd() const { return pos_ >= text_.size(); }
    [[nodiscard]] char peek() const { return text_[pos_]; }
    void skipSpaces() {
        while (!atEnd() && (peek() == ' ' || peek() == '\t'))
            ++pos_;
    }
    Result<std::string> token() {
        if (atEnd())
            return fail("expected a key or value");
        if (peek() == '"')
            return quoted();
        const std::size_t start = pos_;
        // Bare tokens end at whitespace or ','; a ':' ends them only as "key:" (yarn quotes any key
        // that contains a colon, so "file:x" and "npm:y" values never appear bare before a block).
        while (!atEnd() && peek() != ' ' && peek() != '\t' && peek() != ',') {
            if (peek() == ':' && (pos_ + 1 == text_.size() || text_[pos_ + 1] == ' '))
                break;
            ++pos_;
        }
        if (pos_ == start)
            return fail(std::string("unexpected '") + peek() + "'");
        return std::string(text_.substr(start, pos_ - start));
    }
    Error fail(const std::string& what) const {
        return makeError(ErrorCode::Input, where_ + ": " + what, "the yarn.lock is damaged; regenerate it with yarn install");
    }
    std::size_t pos_ = 0;

private:
    std::string_view text_;
    std::string where_;

    Result<std::string> quoted() {
        // yarn writes keys and values with JSON.stringify, so JSON escapes are what can appear.
        std::string out;
        ++pos_;
        while (!atEnd()) {
            char c = text_[pos_++];
            if (c == '"')
                return out;
            if (c != '\\') {
                out += c;
                continue;
            }
            if (atEnd())
                break;
            char e = text_[pos_++];
            switch (e) {
            case 'n': out += '\n'; break;
            case 't': out += '\t'; break;
            case 'r': out += '\r'; break;
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'u': {
                if (pos_ + 4 > text_.size())
                    return fail("truncated \\u escape");
                unsigned code = 0;
                for (int i = 0; i < 4; ++i) {
                    const char h = text_[pos_++];
                    code <<= 4;
                    if (h >= '0' && h <= '9') code |= unsigned(h - '0');
                    else if (h >= 'a' && h <= 'f') code |= unsigned(h - 'a' + 10);
                    else if (h >= 'A' && h <= 'F') code |= unsigned(h - 'A' + 10);
                    else return fail("bad \\u escape");
                }
                if (code < 0x80) {
                    out += char(code);
                } else if (code < 0x800) {
                    out += char(0xC0 | (code >> 6));
                    out += char(0x80 | (code & 0x3F));
                } else {
                    out += char(0xE0 | (code >> 12));
                    out += char(0x80 | ((code >> 6) & 0x3F));
                    out += char(0x80 | (code & 0x3F));
                }
                break;
            }
            default: out += e; break;  // \" \\ \/
            }
        }
        return fail("unterminated string");
    }
};

Result<YarnNode> parseYarnText(std::string_view text, const std::string& fileName) {
    YarnNode root;
    root.isBlock = true;
    struct Frame {
        int ownIndent;
        int childIndent;  // -1 until the first child fixes it
        YarnNode* node;
    };
    std::vector<Frame> stack{{-1, 0, &root}};
    std::size_t lineNo = 0;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos)
            end = text.size();
        std::string_view line = text.substr(start, end - start);
        start = end + 1;
        ++lineNo;
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        const std::string where = fileName + ":" + std::to_string(lineNo);
        std::size_t indentLen = 0;
        while (indentLen < line.size() && (line[indentLen] == ' ' || line[indentLen] == '\t')) {
            if (line[indentLen] == '\t')
                return makeError(ErrorCode::Input, where + ": tab in indentation", "yarn.lock indents with spaces");
            ++indentLen;
        }
        const std::string_view content = line.substr(indentLen);
        if (content.empty() || content.front() == '#') {
            if (end == text.size())
                break;
            continue;
        }
        const int indent = static_cast<int>(indentLen);
        // Close blocks this line is not inside of.
        while (stack.size() > 1) {
            const Frame& f = stack.back();
            if ((f.childIndent < 0 && indent <= f.ownIndent) || (f.childIndent >= 0 && indent < f.childIndent))
                stack.pop_back();
            else
                break;
        }
        Frame& frame = stack.back();
        if (frame.childIndent < 0)
            frame.childIndent = indent;
        if (indent != frame.childIndent)
            return makeError(ErrorCode::Input, where + ": unexpected indentation (" + std::to_string(indent) +
                                                   " spaces, expected " + std::to_string(frame.childIndent) + ")",
                             "the yarn.lock is damaged; regenerate it with yarn install");

        LineScanner scan(content, where);
        YarnNode node;
        node.line = lineNo;
        for (;;) {
            auto key = scan.token();
            if (!key)
                return std::move(key).error();
            node.keys.push_back(std::move(*key));
            scan.skipSpaces();
            if (!scan.atEnd() && scan.peek() == ',') {
                ++scan.pos_;
                scan.skipSpaces();
                continue;
            }
            break;
        }
        if (!scan.atEnd() && scan.peek() == ':') {
            ++scan.pos_;
            scan.skipSpaces();
            node.isBlock = scan.atEnd() || scan.peek() == '#';
        }
        if (!node.isBlock) {
            if (scan.atEnd())
                return scan.fail("\"" + node.keys.front() + "\" has no value");
            auto value = scan.token();
            if (!value)
                return std::move(value).error();
            node.value = std::move(*value);
            scan.skipSpaces();
            if (!scan.atEnd() && scan.peek() != '#')
                return scan.fail("unexpected text after the value of \"" + node.keys.front() + "\"");
            if (node.keys.size() != 1)
                return scan.fail("several keys before a value");
        }
        frame.node->children.push_back(std::move(node));
        // Children of the parent are only appended once this frame is popped, so the pointer holds.
        if (frame.node->children.back().isBlock)
            stack.push_back({indent, -1, &frame.node->children.back()});
        if (end == text.size())
            break;
    }
    return root;
}

class YarnClassicReader {
public:
    YarnClassicReader(const std::string& file, const Manifest& root) : file_(file), root_(root) {
        graph_.root().name = root.name.value_or("");
        graph_.root().version = root.version.value_or("");
        graph_.format = "yarn.lock v1";
    }

    Result<PackageGraph> read(const YarnNode& doc) {
        for (const auto& entry : doc.children)
            VIGIL_TRY(addEntry(entry));
        VIGIL_TRY(addRootEdges());
        for (const auto& entry : doc.children) {
            if (!entry.isBlock)
                continue;
            const std::size_t from = bySelector_.at(entry.keys.front());
            VIGIL_TRY(addEdges(entry, "dependencies", from, DependencyType::Prod));
            VIGIL_TRY(addEdges(entry, "optionalDependencies", from, DependencyType::Optional));
        }
        return std::move(graph_);
    }

private:
    const std::string& file_;
    const Manifest& root_;
    PackageGraph graph_;
    std::unordered_map<std::string, std::size_t> bySelector_;

    [[nodiscard]] std::string where(std::size_t line) const { return file_ + ":" + std::to_string(line); }
    Error damaged(std::size_t line, const std::string& what) const {
        return makeError(ErrorCode::Input, where(line) + ": " + what,
                         "the yarn.lock is damaged; regenerate it with yarn install");
    }

    Status addEntry(const YarnNode& entry) {
        if (!entry.isBlock) {
            graph_.warnings.push_back(where(entry.line) + ": top-level \"" + entry.keys.front() +
                                      "\" is not a package entry; ignored");
            return {};
        }
        const YarnNode* version = entry.child("version");
        if (!version || version->isBlock)
            return damaged(entry.line, "entry \"" + entry.keys.front() + "\" has no version");
        auto [selectorName, range] = splitSelector(entry.keys.front());
        if (range.empty())
            return damaged(entry.line, "\"" + entry.keys.front() + "\" is not a name@range selector");
        PackageNode node;
        node.name = selectorName;
        if (auto [real, aliasRange] = splitNpmAlias(range); !real.empty())
            node.name = real;
        node.version = version->value;
        if (const YarnNode* resolved = entry.child("resolved"); resolved && !resolved->isBlock)
            node.resolved = resolved->value;
        if (const YarnNode* integrity = entry.child("integrity"); integrity && !integrity->isBlock)
            node.integrity = integrity->value;
        if (!node.resolved.empty()) {
            node.source = classifySource(node.resolved);
        } else if (range.starts_with("file:") || range.starts_with("link:") || range.starts_with("workspace:")) {
            // Folders have no "resolved"; the selector's range is where they live.
            node.source = classifySource(range);
            node.resolved = range.substr(range.find(':') + 1);
        }
        const std::size_t index = graph_.addNode(std::move(node));
        for (const auto& selector : entry.keys)
            bySelector_[selector] = index;
        return {};
    }

    [[nodiscard]] std::optional<std::size_t> lookup(const std::string& name, const std::string& spec) const {
        if (auto it = bySelector_.find(name + "@" + spec); it != bySelector_.end())
            return it->second;
        return std::nullopt;
    }

    Status addEdges(const YarnNode& entry, const char* field, std::size_t from, DependencyType type) {
        const YarnNode* block = entry.child(field);
        if (!block)
            return {};
        if (!block->isBlock)
            return damaged(block->line, std::string("\"") + field + "\" is not a block");
        for (const auto& dep : block->children) {
            if (dep.isBlock)
                return damaged(dep.line, "dependency \"" + dep.keys.front() + "\" has no range");
            if (auto to = lookup(dep.keys.front(), dep.value)) {
                graph_.addEdge({from, *to, dep.keys.front(), dep.value, type});
                continue;
            }
            const std::string what = "dependency \"" + dep.keys.front() + "@" + dep.value + "\" of \"" +
                                     entry.keys.front() + "\" has no entry";
            if (type == DependencyType::Optional) {
                graph_.warnings.push_back(where(dep.line) + ": " + what + " (optional, skipped)");
                continue;
            }
            return damaged(dep.line, what);
        }
        return {};
    }

    Status addRootEdges() {
        for (const auto& d : root_.declaredDependencies()) {
            if (auto to = lookup(d.name, d.spec)) {
                graph_.addEdge({0, *to, d.name, d.spec, d.type});
                continue;
            }
            // yarn v1 keeps workspace members out of the lockfile: they are folders of this project.
            VIGIL_TRY(reportUnlockedDependency(graph_, file_, d, "the lockfile has no entry for it", "yarn",
                                               !root_.workspaces.empty()));
        }
        return {};
    }
};

}  // namespace

Result<PackageGraph> parseYarnClassicLockfile(std::string_view text, const std::string& fileName,
                                              const Manifest& root) {
    auto doc = parseYarnText(text, fileName);
    if (!doc)
        return std::move(doc).error();
    auto graph = YarnClassicReader(fileName, root).read(*doc);
    if (graph && text.find("# yarn lockfile v1") == std::string_view::npos)
        graph->warnings.push_back(fileName + ": no \"# yarn lockfile v1\" header; read as yarn v1 anyway");
    return graph;
}

Result<PackageGraph> parseYarnLockfile(std::string_view text, const std::string& fileName, const Manifest& root) {
    // Berry lockfiles are YAML and always start their mapping with __metadata.
    const bool berry = text.starts_with("__metadata:") || text.find("\n__metadata:") != std::string_view::npos;
    return berry ? parseYarnBerryLockfile(text, fileName, root) : parseYarnClassicLockfile(text, fileName, root);
}

}  // namespace vigil::engine::resolve
