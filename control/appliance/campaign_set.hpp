#pragma once
// CampaignSet: one CampaignRunner per configured campaign whose store record is active, each
// with its store-backed hopper (StoreLeadSource) and its CampaignCallPort; a 1 s steady_timer
// drives tick() (and an earlier one at the runners' next abandon deadline). Start, pause and
// stop through the API (api::CampaignControl); the run state is kept in memory (the store's
// campaigns.active is the admin's switch, not a run state): after a restart campaigns with
// campaigns[].autostart run, the others wait for a start. Control thread only.

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "control/api/campaign_control.hpp"
#include "control/appliance/campaign_call_port.hpp"
#include "control/appliance/floor_link.hpp"
#include "control/campaign/campaign_runner.hpp"
#include "control/campaign/store_lead_source.hpp"
#include "control/store/store.hpp"

namespace dialcore::control::appliance {

enum class RunState : std::uint8_t { Stopped, Running, Paused };
const char* run_state_name(RunState s);

class CampaignSet final : public api::CampaignControl {
 public:
  // `agents_of(campaign store id)`: the agents assigned to it (seeding a runner that starts
  // while they are already available).
  CampaignSet(PortContext& ctx, store::Store& store);
  ~CampaignSet() override;
  CampaignSet(const CampaignSet&) = delete;
  CampaignSet& operator=(const CampaignSet&) = delete;

  // Takes the configured campaigns (start-up and reload): new ones get a slot (autostart: run),
  // changed ones their new settings on the next start, removed ones stop.
  void apply(const config::Config& config);
  // SIGTERM: every runner stops placing calls; the timer stops.
  void stop_all();

  api::CampaignAnswer campaign_action(std::int64_t campaign_id, std::string_view action) override;
  api::CampaignAnswer campaign_stats(std::int64_t campaign_id) override;

  // The runners of the campaigns an agent is assigned to (FloorLink).
  std::vector<LinkedRunner> runners_of(std::int64_t agent);
  // The port that placed `call` (AMD verdicts); nullptr: not a campaign call.
  CampaignCallPort* port_of(calls::CallHandle call);
  std::size_t calls_in_flight() const;
  void render_metrics(std::string& out) const;

 private:
  struct Slot {
    config::Campaign config;
    std::int64_t store_id = 0;
    RunState state = RunState::Stopped;
    bool configured = true;  // still in the configuration
    std::unique_ptr<campaign::StoreLeadSource> leads;
    std::unique_ptr<CampaignCallPort> port;
    std::unique_ptr<campaign::CampaignRunner> runner;
    std::string strategy;
    std::string error;  // why it could not start
  };

  std::optional<std::int64_t> store_id_of(const config::Campaign& c);
  bool build(Slot& slot);  // the runner, its hopper and port; false: slot.error says why
  api::CampaignAnswer start(Slot& slot);
  void seed_ready_agents(Slot& slot);
  boost::json::object stats(const Slot& slot) const;
  double now_s() const { return static_cast<double>(ctx_.wall_ms()) / 1000.0; }
  void arm();
  void on_tick();

  PortContext& ctx_;
  store::Store& store_;
  config::Recording recording_;
  std::string organisation_zone_ = "UTC";
  double ring_timeout_s_ = 30.0;
  std::map<std::int64_t, Slot> slots_;  // by the store's campaign id
  boost::asio::steady_timer timer_;
  bool stopped_ = false;
};

}  // namespace dialcore::control::appliance
