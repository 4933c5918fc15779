#include "control/appliance/floor_link.hpp"

#include <algorithm>
#include <cctype>
#include <utility>

namespace dialcore::control::appliance {

namespace as = agent_state;

dialler::AnswerKind answer_kind_of_code(const std::string& code) {
  std::string lower(code);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower.find("machine") != std::string::npos || lower == "am" || lower == "amd") {
    return dialler::AnswerKind::Machine;
  }
  return dialler::AnswerKind::Live;
}

FloorLink::FloorLink(CallBook& book, history::CallHistory* history,
                     std::function<std::int64_t()> wall_ms, RunnersOf runners_of)
    : book_(book),
      history_(history),
      wall_ms_(std::move(wall_ms)),
      runners_of_(std::move(runners_of)) {}

void FloorLink::dispose(std::int64_t agent, const std::string& code, const std::string& notes,
                        double now) {
  const auto it = wrapping_.find(agent);
  if (it == wrapping_.end()) {
    ++counters_.wraps_without_call;
    return;
  }
  const calls::CallHandle call = it->second;
  wrapping_.erase(it);
  const BookedCall* booked = book_.find(call);
  if (booked == nullptr) {
    ++counters_.wraps_without_call;
    return;
  }
  if (history_ != nullptr && !booked->history_id.empty()) {
    history::Wrap w;
    w.call_id = booked->history_id;
    w.agent_id = agent;
    w.wrap_code = code;
    w.notes = notes;
    if (history_->disposition(w, wall_ms_()).ok()) {
      ++counters_.dispositions;
    } else {
      ++counters_.disposition_errors;
    }
  }
  // What the agent says the call was: the strategy learns of a machine the AMD let through.
  const dialler::AnswerKind kind = answer_kind_of_code(code);
  if (kind == dialler::AnswerKind::Machine) {
    for (const LinkedRunner& r : runners_of_(agent)) {
      if (r.campaign_id == booked->campaign_id) r.runner->agent_wrap(agent, now, kind);
    }
  }
  book_.erase(call);
}

void FloorLink::on_transition(std::int64_t agent, const as::Transition& t,
                              const std::string& notes) {
  ++counters_.transitions;
  const double now = static_cast<double>(wall_ms_()) / 1000.0;
  if (t.call_released && t.call != 0 && t.to == as::State::Wrap) {
    if (book_.find(t.call) != nullptr) wrapping_[agent] = t.call;
  }
  if (t.cause == as::Cause::Wrapped || t.cause == as::Cause::AutoWrapped) {
    dispose(agent, t.detail, notes, now);
  }
  if (t.from == t.to && t.cause != as::Cause::Wrapped && t.cause != as::Cause::AutoWrapped) {
    return;  // hold, retrieve, consult: nothing a runner follows
  }
  // The campaign whose call this transition is about (0: none, or not a campaign call).
  std::int64_t call_campaign = 0;
  if (t.call != 0) {
    if (const BookedCall* b = book_.find(t.call)) call_campaign = b->campaign_id;
  } else if (const auto w = wrapping_.find(agent); w != wrapping_.end()) {
    if (const BookedCall* b = book_.find(w->second)) call_campaign = b->campaign_id;
  }
  const auto runners = runners_of_(agent);
  for (const LinkedRunner& r : runners) {
    const bool own = call_campaign != 0 && r.campaign_id == call_campaign;
    switch (t.to) {
      case as::State::Available: r.runner->agent_ready(agent, now); break;
      case as::State::Reserved:
      case as::State::OnCall:
        // The runner that connected its own call already counts the agent busy with it.
        if (!own) r.runner->agent_busy(agent, now);
        break;
      case as::State::Wrap:
        if (t.from != as::State::Wrap) {
          r.runner->agent_wrap(agent, now,
                               own ? dialler::AnswerKind::Live : dialler::AnswerKind::Unknown);
        }
        break;
      case as::State::Paused:
      case as::State::AutoPaused:
      case as::State::NoVoice:
      case as::State::LoggedOut: r.runner->agent_out(agent, now); break;
    }
  }
  if (t.to == as::State::LoggedOut) wrapping_.erase(agent);
}

}  // namespace dialcore::control::appliance
