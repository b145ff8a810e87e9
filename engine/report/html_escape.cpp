// Escaping for reports: one function for HTML text, attributes, SVG and Qt rich text.
#include "engine/report/html_escape.h"

#include <fmt/format.h>

namespace vigil::engine::report {

namespace {

/// Length of the valid UTF-8 sequence at s[i], and its code point; 0 when invalid.
std::size_t decodeUtf8(std::string_view s, std::size_t i, char32_t& cp) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    std::size_t len = 0;
    if (b0 < 0x80) {
        cp = b0;
        return 1;
    }
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        len = 2;
        cp = b0 & 0x1F;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        len = 3;
        cp = b0 & 0x0F;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        len = 4;
        cp = b0 & 0x07;
    } else {
        return 0;
    }
    if (i + len > s.size())
        return 0;
    for (std::size_t k = 1; k < len; ++k) {
        const auto b = static_cast<unsigned char>(s[i + k]);
        if ((b & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (b & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are invalid: they are how filters get fooled.
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

bool isBidiControl(char32_t cp) {
    return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E || cp == 0x200F ||
           cp == 0x061C;
}

std::string sanitize(std::string_view text, bool html) {
    std::string out;
    out.reserve(text.size() + text.size() / 8);
    for (std::size_t i = 0; i < text.size();) {
        char32_t cp = 0;
        const std::size_t len = decodeUtf8(text, i, cp);
        if (len == 0) {
            out += "\xEF\xBF\xBD";  // U+FFFD
            ++i;
            continue;
        }
        const char* entity = nullptr;
        if (html) {
            switch (cp) {
            case '&': entity = "&amp;"; break;
            case '<': entity = "&lt;"; break;
            case '>': entity = "&gt;"; break;
            case '"': entity = "&quot;"; break;
            case '\'': entity = "&#39;"; break;
            default: break;
            }
        }
        if (entity)
            out += entity;
        else if (cp == '\t' || cp == '\n')
            out += static_cast<char>(cp);
        else if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0))
            out += fmt::format("\\x{:02x}", static_cast<unsigned>(cp));
        else if (isBidiControl(cp))
            out += fmt::format("{}U+{:04X}{}", html ? "&lt;" : "<", static_cast<unsigned>(cp), html ? "&gt;" : ">");
        else
            out.append(text.substr(i, len));
        i += len;
    }
    return out;
}

}  // namespace

std::string escapeHtml(std::string_view text) { return sanitize(text, true); }

std::string visibleText(std::string_view text) { return sanitize(text, false); }

std::string escapeHtmlTruncated(std::string_view text, std::size_t maxBytes) {
    if (text.size() <= maxBytes)
        return escapeHtml(text);
    std::size_t cut = maxBytes;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
        --cut;
    return escapeHtml(text.substr(0, cut)) + "\xE2\x80\xA6";
}

}  // namespace vigil::engine::report
