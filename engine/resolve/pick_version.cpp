// pickVersion — the choice npm-pick-manifest makes among a packument's versions.
#include <algorithm>

#include "engine/resolve/semver.h"
#include "engine/resolve/semver_syntax.h"

namespace vigil::engine::resolve {

namespace {

/// encodeURIComponent leaves exactly these alone; npm rejects dist-tags it would change.
bool isUriUnreserved(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
           c == '.' || c == '!' || c == '~' || c == '*' || c == '\'' || c == '(' || c == ')';
}

/// "3.0.0, 2.9.1, 2.9.0, 2.8.0, 2.7.3 (of 42 published)" — what an unsatisfiable spec could have said.
std::string newestVersions(const std::vector<CandidateVersion>& versions) {
    std::vector<Version> parsed;
    for (const auto& candidate : versions)
        if (auto v = Version::parse(candidate.version)) parsed.push_back(std::move(*v));
    if (parsed.empty()) return "no versions are published";
    std::sort(parsed.begin(), parsed.end(), [](const Version& a, const Version& b) { return a > b; });
    constexpr std::size_t kShown = 5;
    std::string out = "newest versions: ";
    for (std::size_t i = 0; i < std::min(kShown, parsed.size()); ++i) {
        if (i > 0) out += ", ";
        out += parsed[i].toString();
    }
    if (parsed.size() > kShown) out += " (of " + std::to_string(parsed.size()) + " published)";
    return out;
}

std::string knownTags(const std::map<std::string, std::string>& distTags) {
    if (distTags.empty()) return "the package has no dist-tags";
    std::string out = "known dist-tags: ";
    bool first = true;
    for (const auto& [tag, version] : distTags) {
        if (!first) out += ", ";
        first = false;
        out += tag + " (" + version + ")";
    }
    return out;
}

const CandidateVersion* findExact(const std::vector<CandidateVersion>& versions, std::string_view version) {
    auto it = std::find_if(versions.begin(), versions.end(),
                           [&](const CandidateVersion& c) { return c.version == version; });
    return it == versions.end() ? nullptr : &*it;
}

}  // namespace

RegistrySpecKind classifyRegistrySpec(std::string_view spec) {
    spec = semver_syntax::trim(spec);
    if (Version::parse(spec)) return RegistrySpecKind::Version;
    if (Range::parse(spec).ok()) return RegistrySpecKind::Range;
    if (std::all_of(spec.begin(), spec.end(), isUriUnreserved)) return RegistrySpecKind::Tag;
    return RegistrySpecKind::Invalid;
}

Result<std::string> pickVersion(const std::vector<CandidateVersion>& versions,
                                const std::map<std::string, std::string>& distTags, std::string_view spec,
                                std::string_view packageName) {
    const std::string name(packageName);
    const std::string wanted(semver_syntax::trim(spec));
    const std::string shown = wanted.empty() ? "*" : wanted;
    auto notFound = [&] {
        return makeError(ErrorCode::NotFound, "no version of " + name + " satisfies " + shown, newestVersions(versions));
    };

    // An empty spec means "the default tag", which npm then treats like the range "*".
    const RegistrySpecKind kind = wanted.empty() ? RegistrySpecKind::Range : classifyRegistrySpec(wanted);
    switch (kind) {
    case RegistrySpecKind::Invalid:
        return makeError(ErrorCode::Usage, "invalid version specifier \"" + wanted + "\" for " + name,
                         "expected a version, a semver range or a dist-tag (URL-safe characters only)");
    case RegistrySpecKind::Tag: {
        // A tag means exactly that version, deprecated or prerelease.
        auto tag = distTags.find(wanted);
        if (tag == distTags.end())
            return makeError(ErrorCode::NotFound, name + " has no dist-tag \"" + wanted + "\"", knownTags(distTags));
        if (!findExact(versions, tag->second))
            return makeError(ErrorCode::NotFound,
                             "dist-tag \"" + wanted + "\" of " + name + " points at " + tag->second +
                                 ", which is not published",
                             newestVersions(versions));
        return tag->second;
    }
    case RegistrySpecKind::Version: {
        // Exactly that version or nothing; npm compares the normalised text ("v1.2.3" → "1.2.3").
        std::string exact = Version::parse(wanted)->toString();
        if (!findExact(versions, exact)) return notFound();
        return exact;
    }
    case RegistrySpecKind::Range:
        break;
    }

    const std::string rangeText = wanted.empty() ? "*" : wanted;
    auto range = Range::parse(rangeText);
    if (!range) return std::move(range).error().withContext(name);

    // npm prefers dist-tags.latest whenever it fits, so ranges do not jump to versions the
    // maintainers have not promoted; "*" takes latest even when latest is a prerelease.
    if (auto latest = distTags.find("latest"); latest != distTags.end()) {
        const CandidateVersion* candidate = findExact(versions, latest->second);
        if (candidate && !candidate->deprecated && (rangeText == "*" || range->satisfies(latest->second)))
            return latest->second;
    }

    if (versions.empty())
        return makeError(ErrorCode::NotFound, "no versions of " + name + " are published");

    struct Match {
        const CandidateVersion* candidate;
        Version version;
    };
    std::vector<Match> matches;
    for (const auto& candidate : versions) {
        auto v = Version::parse(candidate.version);
        if (v && range->satisfies(*v)) matches.push_back({&candidate, std::move(*v)});
    }
    if (matches.empty()) return notFound();
    // Non-deprecated first, then highest precedence; a deprecated version only wins when it
    // is all that satisfies the range.
    std::stable_sort(matches.begin(), matches.end(), [](const Match& a, const Match& b) {
        if (a.candidate->deprecated != b.candidate->deprecated) return !a.candidate->deprecated;
        return a.version > b.version;
    });
    return matches.front().candidate->version;
}

}  // namespace vigil::engine::resolve
