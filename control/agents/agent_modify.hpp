#pragma once
// Internal to control/agents: AgentService::modify, shared by the service's .cpp files.

#include <optional>

#include "control/agents/agent_service.hpp"

namespace dialcore::control::agents {

// `change(agent)` edits the freshly read agent and returns an error to stop, or nullopt.
template <class Change>
AgentResult<store::Agent> AgentService::modify(std::int64_t id, const store::Actor& actor,
                                               Change&& change) {
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto current = store_.agents().get(id);
    if (!current) return from_store(current.error());
    store::Agent agent = std::move(*current);
    if (std::optional<AgentError> stop = change(agent)) return std::move(*stop);
    auto written = store_.agents().update(agent, actor);
    if (written) return agent;
    if (written.code() != store::Errc::Conflict) return from_store(written.error());
  }
  return AgentError{store::Errc::Conflict, "agent kept changing; try again", {}};
}

}  // namespace dialcore::control::agents
