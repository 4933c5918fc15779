#pragma once
// Acd: the inbound queues of one organisation (README.md). Pure and deterministic: time is
// passed in (ms, monotonic), randomness comes from the seed given at construction, nothing reads
// a clock or blocks. The owner reports what happened (calls arriving, agents ready, answers,
// hang-ups) and carries out the decisions the Acd appends to its outbox (offer, withdraw,
// auto-pause, overflow, announce). Every event ends with a dispatch: waiting calls are matched
// with ready agents at once.

#include "control/acd/acd_types.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace dialcore::control::acd {

class Acd {
 public:
  // Queues must have unique ids and DIDs, and overflow targets that exist (validate() says
  // which not).
  Acd(std::vector<QueueConfig> queues, std::uint64_t seed, std::int64_t now_ms);
  static std::optional<std::string> validate(const std::vector<QueueConfig>& queues);

  // --- agents (the owner mirrors the agent state machine: Available → ready, else not) ---
  Status add_agent(const AgentProfile& agent, std::int64_t now_ms);  // starts Unavailable
  Status remove_agent(AgentId agent, std::int64_t now_ms);  // a ringing call goes back to wait
  Status agent_ready(AgentId agent, std::int64_t now_ms);
  Status agent_unavailable(AgentId agent, std::int64_t now_ms);

  // --- calls ---
  // The queue a DID routes to, or nullptr (the owner then plays its "not in service" path).
  const std::string* queue_for_did(std::string_view did) const;
  // A call enters `queue`; higher priority is served first, then the earlier arrival.
  Status enqueue(CallId call, std::string_view queue, int priority, std::int64_t now_ms);
  Status answered(CallId call, AgentId agent, std::int64_t now_ms);  // leaves the queue
  Status rejected(CallId call, AgentId agent, std::int64_t now_ms);  // never offered it again
  // After Withdraw or rejected the agent waits for agent_ready (its idle time kept): the agent
  // machine decides whether it went back to Available or to a pause asked for while ringing.
  Status abandoned(CallId call, std::int64_t now_ms);     // the caller hung up while waiting
  Status call_ended(AgentId agent, std::int64_t now_ms);  // the agent's answered call ended

  // --- timers ---
  std::optional<std::int64_t> next_deadline() const;
  void on_timer(std::int64_t now_ms);  // ring timeouts, overflow, announcements, dispatch

  // --- reading ---
  QueueStats stats(std::string_view queue, std::int64_t now_ms) const;
  void reset_stats();
  bool has_call(CallId call) const { return calls_.count(call) != 0; }
  std::vector<AgentId> ringing(CallId call) const;
  std::optional<AgentMode> mode(AgentId agent) const;
  std::size_t waiting() const { return calls_.size(); }

  const std::vector<Decision>& outbox() const { return outbox_; }
  std::vector<Decision> drain();

 private:
  struct AgentSlot {
    AgentProfile profile;
    AgentMode mode = AgentMode::Unavailable;
    std::int64_t idle_since_ms = 0;
    std::int64_t wrap_until_ms = 0;  // not offered before
    std::uint64_t calls_answered = 0;
    CallId call = 0;             // offered or answered
    std::size_t call_queue = 0;  // the answered call's queue
    std::int64_t answered_ms = 0;
    std::vector<std::size_t> queues;  // indices into queues_
    bool keep_idle = false;           // offer withdrawn/declined: agent_ready keeps idle_since_ms
  };
  // A queue's member: the slot pointer saves a map lookup per agent in dispatch (std::map
  // nodes never move; remove_agent drops the member before the slot).
  struct Member {
    AgentId id = 0;
    AgentSlot* slot = nullptr;
  };
  struct QueueSlot {
    QueueConfig cfg;
    std::vector<Member> members;  // sorted by id
    std::optional<AgentId> rr_last;
    QueueStats counts;               // entered ... overflowed_within_sl
    std::int64_t handle_sum_ms = 0;  // completed calls' talk + wrap
    std::uint64_t handled = 0;
  };
  struct CallSlot {
    std::size_t queue = 0;
    int priority = 0;
    std::int64_t arrived_ms = 0;   // first enqueue (order across overflows)
    std::int64_t enqueued_ms = 0;  // in this queue (max wait, service level)
    std::uint64_t seq = 0;
    std::int64_t next_announce_ms = 0;  // 0 none
    std::vector<AgentId> ringing;
    std::int64_t ring_deadline_ms = 0;  // 0 none
    std::set<AgentId> declined;
  };

  Status check_time(std::int64_t now_ms);
  Decision& emit(DecisionKind kind, CallId call, AgentId agent, std::size_t queue,
                 std::int64_t now_ms);
  const QueueSlot* find_queue(std::string_view id) const;
  void place(CallId call, std::size_t queue, int priority, std::int64_t arrived_ms,
             std::uint64_t seq, std::int64_t now_ms);
  void step_back(AgentSlot& a);  // an offer ended unanswered: wait for agent_ready
  void withdraw_all(CallId call, CallSlot& c, AgentId except, std::int64_t now_ms);
  void leave_queue(CallId call, std::int64_t now_ms);
  void ring_timeouts(std::int64_t now_ms);
  void overflows(std::int64_t now_ms);
  void announcements(std::int64_t now_ms);
  void dispatch(std::int64_t now_ms);
  bool offerable(const AgentSlot& a, std::int64_t now_ms) const;
  std::vector<CallId> waiting_order() const;
  std::uint32_t position(CallId call) const;
  std::int64_t wait_estimate(std::size_t queue, std::uint32_t position) const;

  std::vector<QueueSlot> queues_;
  std::map<AgentId, AgentSlot> agents_;
  std::map<CallId, CallSlot> calls_;  // waiting or ringing
  std::mt19937_64 rng_;
  std::uint64_t next_seq_ = 0;
  std::int64_t last_ms_ = 0;
  std::vector<Decision> outbox_;
};

}  // namespace dialcore::control::acd
