#pragma once
// First start: the teams, queues, campaigns, pause reasons, wrap codes and seed agents of the
// configuration written into an empty store (one audit entry each, actor "system:seed"). A store
// that already has rows is the truth and is never overwritten from the file.

#include <cstdint>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "control/agents/agent_service.hpp"
#include "control/store/store.hpp"

namespace dialcore::daemon {

struct SeedReport {
  bool seeded = false;  // false: the store already had rows
  std::size_t created = 0;
  std::vector<std::string> errors;  // rows that could not be created, with why
};

SeedReport seed_if_empty(const config::Config& config, control::store::Store& store,
                         control::agents::AgentService& agents, std::int64_t now_ms);

// The organisation's security settings as the agents domain's policy.
control::agents::SecurityPolicy security_policy(const config::Config& config);

}  // namespace dialcore::daemon
