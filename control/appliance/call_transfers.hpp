#pragma once
// CallTransfers: blind and consult transfers, manual calls and announcements for the agent
// floor (FloorCallControl forwards to it), built on CallController's pieces (call_agent, join,
// drop_agent, link, hold; control/calls/call_joins.cpp). The customer's call X keeps its
// handle, its owner (campaign port, inbound router) and its CDR; every party we dial for a
// transfer, a consultation or a manual call is a call C of its own (own handle, own CDR):
//
//   blind   C to the target (an agent's handset with auto-answer, or a number on the trunk),
//           placed beside X's customer leg; X's agent leg is let go at once (the agent wraps);
//           X and C are linked (either hangs up: both end); on C's answer X's customer leg is
//           bridged to C's leg. C failing before its answer ends X (nobody left to talk to).
//   consult X's customer leg is held (silence), C is placed beside X's agent leg and bridged to
//           it on answer. complete: X's customer ↔ C, X's agent leg let go, linked. Cancel
//           (the agent hangs C up, or C's far end does): X's customer and agent legs are
//           bridged again; the customer stays held until the agent retrieves.
//   manual  C on the campaign's trunk; on its answer the agent's handset is dialled
//           (auto-answer) and bridged (CallController::connect_agent).
//
// Floor call ids: X and C are their handles; a target AGENT holds C under an alias id
// (C | kAliasBit) because the consulting agent may hold C itself at the same time. legs(id)
// says which legs a floor call's controls act on. Control thread only; never blocks.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "config/config.hpp"
#include "control/appliance/call_book.hpp"
#include "control/calls/call_controller.hpp"
#include "control/floor/call_control.hpp"
#include "control/sip/sip_stack.hpp"
#include "control/store/store.hpp"

namespace dialcore::control::floor {
class Floor;
}

namespace dialcore::control::appliance {

struct TransferSetup {
  sip::SipStack& sip;
  store::Store& store;  // a campaign's store id → its name → the configured trunk and CLI
  CallBook& book;       // transfer targets' and manual calls' wraps (FloorLink reads it)
  // Prompt clip ids by name (announcements); nullopt: no such prompt.
  std::function<std::optional<std::uint32_t>(const std::string&)> prompt_clip;
  config::Config config;  // sip.trunks and campaigns (a copy: a reload does not change it)
  // Queue targets (QueueRouter::transfer_in): the customer's call waits in a queue; an empty
  // queue name: the call's own queue, else the agent's first. Unset: "not_supported".
  std::function<floor::CallResult(calls::CallHandle, const std::string&, floor::AgentId)> to_queue;
};

struct TransferCounters {
  std::uint64_t blind = 0;          // blind transfers started
  std::uint64_t consults = 0;       // consultations started
  std::uint64_t completed = 0;      // consult transfers completed
  std::uint64_t cancelled = 0;      // consultations that ended without a transfer
  std::uint64_t joined = 0;         // transfer/consult targets answered and bridged
  std::uint64_t failed = 0;         // targets that never answered, or a bridge the worker refused
  std::uint64_t manual_calls = 0;   // manual calls placed
  std::uint64_t announcements = 0;  // announcements asked of the dataplane
  std::uint64_t to_queue = 0;       // blind transfers into a queue
  std::uint64_t returned = 0;       // failed blind transfers: the customer back in a queue
  std::uint64_t dropped = 0;        // failed blind transfers with no queue to go back to
  std::uint64_t ring_timeouts = 0;  // transfer targets given up after the floor's ring timeout
};

// Which legs a floor call's controls act on: `far` the party the agent talks to (hold,
// recording, DTMF masking, announcements), `own` the agent's own leg (mute), `call` the call
// hang-up ends.
struct FloorLegs {
  calls::CallHandle far_call = 0;
  calls::Side far_side = calls::Side::Customer;
  calls::CallHandle own_call = 0;
  calls::Side own_side = calls::Side::Agent;
  calls::CallHandle call = 0;
};

class CallTransfers {
 public:
  static constexpr floor::CallId kAliasBit = floor::CallId{1} << 62;
  using HandsetOf = std::function<std::optional<std::string>(floor::AgentId)>;

  CallTransfers(calls::CallController& calls, HandsetOf handset, TransferSetup setup);
  void set_floor(floor::Floor* f) { floor_ = f; }

  floor::CallResult blind(floor::AgentId agent, floor::CallId call, const floor::TransferTarget& to);
  floor::CallResult consult(floor::AgentId agent, floor::CallId held,
                            const floor::TransferTarget& to);
  floor::CallResult complete(floor::AgentId agent, floor::CallId held, floor::CallId consult);
  floor::CallResult manual(floor::AgentId agent, std::int64_t campaign_id,
                           const std::string& number);
  floor::CallResult announce(floor::CallId call, const std::string& prompt);
  // The agent retrieves `call` while a consultation is open (switching lines): the retrieved
  // party is bridged to the agent, the other one hears silence. False: not part of one.
  bool retrieve(floor::CallId call);

  // The floor's ring timeout on a call this class placed to an agent (C's alias): C is hung up
  // (a blind transfer's customer then goes back to a queue). False: not one of ours.
  bool ring_timeout(floor::CallId call);

  FloorLegs legs(floor::CallId id) const;  // identity for calls this class did not place
  const TransferCounters& counters() const { return counters_; }
  std::size_t live() const { return placed_.size(); }

 private:
  enum class Kind : std::uint8_t { Blind, Consult, Manual };
  struct Placed {
    Kind kind = Kind::Blind;
    calls::CallHandle parent = 0;  // X (0 for a manual call)
    floor::AgentId from_agent = 0;
    floor::AgentId to_agent = 0;  // an agent target; 0 a number
    std::string target;           // "agent:7" or the number, for the CDR
    bool answered = false;
    bool joined = false;
    bool completed = false;  // consult: complete() ran
  };
  struct Route {
    std::string trunk;
    std::string cli;
  };

  static floor::CallId alias(calls::CallHandle c) { return c | kAliasBit; }
  std::optional<calls::AgentTarget> agent_target(floor::AgentId agent) const;
  std::optional<Route> route_for(std::int64_t campaign_id) const;
  std::int64_t campaign_of(calls::CallHandle x) const;
  // Places C for a blind transfer or a consultation of X; fills `c` or says why not.
  floor::CallResult place(Kind kind, floor::AgentId agent, calls::CallHandle x,
                          const floor::TransferTarget& to, calls::CallHandle& c);
  void on_event(const calls::CallEvent& e);
  void on_answered(calls::CallHandle c, Placed& p);
  void on_ended(calls::CallHandle c, Placed p);
  void send_back(const Placed& p);  // a blind transfer's target failed: the customer to a queue
  void join_target(calls::CallHandle c, calls::CallHandle x, calls::Side x_side);

  calls::CallController& calls_;
  HandsetOf handset_;
  TransferSetup setup_;
  floor::Floor* floor_ = nullptr;
  std::map<calls::CallHandle, Placed> placed_;
  std::map<floor::CallId, FloorLegs> floor_legs_;  // consult legs and aliases
  TransferCounters counters_;
};

}  // namespace dialcore::control::appliance
