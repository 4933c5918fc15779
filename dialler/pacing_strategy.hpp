#pragma once
// The pacing interface the live daemon and the simulator both call: events in, "how many calls
// to launch now" out. A strategy never reads a clock; every time comes with the call.

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "dialler/abandon_ledger.hpp"

#include "dialler/floor_state.hpp"
#include "dialler/pacing_event.hpp"

namespace dialcore::dialler {

// What the campaign knows about itself (configuration, not measurements of the list).
struct CampaignPacing {
  bool amd_enabled = false;
  double ring_timeout_s = 30;      // the dial timeout the campaign sets
  double abandon_after_s = 2.0;    // compliance: bridge within this after the greeting ends
  double max_abandon_rate = 0.03;  // cap on every ledger (Ofcom/FCC 3 %)
  // An unanswered call must ring at least this long before the dialler may hang it up (Ofcom's
  // persistent-misuse policy: 15 s; FCC safe harbour: 15 s or four rings).
  double min_ring_s = 15.0;
};

class PacingStrategy {
 public:
  virtual ~PacingStrategy() = default;
  // Every floor event, in time order.
  void on_event(const Event& e) {
    observe(e);  // sees the floor as it was before the event
    floor_.apply(e);
  }
  // Calls to launch now (>= 0). Called after events and on a periodic tick (about 1 s).
  virtual int calls_to_launch(double now_s) = 0;
  // Ringing calls to hang up now, after calls_to_launch. A strategy that over-dialled may take
  // back unanswered calls that would likely be answered when no agent is free; never one that
  // has rung less than min_ring_s (the caller enforces it too). None by default.
  virtual std::vector<std::uint64_t> calls_to_cancel(double /*now_s*/) { return {}; }
  // After a restart, before the first event: the campaign's ledger facts so far (oldest first),
  // for a strategy that paces against its own ledger. None keep one by default.
  virtual void restore_ledger(std::span<const LedgerFact> /*facts*/) {}
  virtual std::string name() const = 0;
  // One line of internal state for traces (dialbench pacing --trace).
  virtual std::string describe() const { return {}; }
  const FloorState& floor() const { return floor_; }
  // Idle agents held back from outbound (blended: kept for inbound); 0 by default.
  void reserve_idle_agents(int n) { reserved_idle_ = n > 0 ? n : 0; }

 protected:
  explicit PacingStrategy(const CampaignPacing& c) : floor_(c.amd_enabled), campaign_(c) {}
  // Called with each event before the floor applies it.
  virtual void observe(const Event&) {}
  // Agents free for outbound: idle minus inbound calls waiting (inbound has priority) minus
  // agents reserved for inbound.
  int free_agents() const {
    int n = floor_.idle_agents() - floor_.inbound_waiting() - reserved_idle_;
    return n > 0 ? n : 0;
  }

  FloorState floor_;
  CampaignPacing campaign_;
  int reserved_idle_ = 0;
};

// "progressive", "ratio:K", "vicidial", "predictive[:knobs]", "preview[:T]",
// "blended:N:INNER"; nullptr with a reason when the name is not known.
std::unique_ptr<PacingStrategy> make_strategy(const std::string& spec, const CampaignPacing& c,
                                              std::string* error);

// Progressive: one call in flight per free agent.
// Power (ratio:K): K calls in flight per free agent (rounded down, at least one each).
class RatioStrategy final : public PacingStrategy {
 public:
  RatioStrategy(const CampaignPacing& c, double lines_per_agent)
      : PacingStrategy(c), ratio_(lines_per_agent) {}
  int calls_to_launch(double now_s) override;
  std::string name() const override;

 private:
  double ratio_;
};

}  // namespace dialcore::dialler
