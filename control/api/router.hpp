#pragma once
// Every API route: authentication and roles, JSON body parsing, dispatch to the resources and
// the agent security actions, metrics per route pattern. Transport-neutral (server.cpp feeds
// it); runs on the control thread and only ever touches the store and in-memory state.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "control/agents/agent_service.hpp"
#include "control/api/auth.hpp"
#include "control/api/http_types.hpp"
#include "control/api/metrics.hpp"
#include "control/api/resource.hpp"
#include "control/store/store.hpp"

namespace dialcore::control::api {

// What the daemon may change on reload (SIGHUP) without restarting the listener.
struct LiveSettings {
  std::string admin_token;
  std::string supervisor_token;
  std::uint32_t max_body_bytes = 1 << 20;
  std::uint32_t login_max_attempts = 10;
  std::uint32_t login_window_s = 60;
};

class Router {
 public:
  // `now_ms` is the wall clock in production, a test clock in unit tests.
  Router(store::Store& store, agents::AgentService& agents, std::function<std::int64_t()> now_ms);
  ~Router();

  void apply(const LiveSettings& settings);
  std::uint32_t max_body_bytes() const { return max_body_bytes_; }
  Metrics& metrics() { return metrics_; }

  // Never throws; every answer is JSON (or CSV / Prometheus text on those routes).
  ApiResponse handle(const ApiRequest& request);

 private:
  ApiResponse dispatch(const ApiRequest& request, std::string& route);
  ApiResponse auth_routes(const ApiRequest& request, const std::string& action);
  ApiResponse collection(const ApiRequest& request, const std::vector<std::string>& parts,
                         std::string& route);
  ApiResponse agent_action(const ApiRequest& request, const Principal& who, std::int64_t id,
                           const std::string& action, std::string& route);
  ApiResponse audit(const ApiRequest& request);
  ApiResponse status();
  store::Actor actor(const Principal& who) const;

  store::Store& store_;
  agents::AgentService& agents_;
  std::function<std::int64_t()> now_ms_;
  Auth auth_;
  RateLimiter login_limiter_;
  Metrics metrics_;
  std::vector<NamedResource> resources_;
  std::uint32_t max_body_bytes_ = 1 << 20;
};

}  // namespace dialcore::control::api
