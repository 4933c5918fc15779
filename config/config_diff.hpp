#pragma once
// What a reload (SIGHUP or the API) may apply live and what needs a restart.

#include <string>
#include <vector>

#include "config/config.hpp"

namespace dialcore::config {

struct ConfigDiff {
  std::vector<std::string> restart;  // changed keys that take effect only after a restart
  std::vector<std::string> live;     // changed keys a reload applies
  bool needs_restart() const { return !restart.empty(); }
  bool empty() const { return restart.empty() && live.empty(); }
};

// Compares two validated configurations key by key (lists as a whole: "queues").
ConfigDiff diff(const Config& old_config, const Config& new_config);

// Every key path diff() can report, by kind (config/README.md lists the same).
std::vector<std::string> restart_keys();
std::vector<std::string> live_keys();

}  // namespace dialcore::config
