// @brief The decoders the exfiltration proof peels off outgoing data: base64(url), hex, URL, gzip/deflate, JSON, reversal.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace vigil::engine::analysis {

/// One way to read some data one layer deeper.
struct Decoded {
    std::string step;  ///< "base64", "base64url", "hex", "url", "gzip", "deflate", "json", "reversed"
    std::string data;
};

/// Encoded runs shorter than this are not decoded: they cannot carry the 16 characters a partial
/// token match needs, and decoding every short word of a request would only add noise.
inline constexpr size_t kMinEncodedRun = 16;
/// Inflating stops here: a decompression bomb must not stall the analysis.
inline constexpr size_t kMaxInflatedBytes = 1u << 20;

/// Every plausible one-step decoding of `data`. Encoded text is found as maximal runs of its
/// alphabet inside larger text (a base64 value in a JSON body, a hex label in a DNS name), so one
/// input can give several outputs per step. "reversed" is not included (the search adds it).
std::vector<Decoded> decodeOnce(std::string_view data);

// The single decoders, exposed for tests. Each returns "" when the input is not that encoding.
std::string decodeBase64(std::string_view run);     ///< standard or url alphabet, padding optional
std::string decodeHex(std::string_view run);
std::string decodeUrl(std::string_view text);       ///< %XX sequences (via libcurl)
std::string inflateAny(std::string_view bytes, std::string* step);  ///< gzip, zlib or raw deflate
std::string decodeJsonEscapes(std::string_view text);  ///< \uXXXX, \n, \" … as in a JSON string

}  // namespace vigil::engine::analysis
