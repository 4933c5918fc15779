#include "config/config_summary.hpp"

namespace dialcore::config {

std::vector<std::pair<std::string, std::size_t>> summary_counts(const Config& c) {
  return {{"workers", c.dataplane.workers.size()},
          {"sip_interfaces", c.sip.interfaces.size()},
          {"trunks", c.sip.trunks.size()},
          {"pause_reasons", c.pause_reasons.size()},
          {"wrap_codes", c.wrap_codes.size()},
          {"teams", c.teams.size()},
          {"queues", c.queues.size()},
          {"campaigns", c.campaigns.size()},
          {"agents", c.agents.size()}};
}

std::string summary_text(const Config& c) {
  std::string out = c.dataplane.backend == Backend::Dpdk ? "dpdk" : "socket";
  for (const auto& [name, count] : summary_counts(c)) {
    std::string label = name;
    for (char& ch : label)
      if (ch == '_') ch = ' ';
    if (count == 1 && label.back() == 's') label.pop_back();
    out += ", " + std::to_string(count) + " " + label;
  }
  return out;
}

}  // namespace dialcore::config
