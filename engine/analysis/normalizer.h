// @brief Normaliser: turns raw events into canonical observations ($HOME/$PKG/$TMP paths, host:port, unwrapped commands).
//
// Two runs of the same package version differ in pids, timestamps, the package's install path and
// the random names of temporary files; two versions differ in their name. The canonical form
// removes what does not describe behaviour so that fingerprints, baselines and diffs compare
// like with like. Each observation keeps the seq of the event it came from (evidence).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/analysis/phase_record.h"
#include "engine/core/result.h"

namespace vigil::engine::analysis {

/// The fingerprint's sections: what kind of behaviour an observation is.
enum class Section : uint8_t {
    NetConnections,    ///< "host:port/protocol" (host = DNS name when known, else the address)
    NetDns,            ///< queried name, lower case, no trailing dot
    NetHttp,           ///< "METHOD host path" (query values dropped: "/c?k&v" keeps only the names)
    NetListens,        ///< "address:port" bound or listened on
    FileReads,         ///< canonical path
    FileWrites,        ///< canonical path (created, modified, chmod/chown, mkdir, link targets)
    FileDeletes,       ///< canonical path (unlinked, rmdir'ed, renamed away)
    EnvReads,          ///< variable name
    EnvEnumerations,   ///< how the whole environment was read: "keys", "stringify", ...
    ProcessCommands,   ///< canonical argv as one shell-quoted line, wrappers and shells unwrapped
    ProcessPrograms,   ///< program basename ("curl"), or its canonical path when it lives in $PKG/$TMP/$HOME
    ShellCommands,     ///< the script given to `sh -c` (or a shell:true spawn), paths canonical
    CodeDynamic,       ///< "eval", "function", "vm", "wasm", "dynamic_require", "binding"
    CodeGlobalOverrides,  ///< the global that was replaced: "fetch", "Array.prototype.map", ...
    SandboxDenied,     ///< syscall name the sandbox refused
    /// What the honeypot emulated: "<emulation>[ <what>]", e.g. "npm.publish left-pad@1.3.1",
    /// "github.contents_put .github/workflows/ci.yml", "geoip ipinfo.io", "download x.sh", "npm.whoami";
    /// and what became of a download, from the bytes on disk: "download.saved <canonical path>",
    /// "download.executable <canonical path>" (saved, and executable by mode or magic)
    NetEmulations,
    /// "<program> <canonical path>": a file under $HOME that a host program (a binary of the
    /// system, not an interpreter, not the package's own) read on its own initiative — the path
    /// was not among its arguments. `docker --version` reading ~/.docker/config.json is docker's
    /// business, not the package reading credentials; such reads are not in FileReads.
    FileToolReads,
};
inline constexpr Section kAllSections[] = {
    Section::NetConnections,  Section::NetDns,          Section::NetHttp,         Section::NetListens,
    Section::FileReads,       Section::FileWrites,      Section::FileDeletes,     Section::EnvReads,
    Section::EnvEnumerations, Section::ProcessCommands, Section::ProcessPrograms, Section::ShellCommands,
    Section::CodeDynamic,     Section::CodeGlobalOverrides, Section::SandboxDenied,   Section::NetEmulations,
    Section::FileToolReads};

/// "network.connections", "file.reads", ... — the names used in JSON and baselines.
const char* sectionName(Section section);
Result<Section> parseSection(std::string_view name);

struct Observation {
    Section section = Section::FileReads;
    std::string key;   ///< canonical text, see Section
    uint64_t seq = 0;  ///< the event that shows it
    int64_t tsNs = 0;
    bool operator==(const Observation&) const = default;
};

/// Canonical forms relative to one package identity (the sandbox layout of PhaseRecord).
class Normalizer {
public:
    explicit Normalizer(PackageIdentity identity);

    /// Absolute sandbox path -> "$PKG/…", "$NODE_MODULES/<dep>/…", "$STIMULUS/…" (the api driver's
    /// scratch directory), "$HOME/…", "$TMP/…" or itself,
    /// after lexical normalisation ("a//b/./c/../d" -> "a/b/d"). Relative paths stay as given.
    [[nodiscard]] std::string path(std::string_view raw) const;
    /// Replaces the layout's directories inside free text (scripts), longest first.
    [[nodiscard]] std::string pathsInText(std::string_view text) const;
    /// Lower case, no trailing dot, no IPv6 brackets.
    static std::string host(std::string_view raw);
    /// "host:port/protocol"; IPv6 hosts in brackets.
    static std::string connection(std::string_view host, int port, std::string_view protocol);
    /// "METHOD host path", method upper case, query values dropped (they carry run-unique data).
    static std::string httpRequest(std::string_view method, std::string_view host, std::string_view path);
    /// The NetEmulations key of a network.http event's `emulation` and `emulated` attrs; "" when none.
    static std::string emulation(const nlohmann::json& attrs);

    /// The program name as the fingerprint records it (see Section::ProcessPrograms).
    [[nodiscard]] std::string program(std::string_view argv0) const;
    /// argv with canonical paths, joined with POSIX shell quoting where a word needs it.
    [[nodiscard]] std::string commandText(const std::vector<std::string>& argv) const;
    /// The script of `sh -c SCRIPT` / `bash -lc SCRIPT` / `busybox sh -c SCRIPT`; empty if argv is not that.
    static std::string shellScript(const std::vector<std::string>& argv);
    /// argv of the command a wrapper runs (`env A=1 x`, `nohup x`, `timeout 5 x`, `sudo -u u x`, ...); empty if none.
    static std::vector<std::string> unwrapWrapper(const std::vector<std::string>& argv);

    /// Every observation one event supports (none for bookkeeping kinds such as process.exit).
    /// Failed writes, deletes and renames (a kernel `result` < 0) support none: a failed unlink
    /// deleted nothing. A failed open for reading still counts as the attempt it was.
    [[nodiscard]] std::vector<Observation> observe(const collect::Event& event) const;
    /// The observations of a phase's stream, in order, with what only the stream shows:
    /// - the kernel getenv reads a Node process makes right after its runtime hook reported an
    ///   enumeration of process.env (V8 asks the environment for each key's descriptor) are that
    ///   enumeration, not reads of each variable;
    /// - a file under $HOME read by a host program whose arguments do not name it is that
    ///   program's own doing (Section::FileToolReads), not a read by the package.
    [[nodiscard]] std::vector<Observation> observe(const std::vector<collect::Event>& events) const;

    [[nodiscard]] const PackageIdentity& identity() const { return id_; }

    /// Whether argv (after argv[0]) names `absolute` or a directory above it: as an absolute path,
    /// or as a relative one matching the path's tail (the cwd is not known).
    static bool namedInArgv(const std::string& absolute, const std::vector<std::string>& argv);

private:
    void addCommand(const std::vector<std::string>& argv, const collect::Event& e, int depth,
                    std::vector<Observation>& out) const;
    void addScript(std::string_view script, const collect::Event& e, int depth, std::vector<Observation>& out) const;

    PackageIdentity id_;
};

}  // namespace vigil::engine::analysis
