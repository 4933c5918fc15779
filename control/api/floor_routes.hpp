#pragma once
// The agent floor's routes, /api/v1/floor/...: an agent's session, pause, wrap, call controls,
// assistance and payments (agent tokens, acting on themselves), the supervisors' views and
// actions, and the event streams (Server-Sent Events, text/event-stream, Last-Event-ID replay).
// Bodies are checked here (unknown keys 400 unknown_field, wrong types 400 wrong_type); the
// state rules are the Floor's (control/floor). StoreFloorDirectory is the floor's view of the
// store: agents' permissions and teams, campaigns' wrap codes.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "control/api/auth.hpp"
#include "control/api/http_types.hpp"
#include "control/floor/floor.hpp"
#include "control/store/store.hpp"

namespace dialcore::control::api {

class FloorRoutes {
 public:
  explicit FloorRoutes(floor::Floor& floor) : floor_(floor) {}
  // `parts` is the split path ("api", "v1", "floor", ...); sets `route` to the pattern.
  ApiResponse handle(const ApiRequest& request, const Principal& who,
                     const std::vector<std::string>& parts, std::string& route);

 private:
  ApiResponse agent_route(const ApiRequest& request, std::int64_t agent, const std::string& path);
  ApiResponse call_route(const ApiRequest& request, std::int64_t agent, const std::string& op);
  ApiResponse payment_route(const ApiRequest& request, std::int64_t agent, const std::string& op);
  ApiResponse supervisor_route(const ApiRequest& request, const Principal& who,
                               const std::vector<std::string>& parts, std::string& route);
  ApiResponse events(const ApiRequest& request, floor::StreamFilter filter);
  floor::Floor& floor_;
};

class StoreFloorDirectory final : public floor::FloorDirectory {
 public:
  // `auto_wrap_code`: the code auto-wrap applies (the store's campaigns carry the timer only).
  StoreFloorDirectory(store::Store& store, std::string auto_wrap_code)
      : store_(store), auto_wrap_code_(std::move(auto_wrap_code)) {}
  std::optional<floor::AgentProfile> agent(floor::AgentId id) override;
  std::optional<agent_state::WrapPolicy> wrap_policy(std::int64_t campaign_id) override;

 private:
  store::Store& store_;
  std::string auto_wrap_code_;
};

}  // namespace dialcore::control::api
