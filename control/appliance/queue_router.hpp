#pragma once
// QueueRouter: inbound calls through the ACD (control/acd) — issue 8 deliverable 3 joined to
// the B2BUA. A DID of config `queues[].dids` parks the caller (answered) and enqueues it; the
// Acd picks an agent by the queue's strategy, and its decisions are carried out here:
//   Offer     → Floor::offer (Reserved) + AgentVoice::connect_call (the beep and a bridge to a
//               standing leg, or the handset rung); Bridged → Acd::answered, Floor::call_answered
//   AutoPause → Floor::no_answer (AutoPaused, ring timeout); the Appliance's listener then gives
//               up the ringing handset (AgentVoice::ring_timeout); the call waits for the next
//   Withdraw  → the ringing leg given up, the offer withdrawn on the floor
//   Overflow  → hangup / voicemail: the "queue_overflow" or "voicemail" prompt if loaded, then
//               hang up (no voicemail recording yet); queue: the Acd moved it already
//   Announce  → the "queue_position" prompt if loaded (counted)
// The agents the Acd knows mirror the floor: an agent entering Available is added (queues from
// its store teams/queues matched to the config queues' teams/ids) and made ready; any other
// state makes it unavailable. An agent's failed leg (not registered, busy) is a rejection and
// auto-pauses it (voice lost). The caller's hang-up while waiting is an abandon; after the
// answer, the agent's call end. Control thread only; time from the steady clock (ms).

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
#include "control/acd/acd.hpp"
#include "control/api/queue_control.hpp"
#include "control/agent_state/agent_types.hpp"
#include "control/appliance/agent_voice.hpp"
#include "control/appliance/call_book.hpp"
#include "control/calls/call_controller.hpp"
#include "control/floor/floor.hpp"
#include "control/store/store.hpp"

namespace dialcore::control::appliance {

struct QueueCounters {
  std::uint64_t enqueued = 0;
  std::uint64_t offers = 0;
  std::uint64_t offer_refused = 0;  // the floor or the call layer could not take the offer
  std::uint64_t answered = 0;
  std::uint64_t ring_timeouts = 0;
  std::uint64_t agent_failed = 0;
  std::uint64_t abandoned = 0;
  std::uint64_t overflows = 0;
  std::uint64_t announcements = 0;  // position prompts played
  std::uint64_t bad_config = 0;     // queues the Acd refused (validate): none routed
  std::uint64_t transferred_in = 0;  // calls an agent blind-transferred to a queue
  std::uint64_t returned = 0;        // calls whose transfer target failed, back in a queue
};

// One queue as the API shows it: the Acd's counts and its agents' modes now.
struct QueueView {
  std::string id;
  std::string name;
  std::int64_t store_id = 0;  // 0: not in the store
  acd::QueueStats stats;
  std::uint32_t agents_available = 0;  // ready for the queue's next call
  std::uint32_t agents_busy = 0;       // ringing or on a call
  std::uint32_t agents_wrap = 0;       // after a call (the queue's wrap time)
  std::uint32_t agents_out = 0;        // serving the queue but paused, logged out ...
};

class QueueRouter final : public api::QueueControl {
 public:
  using ClipOf = std::function<std::optional<std::uint32_t>(const std::string&)>;
  QueueRouter(boost::asio::io_context& io, calls::CallController& calls, floor::Floor& floor,
              store::Store& store, CallBook& book, AgentVoice& voice, ClipOf prompt_clip,
              const config::Config& config);
  ~QueueRouter();

  // The queue of `did` (its config id), or nullopt.
  std::optional<std::string> queue_for(const std::string& did) const;
  // A call the router parks for `queue` (enqueued once answered).
  void take(calls::CallHandle call, const std::string& queue, std::string from, std::string did);
  bool on_event(const calls::CallEvent& e);  // true: one of the queue's calls
  // The queue (config id) of a call the router holds, waiting or answered; nullopt otherwise.
  std::optional<std::string> queue_of(calls::CallHandle call) const;
  void on_transition(std::int64_t agent, const agent_state::Transition& t);

  // A blind transfer (or a failed transfer's return): the customer's call `call` (Up, its agent
  // leg going) waits in `queue` (config id or name, or the store's queue id) for the queue's
  // next agent. Empty `queue`: the call's own last queue, else the first queue `from_agent`
  // serves. Fails "unknown_queue" (nothing changed). The call gets a new floor id (CallBook:
  // handle | generation << 40) so the first agent's wrap keeps the handle.
  floor::CallResult transfer_in(calls::CallHandle call, const std::string& queue,
                                std::int64_t from_agent);
  // The config id of `name_or_id` (config id, name, or store queue id); nullopt: no such queue.
  std::optional<std::string> resolve(const std::string& name_or_id) const;

  acd::QueueStats stats(const std::string& queue) const;
  // Every configured queue, in config order. The counts (answered, abandoned, overflowed ...)
  // are today's: they restart at the first look or event after midnight UTC (set_wall_clock).
  std::vector<QueueView> views();
  // GET /api/v1/queues/stats and /api/v1/queues/{id}/stats (queue_stats.cpp).
  api::CampaignAnswer queue_stats(std::string_view queue) override;
  void set_wall_clock(std::function<std::int64_t()> wall_ms) { wall_ms_ = std::move(wall_ms); }
  const QueueCounters& counters() const { return counters_; }

 private:
  struct QueuedCall {
    std::string queue;
    std::int64_t agent = 0;  // offered/answered to; 0 none
    bool up = false;         // answered by us: in the Acd
    bool answered = false;   // bridged to the agent
    bool cancelling = false;  // we gave up the agent's ringing leg: its AgentEnded is ours
    bool deferred = false;    // offered to `agent` while cancelling: connect after it
    std::int64_t entered_ms = 0;
    std::string from;
    std::string did;
    acd::CallId fid = 0;      // the Acd's and the floor's id: the handle, or an alias (CallBook)
    bool transferred = false;  // came by a transfer: its first handset is rung once freed
  };
  QueuedCall* by_fid(acd::CallId fid);
  void enqueue_transferred(calls::CallHandle call);
  std::int64_t now_ms() const;
  void pump();  // carries out the Acd's decisions, then re-arms the timer
  void carry_out(const acd::Decision& d);
  void offer(const acd::Decision& d);
  void connect(calls::CallHandle call, QueuedCall& q);
  void retry_connect(calls::CallHandle call, int attempt);
  void end_with_prompt(calls::CallHandle call, const char* prompt);
  void agent_failed(calls::CallHandle call, QueuedCall& q, const calls::CallEvent& e);
  void ensure_agent(std::int64_t agent);  // added to the Acd with its queues, once
  void arm();
  void roll_day();  // a new UTC day: the Acd's counts restart

  boost::asio::io_context& io_;
  calls::CallController& calls_;
  floor::Floor& floor_;
  store::Store& store_;
  CallBook& book_;
  AgentVoice& voice_;
  ClipOf prompt_clip_;
  config::Config config_;  // queues and teams
  acd::Acd acd_;
  std::map<std::string, std::int64_t> queue_ids_;  // config id → store queue id (0 none)
  std::map<calls::CallHandle, QueuedCall> calls_in_;
  std::map<std::int64_t, std::vector<std::string>> known_;  // agents in the Acd → their queues
  std::uint64_t generation_ = 0;  // floor ids of transferred calls
  std::function<std::int64_t()> wall_ms_;
  std::int64_t day_ = -1;  // the UTC day the counts are of
  boost::asio::steady_timer timer_;
  bool pumping_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  QueueCounters counters_;
};

}  // namespace dialcore::control::appliance
