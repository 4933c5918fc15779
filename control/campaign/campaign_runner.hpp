#pragma once
// One running campaign (issues 9, 10): the dialler's pacing strategy decides how many calls to
// launch, the lead source says which numbers, the call port places them; answered calls go to
// the longest-idle ready agent, or wait at most abandon_after_s and are then abandoned (the
// information message is played) and counted in the abandonment ledger. The same strategy
// objects run in `dialbench pacing`, so the floor events here are the simulator's.
//
// Single-threaded (the control io_context). Time comes in as Unix seconds (double); the owner
// calls tick() at least every second and at next_deadline(). Nothing here blocks or does I/O
// beyond the lead source.

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "control/campaign/call_port.hpp"
#include "control/campaign/lead_source.hpp"
#include "dialler/abandon_ledger.hpp"
#include "dialler/pacing_strategy.hpp"

namespace dialcore::control::campaign {

struct RunnerSettings {
  std::int64_t campaign_id = 0;
  std::string trunk;
  std::string cli;
  bool amd = false;
  double abandon_after_s = 2.0;
  double max_abandon_rate = 0.03;  // the ledger cap the strategy paces against
  double min_ring_s = 15.0;        // an unanswered call is never hung up before (Ofcom, FCC)
  bool uk_ledger = true;           // Ofcom formula (counts AMD false-positive estimates)
  double amd_false_positive = 0.05;  // UK mode: each machine verdict adds this estimate
  int max_launch_per_decision = 50;  // bounds a runaway strategy
};

enum class AmdVerdict : std::uint8_t { Human, Machine };

struct RunnerCounters {
  std::uint64_t dials = 0;
  std::uint64_t answered = 0;
  std::uint64_t machines = 0;  // AMD verdicts
  std::uint64_t bridged = 0;
  std::uint64_t abandoned = 0;
  std::uint64_t ended = 0;
  std::uint64_t connect_failures = 0;
  std::uint64_t taken_back = 0;   // ringing calls hung up by the strategy (after 15 s)
  std::uint64_t no_leads = 0;     // decisions that wanted a call and found no number
  std::uint64_t stray_events = 0; // events for unknown calls/agents (counted, ignored)
};

class CampaignRunner {
 public:
  CampaignRunner(RunnerSettings settings, std::unique_ptr<dialler::PacingStrategy> strategy,
                 LeadSource& leads, CallPort& port);

  // Agents (from the agent floor): ready for an outbound call, busy with something else
  // (inbound, manual), in wrap, gone.
  void agent_ready(std::int64_t agent, double now_s);
  void agent_busy(std::int64_t agent, double now_s);
  // kind: what the call turned out to be (the agent's disposition), when known.
  void agent_wrap(std::int64_t agent, double now_s,
                  dialler::AnswerKind kind = dialler::AnswerKind::Unknown);
  void agent_out(std::int64_t agent, double now_s);

  // Calls (from the call port).
  void call_answered(CallKey call, double now_s);
  void call_amd(CallKey call, AmdVerdict verdict, double now_s);
  void call_bridged(CallKey call, double now_s);
  void call_connect_failed(CallKey call, double now_s);
  void call_ended(CallKey call, double now_s);

  // Abandon deadlines, then pacing. Call at least every second and at next_deadline().
  void tick(double now_s);
  std::optional<double> next_deadline() const;

  // After a restart (or a stop and start), before any event: the campaign's ledger facts so far
  // (ledger_rebuild.hpp reads them from the store), into its ledger and its strategy's, so the
  // drop-rate windows go on where they were.
  void seed_ledger(std::span<const dialler::LedgerFact> facts);

  // Stop placing calls (calls in flight finish).
  void pause(bool paused) { paused_ = paused; }
  bool paused() const { return paused_; }

  const RunnerCounters& counters() const { return counters_; }
  const dialler::AbandonLedger& ledger() const { return ledger_; }
  const dialler::PacingStrategy& strategy() const { return *strategy_; }
  std::size_t calls_in_flight() const { return calls_.size(); }
  std::size_t ready_agents() const { return ready_.size(); }

 private:
  enum class Phase : std::uint8_t {
    Ringing, Waiting, Connecting, Bridged, Abandoning, Dropping, Cancelling
  };
  struct Call {
    Phase phase = Phase::Ringing;
    std::int64_t lead_id = 0;
    double placed_s = 0;
    double deadline_s = 0;  // Waiting/Connecting: abandoned at this time
    double answered_s = 0;  // the ledger counts the call at its answer (as the store has it)
    std::int64_t agent = 0;  // Connecting/Bridged
  };

  void emit(dialler::EventKind kind, double t, CallKey call, std::int64_t agent,
            dialler::AnswerKind answer = dialler::AnswerKind::Unknown);
  void needs_agent(CallKey call, Call& c, double now_s);
  void match(double now_s);  // waiting calls (oldest first) to ready agents (longest idle first)
  void launch(double now_s);
  void take_ready(std::int64_t agent);
  void count(dialler::LedgerFactKind kind, double answered_s);  // into the ledger

  RunnerSettings settings_;
  std::unique_ptr<dialler::PacingStrategy> strategy_;
  LeadSource& leads_;
  CallPort& port_;
  dialler::AbandonLedger ledger_;
  std::map<CallKey, Call> calls_;
  std::deque<CallKey> waiting_;      // answered, needing an agent, oldest first
  std::deque<std::int64_t> ready_;   // agents ready, longest idle first
  CallKey next_call_ = 1;
  bool paused_ = false;
  bool in_decision_ = false;
  RunnerCounters counters_;
};

}  // namespace dialcore::control::campaign
