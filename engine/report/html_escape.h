// @brief Escaping of untrusted text (package names, paths, command lines, HTTP bodies) for HTML, SVG and XML.
//
// Everything a package controls goes through escapeHtml before it reaches a report: the result is
// inert in element content and in quoted attribute values of HTML, SVG and Qt rich text alike.
#pragma once

#include <string>
#include <string_view>

namespace vigil::engine::report {

/// Escapes & < > " ' and makes invisible tricks visible: invalid UTF-8 becomes U+FFFD, control
/// characters other than tab/newline become "\xNN", and Unicode bidi controls (U+202A..E,
/// U+2066..9, U+200E/F, U+061C) become "<U+202E>" — so a name cannot visually reorder itself or
/// the text after it (CVE-2021-42574 "Trojan Source").
std::string escapeHtml(std::string_view text);

/// The same visible-ization without HTML escaping, for plain-text sinks (PDF outline titles, terminals).
std::string visibleText(std::string_view text);

/// escapeHtml of at most `maxBytes` of text (cut at a character boundary), with "…" when cut.
std::string escapeHtmlTruncated(std::string_view text, std::size_t maxBytes);

}  // namespace vigil::engine::report
