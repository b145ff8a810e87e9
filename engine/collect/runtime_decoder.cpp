// Runtime hook lines (resources/node/hook_core.cjs write()) -> Event.
#include "engine/collect/runtime_decoder.h"

#include <array>
#include <fmt/format.h>
#include <limits>

namespace vigil::engine::collect {
namespace {

constexpr size_t kMaxWarnings = 20;

struct KindSpec {
    std::string_view kind;
    std::array<const char*, 2> stringAttrs;  ///< attrs that must be present as strings (nullptr = none)
};

// The kinds the hook emits (event.h), each with the attrs the analysis relies on.
constexpr std::array<KindSpec, 16> kKinds = {{
    {kind::ProcessSpawn, {"api", "command"}},
    {kind::EnvRead, {"name", "via"}},
    {kind::EnvEnumerate, {"how", nullptr}},
    {kind::CodeEval, {"preview", nullptr}},
    {kind::CodeFunction, {"preview", nullptr}},
    {kind::CodeVm, {"api", "preview"}},
    {kind::CodeWasm, {"api", nullptr}},
    {kind::CodeDynamicRequire, {"api", "specifier"}},
    {kind::CodeBinding, {"api", "name"}},
    {kind::CodeGlobalOverride, {"target", nullptr}},
    {kind::NetCall, {"api", "host"}},
    {kind::NetDns, {"name", "type"}},
    {kind::FileAccess, {"api", "path"}},
    {kind::RuntimeTimer, {"api", nullptr}},
    {kind::RuntimeUncaught, {"message", nullptr}},
    {kind::RuntimeStimulus, {"timer_rule", nullptr}},
}};

const KindSpec* specOf(std::string_view kind) {
    for (const KindSpec& s : kKinds)
        if (s.kind == kind)
            return &s;
    return nullptr;
}

bool fitsInt32(const nlohmann::json& v) {
    if (!v.is_number_integer())
        return false;
    if (v.is_number_unsigned())
        return v.get<uint64_t>() <= static_cast<uint64_t>(std::numeric_limits<int32_t>::max());
    const int64_t n = v.get<int64_t>();
    return n >= 0 && n <= std::numeric_limits<int32_t>::max();
}

}  // namespace

RuntimeDecoder::RuntimeDecoder(std::string phase, int64_t baseNs) : phase_(std::move(phase)), baseNs_(baseNs) {}

bool RuntimeDecoder::knownKind(std::string_view kind) { return specOf(kind) != nullptr; }

std::optional<Event> RuntimeDecoder::reject(const std::string& reason) {
    ++rejected_;
    if (warnings_.size() < kMaxWarnings)
        warnings_.push_back(fmt::format("runtime line {}: {}", lineNo_, reason));
    return std::nullopt;
}

std::optional<Event> RuntimeDecoder::decode(std::string_view line) {
    ++lineNo_;
    // No exceptions: a hostile line is data, not a failure of the engine.
    const nlohmann::json j = nlohmann::json::parse(line.begin(), line.end(), nullptr, false);
    if (j.is_discarded())
        return reject("not JSON");
    if (!j.is_object())
        return reject("not a JSON object");
    auto field = [&j](const char* name) -> const nlohmann::json* {
        const auto it = j.find(name);
        return it == j.end() ? nullptr : &*it;
    };
    const auto* ts = field("ts_ns");
    const auto* kindField = field("kind");
    const auto* attrs = field("attrs");
    if (ts == nullptr || !ts->is_number_unsigned() || ts->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
        return reject("ts_ns missing or not a non-negative integer");
    if (kindField == nullptr || !kindField->is_string())
        return reject("kind missing or not a string");
    const std::string kind = kindField->get<std::string>();
    const KindSpec* spec = specOf(kind);
    if (spec == nullptr)
        return reject(fmt::format("unknown kind \"{}\"", kind.substr(0, 64)));
    if (attrs == nullptr || !attrs->is_object())
        return reject(fmt::format("{}: attrs missing or not an object", kind));
    for (const char* name : spec->stringAttrs) {
        if (name == nullptr)
            continue;
        const auto it = attrs->find(name);
        // A truncated event keeps its kind but may lose its attrs (hook_core.cjs write()).
        if ((it == attrs->end() || !it->is_string()) && !attrs->contains("truncated"))
            return reject(fmt::format("{}: attr \"{}\" missing or not a string", kind, name));
    }
    Event e;
    e.tsNs = static_cast<int64_t>(ts->get<uint64_t>()) - baseNs_;
    e.phase = phase_;
    e.kind = kind;
    e.source = Source::Runtime;
    e.attrs = *attrs;
    for (const auto& [name, out] : {std::pair<const char*, int32_t*>{"pid", &e.pid}, {"ppid", &e.ppid}}) {
        const auto* v = field(name);
        if (v == nullptr || !fitsInt32(*v))
            return reject(fmt::format("{}: {} missing or out of range", kind, name));
        *out = v->get<int32_t>();
    }
    for (const auto& [name, out] : {std::pair<const char*, std::string*>{"exe", &e.exe},
                                    {"package", &e.attribution.package}, {"file", &e.attribution.file}}) {
        const auto* v = field(name);
        if (v == nullptr)
            continue;
        if (!v->is_string())
            return reject(fmt::format("{}: {} is not a string", kind, name));
        *out = v->get<std::string>();
    }
    if (const auto* v = field("line")) {
        if (!fitsInt32(*v))
            return reject(fmt::format("{}: line is not a non-negative integer", kind));
        e.attribution.line = v->get<int32_t>();
    }
    if (const auto* v = field("tid"); v != nullptr && fitsInt32(*v))
        e.attrs["thread"] = v->get<int32_t>();
    return e;
}

}  // namespace vigil::engine::collect
