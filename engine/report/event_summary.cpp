// One line per event kind, for people: what the package did, not how the tracer saw it.
#include "engine/report/event_summary.h"

#include <fmt/format.h>

namespace vigil::engine::report {

namespace {

namespace kind = collect::kind;

std::string str(const nlohmann::json& attrs, const char* key) {
    const auto it = attrs.find(key);
    if (it == attrs.end() || it->is_null())
        return {};
    if (it->is_string())
        return it->get<std::string>();
    return it->dump();
}

std::string joinArgv(const nlohmann::json& argv) {
    std::string out;
    if (!argv.is_array())
        return out;
    for (const auto& a : argv) {
        if (!out.empty())
            out += ' ';
        out += a.is_string() ? a.get<std::string>() : a.dump();
    }
    return out;
}

}  // namespace

std::string eventLane(const collect::Event& e) {
    const auto category = e.category();
    if (category == "file")
        return "filesystem";
    return std::string(category);
}

std::string eventSummary(const collect::Event& e) {
    const auto& a = e.attrs;
    const std::string_view k = e.kind;
    if (k == kind::ProcessExec) {
        const std::string argv = joinArgv(a.value("argv", nlohmann::json::array()));
        return "exec " + (argv.empty() ? str(a, "path") : argv);
    }
    if (k == kind::ProcessSpawn)
        return fmt::format("{} {} {}", str(a, "api"), str(a, "command"), joinArgv(a.value("args", nlohmann::json::array())));
    if (k == kind::ProcessFork)
        return "fork -> pid " + str(a, "child_pid");
    if (k == kind::ProcessExit)
        return str(a, "signal") != "0" && !str(a, "signal").empty() ? "exit by signal " + str(a, "signal")
                                                                     : "exit " + str(a, "code");
    if (k == kind::FileOpen) {
        std::string flags = str(a, "access");
        if (a.value("create", false))
            flags += ", create";
        return fmt::format("open {} ({})", str(a, "path"), flags);
    }
    if (k == kind::FileChmod) {
        const auto it = a.find("mode");
        const std::string mode = it != a.end() && it->is_number_unsigned() ? fmt::format("{:04o}", it->get<unsigned>()) : str(a, "mode");
        return fmt::format("chmod {} {}", mode, str(a, "path"));
    }
    if (k == kind::FileRename)
        return fmt::format("rename {} -> {}", str(a, "from"), str(a, "to"));
    if (k == kind::FileChange) {
        std::string what = a.value("created", false) ? "created" : a.value("deleted", false) ? "deleted" : "modified";
        if (a.value("mode_changed", false))
            what += ", mode changed";
        return fmt::format("left {} ({})", str(a, "path"), what);
    }
    if (k == kind::FileUnlink || k == kind::FileMkdir || k == kind::FileChown || k == kind::FileAccess)
        return fmt::format("{} {}", k.substr(5), str(a, "path"));
    if (k == kind::FileSymlink || k == kind::FileLink)
        return fmt::format("{} {} -> {}", k.substr(5), str(a, "path"), str(a, "target"));
    if (k == kind::NetConnect) {
        const std::string host = str(a, "host");
        return fmt::format("connect {}:{}{}", str(a, "address"), str(a, "port"), host.empty() ? "" : " (" + host + ")");
    }
    if (k == kind::NetSend)
        return fmt::format("send {} bytes to {}:{}", str(a, "bytes"), str(a, "address"), str(a, "port"));
    if (k == kind::NetCall)
        return fmt::format("{} {} {}:{}{}", str(a, "api"), str(a, "method"), str(a, "host"), str(a, "port"), str(a, "path"));
    if (k == kind::NetDns)
        return fmt::format("DNS {} {}", str(a, "type"), str(a, "name"));
    if (k == kind::NetHttp)
        return fmt::format("HTTP {} {}{}", str(a, "method"), str(a, "host"), str(a, "path"));
    if (k == kind::NetTlsSni)
        return "TLS to " + str(a, "server_name");
    if (k == kind::NetBind || k == kind::NetTcpSyn || k == kind::NetTcpData || k == kind::NetUdpData)
        return fmt::format("{} {}:{}", k.substr(8), str(a, "address"), str(a, "port"));
    if (k == kind::EnvRead)
        return fmt::format("read ${} ({})", str(a, "name"), str(a, "via"));
    if (k == kind::EnvEnumerate)
        return "enumerate the environment (" + str(a, "how") + ")";
    if (k == kind::CodeEval || k == kind::CodeFunction || k == kind::CodeVm)
        return fmt::format("{} of {} chars: {}", k.substr(5), str(a, "length"), str(a, "preview"));
    if (k == kind::CodeDynamicRequire)
        return fmt::format("{}({})", str(a, "api"), str(a, "specifier"));
    if (k == kind::CodeGlobalOverride)
        return "overrides global " + str(a, "target");
    if (k == kind::CodeBinding)
        return fmt::format("{}('{}')", str(a, "api"), str(a, "name"));
    if (k == kind::RuntimeUncaught)
        return "uncaught: " + str(a, "message");
    if (k == kind::SandboxDenied)
        return "denied syscall " + str(a, "syscall");
    if (k == kind::SandboxLimit)
        return "hit the " + str(a, "limit") + " limit";
    return std::string(k) + " " + a.dump();
}

}  // namespace vigil::engine::report
