// Decoders over libraries: OpenSSL (base64), Boost.Algorithm (hex), libcurl (URL), zlib, nlohmann (JSON).
#include "engine/analysis/exfiltration_decode.h"

#include <algorithm>
#include <array>
#include <cstdint>

#include <boost/algorithm/hex.hpp>
#include <curl/curl.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <openssl/evp.h>
#include <zlib.h>

namespace vigil::engine::analysis {

namespace {

// Character classes by table: the run scanner looks at every byte of every decoded layer, and
// <cctype>'s locale-aware calls were most of the search time.
enum CharClass : uint8_t { kB64 = 1, kB64Url = 2, kHex = 4, kB64Segment = 8 };

constexpr std::array<uint8_t, 256> makeClasses() {
    std::array<uint8_t, 256> t{};
    for (int c = 0; c < 256; ++c) {
        const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        t[static_cast<size_t>(c)] = static_cast<uint8_t>((alnum || c == '+' || c == '/' ? kB64 : 0) |
                                                         (alnum || c == '-' || c == '_' ? kB64Url : 0) |
                                                         (hex ? kHex : 0) | (alnum || c == '+' ? kB64Segment : 0));
    }
    return t;
}
constexpr std::array<uint8_t, 256> kClasses = makeClasses();

/// Maximal runs of `inAlphabet` characters (plus up to two '=' of padding), at least kMinEncodedRun long.
std::vector<std::string_view> runs(std::string_view s, uint8_t charClass, bool padding) {
    auto inAlphabet = [charClass](unsigned char c) { return (kClasses[c] & charClass) != 0; };
    std::vector<std::string_view> out;
    size_t i = 0;
    while (i < s.size()) {
        if (!inAlphabet(static_cast<unsigned char>(s[i]))) {
            ++i;
            continue;
        }
        const size_t start = i;
        while (i < s.size() && inAlphabet(static_cast<unsigned char>(s[i])))
            ++i;
        size_t end = i;
        while (padding && end < s.size() && end - i < 2 && s[end] == '=')
            ++end;
        if (end - start >= kMinEncodedRun)
            out.push_back(s.substr(start, end - start));
        i = std::max(end, i);
    }
    return out;
}

constexpr size_t kMaxPathSegments = 8;

bool mostlyBinary(std::string_view s) {
    const auto printable = std::count_if(s.begin(), s.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return (u >= 0x20 && u < 0x7f) || c == '\n' || c == '\r' || c == '\t';
    });
    return static_cast<size_t>(printable) * 10 < s.size() * 9;
}

std::string inflateWith(std::string_view in, int windowBits) {
    z_stream zs{};
    if (inflateInit2(&zs, windowBits) != Z_OK)
        return {};
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));  // zlib's API is not const
    zs.avail_in = static_cast<uInt>(in.size());
    std::string out;
    char buf[16384];
    int rc = Z_OK;
    while (rc == Z_OK && out.size() < kMaxInflatedBytes) {
        zs.next_out = reinterpret_cast<Bytef*>(buf);
        zs.avail_out = sizeof buf;
        rc = inflate(&zs, Z_NO_FLUSH);
        out.append(buf, sizeof buf - zs.avail_out);
        if (rc == Z_BUF_ERROR && zs.avail_in == 0)
            break;  // truncated stream (a capture cut short): keep what came out
    }
    inflateEnd(&zs);
    if (rc != Z_STREAM_END && rc != Z_OK && rc != Z_BUF_ERROR)
        return {};
    return out;
}

}  // namespace

std::string decodeBase64(std::string_view run) {
    std::string s(run);
    while (!s.empty() && s.back() == '=')
        s.pop_back();
    std::replace(s.begin(), s.end(), '-', '+');
    std::replace(s.begin(), s.end(), '_', '/');
    if (s.size() % 4 == 1)
        s.pop_back();  // one dangling character holds no whole byte
    const size_t pad = (4 - s.size() % 4) % 4;
    s.append(pad, '=');
    if (s.empty())
        return {};
    std::string out(s.size() / 4 * 3, '\0');
    const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(s.data()), static_cast<int>(s.size()));
    if (n < 0)
        return {};
    out.resize(static_cast<size_t>(n) - pad);  // EVP_DecodeBlock counts the padding as zero bytes
    return out;
}

std::string decodeHex(std::string_view run) {
    if (run.size() % 2 == 1)
        run.remove_suffix(1);
    std::string out;
    try {
        boost::algorithm::unhex(run.begin(), run.end(), std::back_inserter(out));
    } catch (const boost::algorithm::hex_decode_error&) {
        return {};
    }
    return out;
}

std::string decodeUrl(std::string_view text) {
    int length = 0;
    // libcurl >= 7.82 accepts a null handle here (Debian 12 ships 7.88).
    char* raw = curl_easy_unescape(nullptr, text.data(), static_cast<int>(text.size()), &length);
    if (raw == nullptr)
        return {};
    std::string out(raw, static_cast<size_t>(length));
    curl_free(raw);
    return out;
}

std::string inflateAny(std::string_view bytes, std::string* step) {
    if (bytes.size() < 2)
        return {};
    const auto b0 = static_cast<unsigned char>(bytes[0]), b1 = static_cast<unsigned char>(bytes[1]);
    if (b0 == 0x1f && b1 == 0x8b) {
        *step = "gzip";
        return inflateWith(bytes, 16 + MAX_WBITS);
    }
    if ((b0 & 0x0f) == 8 && (b0 * 256 + b1) % 31 == 0) {  // RFC 1950 header: CM=8, FCHECK
        *step = "deflate";
        return inflateWith(bytes, MAX_WBITS);
    }
    if (!mostlyBinary(bytes))
        return {};
    *step = "deflate";  // raw RFC 1951 stream: no header to recognise, so only tried on binary data
    return inflateWith(bytes, -MAX_WBITS);
}

std::string decodeJsonEscapes(std::string_view text) {
    if (text.find('\\') == std::string_view::npos)
        return {};
    // Make the text a JSON string literal (quote raw quotes and control characters, keep the
    // escapes) and let the JSON parser do the unescaping.
    std::string literal = "\"";
    for (char c : text) {
        if (c == '"')
            literal += "\\\"";
        else if (static_cast<unsigned char>(c) < 0x20)
            literal += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
        else
            literal += c;
    }
    literal += '"';
    try {
        return nlohmann::json::parse(literal).get<std::string>();
    } catch (const nlohmann::json::exception&) {
        return {};
    }
}

std::vector<Decoded> decodeOnce(std::string_view data) {
    std::vector<Decoded> out;
    auto add = [&](const char* step, std::string decoded) {
        if (!decoded.empty() && decoded != data)
            out.push_back({step, std::move(decoded)});
    };
    for (std::string_view run : runs(data, kB64, true)) {
        add("base64", decodeBase64(run));
        // '/' is in the base64 alphabet, so a URL path "/collect/<base64>" is one misaligned run:
        // also read its segments on their own. Only for runs that start like a path — inside a
        // base64 body every '/' would otherwise spawn a pointless decoding.
        if (run.front() == '/') {
            const auto segments = runs(run, kB64Segment, true);
            for (size_t i = 0; i < segments.size() && i < kMaxPathSegments; ++i)
                add("base64", decodeBase64(segments[i]));
        }
    }
    for (std::string_view run : runs(data, kB64Url, true))
        if (run.find_first_of("-_") != std::string_view::npos)  // else identical to the base64 reading
            add("base64url", decodeBase64(run));
    for (std::string_view run : runs(data, kHex, false))
        add("hex", decodeHex(run));
    if (data.find('%') != std::string_view::npos)
        add("url", decodeUrl(data));
    std::string step;
    if (std::string inflated = inflateAny(data, &step); !inflated.empty())
        add(step.c_str(), std::move(inflated));
    add("json", decodeJsonEscapes(data));
    return out;
}

}  // namespace vigil::engine::analysis
