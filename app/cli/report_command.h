// @brief `vigil-cli report <scan.json> --format html|pdf|json --out FILE`: renders a stored scan report.
#pragma once

#include <string>

namespace vigil::cli {

struct ReportOptions {
    std::string input;        ///< a vigil.scan/1 JSON file (scan ids from the store: the scan issue)
    std::string format = "html";
    std::string out;          ///< "" or "-" = standard output (html and json only)
    std::string pageSize = "a4";  ///< pdf: "a4" or "letter"
};

/// Exit code per app/cli/exit_codes.h; errors go to stderr.
int runReport(const ReportOptions& options);

}  // namespace vigil::cli
