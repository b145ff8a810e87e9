#include "engine/resolve/manifest.h"

#include "engine/core/file_io.h"

#include <unordered_set>

#include "engine/resolve/json_document.h"

namespace vigil::engine::resolve {

namespace {

using Json = nlohmann::ordered_json;

Error fieldError(const std::string& fileName, const std::string& field, const std::string& expected) {
    return makeError(ErrorCode::Input, fileName + ": field \"" + field + "\" must be " + expected,
                     "fix package.json; npm would reject it as well");
}

Status readOptionalString(const Json& doc, const char* key, const std::string& fileName,
                          std::optional<std::string>& out) {
    auto it = doc.find(key);
    if (it == doc.end() || it->is_null())
        return {};
    if (!it->is_string())
        return fieldError(fileName, key, "a string");
    out = it->get<std::string>();
    return {};
}

Status readDependencies(const Json& doc, const char* key, const std::string& fileName, DependencyList& out) {
    auto it = doc.find(key);
    if (it == doc.end() || it->is_null())
        return {};
    if (!it->is_object())
        return fieldError(fileName, key, "an object of name → version range");
    for (const auto& [name, spec] : it->items()) {
        if (!spec.is_string())
            return fieldError(fileName, std::string(key) + "." + name, "a string (a version range or spec)");
        out.emplace_back(name, spec.get<std::string>());
    }
    return {};
}

Status readStringArray(const Json& value, const std::string& field, const std::string& fileName,
                       std::vector<std::string>& out) {
    if (!value.is_array())
        return fieldError(fileName, field, "an array of strings");
    for (const auto& item : value) {
        if (!item.is_string())
            return fieldError(fileName, field, "an array of strings");
        out.push_back(item.get<std::string>());
    }
    return {};
}

Status readBundled(const Json& doc, const std::string& fileName, Manifest& m) {
    // npm accepts both spellings; `true` means "bundle every dependency".
    for (const char* key : {"bundleDependencies", "bundledDependencies"}) {
        auto it = doc.find(key);
        if (it == doc.end() || it->is_null())
            continue;
        if (it->is_boolean()) {
            if (it->get<bool>())
                for (const auto& [name, spec] : m.dependencies)
                    m.bundleDependencies.push_back(name);
            continue;
        }
        VIGIL_TRY(readStringArray(*it, key, fileName, m.bundleDependencies));
    }
    return {};
}

Status readWorkspaces(const Json& doc, const std::string& fileName, Manifest& m) {
    auto it = doc.find("workspaces");
    if (it == doc.end() || it->is_null())
        return {};
    if (it->is_array())
        return readStringArray(*it, "workspaces", fileName, m.workspaces);
    if (it->is_object()) {
        // Yarn's {packages: [...], nohoist: [...]} form.
        auto packages = it->find("packages");
        if (packages == it->end())
            return {};
        return readStringArray(*packages, "workspaces.packages", fileName, m.workspaces);
    }
    return fieldError(fileName, "workspaces", "an array of globs or {\"packages\": [...]}");
}

Status readBin(const Json& doc, const std::string& fileName, Manifest& m) {
    auto it = doc.find("bin");
    if (it == doc.end() || it->is_null())
        return {};
    if (it->is_string()) {
        // "bin": "cli.js" installs a command named after the package, without its scope.
        std::string command = m.name.value_or("");
        if (auto slash = command.find('/'); slash != std::string::npos)
            command = command.substr(slash + 1);
        m.bin.emplace(command, it->get<std::string>());
        return {};
    }
    if (!it->is_object())
        return fieldError(fileName, "bin", "a string or an object of command → file");
    for (const auto& [command, file] : it->items()) {
        if (!file.is_string())
            return fieldError(fileName, "bin." + command, "a string");
        m.bin.emplace(command, file.get<std::string>());
    }
    return {};
}

Status readScripts(const Json& doc, const std::string& fileName, Manifest& m) {
    auto it = doc.find("scripts");
    if (it == doc.end() || it->is_null())
        return {};
    if (!it->is_object())
        return fieldError(fileName, "scripts", "an object of name → command");
    for (const auto& [name, command] : it->items()) {
        if (!command.is_string())
            return fieldError(fileName, "scripts." + name, "a string");
        m.scripts.emplace(name, command.get<std::string>());
    }
    return {};
}

// Descriptive fields: published packages carry every historical shape of these (license objects,
// keyword strings), and none of them changes what gets installed, so odd shapes are tolerated.
void readDescriptive(const Json& doc, Manifest& m) {
    if (auto it = doc.find("description"); it != doc.end() && it->is_string())
        m.description = it->get<std::string>();
    if (auto it = doc.find("keywords"); it != doc.end()) {
        if (it->is_array()) {
            for (const auto& k : *it)
                if (k.is_string())
                    m.keywords.push_back(k.get<std::string>());
        } else if (it->is_string()) {
            m.keywords.push_back(it->get<std::string>());
        }
    }
    if (auto it = doc.find("license"); it != doc.end()) {
        if (it->is_string())
            m.license = it->get<std::string>();
        else if (it->is_object() && it->contains("type") && (*it)["type"].is_string())
            m.license = (*it)["type"].get<std::string>();
    }
}

}  // namespace

bool Manifest::hasInstallScript() const {
    return gypfile || scripts.count("preinstall") || scripts.count("install") || scripts.count("postinstall");
}

std::vector<DeclaredDependency> Manifest::declaredDependencies() const {
    std::vector<DeclaredDependency> out;
    std::unordered_set<std::string> seen;
    auto add = [&](const DependencyList& list, DependencyType type) {
        for (const auto& [name, spec] : list)
            if (seen.insert(name).second)
                out.push_back({name, spec, type});
    };
    add(optionalDependencies, DependencyType::Optional);
    add(dependencies, DependencyType::Prod);
    add(devDependencies, DependencyType::Dev);
    add(peerDependencies, DependencyType::Peer);
    return out;
}

Result<Manifest> parseManifest(std::string_view text, const std::string& fileName) {
    auto parsed = parseJsonDocument(text, fileName);
    if (!parsed)
        return std::move(parsed).error();
    const Json& doc = *parsed;
    if (!doc.is_object())
        return makeError(ErrorCode::Input, fileName + ": package.json must be a JSON object");

    Manifest m;
    VIGIL_TRY(readOptionalString(doc, "name", fileName, m.name));
    VIGIL_TRY(readOptionalString(doc, "version", fileName, m.version));
    readDescriptive(doc, m);
    VIGIL_TRY(readDependencies(doc, "dependencies", fileName, m.dependencies));
    VIGIL_TRY(readDependencies(doc, "devDependencies", fileName, m.devDependencies));
    VIGIL_TRY(readDependencies(doc, "optionalDependencies", fileName, m.optionalDependencies));
    VIGIL_TRY(readDependencies(doc, "peerDependencies", fileName, m.peerDependencies));
    VIGIL_TRY(readBundled(doc, fileName, m));
    VIGIL_TRY(readWorkspaces(doc, fileName, m));
    VIGIL_TRY(readScripts(doc, fileName, m));
    VIGIL_TRY(readBin(doc, fileName, m));
    // Published packages carry "main": false and other oddities that npm ignores; so do we.
    if (auto it = doc.find("main"); it != doc.end() && it->is_string())
        m.main = it->get<std::string>();
    if (auto it = doc.find("gypfile"); it != doc.end() && !it->is_null()) {
        if (!it->is_boolean())
            return fieldError(fileName, "gypfile", "true or false");
        m.gypfile = it->get<bool>();
    }
    return m;
}

Result<Manifest> readManifestFile(const std::filesystem::path& file) {
    auto text = readWholeFile(file);
    if (!text)
        return Error{ErrorCode::Input, text.error().primary, "a package folder needs a readable package.json"};
    return parseManifest(*text, file.string());
}

}  // namespace vigil::engine::resolve
