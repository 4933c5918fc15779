#pragma once
// The agent floor as a toolbar drives it, for the appliance tests: POST /api/v1/floor/<op>
// through the agent API's routes, the agent's state, a bounded wait for a state.
// (appliance_transfer_test.cpp has its own copies of these from before this header.)

#include <sstream>
#include <string>
#include <vector>

#include "appliance_rig.hpp"
#include "control/api/floor_routes.hpp"
#include "control/floor/floor.hpp"

namespace dialcore::test {

inline std::string state_of(ApplianceRig& rig, std::int64_t agent) {
  return std::string(rig.appliance->floor().snapshot(agent).body.at("state").as_string());
}

inline bool wait_state(ApplianceRig& rig, std::int64_t agent, const std::string& state) {
  return rig.run_until([&] { return state_of(rig, agent) == state; }, std::chrono::seconds(15));
}

// POST /api/v1/floor/<op> as `agent`, through the agent API's routes.
inline control::api::ApiResponse post(ApplianceRig& rig, std::int64_t agent, const std::string& op,
                                      const std::string& body) {
  control::api::ApiRequest req;
  req.method = "POST";
  req.path = "/api/v1/floor/" + op;
  req.content_type = "application/json";
  req.body = body;
  control::api::Principal who;
  who.role = control::api::Role::Agent;
  who.actor = "agent:test";
  who.agent_id = agent;
  std::vector<std::string> parts = {"api", "v1", "floor"};
  std::stringstream ss(op);
  for (std::string p; std::getline(ss, p, '/');) parts.push_back(p);
  std::string route;
  return rig.appliance->floor_routes().handle(req, who, parts, route);
}

}  // namespace dialcore::test
