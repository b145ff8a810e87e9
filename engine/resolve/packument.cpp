#include "engine/resolve/packument.h"

namespace vigil::engine::resolve {
namespace {

using Json = nlohmann::ordered_json;

std::string stringField(const Json& obj, const char* key) {
    auto it = obj.find(key);
    return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<std::int64_t> intField(const Json& obj, const char* key) {
    auto it = obj.find(key);
    if (it == obj.end() || !it->is_number_integer())
        return std::nullopt;
    return it->get<std::int64_t>();
}

bool trueField(const Json& obj, const char* key) {
    auto it = obj.find(key);
    return it != obj.end() && it->is_boolean() && it->get<bool>();
}

/// A person is {"name","email"} or the string form "Name <email> (url)".
std::optional<Person> person(const Json& v) {
    if (v.is_object()) {
        Person p{stringField(v, "name"), stringField(v, "email")};
        if (p.name.empty() && p.email.empty())
            return std::nullopt;
        return p;
    }
    if (!v.is_string())
        return std::nullopt;
    std::string s = v.get<std::string>();
    Person p;
    auto lt = s.find('<');
    auto gt = lt == std::string::npos ? std::string::npos : s.find('>', lt);
    if (gt != std::string::npos)
        p.email = s.substr(lt + 1, gt - lt - 1);
    p.name = s.substr(0, std::min(s.find('<'), s.find('(')));
    while (!p.name.empty() && p.name.back() == ' ')
        p.name.pop_back();
    return p;
}

std::vector<Person> people(const Json& obj, const char* key) {
    std::vector<Person> out;
    auto it = obj.find(key);
    if (it == obj.end())
        return out;
    if (it->is_array()) {
        for (const auto& v : *it)
            if (auto p = person(v))
                out.push_back(*p);
    } else if (auto p = person(*it)) {
        out.push_back(*p);
    }
    return out;
}

DependencyList dependencies(const Json& obj, const char* key) {
    DependencyList out;
    auto it = obj.find(key);
    if (it == obj.end() || !it->is_object())
        return out;
    for (const auto& [name, spec] : it->items())
        if (spec.is_string())
            out.emplace_back(name, spec.get<std::string>());
    return out;
}

std::string license(const Json& v) {
    if (auto it = v.find("license"); it != v.end()) {
        if (it->is_string())
            return it->get<std::string>();
        if (it->is_object())
            return stringField(*it, "type");
    }
    // The pre-SPDX "licenses": [{type}] array.
    std::string out;
    if (auto it = v.find("licenses"); it != v.end() && it->is_array())
        for (const auto& l : *it)
            if (auto type = l.is_object() ? stringField(l, "type") : std::string(); !type.empty())
                out += (out.empty() ? "" : " OR ") + type;
    return out;
}

VersionManifest manifest(const std::string& version, const Json& v) {
    VersionManifest m;
    m.name = stringField(v, "name");
    m.version = stringField(v, "version");
    if (m.version.empty())
        m.version = version;
    m.dependencies = dependencies(v, "dependencies");
    m.optionalDependencies = dependencies(v, "optionalDependencies");
    m.peerDependencies = dependencies(v, "peerDependencies");
    m.devDependencies = dependencies(v, "devDependencies");
    if (auto it = v.find("scripts"); it != v.end() && it->is_object())
        for (const auto& [name, script] : it->items())
            if (script.is_string())
                m.scripts.emplace(name, script.get<std::string>());
    m.gypfile = trueField(v, "gypfile");
    m.hasInstallScript = trueField(v, "hasInstallScript") || m.gypfile || m.scripts.count("preinstall") ||
                         m.scripts.count("install") || m.scripts.count("postinstall");
    if (auto it = v.find("deprecated"); it != v.end()) {
        // npm un-deprecates by publishing deprecated: "" — that is not deprecated.
        if (it->is_string() && !it->get<std::string>().empty())
            m.deprecated = it->get<std::string>();
        else if (it->is_boolean() && it->get<bool>())
            m.deprecated = "deprecated";
    }
    if (auto it = v.find("dist"); it != v.end() && it->is_object()) {
        m.dist.tarball = stringField(*it, "tarball");
        m.dist.integrity = stringField(*it, "integrity");
        m.dist.shasum = stringField(*it, "shasum");
        m.dist.fileCount = intField(*it, "fileCount");
        m.dist.unpackedSize = intField(*it, "unpackedSize");
    }
    m.maintainers = people(v, "maintainers");
    if (auto it = v.find("_npmUser"); it != v.end())
        m.npmUser = person(*it);
    m.license = license(v);
    if (auto it = v.find("bin"); it != v.end())
        m.hasBin = (it->is_string() && !it->get<std::string>().empty()) || (it->is_object() && !it->empty());
    if (auto it = v.find("directories"); it != v.end() && it->is_object() && !stringField(*it, "bin").empty())
        m.hasBin = true;
    return m;
}

}  // namespace

Result<Packument> packumentFromJson(const Json& doc, const std::string& what) {
    if (!doc.is_object())
        return makeError(ErrorCode::Network, what + ": the registry's answer is not a JSON object");
    auto versions = doc.find("versions");
    if (versions != doc.end() && !versions->is_object())
        return makeError(ErrorCode::Network, what + ": \"versions\" is not an object");
    Packument p;
    p.name = stringField(doc, "name");
    if (auto it = doc.find("dist-tags"); it != doc.end() && it->is_object())
        for (const auto& [tag, version] : it->items())
            if (version.is_string())
                p.distTags.emplace(tag, version.get<std::string>());
    if (versions != doc.end())
        for (const auto& [version, v] : versions->items())
            if (v.is_object())
                p.versions.emplace(version, manifest(version, v));
    if (auto it = doc.find("time"); it != doc.end() && it->is_object())
        for (const auto& [key, when] : it->items())
            if (when.is_string())
                p.time.emplace(key, when.get<std::string>());
    // The abbreviated document has no "time", only a top-level "modified".
    if (auto modified = stringField(doc, "modified"); !modified.empty())
        p.time.emplace("modified", modified);
    p.maintainers = people(doc, "maintainers");
    p.description = stringField(doc, "description");
    if (auto it = doc.find("keywords"); it != doc.end() && it->is_array())
        for (const auto& k : *it)
            if (k.is_string())
                p.keywords.push_back(k.get<std::string>());
    return p;
}

Result<Packument> parsePackument(std::string_view text, const std::string& what) {
    Json doc = Json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded())
        return makeError(ErrorCode::Network, what + ": the registry sent malformed JSON",
                         "the registry or a proxy in between returned something that is not a packument");
    return packumentFromJson(doc, what);
}

}  // namespace vigil::engine::resolve
