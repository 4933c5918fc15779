#include "control/floor/floor.hpp"

#include <boost/json.hpp>

#include <chrono>

namespace dialcore::control::floor {

namespace json = boost::json;
namespace as = agent_state;

namespace {
const std::string kNoNotes;
}  // namespace

std::vector<std::pair<AgentId, as::State>> Floor::states() const {
  std::vector<std::pair<AgentId, as::State>> out;
  out.reserve(sessions_.size());
  for (const auto& [id, s] : sessions_) out.emplace_back(id, s->machine.state());
  return out;
}

Floor::Floor(boost::asio::io_context& io, FloorSettings settings, FloorDirectory& directory,
             CallControl& calls, PaymentGateway& gateway)
    : io_(io),
      settings_(std::move(settings)),
      directory_(directory),
      calls_(calls),
      gateway_(gateway),
      hub_(settings_.event_buffer) {}

Floor::~Floor() = default;

void Floor::apply(FloorSettings settings) { settings_ = std::move(settings); }

std::int64_t Floor::mono_ms() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::int64_t Floor::wall_ms() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Floor::Session* Floor::find(AgentId agent) {
  const auto it = sessions_.find(agent);
  return it == sessions_.end() ? nullptr : it->second.get();
}

const Floor::Session* Floor::find(AgentId agent) const {
  const auto it = sessions_.find(agent);
  return it == sessions_.end() ? nullptr : it->second.get();
}

FloorResult Floor::not_logged_in() {
  return FloorResult::error(409, "not_logged_in", "the agent has no floor session: log in first");
}

FloorResult Floor::rejected(const as::Rejection& r) {
  return FloorResult::error(as::http_status(r.code), std::string(as::to_string(r.code)),
                            std::string(as::to_string(r.action)) + " refused in state " +
                                std::string(as::to_string(r.state)) + ": " +
                                std::string(as::to_string(r.code)));
}

as::AgentPolicy Floor::policy_for(const AgentProfile& p) const {
  as::AgentPolicy pol;
  pol.may_pause = p.may_pause;
  pol.manual_call = p.manual_call;
  pol.receive_transfers_when_paused = p.receive_transfers_when_paused;
  pol.dnd_in_pause = p.dnd_in_pause;
  pol.login_in_pause = p.login_in_pause;
  pol.require_pause_reason = settings_.require_pause_reason;
  pol.login_pause_code = settings_.login_pause_code;
  pol.auto_pause_code = settings_.auto_pause_code;
  pol.pause_reasons = settings_.pause_reasons;
  return pol;
}

void Floor::publish(Session& s, std::string_view type, json::object data) {
  data["agent_id"] = s.id;
  if (!data.contains("at_ms")) data["at_ms"] = wall_ms();
  hub_.publish(type, s.id, s.profile.teams, json::serialize(data));
}

void Floor::commit(Session& s, bool end_legs) {
  const std::int64_t mono = mono_ms();
  const std::int64_t wall = wall_ms();
  for (const as::Transition& t : s.machine.drain()) {
    json::object o{{"at_ms", wall - (mono - t.at_ms)},
                   {"from", as::to_string(t.from)},
                   {"to", as::to_string(t.to)},
                   {"cause", as::to_string(t.cause)},
                   {"detail", t.detail},
                   {"call", t.call},
                   {"call_released", t.call_released}};
    publish(s, "state", std::move(o));
    if (t.call_released && t.call != 0) {
      if (end_legs) calls_.hang_up(s.id, t.call);
      if (s.payment && s.payment->call == t.call) end_payment(s, false);
      s.calls.erase(t.call);
      s.muted.erase(t.call);
      call_owner_.erase(t.call);
    }
    if (listener_) listener_(s.id, t, t.cause == as::Cause::Wrapped ? s.wrap_notes : kNoNotes);
  }
  arm_timer(s);
}

void Floor::arm_timer(Session& s) {
  ++s.timer_generation;
  s.timer.cancel();
  const auto deadline = s.machine.next_deadline();
  if (!deadline) return;
  s.timer.expires_at(std::chrono::steady_clock::time_point(std::chrono::milliseconds(*deadline)));
  s.timer.async_wait([this, agent = s.id, gen = s.timer_generation](boost::system::error_code ec) {
    if (ec) return;
    Session* cur = find(agent);
    if (cur == nullptr || cur->timer_generation != gen) return;  // re-armed or logged out
    if (cur->machine.on_timer(mono_ms())) {
      commit(*cur, true);
    } else {
      arm_timer(*cur);  // woke early (the steady clock's rounding): wait again
    }
  });
}

FloorResult Floor::login(AgentId agent, const std::optional<VoiceRequest>& voice) {
  if (find(agent) != nullptr) {
    return FloorResult::error(409, "already_logged_in", "the agent already has a floor session");
  }
  auto profile = directory_.agent(agent);
  if (!profile) return FloorResult::error(404, "not_found", "no such agent");
  const std::int64_t now = mono_ms();
  auto s = std::make_unique<Session>(io_, agent, *profile, policy_for(*profile), now);
  s->voice = voice ? *voice : profile->voice;
  if (s->voice.mode == VoiceMode::CallMe && s->voice.phone.empty()) {
    return FloorResult::error(422, "phone_required", "call-me needs a phone number to ring");
  }
  if (auto r = s->machine.login(now)) return rejected(*r);
  const CallResult cr = calls_.connect_voice(agent, s->voice);
  if (!cr.ok) return call_failed(cr);
  Session& ref = *s;
  sessions_.emplace(agent, std::move(s));
  commit(ref, false);
  publish(ref, "voice", json::object{{"action", "connecting"},
                                     {"mode", ref.voice.mode == VoiceMode::CallMe ? "call_me"
                                                                                 : "call_in"},
                                     {"persistent", ref.voice.persistent}});
  return snapshot(agent);
}

FloorResult Floor::logout(AgentId agent) {
  Session* s = find(agent);
  if (s == nullptr) return not_logged_in();
  if (auto r = s->machine.logout(mono_ms())) return rejected(*r);
  commit(*s, false);
  calls_.disconnect_voice(agent);
  s->timer.cancel();
  sessions_.erase(agent);
  return FloorResult::done({{"state", "logged_out"}});
}

FloorResult Floor::force_logout(AgentId agent) {
  Session* s = find(agent);
  if (s == nullptr) return not_logged_in();
  if (auto r = s->machine.force_logout(mono_ms())) return rejected(*r);
  commit(*s, true);
  calls_.disconnect_voice(agent);
  s->timer.cancel();
  sessions_.erase(agent);
  return FloorResult::done({{"state", "logged_out"}});
}

FloorResult Floor::reconnect_voice(AgentId agent) {
  Session* s = find(agent);
  if (s == nullptr) return not_logged_in();
  if (s->machine.voice()) {
    return FloorResult::error(409, "already_connected", "the voice connection is up");
  }
  const CallResult cr = calls_.connect_voice(agent, s->voice);
  if (!cr.ok) return call_failed(cr);
  publish(*s, "voice", json::object{{"action", "connecting"}});
  return snapshot(agent);
}

void Floor::voice_connected(AgentId agent) {
  Session* s = find(agent);
  if (s == nullptr) return;
  if (s->machine.connect_voice(mono_ms())) return;  // already connected: nothing to record
  commit(*s, false);
}

void Floor::voice_lost(AgentId agent) {
  Session* s = find(agent);
  if (s == nullptr) return;
  if (s->machine.lose_voice(mono_ms())) return;
  commit(*s, false);  // the call layer knows its legs are gone
  publish(*s, "voice", json::object{{"action", "lost"}, {"reconnect", true}});
}

FloorResult Floor::pause(AgentId agent, const std::string& reason) {
  Session* s = find(agent);
  if (s == nullptr) return not_logged_in();
  if (auto r = s->machine.pause(mono_ms(), reason)) return rejected(*r);
  commit(*s, false);
  return snapshot(agent);
}

FloorResult Floor::available(AgentId agent) {
  Session* s = find(agent);
  if (s == nullptr) return not_logged_in();
  if (auto r = s->machine.set_available(mono_ms(), false)) return rejected(*r);
  commit(*s, false);
  return snapshot(agent);
}

FloorResult Floor::supervisor_available(AgentId agent) {
  Session* s = find(agent);
  if (s == nullptr) return not_logged_in();
  if (auto r = s->machine.set_available(mono_ms(), true)) return rejected(*r);
  commit(*s, false);
  return snapshot(agent);
}

FloorResult Floor::wrap(AgentId agent, const std::string& code, const std::string& notes) {
  Session* s = find(agent);
  if (s == nullptr) return not_logged_in();
  if (notes.size() > settings_.notes_max_chars) {
    return FloorResult::error(422, "notes_too_long",
                              "notes are limited to " + std::to_string(settings_.notes_max_chars) +
                                  " characters");
  }
  if (auto r = s->machine.submit_wrap(mono_ms(), code)) return rejected(*r);
  s->wrap_notes = notes;
  commit(*s, false);
  s->wrap_notes.clear();
  publish(*s, "wrap", json::object{{"code", code}, {"notes", notes}});
  return snapshot(agent);
}

FloorResult Floor::extend_wrap(AgentId agent) {
  Session* s = find(agent);
  if (s == nullptr) return not_logged_in();
  if (auto r = s->machine.extend_wrap(mono_ms())) return rejected(*r);
  commit(*s, false);
  return snapshot(agent);
}

FloorResult Floor::offer(AgentId agent, CallInfo info) {
  Session* s = find(agent);
  if (s == nullptr) return not_logged_in();
  if (info.call == 0 || call_owner_.count(info.call) != 0) {
    return FloorResult::error(422, "duplicate_call", "the call id is 0 or already held");
  }
  as::CallContext ctx;
  ctx.kind = info.kind;
  ctx.ring_timeout_ms = info.ring_timeout_ms;
  if (info.kind != as::CallKind::Routed && ctx.ring_timeout_ms == 0) {
    ctx.ring_timeout_ms = settings_.transfer_ring_timeout_ms;
  }
  if (info.campaign_id != 0) {
    auto wp = directory_.wrap_policy(info.campaign_id);
    if (!wp) return FloorResult::error(404, "unknown_campaign", "no such campaign");
    ctx.wrap = std::move(*wp);
  } else if (auto wp = directory_.wrap_policy(0)) {
    ctx.wrap = std::move(*wp);  // the global wrap codes
  }
  if (auto r = s->machine.offer(mono_ms(), info.call, ctx)) return rejected(*r);
  call_owner_[info.call] = agent;
  const CallId id = info.call;
  s->calls[id] = std::move(info);
  publish(*s, "call", json::object{{"action", "offered"}, {"info", call_json(*s, s->calls[id])}});
  commit(*s, false);
  return FloorResult::done({{"call", id}});
}

void Floor::call_answered(CallId call) {
  const auto it = call_owner_.find(call);
  if (it == call_owner_.end()) return;
  Session* s = find(it->second);
  if (s == nullptr || s->machine.answer(mono_ms(), call)) return;
  publish(*s, "call", json::object{{"action", "answered"}, {"call", call}});
  commit(*s, false);
}

void Floor::no_answer(AgentId agent, CallId call) {
  Session* s = find(agent);
  if (s == nullptr || s->machine.no_answer(mono_ms(), call)) return;
  publish(*s, "call", json::object{{"action", "ring_timeout"}, {"call", call}});
  commit(*s, false);
}

void Floor::call_ended(CallId call) {
  const auto it = call_owner_.find(call);
  if (it == call_owner_.end()) return;
  Session* s = find(it->second);
  if (s == nullptr) return;
  const bool ringing = s->machine.state() == as::State::Reserved;
  const auto r = ringing ? s->machine.withdraw(mono_ms(), call) : s->machine.end_call(mono_ms(), call);
  if (r) return;
  publish(*s, "call", json::object{{"action", ringing ? "withdrawn" : "ended"}, {"call", call}});
  commit(*s, false);
}

json::object Floor::call_json(const Session& s, const CallInfo& c) const {
  json::object o{{"call", c.call},
                 {"interaction_id", c.interaction_id},
                 {"campaign_id", c.campaign_id},
                 {"queue_id", c.queue_id},
                 {"call_type", c.call_type},
                 {"from", c.from},
                 {"to", c.to},
                 {"time_in_queue_ms", c.time_in_queue_ms},
                 {"attempts", c.attempts},
                 {"lead_id", c.lead_id}};
  bool held = false;
  for (const auto& slot : s.machine.calls()) {
    if (slot.id == c.call) held = slot.held;
  }
  o["held"] = held;
  const auto m = s.muted.find(c.call);
  o["muted"] = m != s.muted.end() && m->second;
  return o;
}

FloorResult Floor::snapshot(AgentId agent) const {
  const Session* s = find(agent);
  if (s == nullptr) return FloorResult::done({{"agent_id", agent}, {"state", "logged_out"}});
  const auto& m = s->machine;
  json::object o{{"agent_id", agent},
                 {"username", s->profile.username},
                 {"state", as::to_string(m.state())},
                 {"in_state_ms", mono_ms() - m.state_since_ms()},
                 {"voice", m.voice()},
                 {"merged", m.merged()}};
  if (const auto& p = m.pause_spec()) {
    o["pause"] = json::object{{"reason", p->code},
                              {"supervisor_only", p->supervisor_only},
                              {"auto", p->cause != as::AutoCause::None}};
  }
  if (const auto& p = m.pending()) o["pause_after_call"] = p->code;
  if (const auto d = m.next_deadline()) o["deadline_in_ms"] = *d - mono_ms();
  json::array calls;
  for (const auto& slot : m.calls()) {
    const auto it = s->calls.find(slot.id);
    if (it != s->calls.end()) calls.push_back(call_json(*s, it->second));
  }
  o["calls"] = std::move(calls);
  if (s->payment) o["payment"] = payment_json(*s->payment);
  return FloorResult::done(std::move(o));
}

FloorResult Floor::agents() const {
  json::array items;
  for (const auto& [id, s] : sessions_) items.push_back(snapshot(id).body);
  return FloorResult::done({{"items", std::move(items)}});
}

}  // namespace dialcore::control::floor
