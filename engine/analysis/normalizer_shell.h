// @brief A small POSIX-sh word splitter: turns `sh -c` scripts into the simple commands they run.
//
// Neither the standard library nor Boost ships a shell tokenizer, and a command line seen by the
// tracer is exactly what /bin/sh would parse, so this follows the POSIX Shell Command Language
// (XCU §2.2 quoting, §2.3 token recognition, §2.9 commands) for the parts that decide *which
// programs run*:
//   - blanks separate words; newline, `;`, `&`, `&&`, `||`, `|`, `|&` separate commands;
//   - '…' is literal; "…" keeps \ only before $ ` " \ and newline; \x outside quotes is x;
//   - `( … )` subshells and `{ …; }` groups: their commands are listed (depth + 1 for subshells);
//   - `$( … )` and `` `…` `` command substitutions are parsed recursively (depth + 1), also inside
//     double quotes and assignments; the word itself keeps the substitution's raw text;
//   - redirections ([n]> >> < <> >& <& &> >| <<< and here-documents << <<-) are removed with their
//     target (a here-document's body lines are skipped);
//   - NAME=value words before the program are environment, not argv; reserved words (if then else
//     elif fi do done while until ! { }) in command position are skipped; `for`/`case` headers
//     are dropped (their words are data, not programs);
//   - `#` at the start of a word starts a comment.
// Not done (nothing here needs it): parameter or arithmetic expansion, aliases, functions,
// `case` pattern lists. Unbalanced quotes end the script and mark the parse incomplete.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace vigil::engine::analysis {

struct ShellCommand {
    std::vector<std::string> argv;  ///< words after quote removal; argv[0] is the program
    int depth = 0;                  ///< 0 = top level; +1 per enclosing $( ), ` `, ( )
    bool operator==(const ShellCommand&) const = default;
};

struct ShellParse {
    std::vector<ShellCommand> commands;  ///< in source order (a substitution's commands precede its command's)
    bool complete = true;                ///< false when a quote or substitution was left open
};

ShellParse splitShell(std::string_view script);

/// NAME=value with NAME a shell name (letters, digits, _; not starting with a digit).
bool isShellAssignment(std::string_view word);

}  // namespace vigil::engine::analysis
