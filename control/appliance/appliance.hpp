#pragma once
// Appliance: the layer that joins the parts of a campaign (issue 10) — the B2BUA
// (control/calls CallController), one CampaignRunner per active configured campaign
// (control/campaign), the agent floor (control/floor Floor + control/api FloorRoutes), the call
// history (control/history) — so that a predictive campaign runs end to end through real SIP
// and RTP. dialcored owns the SIP stack, the media service, the store and the history and hands
// them in; the Appliance owns everything between them. See README.md.
//
// Threads: the control io_context's thread only (construction included); SIP events must reach
// on_sip_event() there (sip::asio_event_sink).

#include <boost/asio/io_context.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "config/config.hpp"
#include "control/agents/agent_service.hpp"
#include "control/api/floor_routes.hpp"
#include "control/history/call_history.hpp"
#include "control/media/media_service.hpp"
#include "control/sip/sip_stack.hpp"
#include "control/store/store.hpp"

namespace dialcore::control::api {
class CampaignControl;
class Router;
}  // namespace dialcore::control::api
namespace dialcore::control::floor {
class Floor;
}  // namespace dialcore::control::floor
namespace dialcore::control::calls {
class CallController;
}  // namespace dialcore::control::calls

namespace dialcore::control::appliance {

class AgentVoice;
class QueueRouter;
class CallInLine;

struct ApplianceDeps {
  boost::asio::io_context& io;
  sip::SipStack& sip;
  media::MediaService& media;
  history::CallHistory* history;  // null: no CDRs (tests)
  store::Store& store;            // the control thread's connection
  agents::AgentService& agents;
  std::function<std::int64_t()> wall_ms;  // milliseconds since the epoch (injected clock)
  // Audio clip ids by name: "abandon:<campaign id>", "abandon", "beep"; nullopt: none.
  std::function<std::optional<std::uint32_t>(const std::string&)> prompt_clip;
};

class Appliance {
 public:
  Appliance(ApplianceDeps deps, const config::Config& config);
  ~Appliance();
  Appliance(const Appliance&) = delete;
  Appliance& operator=(const Appliance&) = delete;

  // Every SipEvent of the stack (replaces dialcored's 480 handler for inbound calls).
  void on_sip_event(const sip::SipEvent& e);

  // dialcored: router.set_floor(&appliance.floor_routes()) — or attach(router), which also
  // mounts the campaign routes (/api/v1/campaigns/{id}/start|pause|stop|stats).
  api::FloorRoutes& floor_routes();
  api::CampaignControl& campaigns();
  void attach(api::Router& router);
  floor::Floor& floor();  // the agent floor (tests drive it directly)
  calls::CallController& calls();  // the B2BUA (metrics, tests)
  AgentVoice& voice();             // the agents' voice connections (tests)
  QueueRouter& queues();           // the inbound queues (tests)
  CallInLine& call_in_line();      // the call-in access line (tests)

  // SIGHUP reload: live keys (campaign pacing and switches, floor settings); new campaigns get
  // runners, removed ones stop dialling.
  void apply(const config::Config& config);

  // SIGTERM: runners stop dialling, every call is ended with its CDRs
  // (CallController::hangup_all); `done` runs once no call is left or after a bound (5 s).
  void stop(std::function<void()> done);

  // Prometheus text: dialcore_campaign_* (per runner), dialcore_calls_* (CallController),
  // dialcore_floor_agents{state} and dialcore_queue_* (waiting, longest wait, agents available).
  void render_metrics(std::string& out) const;

  // AMD verdicts from the dataplane (the lead connects the Amd media event here): the call's
  // customer leg `leg` got `machine` (true) or human; unknown legs are counted and ignored.
  void on_amd(const media::MediaLeg& leg, bool machine, bool correction);

  struct Impl;

 private:
  void render_floor_metrics(std::string& out) const;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dialcore::control::appliance
