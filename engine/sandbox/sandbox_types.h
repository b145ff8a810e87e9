// @brief Value types of a sandbox run as the engine sees them: request, limits, result, changes.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace vigil::engine::sandbox {

/// Per-run limits. Defaults fit one lifecycle phase of one package.
struct Limits {
    std::chrono::milliseconds wall{60000};
    uint64_t memoryBytes = 1ull << 30;
    uint32_t pids = 512;
    uint32_t cpuPercent = 100;          ///< 100 = one CPU
    uint64_t tmpfsBytes = 512ull << 20; ///< each of /tmp, /home/dev, the overlay upper
    uint64_t outputBytes = 8ull << 20;  ///< stdout+stderr; more kills the run
};

struct RunRequest {
    std::vector<std::string> argv;      ///< argv[0] is looked up in the sandbox's PATH
    std::string cwd;                    ///< inside the sandbox; empty = the project dir (or home)
    std::filesystem::path packageDir;   ///< overlay lower layer; empty = empty project dir
    std::filesystem::path cacheRoot;    ///< packageDir must be inside it
    std::string hostname;               ///< empty = a plausible workstation name
    std::string phase;                  ///< label: "install", "import", "api", "debug"
    std::vector<std::string> env;       ///< extra NAME=value entries for the command
    /// Stimulus: the ISO 3166-1 alpha-2 country ("RU", "DE") the honeypot's geo-IP emulation
    /// answers for the run; empty = the helper's default ("US").
    std::string geoCountry;
    Limits limits;
    /// Benchmark only (VIGIL_TEST_MODE_UNTRACED): run without the eBPF tracer. The result's
    /// TraceStats then say `untraced`, so no analysis can take the silence for a clean package.
    bool untracedForBenchmark = false;
};

enum class OutputStream { Stdout, Stderr };

struct ReadyInfo {
    int initPid = 0;         ///< host pid of the sandbox's pid 1
    uint64_t cgroupId = 0;   ///< cgroup2 id of the run (what the tracer filters on)
    std::string runName;     ///< name of the run's cgroup directories
};

struct FileChange {
    /// Served: a regular file holding exactly the bytes of a download or page the honeypot served;
    /// Executable: a regular file with an execute bit or an ELF / "#!" start.
    enum Flag : uint32_t { Created = 1, Modified = 2, Deleted = 4, ModeChanged = 8, Replaced = 16, Served = 32, Executable = 64 };
    uint32_t flags = 0;
    std::string path;        ///< absolute path inside the sandbox
};

/// One place a honeytoken was planted in the run's fake home. Each run has new values, so a
/// value seen leaving the sandbox (honeypot capture, written file) proves the exfiltration and
/// names where it was read from.
struct BaitToken {
    enum class Place { Env, File };
    std::string name;      ///< "aws_access_key_id", "aws_secret_access_key", "npm_token", "github_token",
                           ///< "github_oauth_token", "docker_hub_token", "docker_hub_auth",
                           ///< "ssh_private_key", "ethereum_keystore"
    Place place = Place::Env;
    std::string location;  ///< env var name, or absolute path inside the sandbox
    std::string value;
};

/// One thing the honeypot saw the run do on the (simulated) network.
struct NetEvent {
    enum class Kind { Dns = 1, Http = 2, Tcp = 3, TlsSni = 4, TcpSyn = 5, Udp = 6, Dropped = 7 };
    Kind kind = Kind::Tcp;
    std::chrono::system_clock::time_point time;
    std::string srcIp, dstIp;  ///< dotted IPv4 or IPv6 text; dst is what the run asked for (any address answers)
    uint16_t srcPort = 0, dstPort = 0;
    std::vector<std::string> texts;  ///< per kind: Dns {name, type}; Http {method, host, path, headers, scheme,
                                     ///< emulation ("" or "npm.publish", ...), emulation detail (flat JSON object)};
                                     ///< TlsSni {server name}; Dropped {count}; others none
    std::string data;                ///< Http: body; Tcp/Udp/TlsSni: first bytes (bounded)
    bool dataTruncated = false;

    [[nodiscard]] std::string text(size_t i) const { return i < texts.size() ? texts[i] : std::string(); }
};

/// "dns", "http", "tcp", "tls-sni", "tcp-syn", "udp", "dropped".
const char* netEventKindName(NetEvent::Kind kind);

/// One raw record of the kernel tracer (bpf/vigil_trace.h), checked by the protocol layer; decoded
/// into events by engine/collect's KernelDecoder.
struct TraceRecord {
    std::vector<uint8_t> bytes;
};

/// What the tracer saw and what it missed during one run.
struct TraceStats {
    bool received = false;     ///< the helper sent its stats (false: an older helper or a failed run)
    bool active = false;       ///< at least one family was attached for the whole command
    bool untraced = false;     ///< run without the tracer on request (benchmark)
    uint32_t families = 0;     ///< VIGIL_TRACE_FAMILY_* bits attached
    uint64_t events = 0;       ///< records forwarded
    uint64_t drops = 0;        ///< records the kernel's ring buffer had no room for
    uint64_t lost = 0;         ///< records the helper discarded (malformed, over its cap)
    uint64_t execNs = 0;       ///< CLOCK_MONOTONIC of the command's execve: the events' time zero
    std::string warnings;      ///< one line per thing the tracer could not do on this host
};

struct RunResult {
    int exitCode = -1;       ///< -1 when killed by a signal
    int signal = 0;
    bool wallLimitHit = false;
    bool memoryLimitHit = false;  ///< the OOM killer fired inside the run
    bool pidsLimitHit = false;
    bool outputLimitHit = false;
    std::chrono::nanoseconds setup{0};  ///< helper start -> execve of the command
    std::chrono::nanoseconds run{0};    ///< execve -> exit
    uint64_t stdoutBytes = 0;  ///< produced (forwarded bytes are at most Limits::outputBytes)
    uint64_t stderrBytes = 0;
    uint64_t memoryPeakBytes = 0;
    std::chrono::nanoseconds cpu{0};  ///< user+system CPU of every process of the run; 0 = not reported
    std::string stdoutTail;    ///< last bytes of what was forwarded (up to 64 KiB each)
    std::string stderrTail;
    std::vector<FileChange> changes;
    bool changesTruncated = false;
    std::vector<BaitToken> bait;  ///< the run's honeytokens, one entry per placement
    std::vector<NetEvent> netEvents;  ///< in the order the honeypot recorded them
    std::vector<TraceRecord> trace;   ///< the kernel tracer's records, in ring-buffer order
    TraceStats traceStats;
    /// JSON lines from the Node runtime hook, raw and in arrival order (engine/collect/
    /// runtime_decoder turns them into events). Package code can write this channel too.
    std::vector<std::string> runtimeLines;
    uint64_t runtimeDropped = 0;  ///< lines the helper discarded (malformed framing, over the cap)
    ReadyInfo ready;

    [[nodiscard]] bool anyLimitHit() const { return wallLimitHit || memoryLimitHit || pidsLimitHit || outputLimitHit; }
};

}  // namespace vigil::engine::sandbox
