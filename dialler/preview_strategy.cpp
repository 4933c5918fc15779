#include "dialler/preview_strategy.hpp"

#include <cstdio>

namespace dialcore::dialler {

void PreviewStrategy::observe(const Event& e) {
  switch (e.kind) {
    case EventKind::PreviewShown: shown_[e.agent_id] = {e.time_s, false}; break;
    case EventKind::PreviewDial: {
      auto it = shown_.find(e.agent_id);
      if (it != shown_.end()) it->second.dial_pressed = true;
      break;
    }
    // The agent took another call (inbound) or left: the preview is withdrawn.
    case EventKind::AgentBusy:
    case EventKind::AgentLoggedOut: shown_.erase(e.agent_id); break;
    default: break;
  }
}

int PreviewStrategy::calls_to_launch(double now_s) {
  due_.clear();
  for (auto it = shown_.begin(); it != shown_.end();) {
    const bool timed_out = timeout_s_ >= 0 && now_s - it->second.at_s >= timeout_s_;
    if (it->second.dial_pressed || timed_out) {
      due_.push_back(it->first);
      it = shown_.erase(it);
    } else {
      ++it;
    }
  }
  return static_cast<int>(due_.size());
}

std::string PreviewStrategy::name() const {
  if (timeout_s_ < 0) return "preview";
  char buf[32];
  std::snprintf(buf, sizeof buf, "preview:%g", timeout_s_);
  return buf;
}

}  // namespace dialcore::dialler
