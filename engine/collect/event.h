// @brief Event: one thing a sandboxed package did, seen by the kernel tracer, the Node hook or the honeypot.
//
// Every source is turned into this one shape (ARCHITECTURE §3 step 4) so the analysis, the store,
// the GUI timeline and the reports never care where an event came from. `kind` is
// "<category>.<what>"; the category is the timeline lane and the fingerprint section.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "engine/core/result.h"

namespace vigil::engine::collect {

enum class Source : uint8_t { Kernel, Runtime, Honeypot };

/// "kernel", "runtime", "honeypot".
const char* sourceName(Source source);
Result<Source> parseSource(std::string_view name);

/// Which package code caused the event: resolved from the JS stack (runtime events) or inherited
/// from the process that did it (kernel events). Empty package = not attributable (the runtime,
/// the shell npm starts, ...).
struct Attribution {
    std::string package;  ///< "name@version"
    std::string file;     ///< path inside the package ("lib/index.js")
    int line = 0;

    [[nodiscard]] bool empty() const { return package.empty(); }
    /// "name@version:file:line", or "" when empty.
    [[nodiscard]] std::string text() const;
    bool operator==(const Attribution&) const = default;
};

struct Event {
    uint64_t seq = 0;       ///< position in the phase's merged stream, from 0
    int64_t tsNs = 0;       ///< monotonic ns since the phase's command was exec'd (may be < 0 for setup)
    std::string phase;      ///< "install", "import", "api" (or "debug" for `sandbox exec`)
    int32_t pid = 0;        ///< pid inside the sandbox's pid namespace (0 = unknown)
    int32_t ppid = 0;
    std::string exe;        ///< executable path of the process, inside the sandbox
    std::string kind;       ///< one of the kinds below
    Source source = Source::Kernel;
    nlohmann::json attrs = nlohmann::json::object();  ///< kind-specific, documented below
    Attribution attribution;

    /// The part of kind before the first '.': "process", "file", "network", "env", "code",
    /// "runtime", "sandbox".
    [[nodiscard]] std::string_view category() const;
};

/// The JSON form used by `vigil-cli analyze --json`, the store's events.data and the reports:
/// {"seq","ts_ns","phase","pid","ppid","exe","kind","source","attrs","package","file","line"}.
nlohmann::json toJson(const Event& event);
/// Inverse of toJson; an Input error names the missing or mistyped field.
Result<Event> eventFromJson(const nlohmann::json& json);

/// The closed set of kinds with the attrs each carries. Sources add attrs, never rename them.
namespace kind {
// process — kernel: fork/exec/exit; runtime: the child_process call that asked for it.
inline constexpr std::string_view ProcessFork = "process.fork";    ///< {child_pid}
inline constexpr std::string_view ProcessExec = "process.exec";    ///< {path, argv[], env_names[]}
inline constexpr std::string_view ProcessExit = "process.exit";    ///< {code, signal}
inline constexpr std::string_view ProcessSpawn = "process.spawn";  ///< runtime {api, command, args[], shell}
// file — paths absolute inside the sandbox, resolved against the process's cwd and root.
inline constexpr std::string_view FileOpen = "file.open";        ///< {path, access: read|write|readwrite, create, truncate, result}
inline constexpr std::string_view FileUnlink = "file.unlink";    ///< {path, dir (rmdir), result}
inline constexpr std::string_view FileRename = "file.rename";    ///< {from, to, result}
inline constexpr std::string_view FileChmod = "file.chmod";      ///< {path, mode, result}
inline constexpr std::string_view FileChown = "file.chown";      ///< {path, uid, gid, result}
inline constexpr std::string_view FileMkdir = "file.mkdir";      ///< {path, mode, result}
inline constexpr std::string_view FileSymlink = "file.symlink";  ///< {target, path, result}
inline constexpr std::string_view FileLink = "file.link";        ///< {target, path, result}
inline constexpr std::string_view FileAccess = "file.access";    ///< runtime fs call on a path {api, path}
/// overlay upper dir {path, created, modified, deleted, mode_changed[, replaced][, downloaded][, executable]}:
/// `downloaded` = its bytes are exactly a body the honeypot served (a download's stub or the
/// generic page; never the registry's packuments and tarballs); `executable` = regular file with
/// an execute bit or an ELF / "#!" start.
inline constexpr std::string_view FileChange = "file.change";
// network — kernel sockets, runtime API calls and what the honeypot answered.
inline constexpr std::string_view NetConnect = "network.connect";  ///< {family, address, port, protocol, result, host (DNS name when known), dns_traffic}
inline constexpr std::string_view NetBind = "network.bind";        ///< {family, address, port}
inline constexpr std::string_view NetListen = "network.listen";    ///< {backlog}
inline constexpr std::string_view NetSend = "network.send";        ///< {family, address, port, bytes, host, dns_traffic}
inline constexpr std::string_view NetCall = "network.call";        ///< runtime {api, host, port, method, path, protocol}
inline constexpr std::string_view NetDns = "network.dns";          ///< honeypot/runtime {name, type}
/// honeypot {method, host, path, headers{}, body, body_truncated, scheme (http|https)[, emulation, emulated{}]
/// [, served_sha256]}:
/// `emulation` names what the honeypot played instead of its generic page — npm.whoami,
/// npm.publish, npm.search, npm.metadata, npm.tarball, github.user, github.repo_create, github.contents_put,
/// geoip, download — and `emulated` holds what was asked, as strings: npm.publish {package,
/// version, tarball}; npm.metadata {package}; npm.tarball {package, version}; npm.search {text}; npm.whoami {username};
/// github.user {login}; github.repo_create {owner, name}; github.contents_put {owner, repo, path};
/// geoip {service, country (the run's answer)}; download {name, format (elf|script), bytes}.
/// `served_sha256`: of the response body when a client may save it (a download's stub, the generic page).
inline constexpr std::string_view NetHttp = "network.http";
inline constexpr std::string_view NetTlsSni = "network.tls_sni";   ///< honeypot {server_name}
inline constexpr std::string_view NetTcpData = "network.tcp_data"; ///< honeypot {address, port, data, truncated}
inline constexpr std::string_view NetTcpSyn = "network.tcp_syn";   ///< honeypot {address, port}
inline constexpr std::string_view NetUdpData = "network.udp_data"; ///< honeypot {address, port, data, truncated}
// env
inline constexpr std::string_view EnvRead = "env.read";            ///< {name, via: getenv|secure_getenv|process.env}
/// runtime {how: keys|entries|stringify|spread|...|<names-only how>+get, count, values (bool: the values were
/// read, not only the names listed; absent in older records: see the normaliser), values_read}
inline constexpr std::string_view EnvEnumerate = "env.enumerate";
// code — dynamic code and tampering with the runtime.
inline constexpr std::string_view CodeEval = "code.eval";                  ///< {length, preview}
inline constexpr std::string_view CodeFunction = "code.function";          ///< {length, preview}
inline constexpr std::string_view CodeVm = "code.vm";                      ///< {api, length, preview}
inline constexpr std::string_view CodeWasm = "code.wasm";                  ///< {api, bytes}
inline constexpr std::string_view CodeDynamicRequire = "code.dynamic_require";  ///< {api: require|import, specifier}
inline constexpr std::string_view CodeBinding = "code.binding";            ///< {api: process.binding|internalBinding, name}
inline constexpr std::string_view CodeGlobalOverride = "code.global_override";  ///< {target: "fetch", "Array.prototype.map", ...}
// runtime — the JS runtime's own signals.
inline constexpr std::string_view RuntimeTimer = "runtime.timer";          ///< {api, delay_ms, accelerated_ms}
inline constexpr std::string_view RuntimeUncaught = "runtime.uncaught";    ///< {message, stack}
/// Which time stimulus a Node process ran under (one per process): {date_offset_ms, timer_rule}.
inline constexpr std::string_view RuntimeStimulus = "runtime.stimulus";
// sandbox — what the sandbox itself enforced.
inline constexpr std::string_view SandboxDenied = "sandbox.syscall_denied";  ///< {syscall, nr}
inline constexpr std::string_view SandboxLimit = "sandbox.limit";            ///< {limit: wall|memory|pids|output}
}  // namespace kind

}  // namespace vigil::engine::collect
