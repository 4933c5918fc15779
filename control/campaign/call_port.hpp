#pragma once
// What a campaign asks of the call layer (issues 9, 10). The B2BUA (control/calls) implements
// it on real SIP calls and dataplane legs; the runner never sees SIP, SDP or legs. Every order
// is answered later through CampaignRunner's call_* methods with the same `call` key.

#include <cstdint>
#include <string>

namespace dialcore::control::campaign {

using CallKey = std::uint64_t;  // the runner's key for one outbound attempt; 0 is never a call

// One outbound attempt.
struct DialOrder {
  CallKey call = 0;
  std::int64_t campaign_id = 0;
  std::int64_t lead_id = 0;
  std::size_t number_index = 0;  // which of the lead's numbers (phone1..3)
  std::string number;            // as stored (E.164-like digits, optional '+')
  std::string cli;               // caller id to present
  std::string trunk;             // config::SipTrunk::id
  bool amd = false;              // run answering-machine detection on the answer
};

class CallPort {
 public:
  virtual ~CallPort() = default;
  // Start the attempt. Later: call_answered / call_amd / call_ended.
  virtual void originate(const DialOrder& order) = 0;
  // Bridge the answered call to the agent's voice. Later: call_bridged or call_connect_failed.
  virtual void connect(CallKey call, std::int64_t agent_id) = 0;
  // No agent in time: play the campaign's information message, then hang up. Later: call_ended.
  virtual void abandon(CallKey call) = 0;
  // Hang up a call that is still ringing (the strategy took it back; it has rung at least the
  // minimum ring time, 15 s). Later: call_ended.
  virtual void cancel(CallKey call) = 0;
  // AMD said machine: the campaign's machine action (hang up or leave the message). Later:
  // call_ended.
  virtual void drop_machine(CallKey call) = 0;
};

}  // namespace dialcore::control::campaign
