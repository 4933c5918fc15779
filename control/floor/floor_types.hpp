#pragma once
// The agent floor's settings, its view of the directory (agents, campaigns, wrap codes: the
// store behind an interface, so the floor does not link it), the call information shown to the
// agent (seed 001 §6) and the answer every floor operation returns.

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "control/agent_state/agent_types.hpp"
#include "control/floor/call_control.hpp"

namespace dialcore::control::floor {

struct FloorSettings {
  bool require_pause_reason = true;                   // config organisation.require_pause_reason
  std::vector<agent_state::PauseRule> pause_reasons;  // config pause_reasons (enforced → supervisor_only)
  std::string auto_pause_code = "auto";               // the pause reason with auto_pause
  std::string login_pause_code = "login";
  std::int64_t transfer_ring_timeout_ms = 20000;  // transfers and direct calls (queues own theirs)
  std::size_t event_buffer = 4096;                // events kept for Last-Event-ID replay
  std::size_t stream_queue_bytes = 256 * 1024;    // a client further behind is dropped
  std::size_t assist_max_chars = 1500;
  std::size_t assist_kept = 1000;  // assistance requests kept for the supervisors' list
  std::size_t notes_max_chars = 4000;
  std::string merchant = "default";
};

struct AgentProfile {
  std::string username;
  std::vector<std::int64_t> teams;
  bool may_pause = true;
  bool manual_call = true;
  bool receive_transfers_when_paused = false;
  bool login_in_pause = false;
  bool dnd_in_pause = true;
  VoiceRequest voice;  // the agent's connection defaults
};

class FloorDirectory {
 public:
  virtual ~FloorDirectory() = default;
  virtual std::optional<AgentProfile> agent(AgentId id) = 0;
  // The campaign's wrap rules and the codes its agents may use (the campaign's and the global
  // ones); nullopt: no such campaign.
  virtual std::optional<agent_state::WrapPolicy> wrap_policy(std::int64_t campaign_id) = 0;
};

// A call as the agent sees it (seed 001 §6), given by the call layer when it offers the call.
struct CallInfo {
  CallId call = 0;
  agent_state::CallKind kind = agent_state::CallKind::Routed;
  std::string interaction_id;
  std::int64_t campaign_id = 0;
  std::int64_t queue_id = 0;
  std::string call_type = "inbound";  // inbound, outbound, manual, transfer, consult
  std::string from;                   // numbers
  std::string to;
  std::int64_t time_in_queue_ms = 0;
  std::int64_t attempts = 0;
  std::int64_t lead_id = 0;
  std::int64_t ring_timeout_ms = 0;  // 0: the queue owns the ring timeout (ACD AutoPause)
};

// Every floor operation's answer: 2xx with `body`, or an error with its code and message
// (nothing changed).
struct FloorResult {
  int status = 200;
  std::string code;
  std::string message;
  boost::json::object body;
  bool ok() const { return status < 300; }
  static FloorResult error(int status, std::string code, std::string message) {
    return FloorResult{status, std::move(code), std::move(message), {}};
  }
  static FloorResult done(boost::json::object body = {}) {
    return FloorResult{200, "", "", std::move(body)};
  }
};

}  // namespace dialcore::control::floor
