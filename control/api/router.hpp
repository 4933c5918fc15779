#pragma once
// Every API route: authentication and roles, JSON body parsing, dispatch to the resources and
// the agent security actions, metrics per route pattern. Transport-neutral (server.cpp feeds
// it); runs on the control thread and only ever touches the store and in-memory state.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "control/agents/agent_service.hpp"
#include "control/api/auth.hpp"
#include "control/api/config_reload.hpp"
#include "control/api/http_types.hpp"
#include "control/api/metrics.hpp"
#include "control/api/resource.hpp"
#include "control/api/slow_lane.hpp"
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

class FloorRoutes;
class CampaignControl;
class QueueControl;

class Router {
 public:
  // `now_ms` is the wall clock in production, a test clock in unit tests.
  Router(store::Store& store, agents::AgentService& agents, std::function<std::int64_t()> now_ms);
  ~Router();

  void apply(const LiveSettings& settings);
  std::uint32_t max_body_bytes() const { return max_body_bytes_; }
  Metrics& metrics() { return metrics_; }

  using Done = std::function<void(ApiResponse)>;
  // Where password work runs (SlowLane::run); without one it runs inline (blocking).
  using Offload = std::function<void(SlowWork, std::function<void()>)>;
  void set_offload(Offload offload) { offload_ = std::move(offload); }

  // Never throws; every answer is JSON (or CSV / Prometheus text on those routes). `done` is
  // called on the control thread, at once or after password work finished on the slow lane.
  void handle(const ApiRequest& request, Done done);

  // The agent floor's routes (/api/v1/floor/...); without them those paths are 404.
  void set_floor(FloorRoutes* floor) { floor_ = floor; }
  // Runs `then` once what the floor's last action wrote (a disposition, a call's history) is
  // durable; a successful floor POST is answered only then, so an agent told "ok" about a wrap
  // never loses it to a crash (product rule 5). Without it floor answers go at once.
  using AfterDurable = std::function<void(std::function<void()> then)>;
  void set_floor_durable(AfterDurable after) { floor_durable_ = std::move(after); }
  // The running campaigns (/api/v1/campaigns/{id}/start|pause|stop|stats); without them those
  // paths are 404 campaigns_not_running.
  void set_campaigns(CampaignControl* campaigns) { campaigns_ = campaigns; }
  // The running inbound queues (/api/v1/queues/stats, /api/v1/queues/{id}/stats); without
  // them those paths are 404 queues_not_running.
  void set_queues(QueueControl* queues) { queues_ = queues; }
  // The daemon's reload (/api/v1/config/reload, admin); without it that path is 404.
  void set_reload(ReloadFn reload) { reload_ = std::move(reload); }

 private:
  using Answer = std::optional<ApiResponse>;  // nullopt: `finish` will be called later
  using SlowFn = std::function<ApiResponse(agents::AgentService&, store::Store&)>;
  Answer dispatch(const ApiRequest& request, std::string& route, const Done& finish);
  Answer auth_routes(const ApiRequest& request, const std::string& action, const Done& finish);
  Answer collection(const ApiRequest& request, const Principal& who,
                    const std::vector<std::string>& parts, std::string& route, const Done& finish);
  Answer agent_action(const ApiRequest& request, const Principal& who, std::int64_t id,
                      const std::string& action, std::string& route, const Done& finish);
  // Runs `work` on the slow lane, then `then` (default: finish) on the control thread.
  Answer slow(SlowFn work, Done then);
  ApiResponse login_answer(const agents::AgentResult<agents::LoginOutcome>& r,
                           const std::string& username);
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
  Offload offload_;
  FloorRoutes* floor_ = nullptr;
  AfterDurable floor_durable_;
  CampaignControl* campaigns_ = nullptr;
  QueueControl* queues_ = nullptr;
  ReloadFn reload_;
};

}  // namespace dialcore::control::api
