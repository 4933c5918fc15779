#pragma once
// FloorLink: the agent floor drives the campaign runners, and the agent's wrap becomes the
// lead's disposition. Every floor transition of an agent reaches the runners of the campaigns
// the agent is assigned to (store agents.campaigns): Available → agent_ready; Reserved/OnCall
// with another campaign's or an inbound call → agent_busy; Wrap → agent_wrap (Live for the
// campaign whose call it was); Paused, AutoPaused, NoVoice, LoggedOut → agent_out. A Wrapped or
// AutoWrapped record writes CallHistory::disposition for the call the agent wrapped (the history
// then moves the lead on: that is how a disposition becomes durable) and forgets the call.
// Control thread only.

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "control/agent_state/agent_types.hpp"
#include "control/appliance/call_book.hpp"
#include "control/campaign/campaign_runner.hpp"
#include "control/history/call_history.hpp"
#include "dialler/pacing_event.hpp"

namespace dialcore::control::appliance {

struct LinkedRunner {
  std::int64_t campaign_id = 0;  // the store's
  campaign::CampaignRunner* runner = nullptr;
};

struct FloorLinkCounters {
  std::uint64_t transitions = 0;
  std::uint64_t dispositions = 0;
  std::uint64_t disposition_errors = 0;  // refused at once by the history (the writer's own
                                         // refusals are counted in its stats)
  std::uint64_t wraps_without_call = 0;  // a wrap code for a call the book does not know
};

// The AnswerKind an agent's wrap code implies: a code (or its name) that says "machine" means
// the answer was a machine; anything else an agent wrapped was a live person.
dialler::AnswerKind answer_kind_of_code(const std::string& code);

class FloorLink {
 public:
  using RunnersOf = std::function<std::vector<LinkedRunner>(std::int64_t agent)>;
  FloorLink(CallBook& book, history::CallHistory* history, std::function<std::int64_t()> wall_ms,
            RunnersOf runners_of);

  void on_transition(std::int64_t agent, const agent_state::Transition& t,
                     const std::string& notes);
  const FloorLinkCounters& counters() const { return counters_; }

 private:
  void dispose(std::int64_t agent, const std::string& code, const std::string& notes, double now);

  CallBook& book_;
  history::CallHistory* history_;
  std::function<std::int64_t()> wall_ms_;
  RunnersOf runners_of_;
  std::map<std::int64_t, calls::CallHandle> wrapping_;  // agent → the call in wrap
  FloorLinkCounters counters_;
};

}  // namespace dialcore::control::appliance
