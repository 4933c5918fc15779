// Acd: the events the owner reports. Timers, dispatch and statistics are in acd_dispatch.cpp.
#include "control/acd/acd.hpp"

#include <algorithm>
#include <set>
#include <utility>

namespace dialcore::control::acd {

std::string_view to_string(Errc e) {
  switch (e) {
    case Errc::TimeWentBackwards: return "time_went_backwards";
    case Errc::UnknownQueue: return "unknown_queue";
    case Errc::UnknownAgent: return "unknown_agent";
    case Errc::UnknownCall: return "unknown_call";
    case Errc::DuplicateCall: return "duplicate_call";
    case Errc::DuplicateAgent: return "duplicate_agent";
    case Errc::AgentBusy: return "agent_busy";
    case Errc::NotOffered: return "not_offered";
    case Errc::NotOnCall: return "not_on_call";
  }
  return "?";
}

std::optional<std::string> Acd::validate(const std::vector<QueueConfig>& queues) {
  std::set<std::string> ids, dids;
  for (const auto& q : queues) {
    if (!ids.insert(q.id).second) return "duplicate queue id '" + q.id + "'";
    for (const auto& d : q.dids)
      if (!dids.insert(d).second) return "DID '" + d + "' routed to two queues";
  }
  for (const auto& q : queues) {
    if (q.overflow != OverflowAction::Queue) continue;
    if (q.overflow_queue == q.id) return "queue '" + q.id + "' overflows to itself";
    if (ids.count(q.overflow_queue) == 0)
      return "queue '" + q.id + "' overflows to unknown queue '" + q.overflow_queue + "'";
  }
  return std::nullopt;
}

Acd::Acd(std::vector<QueueConfig> queues, std::uint64_t seed, std::int64_t now_ms)
    : rng_(seed), last_ms_(now_ms) {
  for (auto& q : queues) queues_.push_back(QueueSlot{std::move(q), {}, {}, {}, 0, 0});
}

Status Acd::check_time(std::int64_t now_ms) {
  if (now_ms < last_ms_) return Errc::TimeWentBackwards;
  return std::nullopt;
}

Decision& Acd::emit(DecisionKind kind, CallId call, AgentId agent, std::size_t queue,
                    std::int64_t now_ms) {
  Decision d;
  d.kind = kind;
  d.call = call;
  d.agent = agent;
  d.queue = queues_[queue].cfg.id;
  d.at_ms = now_ms;
  outbox_.push_back(std::move(d));
  return outbox_.back();
}

const Acd::QueueSlot* Acd::find_queue(std::string_view id) const {
  for (const auto& q : queues_)
    if (q.cfg.id == id) return &q;
  return nullptr;
}

Status Acd::add_agent(const AgentProfile& agent, std::int64_t now_ms) {
  if (auto t = check_time(now_ms)) return t;
  if (agents_.count(agent.id) != 0) return Errc::DuplicateAgent;
  for (const auto& q : agent.queues)
    if (find_queue(q) == nullptr) return Errc::UnknownQueue;
  auto& slot = agents_[agent.id];
  slot.profile = agent;
  slot.idle_since_ms = now_ms;
  for (const auto& id : agent.queues) {
    const auto index = static_cast<std::size_t>(find_queue(id) - queues_.data());
    if (std::find(slot.queues.begin(), slot.queues.end(), index) != slot.queues.end()) continue;
    slot.queues.push_back(index);
    auto& m = queues_[index].members;
    auto at = std::lower_bound(m.begin(), m.end(), agent.id,
                               [](const Member& x, AgentId v) { return x.id < v; });
    m.insert(at, Member{agent.id, &slot});
  }
  dispatch(now_ms);
  return std::nullopt;
}

Status Acd::remove_agent(AgentId agent, std::int64_t now_ms) {
  if (auto t = check_time(now_ms)) return t;
  auto it = agents_.find(agent);
  if (it == agents_.end()) return Errc::UnknownAgent;
  if (it->second.mode == AgentMode::Busy) return Errc::AgentBusy;
  if (it->second.mode == AgentMode::Offered) {
    auto& c = calls_.at(it->second.call);
    std::erase(c.ringing, agent);
    if (c.ringing.empty()) c.ring_deadline_ms = 0;
    emit(DecisionKind::Withdraw, it->second.call, agent, c.queue, now_ms);
  }
  for (auto& q : queues_)
    std::erase_if(q.members, [agent](const Member& m) { return m.id == agent; });
  agents_.erase(it);
  dispatch(now_ms);
  return std::nullopt;
}

Status Acd::agent_ready(AgentId agent, std::int64_t now_ms) {
  if (auto t = check_time(now_ms)) return t;
  auto it = agents_.find(agent);
  if (it == agents_.end()) return Errc::UnknownAgent;
  auto& a = it->second;
  if (a.mode == AgentMode::Offered || a.mode == AgentMode::Busy) return Errc::AgentBusy;
  if (a.mode != AgentMode::Ready) {
    if (!a.keep_idle) a.idle_since_ms = now_ms;
    a.mode = AgentMode::Ready;
  }
  a.keep_idle = false;
  dispatch(now_ms);
  return std::nullopt;
}

Status Acd::agent_unavailable(AgentId agent, std::int64_t now_ms) {
  if (auto t = check_time(now_ms)) return t;
  auto it = agents_.find(agent);
  if (it == agents_.end()) return Errc::UnknownAgent;
  if (it->second.mode == AgentMode::Offered || it->second.mode == AgentMode::Busy)
    return Errc::AgentBusy;
  it->second.mode = AgentMode::Unavailable;
  it->second.keep_idle = false;
  dispatch(now_ms);
  return std::nullopt;
}

void Acd::place(CallId call, std::size_t queue, int priority, std::int64_t arrived_ms,
                std::uint64_t seq, std::int64_t now_ms) {
  const auto interval = queues_[queue].cfg.announce_interval_ms;
  CallSlot c;
  c.queue = queue;
  c.priority = priority;
  c.arrived_ms = arrived_ms;
  c.enqueued_ms = now_ms;
  c.seq = seq;
  c.next_announce_ms = interval > 0 ? now_ms + interval : 0;
  calls_[call] = std::move(c);
  ++queues_[queue].counts.entered;
}

const std::string* Acd::queue_for_did(std::string_view did) const {
  for (const auto& q : queues_)
    for (const auto& d : q.cfg.dids)
      if (d == did) return &q.cfg.id;
  return nullptr;
}

Status Acd::enqueue(CallId call, std::string_view queue, int priority, std::int64_t now_ms) {
  if (auto t = check_time(now_ms)) return t;
  if (call == 0 || calls_.count(call) != 0) return Errc::DuplicateCall;
  for (const auto& [id, a] : agents_)
    if (a.call == call) return Errc::DuplicateCall;  // already answered by someone
  const QueueSlot* q = find_queue(queue);
  if (q == nullptr) return Errc::UnknownQueue;
  place(call, static_cast<std::size_t>(q - queues_.data()), priority, now_ms, next_seq_++, now_ms);
  dispatch(now_ms);
  return std::nullopt;
}

// Stops every ringing agent but `except`. They are not offered again until agent_ready: the
// agent machine decides where a withdrawn agent goes (Available, or a pause asked for while it
// rang), and the owner forwards that. Their idle time is kept.
void Acd::withdraw_all(CallId call, CallSlot& c, AgentId except, std::int64_t now_ms) {
  for (AgentId id : c.ringing) {
    if (id == except) continue;
    step_back(agents_.at(id));
    emit(DecisionKind::Withdraw, call, id, c.queue, now_ms);
  }
  c.ringing.clear();
  c.ring_deadline_ms = 0;
}

void Acd::step_back(AgentSlot& a) {
  a.mode = AgentMode::Unavailable;
  a.keep_idle = true;
  a.call = 0;
}

Status Acd::answered(CallId call, AgentId agent, std::int64_t now_ms) {
  if (auto t = check_time(now_ms)) return t;
  auto it = calls_.find(call);
  if (it == calls_.end()) return Errc::UnknownCall;
  if (agents_.count(agent) == 0) return Errc::UnknownAgent;
  auto& c = it->second;
  if (std::find(c.ringing.begin(), c.ringing.end(), agent) == c.ringing.end())
    return Errc::NotOffered;
  auto& q = queues_[c.queue];
  ++q.counts.answered;
  if (now_ms - c.enqueued_ms <= q.cfg.service_level_ms) ++q.counts.answered_within_sl;
  withdraw_all(call, c, agent, now_ms);
  auto& a = agents_.at(agent);
  a.mode = AgentMode::Busy;
  a.call = call;
  a.call_queue = c.queue;
  a.answered_ms = now_ms;
  ++a.calls_answered;
  calls_.erase(it);
  dispatch(now_ms);
  return std::nullopt;
}

Status Acd::rejected(CallId call, AgentId agent, std::int64_t now_ms) {
  if (auto t = check_time(now_ms)) return t;
  auto it = calls_.find(call);
  if (it == calls_.end()) return Errc::UnknownCall;
  auto& c = it->second;
  auto r = std::find(c.ringing.begin(), c.ringing.end(), agent);
  if (r == c.ringing.end()) return Errc::NotOffered;
  c.ringing.erase(r);
  if (c.ringing.empty()) c.ring_deadline_ms = 0;
  c.declined.insert(agent);
  step_back(agents_.at(agent));
  dispatch(now_ms);
  return std::nullopt;
}

Status Acd::abandoned(CallId call, std::int64_t now_ms) {
  if (auto t = check_time(now_ms)) return t;
  auto it = calls_.find(call);
  if (it == calls_.end()) return Errc::UnknownCall;
  auto& q = queues_[it->second.queue];
  ++q.counts.abandoned;
  if (now_ms - it->second.enqueued_ms <= q.cfg.service_level_ms) ++q.counts.abandoned_within_sl;
  withdraw_all(call, it->second, 0, now_ms);
  calls_.erase(it);
  dispatch(now_ms);
  return std::nullopt;
}

Status Acd::call_ended(AgentId agent, std::int64_t now_ms) {
  if (auto t = check_time(now_ms)) return t;
  auto it = agents_.find(agent);
  if (it == agents_.end()) return Errc::UnknownAgent;
  auto& a = it->second;
  if (a.mode != AgentMode::Busy) return Errc::NotOnCall;
  auto& q = queues_[a.call_queue];
  q.handle_sum_ms += now_ms - a.answered_ms + q.cfg.wrap_ms;
  ++q.handled;
  a.mode = AgentMode::AfterCall;
  a.wrap_until_ms = now_ms + q.cfg.wrap_ms;
  a.call = 0;
  dispatch(now_ms);
  return std::nullopt;
}

std::vector<AgentId> Acd::ringing(CallId call) const {
  auto it = calls_.find(call);
  return it == calls_.end() ? std::vector<AgentId>{} : it->second.ringing;
}

std::optional<AgentMode> Acd::mode(AgentId agent) const {
  auto it = agents_.find(agent);
  if (it == agents_.end()) return std::nullopt;
  return it->second.mode;
}

std::vector<Decision> Acd::drain() { return std::exchange(outbox_, {}); }

}  // namespace dialcore::control::acd
