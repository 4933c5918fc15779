// Acd: timers (ring timeout, overflow, announcements), dispatch and statistics.
#include "control/acd/acd.hpp"
#include "control/acd/agent_selection.hpp"

#include <algorithm>
#include <tuple>

namespace dialcore::control::acd {

bool Acd::offerable(const AgentSlot& a, std::int64_t now_ms) const {
  return a.mode == AgentMode::Ready && now_ms >= a.wrap_until_ms;
}

// Waiting (not ringing) calls in service order: higher priority, earlier arrival, then order of
// entry (seq) so equal arrivals keep a stable order.
std::vector<CallId> Acd::waiting_order() const {
  using Key = std::tuple<int, std::int64_t, std::uint64_t, CallId>;
  std::vector<Key> keys;
  keys.reserve(calls_.size());
  for (const auto& [id, c] : calls_)
    if (c.ringing.empty()) keys.emplace_back(-c.priority, c.arrived_ms, c.seq, id);
  std::sort(keys.begin(), keys.end());
  std::vector<CallId> ids;
  ids.reserve(keys.size());
  for (const auto& k : keys) ids.push_back(std::get<3>(k));
  return ids;
}

// Waiting calls in service order each take the best offerable agent of their queue. The
// candidates come from whichever list is shorter: the queue's members, or the agents free now
// (few free agents is the common case on a busy floor: then a call costs a few checks, not a
// walk over its queue's members).
void Acd::dispatch(std::int64_t now_ms) {
  last_ms_ = now_ms;
  if (calls_.empty()) return;
  std::vector<Member> free;
  for (auto& [id, a] : agents_)
    if (offerable(a, now_ms)) free.push_back(Member{id, &a});
  if (free.empty()) return;
  std::vector<Candidate> cands;
  for (CallId call : waiting_order()) {
    auto& c = calls_.at(call);
    auto& q = queues_[c.queue];
    const bool by_free = free.size() < q.members.size();
    cands.clear();
    for (const Member& m : by_free ? free : q.members) {
      const AgentSlot& a = *m.slot;
      if (by_free && std::find(a.queues.begin(), a.queues.end(), c.queue) == a.queues.end())
        continue;
      if (!offerable(a, now_ms) || c.declined.count(m.id) != 0) continue;
      int score = 0;
      if (q.cfg.strategy == Strategy::SkillWeighted) {
        const auto sc = skill_score(q.cfg.skills, a.profile.skills);
        if (!sc) continue;
        score = *sc;
      }
      cands.push_back(Candidate{m.id, a.idle_since_ms, a.calls_answered, score});
    }
    if (cands.empty()) continue;
    std::vector<AgentId> chosen;
    if (q.cfg.strategy == Strategy::RingAll) {
      for (const auto& x : cands) chosen.push_back(x.id);
    } else {
      chosen.push_back(cands[select_agent(q.cfg.strategy, cands, q.rr_last, rng_)].id);
      q.rr_last = chosen.front();
    }
    c.ring_deadline_ms = q.cfg.ring_timeout_ms > 0 ? now_ms + q.cfg.ring_timeout_ms : 0;
    for (AgentId id : chosen) {
      auto& a = agents_.at(id);
      a.mode = AgentMode::Offered;
      a.call = call;
      c.ringing.push_back(id);
      emit(DecisionKind::Offer, call, id, c.queue, now_ms).deadline_ms = c.ring_deadline_ms;
      std::erase_if(free, [id](const Member& m) { return m.id == id; });
    }
    if (free.empty()) break;
  }
}

// Nobody answered in time: each ringing agent is auto-paused (seed 001), the call waits again
// and goes to the next agent at the dispatch that follows.
void Acd::ring_timeouts(std::int64_t now_ms) {
  for (auto& [call, c] : calls_) {
    if (c.ringing.empty() || c.ring_deadline_ms == 0 || now_ms < c.ring_deadline_ms) continue;
    for (AgentId id : c.ringing) {
      auto& a = agents_.at(id);
      a.mode = AgentMode::Unavailable;
      a.call = 0;
      emit(DecisionKind::AutoPause, call, id, c.queue, now_ms);
    }
    c.ringing.clear();
    c.ring_deadline_ms = 0;
  }
}

// A call that has waited max_wait in its queue leaves it; a ringing call finishes its ring first.
void Acd::overflows(std::int64_t now_ms) {
  std::vector<CallId> due;
  for (const auto& [call, c] : calls_) {
    const auto max_wait = queues_[c.queue].cfg.max_wait_ms;
    if (c.ringing.empty() && max_wait > 0 && now_ms - c.enqueued_ms >= max_wait)
      due.push_back(call);
  }
  for (CallId call : due) {
    const CallSlot c = calls_.at(call);
    auto& q = queues_[c.queue];
    ++q.counts.overflowed;
    if (now_ms - c.enqueued_ms <= q.cfg.service_level_ms) ++q.counts.overflowed_within_sl;
    Decision& d = emit(DecisionKind::Overflow, call, 0, c.queue, now_ms);
    d.overflow = q.cfg.overflow;
    calls_.erase(call);
    if (q.cfg.overflow == OverflowAction::Queue) {
      const QueueSlot* target = find_queue(q.cfg.overflow_queue);
      d.target = q.cfg.overflow_queue;
      if (target != nullptr) {
        place(call, static_cast<std::size_t>(target - queues_.data()), c.priority, c.arrived_ms,
              c.seq, now_ms);
      } else {
        d.overflow = OverflowAction::Hangup;  // validate() refuses this configuration
      }
    }
  }
}

void Acd::announcements(std::int64_t now_ms) {
  for (auto& [call, c] : calls_) {
    if (c.next_announce_ms == 0 || now_ms < c.next_announce_ms || !c.ringing.empty()) continue;
    const auto interval = queues_[c.queue].cfg.announce_interval_ms;
    while (c.next_announce_ms <= now_ms) c.next_announce_ms += interval;
    const auto pos = position(call);
    Decision& d = emit(DecisionKind::Announce, call, 0, c.queue, now_ms);
    d.position = pos;
    d.wait_estimate_ms = wait_estimate(c.queue, pos);
  }
}

std::uint32_t Acd::position(CallId call) const {
  const std::size_t queue = calls_.at(call).queue;
  std::uint32_t pos = 0;
  for (CallId id : waiting_order()) {
    if (calls_.at(id).queue != queue) continue;
    ++pos;
    if (id == call) break;
  }
  return pos;
}

// Position × average handle time / agents staffing the queue (not Unavailable); -1 before the
// queue has completed a call.
std::int64_t Acd::wait_estimate(std::size_t queue, std::uint32_t pos) const {
  const auto& q = queues_[queue];
  if (q.handled == 0) return -1;
  std::int64_t staffed = 0;
  for (const Member& m : q.members) staffed += m.slot->mode != AgentMode::Unavailable ? 1 : 0;
  const auto aht = q.handle_sum_ms / static_cast<std::int64_t>(q.handled);
  return static_cast<std::int64_t>(pos) * aht / std::max<std::int64_t>(1, staffed);
}

void Acd::on_timer(std::int64_t now_ms) {
  if (now_ms < last_ms_) return;
  ring_timeouts(now_ms);
  overflows(now_ms);
  announcements(now_ms);
  dispatch(now_ms);
}

std::optional<std::int64_t> Acd::next_deadline() const {
  std::optional<std::int64_t> next;
  auto consider = [&next](std::int64_t t) {
    if (!next || t < *next) next = t;
  };
  for (const auto& [call, c] : calls_) {
    if (!c.ringing.empty()) {
      if (c.ring_deadline_ms != 0) consider(c.ring_deadline_ms);
      continue;
    }
    const auto max_wait = queues_[c.queue].cfg.max_wait_ms;
    if (max_wait > 0) consider(c.enqueued_ms + max_wait);
    if (c.next_announce_ms != 0) consider(c.next_announce_ms);
  }
  if (!calls_.empty())  // a ready agent whose wrap time ends can take a waiting call
    for (const auto& [id, a] : agents_)
      if (a.mode == AgentMode::Ready && a.wrap_until_ms > last_ms_) consider(a.wrap_until_ms);
  return next;
}

QueueStats Acd::stats(std::string_view queue, std::int64_t now_ms) const {
  const QueueSlot* q = find_queue(queue);
  if (q == nullptr) return {};
  QueueStats s = q->counts;
  const auto index = static_cast<std::size_t>(q - queues_.data());
  for (const auto& [call, c] : calls_) {
    if (c.queue != index) continue;
    ++s.waiting;
    s.longest_wait_ms = std::max(s.longest_wait_ms, now_ms - c.enqueued_ms);
  }
  const auto failed =
      (s.abandoned - s.abandoned_within_sl) + (s.overflowed - s.overflowed_within_sl);
  if (s.answered + failed > 0)
    s.service_level_percent = 100.0 * static_cast<double>(s.answered_within_sl) /
                              static_cast<double>(s.answered + failed);
  if (q->handled > 0)
    s.average_handle_ms = q->handle_sum_ms / static_cast<std::int64_t>(q->handled);
  return s;
}

void Acd::reset_stats() {
  for (auto& q : queues_) {
    q.counts = QueueStats{};
    q.handle_sum_ms = 0;
    q.handled = 0;
  }
}

}  // namespace dialcore::control::acd
