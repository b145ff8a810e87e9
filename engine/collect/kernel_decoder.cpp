// Raw tracer records -> Events. Field meanings per kind are documented in bpf/vigil_trace.h; the
// attrs produced are exactly those of engine/collect/event.h (plus `result` where a syscall can
// fail, and the few extras noted inline).
#include "engine/collect/kernel_decoder.h"

#include <arpa/inet.h>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <seccomp.h>
#include <sys/socket.h>
#include <vector>

#include <fmt/format.h>

#include "app/sandbox/protocol.h"
#include "bpf/vigil_trace.h"

namespace vigil::engine::collect {
namespace {

using nlohmann::json;

Error malformed(const std::string& why) {
    return makeError(ErrorCode::Input, "malformed kernel trace record: " + why,
                     "the helper and the engine are from different builds, or the record was corrupted");
}

/// NUL-separated list ("a\0b\0") -> ["a", "b"]; a trailing piece without NUL counts too.
json splitList(std::string_view area) {
    json out = json::array();
    size_t start = 0;
    while (start < area.size()) {
        size_t end = area.find('\0', start);
        if (end == std::string_view::npos)
            end = area.size();
        out.push_back(std::string(area.substr(start, end - start)));
        start = end + 1;
    }
    return out;
}

std::string familyName(uint64_t family) {
    switch (family) {
    case AF_INET: return "inet";
    case AF_INET6: return "inet6";
    case AF_UNIX: return "unix";
    default: return std::to_string(family);
    }
}

std::string addressText(uint64_t family, const uint8_t* addr) {
    char text[INET6_ADDRSTRLEN] = {};
    if (family == AF_INET)
        inet_ntop(AF_INET, addr, text, sizeof text);
    else if (family == AF_INET6)
        inet_ntop(AF_INET6, addr, text, sizeof text);
    return text;
}

std::string protocolName(uint64_t sockType) {
    switch (sockType) {
    case SOCK_STREAM: return "tcp";
    case SOCK_DGRAM: return "udp";
    case SOCK_RAW: return "raw";
    default: return sockType == 0 ? "" : std::to_string(sockType);
    }
}

std::string syscallName(uint32_t nr) {
    char* name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_X86_64, static_cast<int>(nr));
    if (name == nullptr)
        return std::to_string(nr);
    std::string s = name;
    std::free(name);
    return s;
}

const char* accessName(uint64_t flags) {
    switch (flags & O_ACCMODE) {
    case O_WRONLY: return "write";
    case O_RDWR: return "readwrite";
    default: return "read";
    }
}

}  // namespace

KernelDecoder::KernelDecoder(std::string phase, uint64_t execNs) : phase_(std::move(phase)), execNs_(execNs) {}

std::string KernelDecoder::joinPath(std::string_view base, std::string_view rel) {
    std::vector<std::string_view> parts;
    size_t start = 0;
    while (start < base.size()) {
        size_t end = base.find('/', start);
        if (end == std::string_view::npos)
            end = base.size();
        if (end > start)
            parts.push_back(base.substr(start, end - start));
        start = end + 1;
    }
    std::string path = "/";
    for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
        path += *it;
        path += '/';
    }
    if (!rel.empty() && rel.front() == '/')
        path = std::string(rel);
    else
        path += rel;
    // Lexical: "..", "." and doubled slashes go; symlinks are not followed (the kernel resolved
    // the real thing, the path says what the process asked for).
    std::string normal = std::filesystem::path(path).lexically_normal().string();
    if (normal.size() > 1 && normal.back() == '/')
        normal.pop_back();
    return normal;
}

Result<Event> KernelDecoder::decode(std::span<const uint8_t> bytes) {
    if (const char* reason = vigil_check_trace_record(bytes.data(), bytes.size()))
        return malformed(reason);
    vigil_trace_record r;
    std::memcpy(&r, bytes.data(), sizeof r);
    if (r.size != bytes.size())
        return malformed(fmt::format("record says {} bytes but {} were given", r.size, bytes.size()));
    std::string_view str[VIGIL_TRACE_MAX_STRINGS];
    size_t off = sizeof r;
    for (unsigned i = 0; i < VIGIL_TRACE_MAX_STRINGS; ++i) {
        str[i] = std::string_view(reinterpret_cast<const char*>(bytes.data() + off), r.str_len[i]);
        off += r.str_len[i];
    }
    const std::string path0 = joinPath(str[0], str[1]);
    const std::string path1 = joinPath(str[2], str[3]);
    const auto result = static_cast<int64_t>(r.ret);

    Event e;
    e.seq = seq_;
    e.tsNs = static_cast<int64_t>(r.ts_ns) - static_cast<int64_t>(execNs_);
    e.phase = phase_;
    e.pid = r.pid;
    e.ppid = r.ppid;
    e.source = Source::Kernel;
    json& a = e.attrs;
    switch (r.kind) {
    case VIGIL_TRACE_FORK:
        e.kind = kind::ProcessFork;
        a["child_pid"] = static_cast<int64_t>(r.arg0);
        break;
    case VIGIL_TRACE_EXEC:
        e.kind = kind::ProcessExec;
        a["path"] = path0;
        a["argv"] = splitList(str[2]);
        a["env_names"] = splitList(str[3]);
        if (result != 0)
            a["result"] = result;  // a failed execve (from the file family); the image did not change
        break;
    case VIGIL_TRACE_EXIT: {
        e.kind = kind::ProcessExit;
        const auto status = static_cast<uint32_t>(r.arg0);
        a["code"] = (status & 0x7f) == 0 ? static_cast<int>((status >> 8) & 0xff) : -1;
        a["signal"] = static_cast<int>(status & 0x7f);
        break;
    }
    case VIGIL_TRACE_OPEN:
        e.kind = kind::FileOpen;
        a["path"] = path0;
        a["access"] = accessName(r.arg0);
        a["create"] = (r.arg0 & O_CREAT) != 0;
        a["truncate"] = (r.arg0 & O_TRUNC) != 0;
        a["flags"] = r.arg0;
        a["result"] = result;
        break;
    case VIGIL_TRACE_UNLINK:
        e.kind = kind::FileUnlink;
        a["path"] = path0;
        a["dir"] = r.arg0 != 0;
        a["result"] = result;
        break;
    case VIGIL_TRACE_RENAME:
        e.kind = kind::FileRename;
        a["from"] = path0;
        a["to"] = path1;
        a["result"] = result;
        break;
    case VIGIL_TRACE_CHMOD:
        e.kind = kind::FileChmod;
        a["path"] = path0;
        a["mode"] = r.arg0 & 07777;
        a["result"] = result;
        break;
    case VIGIL_TRACE_CHOWN:
        e.kind = kind::FileChown;
        a["path"] = path0;
        a["uid"] = static_cast<int32_t>(r.arg0);
        a["gid"] = static_cast<int32_t>(r.arg1);
        a["result"] = result;
        break;
    case VIGIL_TRACE_MKDIR:
        e.kind = kind::FileMkdir;
        a["path"] = path0;
        a["mode"] = r.arg0 & 07777;
        a["result"] = result;
        break;
    case VIGIL_TRACE_SYMLINK:
        e.kind = kind::FileSymlink;
        a["target"] = std::string(str[1]);  // link content, verbatim
        a["path"] = path1;
        a["result"] = result;
        break;
    case VIGIL_TRACE_LINK:
        e.kind = kind::FileLink;
        a["target"] = path0;
        a["path"] = path1;
        a["result"] = result;
        break;
    case VIGIL_TRACE_CONNECT:
    case VIGIL_TRACE_BIND:
    case VIGIL_TRACE_SEND:
        e.kind = r.kind == VIGIL_TRACE_CONNECT ? kind::NetConnect : r.kind == VIGIL_TRACE_BIND ? kind::NetBind : kind::NetSend;
        a["family"] = familyName(r.arg0);
        if (r.arg0 == AF_UNIX) {
            a["address"] = std::string(str[1].empty() ? str[0] : str[1]);
        } else {
            a["address"] = addressText(r.arg0, r.addr);
            a["port"] = r.arg1;
        }
        a["protocol"] = protocolName(r.arg2);
        if (r.kind == VIGIL_TRACE_SEND)
            a["bytes"] = result;
        else
            a["result"] = result;
        break;
    case VIGIL_TRACE_LISTEN:
        e.kind = kind::NetListen;
        a["backlog"] = static_cast<int64_t>(static_cast<int32_t>(r.arg0));
        a["family"] = familyName(r.arg1);
        a["port"] = r.arg2;
        a["result"] = result;
        break;
    case VIGIL_TRACE_GETENV:
        e.kind = kind::EnvRead;
        a["name"] = std::string(str[0]);
        a["via"] = r.arg0 == VIGIL_ENV_VIA_SECURE_GETENV ? "secure_getenv" : "getenv";
        a["found"] = r.arg1 != 0;
        break;
    case VIGIL_TRACE_DENIED:
        e.kind = kind::SandboxDenied;
        a["syscall"] = syscallName(r.nr);
        a["nr"] = r.nr;
        a["errno"] = -result;
        break;
    default:
        return malformed(fmt::format("kind {}", r.kind));
    }
    if (r.flags & (VIGIL_TRACE_F_BASE0_TRUNC | VIGIL_TRACE_F_BASE2_TRUNC | VIGIL_TRACE_F_STR_TRUNC))
        a["truncated"] = true;
    if (r.flags & VIGIL_TRACE_F_READ_FAIL)
        a["unreadable"] = true;

    // The executable: set by exec, inherited by fork, forgotten at exit.
    if (r.kind == VIGIL_TRACE_EXEC && result == 0)
        exe_[r.pid] = path0;
    const auto known = exe_.find(r.pid);
    e.exe = known != exe_.end() ? known->second : std::string(r.comm, strnlen(r.comm, sizeof r.comm));
    if (r.kind == VIGIL_TRACE_FORK)
        exe_[static_cast<int32_t>(r.arg0)] = e.exe;
    if (r.kind == VIGIL_TRACE_EXIT)
        exe_.erase(r.pid);
    ++seq_;
    return e;
}

}  // namespace vigil::engine::collect
