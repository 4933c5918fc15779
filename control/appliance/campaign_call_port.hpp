#pragma once
// CampaignCallPort: a campaign runner's CallPort on the B2BUA (control/calls CallController).
// One per runner (the runner's call keys are its own). originate → CallController::originate
// (the history counts the attempt); connect → the agent's registered handset through
// SipStack::dial_agent with auto-answer, or the beep and a bridge to the agent's standing
// leg (AgentVoice::connect_call), offered to the agent on the floor first (refused:
// connect failed at once) and answered there on Bridged; abandon → the campaign's information
// message on the customer leg (prompt_clip "abandon:<campaign id>", else "abandon"; bounded),
// the CDR marked abandoned, then hang up; cancel → hang up; drop_machine → the campaign's
// amd.on_machine (campaign_machine.cpp: hang up, or leave the message after the beep; `agent`
// never drops: the verdict reaches the runner as human). CallController's
// events come back as the runner's call_* calls. Control thread only; every reply to the
// runner that could re-enter it is posted.

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "config/config.hpp"
#include "control/appliance/agent_voice.hpp"
#include "control/appliance/call_book.hpp"
#include "control/calls/call_controller.hpp"
#include "control/campaign/call_port.hpp"
#include "control/campaign/campaign_runner.hpp"
#include "control/floor/floor.hpp"
#include "control/media/media_service.hpp"
#include "control/sip/sip_stack.hpp"

namespace dialcore::control::appliance {

// What every port shares (the Appliance owns it).
struct PortContext {
  boost::asio::io_context& io;
  calls::CallController& calls;
  sip::SipStack& sip;
  media::MediaService& media;
  floor::Floor& floor;
  CallBook& book;
  std::function<std::int64_t()> wall_ms;
  std::function<std::optional<std::uint32_t>(const std::string&)> prompt_clip;
  // The agent's SIP username (its handset's registration); nullopt: none configured.
  std::function<std::optional<std::string>(std::int64_t agent)> handset;
  AgentVoice& voice;  // the agents' voice connections: connect_call bridges or rings
  std::chrono::milliseconds prompt_limit{20000};  // an abandon message is cut after this
  // on_machine message: the message starts at the beep's end, or this long after MACHINE when
  // no beep came (a greeting without one).
  std::chrono::milliseconds beep_wait{12000};
};

struct PortCampaign {
  std::string config_id;     // config::Campaign::id ("abandon:<id>" names its message)
  std::int64_t store_id = 0; // the store's campaign id (history, floor)
  std::string name;
  bool record = false;
  std::uint8_t recording_format = 0;  // media::RecordingRequest::format (config recording.format)
  std::uint16_t recording_rate_hz = 8000;
  config::MachineAction on_machine = config::MachineAction::Hangup;
  bool amd = false;            // run AMD on the customer leg at answer (campaigns[].amd.enabled)
  dataplane::AmdArgs amd_args{};  // media::amd_args(campaigns[].amd)
};

struct PortCounters {
  std::uint64_t refused = 0;            // originate refused at once (unknown trunk)
  std::uint64_t floor_refused = 0;      // the floor would not offer the call to the agent
  std::uint64_t no_handset = 0;         // the agent has no SIP username
  std::uint64_t agent_legs_failed = 0;  // AgentEnded: the handset did not answer
  std::uint64_t abandon_messages = 0;   // abandon prompts that began playing
  std::uint64_t abandon_silent = 0;     // abandoned with no message (no clip, leg refused it)
  std::uint64_t prompt_timeouts = 0;
  std::uint64_t recordings = 0;         // recordings started at answer
  std::uint64_t recording_failures = 0;
  std::uint64_t amd_human = 0;
  std::uint64_t amd_machine = 0;
  std::uint64_t amd_stray = 0;          // verdicts for calls the port does not know
  std::uint64_t amd_failures = 0;       // StartAmd refused (no leg, pool empty): taken as human
  // on_machine (campaign_machine.cpp)
  std::uint64_t machine_beeps = 0;            // beep ends heard on calls leaving a message
  std::uint64_t machine_beep_timeouts = 0;    // no beep within beep_wait: the message anyway
  std::uint64_t machine_messages = 0;         // messages that began playing
  std::uint64_t messages_left = 0;            // played to their end (outcome message_left)
  std::uint64_t machine_action_hangup_instead = 0;  // message: no prompt clip / leg refused it
  std::uint64_t machines_to_agents = 0;       // on_machine agent: passed on as human
};

class CampaignCallPort final : public campaign::CallPort {
 public:
  CampaignCallPort(PortContext& ctx, PortCampaign campaign);
  ~CampaignCallPort() override;
  CampaignCallPort(const CampaignCallPort&) = delete;
  CampaignCallPort& operator=(const CampaignCallPort&) = delete;

  void set_runner(campaign::CampaignRunner* runner) { runner_ = runner; }

  void originate(const campaign::DialOrder& order) override;
  void connect(campaign::CallKey call, std::int64_t agent_id) override;
  void abandon(campaign::CallKey call) override;
  void cancel(campaign::CallKey call) override;
  void drop_machine(campaign::CallKey call) override;

  // The dataplane's AMD verdict on the call's customer leg (the Appliance maps the leg to the
  // call). `correction`: a later verdict that revises an earlier one (recorded, not re-acted).
  bool amd(calls::CallHandle call, campaign::AmdVerdict verdict, bool correction);
  // The dataplane's beep onset (`end` false) or end on the call's customer leg, reported after
  // MACHINE when the campaign leaves a message (campaign_machine.cpp). False: not our call.
  bool beep(calls::CallHandle call, bool end);

  bool owns(calls::CallHandle call) const { return keys_.count(call) != 0; }
  std::optional<calls::CallHandle> handle(campaign::CallKey key) const;
  const PortCampaign& campaign() const { return campaign_; }
  const PortCounters& counters() const { return counters_; }
  std::size_t live() const { return keys_.size(); }

 private:
  enum class MachineStep : std::uint8_t { None, AwaitingBeep, Playing };
  struct Live {
    calls::CallHandle handle = 0;
    std::int64_t lead_id = 0;
    std::string number;
    bool abandoning = false;
    bool amd_done = false;
    bool beep_ended = false;  // a beep end was reported (it may come before drop_machine)
    MachineStep machine = MachineStep::None;
    std::unique_ptr<boost::asio::steady_timer> prompt_timer;
  };

  double now_s() const { return static_cast<double>(ctx_.wall_ms()) / 1000.0; }
  void on_event(campaign::CallKey key, const calls::CallEvent& e);
  void on_ended(campaign::CallKey key, calls::CallHandle handle);
  void connect_failed_later(campaign::CallKey key);
  void start_recording(Live& live);
  void start_amd(Live& live);
  void hang_up(campaign::CallKey key);
  // campaign_machine.cpp: the on_machine actions.
  campaign::AmdVerdict runner_verdict(campaign::AmdVerdict verdict);
  void leave_message(campaign::CallKey key);
  void play_message(campaign::CallKey key);
  void message_done(campaign::CallKey key, bool played);
  Live* find(campaign::CallKey key);

  PortContext& ctx_;
  PortCampaign campaign_;
  campaign::CampaignRunner* runner_ = nullptr;
  std::map<campaign::CallKey, Live> live_;
  std::unordered_map<calls::CallHandle, campaign::CallKey> keys_;
  PortCounters counters_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // posted work checks it
};

}  // namespace dialcore::control::appliance
