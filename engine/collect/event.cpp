// Event <-> JSON and the small vocabulary helpers.
#include "engine/collect/event.h"

#include <fmt/format.h>

namespace vigil::engine::collect {

const char* sourceName(Source source) {
    switch (source) {
    case Source::Kernel: return "kernel";
    case Source::Runtime: return "runtime";
    case Source::Honeypot: return "honeypot";
    }
    return "kernel";
}

Result<Source> parseSource(std::string_view name) {
    if (name == "kernel")
        return Source::Kernel;
    if (name == "runtime")
        return Source::Runtime;
    if (name == "honeypot")
        return Source::Honeypot;
    return makeError(ErrorCode::Input, fmt::format("unknown event source \"{}\"", name),
                     "expected kernel, runtime or honeypot");
}

std::string Attribution::text() const {
    if (package.empty())
        return {};
    if (file.empty())
        return package;
    return line > 0 ? fmt::format("{}:{}:{}", package, file, line) : fmt::format("{}:{}", package, file);
}

std::string_view Event::category() const {
    const std::string_view k = kind;
    return k.substr(0, k.find('.'));
}

nlohmann::json toJson(const Event& e) {
    nlohmann::json j = {{"seq", e.seq},   {"ts_ns", e.tsNs}, {"phase", e.phase},
                        {"pid", e.pid},   {"ppid", e.ppid},  {"exe", e.exe},
                        {"kind", e.kind}, {"source", sourceName(e.source)},
                        {"attrs", e.attrs}};
    if (!e.attribution.empty()) {
        j["package"] = e.attribution.package;
        j["file"] = e.attribution.file;
        j["line"] = e.attribution.line;
    }
    return j;
}

namespace {

template <typename T>
Status readField(const nlohmann::json& j, const char* name, T& out, bool required) {
    const auto it = j.find(name);
    if (it == j.end()) {
        if (required)
            return makeError(ErrorCode::Input, fmt::format("event lacks the field \"{}\"", name));
        return {};
    }
    try {
        out = it->template get<T>();
    } catch (const nlohmann::json::exception& ex) {
        return makeError(ErrorCode::Input, fmt::format("event field \"{}\" has the wrong type", name), ex.what());
    }
    return {};
}

}  // namespace

Result<Event> eventFromJson(const nlohmann::json& j) {
    if (!j.is_object())
        return makeError(ErrorCode::Input, "event is not a JSON object");
    Event e;
    std::string source;
    VIGIL_TRY(readField(j, "seq", e.seq, false));
    VIGIL_TRY(readField(j, "ts_ns", e.tsNs, true));
    VIGIL_TRY(readField(j, "phase", e.phase, false));
    VIGIL_TRY(readField(j, "pid", e.pid, false));
    VIGIL_TRY(readField(j, "ppid", e.ppid, false));
    VIGIL_TRY(readField(j, "exe", e.exe, false));
    VIGIL_TRY(readField(j, "kind", e.kind, true));
    VIGIL_TRY(readField(j, "source", source, true));
    VIGIL_TRY(readField(j, "package", e.attribution.package, false));
    VIGIL_TRY(readField(j, "file", e.attribution.file, false));
    VIGIL_TRY(readField(j, "line", e.attribution.line, false));
    auto parsed = parseSource(source);
    if (!parsed)
        return std::move(parsed).error();
    e.source = *parsed;
    if (e.kind.find('.') == std::string::npos)
        return makeError(ErrorCode::Input, fmt::format("event kind \"{}\" has no category", e.kind),
                         "kinds are \"<category>.<what>\", e.g. \"file.open\"");
    if (const auto it = j.find("attrs"); it != j.end()) {
        if (!it->is_object())
            return makeError(ErrorCode::Input, "event field \"attrs\" is not an object");
        e.attrs = *it;
    }
    return e;
}

}  // namespace vigil::engine::collect
