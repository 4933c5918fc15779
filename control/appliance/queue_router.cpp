#include "control/appliance/queue_router.hpp"

#include <boost/asio/post.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <utility>
#include <vector>

namespace dialcore::control::appliance {

using calls::CallEventKind;
namespace as = agent_state;

namespace {

std::vector<acd::QueueConfig> acd_queues(const config::Config& c, bool& bad) {
  std::vector<acd::QueueConfig> out;
  for (const config::Queue& q : c.queues) {
    acd::QueueConfig a;
    a.id = q.id;
    a.dids = q.dids;
    a.strategy = static_cast<acd::Strategy>(q.strategy);  // one to one (acd_types.hpp)
    a.ring_timeout_ms = std::int64_t{q.ring_timeout_s} * 1000;
    a.wrap_ms = std::int64_t{q.wrap_s} * 1000;
    a.max_wait_ms = std::int64_t{q.max_wait_s} * 1000;
    a.overflow = static_cast<acd::OverflowAction>(q.overflow);
    a.overflow_queue = q.overflow_queue;
    a.service_level_ms = std::int64_t{q.service_level_s} * 1000;
    a.announce_interval_ms = std::int64_t{q.announce_interval_s} * 1000;
    out.push_back(std::move(a));
  }
  bad = acd::Acd::validate(out).has_value();
  if (bad) out.clear();  // config checks make this unreachable; never route on a broken set
  return out;
}

std::int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool bad_config_of(const config::Config& c) {
  bool bad = false;
  (void)acd_queues(c, bad);
  return bad;
}

}  // namespace

QueueRouter::QueueRouter(boost::asio::io_context& io, calls::CallController& calls,
                         floor::Floor& floor, store::Store& store, CallBook& book,
                         AgentVoice& voice, ClipOf prompt_clip, const config::Config& config)
    : io_(io),
      calls_(calls),
      floor_(floor),
      store_(store),
      book_(book),
      voice_(voice),
      prompt_clip_(std::move(prompt_clip)),
      config_(config),
      acd_([&] {
        bool bad = false;
        return acd_queues(config, bad);
      }(),
           static_cast<std::uint64_t>(steady_ms()), steady_ms()),
      timer_(io) {
  if (bad_config_of(config)) counters_.bad_config = config.queues.size();
  auto stored = store_.queues().list(store::Query{});
  for (const config::Queue& q : config.queues) {
    std::int64_t id = 0;
    if (stored.ok()) {
      for (const auto& s : *stored) {
        if (same_name(s.name, q.name) || same_name(s.name, q.id)) id = s.id;
      }
    }
    queue_ids_[q.id] = id;
  }
}

QueueRouter::~QueueRouter() { *alive_ = false; }

std::int64_t QueueRouter::now_ms() const { return steady_ms(); }

std::optional<std::string> QueueRouter::queue_for(const std::string& did) const {
  const std::string* q = acd_.queue_for_did(did);
  if (q == nullptr) return std::nullopt;
  return *q;
}

std::optional<std::string> QueueRouter::queue_of(calls::CallHandle call) const {
  const auto it = calls_in_.find(call);
  if (it == calls_in_.end()) return std::nullopt;
  return it->second.queue;
}

void QueueRouter::take(calls::CallHandle call, const std::string& queue, std::string from,
                       std::string did) {
  QueuedCall q;
  q.queue = queue;
  q.from = std::move(from);
  q.did = std::move(did);
  q.entered_ms = now_ms();
  q.fid = call;
  calls_in_[call] = std::move(q);
}

std::optional<std::string> QueueRouter::resolve(const std::string& name_or_id) const {
  for (const config::Queue& q : config_.queues) {
    if (q.id == name_or_id) return q.id;
  }
  for (const config::Queue& q : config_.queues) {
    if (same_name(q.name, name_or_id) || same_name(q.id, name_or_id)) return q.id;
    const auto stored = queue_ids_.find(q.id);
    if (stored != queue_ids_.end() && stored->second != 0 &&
        std::to_string(stored->second) == name_or_id) {
      return q.id;
    }
  }
  return std::nullopt;
}

QueueRouter::QueuedCall* QueueRouter::by_fid(acd::CallId fid) {
  const auto it = calls_in_.find(fid & kHandleMask);
  return it != calls_in_.end() && it->second.fid == fid ? &it->second : nullptr;
}

floor::CallResult QueueRouter::transfer_in(calls::CallHandle call, const std::string& queue,
                                           std::int64_t from_agent) {
  std::optional<std::string> target;
  const auto own = calls_in_.find(call);
  if (!queue.empty()) {
    target = resolve(queue);
  } else if (own != calls_in_.end()) {
    target = own->second.queue;
  } else if (const auto k = known_.find(from_agent); k != known_.end() && !k->second.empty()) {
    target = k->second.front();
  }
  if (!target || counters_.bad_config != 0) {
    return floor::CallResult::fail("unknown_queue");
  }
  if (!calls_.history_id(call)) return floor::CallResult::fail("no_such_call");
  QueuedCall q;
  if (own != calls_in_.end()) {  // a queue call moves on: its agent's call is over for the Acd
    q = own->second;
    if (q.answered && q.agent != 0) {
      (void)acd_.call_ended(static_cast<acd::AgentId>(q.agent), now_ms());
    }
  } else {  // the queue takes the call's events over; its owner still learns of the end
    auto before = std::make_shared<calls::CallEventHandler>();
    *before = calls_.replace_events(call, [this, before, alive = alive_](const calls::CallEvent& e) {
      if (*alive) on_event(e);
      if (e.kind == CallEventKind::Ended && *before) (*before)(e);
    });
    q.from = "agent:" + std::to_string(from_agent);
  }
  q.queue = *target;
  q.agent = 0;
  q.up = true;
  q.answered = false;
  q.cancelling = false;
  q.deferred = false;
  q.transferred = true;
  q.entered_ms = now_ms();
  q.fid = call | ((++generation_ & 0xFFFF) << kFloorGenShift);
  calls_in_[call] = std::move(q);
  ++counters_.transferred_in;
  // Enqueued from posted work: the floor is in the middle of the transferring agent's request.
  boost::asio::post(io_, [this, call, alive = alive_] {
    if (*alive) enqueue_transferred(call);
  });
  return {};
}

void QueueRouter::enqueue_transferred(calls::CallHandle call) {
  const auto it = calls_in_.find(call);
  if (it == calls_in_.end()) return;  // the caller left meanwhile
  if (acd_.enqueue(it->second.fid, it->second.queue, 0, now_ms())) {
    calls_.hangup(call);
    return;
  }
  ++counters_.enqueued;
  pump();
}

void QueueRouter::roll_day() {
  if (!wall_ms_) return;
  const std::int64_t day = wall_ms_() / 86'400'000;
  if (day_ >= 0 && day != day_) acd_.reset_stats();
  day_ = day;
}

std::vector<QueueView> QueueRouter::views() {
  roll_day();
  std::vector<QueueView> out;
  const std::int64_t now = now_ms();
  for (const config::Queue& q : config_.queues) {
    QueueView v;
    v.id = q.id;
    v.name = q.name.empty() ? q.id : q.name;
    if (const auto s = queue_ids_.find(q.id); s != queue_ids_.end()) v.store_id = s->second;
    v.stats = acd_.stats(q.id, now);
    for (const auto& [agent, queues] : known_) {
      if (std::find(queues.begin(), queues.end(), q.id) == queues.end()) continue;
      switch (acd_.mode(static_cast<acd::AgentId>(agent)).value_or(acd::AgentMode::Unavailable)) {
        case acd::AgentMode::Ready: ++v.agents_available; break;
        case acd::AgentMode::Offered:
        case acd::AgentMode::Busy: ++v.agents_busy; break;
        case acd::AgentMode::AfterCall: ++v.agents_wrap; break;
        case acd::AgentMode::Unavailable: ++v.agents_out; break;
      }
    }
    out.push_back(std::move(v));
  }
  return out;
}

acd::QueueStats QueueRouter::stats(const std::string& queue) const {
  return acd_.stats(queue, now_ms());
}

void QueueRouter::ensure_agent(std::int64_t agent) {
  if (known_.count(agent) != 0) return;
  auto a = store_.agents().get(agent);
  if (!a.ok()) return;
  std::vector<std::string> team_names;
  for (const std::int64_t t : a->teams) {
    if (auto team = store_.teams().get(t); team.ok()) team_names.push_back(team->name);
  }
  std::vector<std::string> queue_names;
  for (const std::int64_t q : a->queues) {
    if (auto queue = store_.queues().get(q); queue.ok()) queue_names.push_back(queue->name);
  }
  acd::AgentProfile profile;
  profile.id = static_cast<acd::AgentId>(agent);
  for (const config::Queue& q : config_.queues) {
    bool serves = false;
    for (const std::string& n : queue_names) serves |= same_name(n, q.id) || same_name(n, q.name);
    for (const std::string& team_id : q.teams) {
      for (const config::Team& t : config_.teams) {
        if (t.id != team_id) continue;
        for (const std::string& n : team_names) serves |= same_name(n, t.id) || same_name(n, t.name);
      }
    }
    if (serves) profile.queues.push_back(q.id);
  }
  if (!acd_.add_agent(profile, now_ms())) known_[agent] = profile.queues;
}

void QueueRouter::on_transition(std::int64_t agent, const as::Transition& t) {
  if (t.to == as::State::Available) {
    ensure_agent(agent);
    (void)acd_.agent_ready(static_cast<acd::AgentId>(agent), now_ms());
  } else if (known_.count(agent) != 0) {
    (void)acd_.agent_unavailable(static_cast<acd::AgentId>(agent), now_ms());  // busy: refused
  }
  pump();
}

void QueueRouter::pump() {
  if (pumping_) return;  // a decision's floor transition came back here: the loop below goes on
  roll_day();
  pumping_ = true;
  for (int round = 0; round < 1000 && !acd_.outbox().empty(); ++round) {
    for (const acd::Decision& d : acd_.drain()) carry_out(d);
  }
  pumping_ = false;
  arm();
}

void QueueRouter::arm() {
  const auto deadline = acd_.next_deadline();
  if (!deadline) {
    timer_.cancel();
    return;
  }
  timer_.expires_at(std::chrono::steady_clock::time_point(std::chrono::milliseconds(*deadline)));
  timer_.async_wait([this, alive = alive_](boost::system::error_code ec) {
    if (ec || !*alive) return;
    acd_.on_timer(std::max(now_ms(), acd_.next_deadline().value_or(0)));
    pump();
  });
}

void QueueRouter::carry_out(const acd::Decision& d) {
  QueuedCall* found = by_fid(d.call);
  if (found == nullptr) return;  // the caller left (or moved on) meanwhile
  QueuedCall& q = *found;
  const calls::CallHandle call = d.call & kHandleMask;
  const auto agent = static_cast<std::int64_t>(d.agent);
  switch (d.kind) {
    case acd::DecisionKind::Offer: offer(d); return;
    case acd::DecisionKind::AutoPause:
      ++counters_.ring_timeouts;
      if (q.agent == agent) {
        q.agent = 0;
        if (BookedCall* b = book_.find(d.call)) b->offered = false;
        q.cancelling = voice_.ring_timeout(call);  // its AgentEnded is expected, not a failure
      }
      floor_.no_answer(agent, d.call);  // AutoPaused (ring timeout)
      return;
    case acd::DecisionKind::Withdraw:
      if (q.agent == agent && !q.answered) {
        q.agent = 0;
        q.cancelling = voice_.ring_timeout(call);
        floor_.call_ended(d.call);
      }
      return;
    case acd::DecisionKind::Overflow:
      ++counters_.overflows;
      if (d.overflow == acd::OverflowAction::Queue) {
        q.queue = d.target;  // the Acd moved it already
      } else {
        end_with_prompt(call, d.overflow == acd::OverflowAction::Voicemail ? "voicemail"
                                                                             : "queue_overflow");
      }
      return;
    case acd::DecisionKind::Announce:
      if (const auto clip = prompt_clip_("queue_position")) {
        if (calls_.play_prompt(call, calls::Side::Customer, *clip, [](bool) {})) {
          ++counters_.announcements;
        }
      }
      return;
  }
}

void QueueRouter::offer(const acd::Decision& d) {
  QueuedCall& q = *by_fid(d.call);
  const calls::CallHandle call = d.call & kHandleMask;
  const auto agent = static_cast<std::int64_t>(d.agent);
  floor::CallInfo info;
  info.call = d.call;
  info.kind = as::CallKind::Routed;
  info.interaction_id = calls_.history_id(call).value_or("");
  info.queue_id = queue_ids_[q.queue];
  info.call_type = q.transferred ? "transfer" : "inbound";
  info.from = q.from;
  info.to = q.did;
  info.time_in_queue_ms = now_ms() - q.entered_ms;
  info.ring_timeout_ms = 0;  // the Acd owns it (AutoPause)
  if (!floor_.offer(agent, info).ok()) {
    ++counters_.offer_refused;
    (void)acd_.rejected(d.call, d.agent, now_ms());
    return;
  }
  ++counters_.offers;
  q.agent = agent;
  BookedCall booked;
  // A transferred call's disposition is the first agent's (one per history call id, the
  // store's rule): the next agent's wrap ends its floor call and writes nothing.
  if (!q.transferred) booked.history_id = info.interaction_id;
  booked.agent = agent;
  booked.offered = true;
  if (d.call != call) booked.handle = call;
  book_.put(d.call, std::move(booked));
  if (q.cancelling) {
    q.deferred = true;  // the last agent's leg is still being cancelled: connect after it
    return;
  }
  if (q.transferred) {
    retry_connect(call, 0);  // the transferring agent's leg may still be releasing
    return;
  }
  connect(call, q);
}

void QueueRouter::connect(calls::CallHandle call, QueuedCall& q) {
  if (voice_.connect_call(call, q.agent)) return;  // beep + bridge, or the handset rings
  ++counters_.offer_refused;
  const std::int64_t agent = q.agent;
  q.agent = 0;
  if (BookedCall* b = book_.find(q.fid)) b->offered = false;
  (void)acd_.rejected(q.fid, static_cast<acd::AgentId>(agent), now_ms());
  floor_.call_ended(q.fid);  // withdrawn
}

// The call's last agent leg may still be releasing its media (a ring timeout just cancelled
// it): a handset is rung once the call's agent slot is free, tried every 20 ms up to 0.5 s.
void QueueRouter::retry_connect(calls::CallHandle call, int attempt) {
  const auto it = calls_in_.find(call);
  if (it == calls_in_.end() || it->second.agent == 0 || it->second.answered) return;
  if (attempt >= 25) {
    connect(call, it->second);  // the last try: a failure now is a rejection
    return;
  }
  if (voice_.connect_call(call, it->second.agent)) return;
  auto timer = std::make_shared<boost::asio::steady_timer>(io_, std::chrono::milliseconds(20));
  timer->async_wait([this, call, attempt, timer, alive = alive_](boost::system::error_code ec) {
    if (!ec && *alive) retry_connect(call, attempt + 1);
  });
}

void QueueRouter::end_with_prompt(calls::CallHandle call, const char* prompt) {
  const auto clip = prompt_clip_(prompt);
  const bool playing =
      clip && calls_.play_prompt(call, calls::Side::Customer, *clip,
                                 [this, call, alive = alive_](bool) {
                                   boost::asio::post(io_, [this, call, alive] {
                                     if (*alive) calls_.hangup(call);
                                   });
                                 });
  if (!playing) calls_.hangup(call);
}

void QueueRouter::agent_failed(calls::CallHandle call, QueuedCall& q, const calls::CallEvent& e) {
  if (q.cancelling) {  // our own cancel (ring timeout, withdraw): the Acd moved on already
    q.cancelling = false;
    if (q.deferred) {
      q.deferred = false;
      retry_connect(call, 0);
    }
    pump();
    return;
  }
  ++counters_.agent_failed;
  const std::int64_t agent = q.agent;
  q.agent = 0;
  if (BookedCall* b = book_.find(q.fid)) b->offered = false;
  if (agent != 0) {
    (void)acd_.rejected(q.fid, static_cast<acd::AgentId>(agent), now_ms());
    floor_.call_ended(q.fid);  // withdrawn
    // Not registered, busy, no answer from the handset: the agent's voice is not there.
    if (e.outcome != calls::CallOutcome::Cancelled) floor_.voice_lost(agent);
  }
  pump();
}

bool QueueRouter::on_event(const calls::CallEvent& e) {
  const auto it = calls_in_.find(e.call);
  if (it == calls_in_.end()) return false;
  QueuedCall& q = it->second;
  switch (e.kind) {
    case CallEventKind::Answered:
      if (q.transferred) return true;  // a transfer's call: enqueued already
      if (acd_.enqueue(q.fid, q.queue, 0, now_ms())) {
        calls_.hangup(e.call);  // unknown queue (a reload removed it): let the caller go
        return true;
      }
      ++counters_.enqueued;
      pump();
      return true;
    case CallEventKind::Bridged:
      if (q.agent == 0) return true;
      q.answered = true;
      ++counters_.answered;
      (void)acd_.answered(q.fid, static_cast<acd::AgentId>(q.agent), now_ms());
      if (BookedCall* b = book_.find(q.fid)) b->bridged = true;
      floor_.call_answered(q.fid);
      pump();
      return true;
    case CallEventKind::AgentEnded: agent_failed(e.call, q, e); return true;
    case CallEventKind::Dtmf:
      if (e.side == calls::Side::Customer) floor_.dtmf(q.fid, e.digit);
      return true;
    case CallEventKind::Ended: {
      const QueuedCall done = q;
      calls_in_.erase(it);
      BookedCall* b = book_.find(done.fid);
      if (done.answered) {
        (void)acd_.call_ended(static_cast<acd::AgentId>(done.agent), now_ms());
        floor_.call_ended(done.fid);  // the agent wraps it (the book keeps it until then)
      } else {
        if (acd_.has_call(done.fid)) {
          ++counters_.abandoned;
          (void)acd_.abandoned(done.fid, now_ms());
        }
        if (b != nullptr && b->offered) floor_.call_ended(done.fid);  // withdrawn
        if (done.fid == e.call || (b != nullptr && !b->bridged)) book_.erase(done.fid);
      }
      pump();
      return true;
    }
    default: return true;
  }
}

}  // namespace dialcore::control::appliance
