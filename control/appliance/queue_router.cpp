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
  calls_in_[call] = std::move(q);
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
  if (!acd_.add_agent(profile, now_ms())) known_[agent] = true;
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
  const auto it = calls_in_.find(d.call);
  if (it == calls_in_.end()) return;  // the caller left meanwhile
  QueuedCall& q = it->second;
  const auto agent = static_cast<std::int64_t>(d.agent);
  switch (d.kind) {
    case acd::DecisionKind::Offer: offer(d); return;
    case acd::DecisionKind::AutoPause:
      ++counters_.ring_timeouts;
      if (q.agent == agent) {
        q.agent = 0;
        if (BookedCall* b = book_.find(d.call)) b->offered = false;
        q.cancelling = voice_.ring_timeout(d.call);  // its AgentEnded is expected, not a failure
      }
      floor_.no_answer(agent, d.call);  // AutoPaused (ring timeout)
      return;
    case acd::DecisionKind::Withdraw:
      if (q.agent == agent && !q.answered) {
        q.agent = 0;
        q.cancelling = voice_.ring_timeout(d.call);
        floor_.call_ended(d.call);
      }
      return;
    case acd::DecisionKind::Overflow:
      ++counters_.overflows;
      if (d.overflow == acd::OverflowAction::Queue) {
        q.queue = d.target;  // the Acd moved it already
      } else {
        end_with_prompt(d.call, d.overflow == acd::OverflowAction::Voicemail ? "voicemail"
                                                                             : "queue_overflow");
      }
      return;
    case acd::DecisionKind::Announce:
      if (const auto clip = prompt_clip_("queue_position")) {
        if (calls_.play_prompt(d.call, calls::Side::Customer, *clip, [](bool) {})) {
          ++counters_.announcements;
        }
      }
      return;
  }
}

void QueueRouter::offer(const acd::Decision& d) {
  QueuedCall& q = calls_in_.at(d.call);
  const auto agent = static_cast<std::int64_t>(d.agent);
  floor::CallInfo info;
  info.call = d.call;
  info.kind = as::CallKind::Routed;
  info.interaction_id = calls_.history_id(d.call).value_or("");
  info.queue_id = queue_ids_[q.queue];
  info.call_type = "inbound";
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
  booked.history_id = info.interaction_id;
  booked.agent = agent;
  booked.offered = true;
  book_.put(d.call, std::move(booked));
  if (q.cancelling) {
    q.deferred = true;  // the last agent's leg is still being cancelled: connect after it
    return;
  }
  connect(d.call, q);
}

void QueueRouter::connect(calls::CallHandle call, QueuedCall& q) {
  if (voice_.connect_call(call, q.agent)) return;  // beep + bridge, or the handset rings
  ++counters_.offer_refused;
  const std::int64_t agent = q.agent;
  q.agent = 0;
  if (BookedCall* b = book_.find(call)) b->offered = false;
  (void)acd_.rejected(call, static_cast<acd::AgentId>(agent), now_ms());
  floor_.call_ended(call);  // withdrawn
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
  if (BookedCall* b = book_.find(call)) b->offered = false;
  if (agent != 0) {
    (void)acd_.rejected(call, static_cast<acd::AgentId>(agent), now_ms());
    floor_.call_ended(call);  // withdrawn
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
      if (acd_.enqueue(e.call, q.queue, 0, now_ms())) {
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
      (void)acd_.answered(e.call, static_cast<acd::AgentId>(q.agent), now_ms());
      if (BookedCall* b = book_.find(e.call)) b->bridged = true;
      floor_.call_answered(e.call);
      pump();
      return true;
    case CallEventKind::AgentEnded: agent_failed(e.call, q, e); return true;
    case CallEventKind::Dtmf:
      if (e.side == calls::Side::Customer) floor_.dtmf(e.call, e.digit);
      return true;
    case CallEventKind::Ended: {
      const QueuedCall done = q;
      calls_in_.erase(it);
      BookedCall* b = book_.find(e.call);
      if (done.answered) {
        (void)acd_.call_ended(static_cast<acd::AgentId>(done.agent), now_ms());
        floor_.call_ended(e.call);  // the agent wraps it (the book keeps it until then)
      } else {
        if (acd_.has_call(e.call)) {
          ++counters_.abandoned;
          (void)acd_.abandoned(e.call, now_ms());
        }
        if (b != nullptr && b->offered) floor_.call_ended(e.call);  // withdrawn
        book_.erase(e.call);
      }
      pump();
      return true;
    }
    default: return true;
  }
}

}  // namespace dialcore::control::appliance
