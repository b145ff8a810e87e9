// @brief findFinding: the finding of a rule in a judged list, for the rule evaluator's tests.
#pragma once

#include <string>
#include <vector>

#include "engine/report/scan_report.h"

namespace vigil::test {

/// The first finding of rule `id` in `findings`, or nullptr; it points into `findings`.
inline const engine::report::Finding* findFinding(const std::vector<engine::report::Finding>& findings,
                                                  const std::string& id) {
    for (const auto& f : findings)
        if (f.ruleId == id)
            return &f;
    return nullptr;
}

}  // namespace vigil::test
