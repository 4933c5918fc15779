#pragma once
// Counts that say what a configuration holds: `dialctl config check` and `dialcored --check`.

#include <string>
#include <utility>
#include <vector>

#include "config/config.hpp"

namespace dialcore::config {

// ("workers", 2), ("sip_interfaces", 1), ... in a fixed order; names are JSON-safe.
std::vector<std::pair<std::string, std::size_t>> summary_counts(const Config& config);
// "2 workers, 1 sip interface, ..." for people.
std::string summary_text(const Config& config);

}  // namespace dialcore::config
