#include "engine/resolve/json_document.h"

#include <algorithm>

namespace vigil::engine::resolve {

std::string positionOf(std::string_view text, std::size_t byteOffset, const std::string& fileName) {
    byteOffset = std::min(byteOffset, text.size());
    std::size_t line = 1;
    std::size_t column = 1;
    for (std::size_t i = 0; i < byteOffset; ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return fileName + ":" + std::to_string(line) + ":" + std::to_string(column);
}

Result<nlohmann::ordered_json> parseJsonDocument(std::string_view text, const std::string& fileName) {
    try {
        return nlohmann::ordered_json::parse(text.begin(), text.end());
    } catch (const nlohmann::json::parse_error& e) {
        // e.byte is the 1-based offset of the character that failed; point at that character.
        const std::size_t offset = e.byte > 0 ? e.byte - 1 : 0;
        std::string message = e.what();
        // Drop nlohmann's "[json.exception.parse_error.101] parse error at line 1, column 2: " prefix:
        // we print our own position, computed the same way for every JSON file we read.
        if (auto pos = message.find("column "); pos != std::string::npos)
            if (auto colon = message.find(": ", pos); colon != std::string::npos)
                message = message.substr(colon + 2);
        return makeError(ErrorCode::Input, positionOf(text, offset, fileName) + ": " + message,
                         "the file is not valid JSON");
    } catch (const std::exception& e) {
        return makeError(ErrorCode::Input, fileName + ": " + e.what(), "the file is not valid JSON");
    }
}

}  // namespace vigil::engine::resolve
