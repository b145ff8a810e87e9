#include "ui/event_text.h"

namespace vigil::ui {
namespace {

std::string str(const nlohmann::json& attrs, const char* key) {
    const auto it = attrs.find(key);
    if (it == attrs.end() || it->is_null())
        return {};
    return it->is_string() ? it->get<std::string>() : it->dump();
}

std::string joined(const nlohmann::json& attrs, const char* key) {
    const auto it = attrs.find(key);
    if (it == attrs.end() || !it->is_array())
        return {};
    std::string out;
    for (const auto& part : *it)
        out += (out.empty() ? "" : " ") + (part.is_string() ? part.get<std::string>() : part.dump());
    return out;
}

}  // namespace

std::string eventSummary(const engine::collect::Event& e) {
    namespace kind = engine::collect::kind;
    const auto& a = e.attrs;
    if (e.kind == kind::ProcessExec) return "exec " + (a.contains("argv") ? joined(a, "argv") : str(a, "path"));
    if (e.kind == kind::ProcessFork) return "fork → pid " + str(a, "child_pid");
    if (e.kind == kind::ProcessExit) return "exit " + str(a, "code") + (str(a, "signal") == "0" ? "" : " signal " + str(a, "signal"));
    if (e.kind == kind::ProcessSpawn) return "spawn " + str(a, "command") + " " + joined(a, "args");
    if (e.kind == kind::FileOpen) return str(a, "access") + " " + str(a, "path");
    if (e.kind == kind::FileChmod) return "chmod " + str(a, "mode") + " " + str(a, "path");
    if (e.kind == kind::FileRename) return "rename " + str(a, "from") + " → " + str(a, "to");
    if (e.kind == kind::NetDns) return "DNS " + str(a, "type") + " " + str(a, "name");
    if (e.kind == kind::NetConnect)
        return "connect " + str(a, "address") + ":" + str(a, "port") + (a.contains("host") ? " (" + str(a, "host") + ")" : "");
    if (e.kind == kind::NetHttp) return str(a, "method") + " " + str(a, "host") + str(a, "path");
    if (e.kind == kind::NetCall) return str(a, "api") + " " + str(a, "method") + " " + str(a, "host") + str(a, "path");
    if (e.kind == kind::NetTlsSni) return "TLS " + str(a, "server_name");
    if (e.kind == kind::EnvRead) return "read $" + str(a, "name");
    if (e.kind == kind::EnvEnumerate) return "enumerate environment (" + str(a, "how") + ")";
    if (e.kind == kind::CodeGlobalOverride) return "override global " + str(a, "target");
    if (e.kind == kind::CodeEval || e.kind == kind::CodeFunction) return e.kind + " " + str(a, "preview");
    if (e.kind == kind::CodeDynamicRequire) return str(a, "api") + "(" + str(a, "specifier") + ")";
    std::string text = e.kind;
    for (const auto& [key, value] : a.items())
        text += " " + key + "=" + (value.is_string() ? value.get<std::string>() : value.dump());
    return text;
}

}  // namespace vigil::ui
