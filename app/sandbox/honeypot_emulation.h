// @brief The honeypot's emulations that reveal intent: npm registry, GitHub API, geo-IP lookups, file downloads.
//
// A generic page answers a beacon, but malware that spreads asks first and acts on the answer:
// a worm publishes only once `npm whoami` named a user, pushes a workflow only once the repo was
// created, a geo-gated wiper fires only in the country it wants, a dropper runs only what it
// downloaded. Each emulation answers the way the real service does, so the next step happens
// inside the sandbox and is observed; the reply names the emulation so the analysis can use it.
#pragma once

#include <string>
#include <string_view>

#include "app/sandbox/honeypot_stream.h"

namespace vigil::sandbox {

/// The run's answers, fixed before the run starts.
struct EmulationSettings {
    std::string login = "dev";  ///< npm and GitHub user name: the bait home's identity
    std::string fullName;
    std::string email;
    std::string country = "US";  ///< ISO 3166-1 alpha-2 the geo-IP services report
};

struct HttpReply {
    std::string response;   ///< the whole HTTP response, head and body
    std::string emulation;  ///< "" = the generic page; else "npm.publish", "github.contents_put", ...
    std::string detail;     ///< flat JSON object of strings: what was asked ("" when nothing to add)
    /// The body when a client may save it as a payload (a download's stub, the generic page); ""
    /// for the registry's and the APIs' answers, which package managers cache on disk as they are
    /// and which are therefore no sign of a download.
    std::string served;
};

/// The reply to one request. `body` is what was kept of the request body (it may be cut short:
/// fields are read from its text, never by parsing it whole); `https` picks the scheme of URLs in
/// the reply.
HttpReply emulateHttp(const HttpRequest& request, std::string_view body, bool https, const EmulationSettings& settings);

/// The stub a download gets: a static ELF for this machine that exits 0 ("elf"), or `#!/bin/sh`
/// that does the same ("script").
std::string stubExecutable(std::string_view format);

}  // namespace vigil::sandbox
