#include "engine/core/file_io.h"

#include <fstream>
#include <sstream>

namespace vigil::engine {

Result<std::string> readWholeFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return makeError(ErrorCode::Io, path.string() + ": cannot open for reading");
    std::ostringstream buffer;
    buffer << in.rdbuf();
    if (in.bad())
        return makeError(ErrorCode::Io, path.string() + ": read failed");
    return buffer.str();
}

}  // namespace vigil::engine
