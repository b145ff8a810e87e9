// The sh word splitter: one pass lexer + a flat command grouper (see normalizer_shell.h for the grammar).
#include "engine/analysis/normalizer_shell.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace vigil::engine::analysis {

namespace {

struct Token {
    enum Kind { Word, Op, Newline, End } kind = End;
    std::string text;
    std::vector<std::string> subs;  ///< bodies of $( ) and ` ` found in the word
    bool quoted = false;            ///< any part was quoted or escaped: never a reserved word
    size_t unquotedPrefix = std::string::npos;  ///< length of text before the first quote or escape
};

bool isBlank(char c) { return c == ' ' || c == '\t' || c == '\r'; }
bool isOpStart(char c) { return c == ';' || c == '&' || c == '|' || c == '(' || c == ')' || c == '<' || c == '>'; }

bool isRedirection(std::string_view op) { return op.find('<') != std::string_view::npos || op.find('>') != std::string_view::npos; }

bool isReserved(std::string_view w) {
    static constexpr std::array<std::string_view, 13> kWords = {"if", "then", "else", "elif", "fi", "do", "done",
                                                                "while", "until", "!", "{", "}", "in"};
    return std::find(kWords.begin(), kWords.end(), w) != kWords.end();
}

}  // namespace

/// NAME=value with NAME a shell name: the command's environment, not its argv.
bool isShellAssignment(std::string_view w) {
    const size_t eq = w.find('=');
    if (eq == std::string_view::npos || eq == 0)
        return false;
    if (!(std::isalpha(static_cast<unsigned char>(w[0])) || w[0] == '_'))
        return false;
    return std::all_of(w.begin(), w.begin() + static_cast<std::ptrdiff_t>(eq),
                       [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

namespace {

class Splitter {
public:
    Splitter(std::string_view s, int depth) : s_(s), baseDepth_(depth), depth_(depth) {}

    void run(ShellParse& out) {
        out_ = &out;
        for (;;) {
            Token t = next();
            if (t.kind == Token::End)
                break;
            for (const std::string& sub : t.subs) {
                Splitter inner(sub, depth_ + 1);
                inner.run(out);
            }
            if (t.kind == Token::Word)
                word(t);
            else if (t.kind == Token::Op)
                op(t.text);
            else
                newline();
        }
        flush();
        if (!complete_)
            out.complete = false;
    }

private:
    void word(const Token& t) {
        if (expectTarget_) {
            expectTarget_ = false;
            if (heredoc_)
                heredocs_.push_back({t.text, heredocStripTabs_});
            return;
        }
        if (skipHeader_)
            return;
        // BAR="x y" is an assignment too: only the NAME= part must be unquoted.
        if (argv_.empty() && t.text.find('=') < t.unquotedPrefix && isShellAssignment(t.text))
            return;
        if (argv_.empty() && !t.quoted) {
            if (isReserved(t.text))
                return;
            if (t.text == "for" || t.text == "case" || t.text == "select") {
                skipHeader_ = true;  // `for x in a b` — the words are data, not a program
                return;
            }
        }
        argv_.push_back(t.text);
    }

    void op(const std::string& o) {
        if (isRedirection(o)) {
            expectTarget_ = true;
            heredoc_ = o == "<<" || o == "<<-";
            heredocStripTabs_ = o == "<<-";
            return;
        }
        flush();
        skipHeader_ = false;
        if (o == "(")
            ++depth_;
        else if (o == ")" && depth_ > baseDepth_)
            --depth_;
    }

    void newline() {
        flush();
        skipHeader_ = false;
        // Here-document bodies start on the line after their operator: skip to each delimiter.
        for (const auto& [delim, stripTabs] : heredocs_) {
            while (i_ < s_.size()) {
                size_t end = s_.find('\n', i_);
                if (end == std::string_view::npos)
                    end = s_.size();
                std::string_view line = s_.substr(i_, end - i_);
                i_ = std::min(end + 1, s_.size());
                if (stripTabs)
                    line.remove_prefix(std::min(line.find_first_not_of('\t'), line.size()));
                if (line == delim)
                    break;
            }
        }
        heredocs_.clear();
    }

    void flush() {
        if (!argv_.empty())
            out_->commands.push_back({std::move(argv_), depth_});
        argv_.clear();
    }

    Token next() {
        while (i_ < s_.size() && isBlank(s_[i_]))
            ++i_;
        if (i_ < s_.size() && s_[i_] == '\\' && i_ + 1 < s_.size() && s_[i_ + 1] == '\n') {
            i_ += 2;  // line continuation between words
            return next();
        }
        if (i_ >= s_.size())
            return {};
        if (s_[i_] == '#') {
            while (i_ < s_.size() && s_[i_] != '\n')
                ++i_;
            return next();
        }
        if (s_[i_] == '\n') {
            ++i_;
            return {Token::Newline, "\n", {}, false};
        }
        if (isOpStart(s_[i_]))
            return {Token::Op, readOp(), {}, false};
        return readWord();
    }

    std::string readOp() {
        static constexpr std::array<std::string_view, 19> kOps = {"&>>", "<<<", "<<-", ";;", "&&", "&>", "||", "|&",
                                                                  "<<",  "<>",  "<&",  ">>", ">&", ">|", ";",  "&",
                                                                  "|",   "<",   ">"};
        for (std::string_view o : kOps) {
            if (s_.substr(i_, o.size()) == o) {
                i_ += o.size();
                return std::string(o);
            }
        }
        return std::string(1, s_[i_++]);  // ( or )
    }

    Token readWord() {
        Token t{Token::Word, {}, {}, false};
        const size_t start = i_;
        while (i_ < s_.size()) {
            const char c = s_[i_];
            if (isBlank(c) || c == '\n')
                break;
            if (isOpStart(c)) {
                // "2>file", "2>&1": an all-digit unquoted prefix is the redirection's fd number.
                if ((c == '<' || c == '>') && !t.quoted && !t.text.empty() &&
                    std::all_of(t.text.begin(), t.text.end(), [](char d) { return d >= '0' && d <= '9'; }))
                    return {Token::Op, readOp(), {}, false};
                break;
            }
            if (c == '\\' || c == '\'' || c == '"')
                t.unquotedPrefix = std::min(t.unquotedPrefix, t.text.size());
            if (c == '\\') {
                t.quoted = true;
                if (i_ + 1 < s_.size() && s_[i_ + 1] != '\n')
                    t.text += s_[i_ + 1];
                i_ += 2;
            } else if (c == '\'') {
                t.quoted = true;
                const size_t close = s_.find('\'', i_ + 1);
                if (close == std::string_view::npos) {
                    complete_ = false;
                    t.text += s_.substr(i_ + 1);
                    i_ = s_.size();
                } else {
                    t.text += s_.substr(i_ + 1, close - i_ - 1);
                    i_ = close + 1;
                }
            } else if (c == '"') {
                t.quoted = true;
                readDoubleQuoted(t);
            } else if (c == '$' || c == '`') {
                readDollarOrBacktick(t);
            } else {
                t.text += c;
                ++i_;
            }
        }
        if (i_ == start)  // cannot happen (callers checked), but never loop forever
            ++i_;
        i_ = std::min(i_, s_.size());  // a trailing backslash steps past the end
        return t;
    }

    void readDoubleQuoted(Token& t) {
        ++i_;
        while (i_ < s_.size() && s_[i_] != '"') {
            const char c = s_[i_];
            if (c == '\\' && i_ + 1 < s_.size()) {
                const char n = s_[i_ + 1];
                if (n == '$' || n == '`' || n == '"' || n == '\\')
                    t.text += n;
                else if (n != '\n')
                    t.text.append({c, n});
                i_ += 2;
            } else if (c == '$' || c == '`') {
                readDollarOrBacktick(t);
            } else {
                t.text += c;
                ++i_;
            }
        }
        if (i_ >= s_.size())
            complete_ = false;
        else
            ++i_;
    }

    /// At `$` or a backtick: copies the raw expansion into the word, remembering command substitutions.
    void readDollarOrBacktick(Token& t) {
        const size_t start = i_;
        if (s_[i_] == '`') {
            std::string body;
            ++i_;
            while (i_ < s_.size() && s_[i_] != '`') {
                if (s_[i_] == '\\' && i_ + 1 < s_.size() && (s_[i_ + 1] == '`' || s_[i_ + 1] == '\\' || s_[i_ + 1] == '$'))
                    ++i_;
                body += s_[i_++];
            }
            if (i_ >= s_.size())
                complete_ = false;
            else
                ++i_;
            t.subs.push_back(std::move(body));
        } else if (s_.substr(i_, 3) == "$((") {
            i_ += 1;
            skipBalanced('(', ')');  // arithmetic: no commands inside
        } else if (s_.substr(i_, 2) == "$(") {
            i_ += 1;
            const size_t open = i_;
            skipBalanced('(', ')');
            const size_t innerEnd = (i_ > open + 1 && s_[i_ - 1] == ')') ? i_ - 1 : i_;
            t.subs.emplace_back(s_.substr(open + 1, innerEnd - open - 1));
        } else if (s_.substr(i_, 2) == "${") {
            i_ += 1;
            skipBalanced('{', '}');
        } else {
            ++i_;
        }
        t.text += s_.substr(start, i_ - start);
    }

    /// From an opening bracket to just past its match, stepping over quotes and escapes.
    void skipBalanced(char open, char close) {
        int level = 0;
        while (i_ < s_.size()) {
            const char c = s_[i_];
            if (c == '\\') {
                i_ += 2;
                continue;
            }
            if (c == '\'') {
                const size_t q = s_.find('\'', i_ + 1);
                i_ = q == std::string_view::npos ? s_.size() : q + 1;
                continue;
            }
            if (c == '"') {
                ++i_;
                while (i_ < s_.size() && s_[i_] != '"')
                    i_ += s_[i_] == '\\' ? 2 : 1;
                ++i_;
                continue;
            }
            ++i_;
            if (c == open)
                ++level;
            else if (c == close && --level == 0)
                return;
        }
        i_ = std::min(i_, s_.size());
        complete_ = false;
    }

    std::string_view s_;
    size_t i_ = 0;
    int baseDepth_ = 0;
    int depth_ = 0;
    bool complete_ = true;
    ShellParse* out_ = nullptr;
    std::vector<std::string> argv_;
    bool expectTarget_ = false;
    bool heredoc_ = false;
    bool heredocStripTabs_ = false;
    bool skipHeader_ = false;
    std::vector<std::pair<std::string, bool>> heredocs_;
};

}  // namespace

ShellParse splitShell(std::string_view script) {
    ShellParse out;
    Splitter(script, 0).run(out);
    return out;
}

}  // namespace vigil::engine::analysis
