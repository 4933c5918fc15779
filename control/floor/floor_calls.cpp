// The call controls of the agent API: checked on the agent's machine, then asked of CallControl.
#include <boost/json.hpp>

#include <limits>

#include "control/floor/floor.hpp"

namespace dialcore::control::floor {

namespace json = boost::json;
namespace as = agent_state;

namespace {
constexpr CallId kProbeCall = std::numeric_limits<CallId>::max();  // a call id nobody uses

bool digits_only(const std::string& s) {
  if (s.empty() || s.size() > 32) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (!(s[i] >= '0' && s[i] <= '9') && !(i == 0 && s[i] == '+')) return false;
  }
  return s != "+";
}
}  // namespace

FloorResult Floor::call_failed(const CallResult& r) const {
  // The call layer's refusals that are the request's fault, not the network's.
  if (r.error == "unknown_queue") {
    return FloorResult::error(404, "unknown_queue", "no queue has that id or name");
  }
  if (r.error.rfind("target_unavailable", 0) == 0) {
    return FloorResult::error(409, "target_unavailable",
                              "that agent cannot take the call now: " + r.error);
  }
  return FloorResult::error(502, "call_layer_refused",
                            "the call layer refused the request: " +
                                (r.error.empty() ? std::string("unknown") : r.error));
}

CallId Floor::resolve_call(const Session& s, CallId call) const {
  if (call != 0) return call;
  for (const auto& slot : s.machine.calls()) {
    if (!slot.held || s.machine.merged()) return slot.id;
  }
  return 0;
}

FloorResult Floor::on_call_check(const Session& s, CallId call) const {
  if (s.machine.calls().empty()) {
    return FloorResult::error(409, "no_call", "the agent has no call");
  }
  if (s.machine.state() != as::State::OnCall) {
    return FloorResult::error(409, "wrong_state", "only during a call, not in state " +
                                                      std::string(as::to_string(s.machine.state())));
  }
  for (const auto& slot : s.machine.calls()) {
    if (slot.id == call) return FloorResult{0, "", "", {}};
  }
  return FloorResult::error(404, "unknown_call", "the agent holds no such call");
}

FloorResult Floor::act(Session& s, const Event& event, const Request& request,
                       std::string_view action, CallId call) {
  {
    as::AgentMachine copy = s.machine;
    if (auto r = event(copy, mono_ms())) return rejected(*r);
  }
  const CallResult cr = request();
  if (!cr.ok) return call_failed(cr);
  if (auto r = event(s.machine, mono_ms())) return rejected(*r);  // cannot differ: same thread
  publish(s, "call", json::object{{"action", action}, {"call", call}});
  commit(s, false);
  return snapshot(s.id);
}

#define DIALCORE_FLOOR_SESSION(s, agent) \
  Session* s = find(agent);              \
  if (s == nullptr) return not_logged_in()

FloorResult Floor::answer(AgentId agent, CallId call) {
  DIALCORE_FLOOR_SESSION(s, agent);
  if (s->machine.calls().empty()) return FloorResult::error(409, "no_call", "nothing is ringing");
  call = call != 0 ? call : s->machine.calls().front().id;
  return act(
      *s, [call](as::AgentMachine& m, std::int64_t now) { return m.answer(now, call); },
      [&] { return calls_.answer(agent, call); }, "answered", call);
}

FloorResult Floor::hang_up(AgentId agent, CallId call) {
  DIALCORE_FLOOR_SESSION(s, agent);
  call = resolve_call(*s, call);
  if (s->machine.calls().empty() || call == 0) {
    return FloorResult::error(409, "no_call", "the agent has no call to hang up");
  }
  if (s->machine.state() == as::State::Reserved) {
    return act(
        *s, [call](as::AgentMachine& m, std::int64_t now) { return m.reject(now, call); },
        [&] { return calls_.hang_up(agent, call); }, "rejected", call);
  }
  return act(
      *s, [call](as::AgentMachine& m, std::int64_t now) { return m.end_call(now, call); },
      [&] { return calls_.hang_up(agent, call); }, "hung_up", call);
}

FloorResult Floor::hold(AgentId agent, CallId call, bool on) {
  DIALCORE_FLOOR_SESSION(s, agent);
  if (call == 0) {
    for (const auto& slot : s->machine.calls()) {
      if (slot.held != on) call = slot.id;
    }
  }
  if (s->machine.calls().empty() || call == 0) {
    return FloorResult::error(409, "no_call", on ? "no call to hold" : "no call on hold");
  }
  if (on) {
    return act(
        *s, [call](as::AgentMachine& m, std::int64_t now) { return m.hold(now, call); },
        [&] { return calls_.hold(agent, call, true); }, "held", call);
  }
  return act(
      *s, [call](as::AgentMachine& m, std::int64_t now) { return m.retrieve(now, call); },
      [&] { return calls_.hold(agent, call, false); }, "retrieved", call);
}

FloorResult Floor::mute(AgentId agent, CallId call, bool on) {
  DIALCORE_FLOOR_SESSION(s, agent);
  call = resolve_call(*s, call);
  if (auto bad = on_call_check(*s, call); bad.status) return bad;
  const CallResult cr = calls_.mute(agent, call, on);
  if (!cr.ok) return call_failed(cr);
  s->muted[call] = on;
  publish(*s, "call", json::object{{"action", on ? "muted" : "unmuted"}, {"call", call}});
  return snapshot(agent);
}

FloorResult Floor::transfer(AgentId agent, CallId call, const TransferTarget& to) {
  DIALCORE_FLOOR_SESSION(s, agent);
  call = resolve_call(*s, call);
  if (auto bad = on_call_check(*s, call); bad.status) return bad;
  if (auto bad = target_check(agent, to); bad.status) return bad;
  if (s->machine.calls().size() != 1) {
    return FloorResult::error(409, "consult_open", "finish the consultation first");
  }
  return act(
      *s, [call](as::AgentMachine& m, std::int64_t now) { return m.transfer(now, call); },
      [&] { return calls_.blind_transfer(agent, call, to); }, "transferred", call);
}

FloorResult Floor::target_check(AgentId agent, const TransferTarget& to) const {
  if (to.kind == TargetKind::Number && !digits_only(to.value)) {
    return FloorResult::error(422, "bad_target", "a number is digits with an optional leading +");
  }
  if (to.kind == TargetKind::Agent) {
    AgentId target = 0;
    try {
      target = std::stoll(to.value);
    } catch (...) {
      return FloorResult::error(422, "bad_target", "an agent target is an agent id");
    }
    const Session* t = find(target);
    if (target == agent) return FloorResult::error(422, "bad_target", "not to oneself");
    if (t == nullptr || !t->machine.accepts(as::CallKind::Transfer)) {
      return FloorResult::error(409, "target_unavailable",
                                "that agent cannot take a transfer now (logged out, busy, or "
                                "paused without receive_transfers_when_paused)");
    }
  }
  if (to.kind == TargetKind::Queue && to.value.empty()) {
    return FloorResult::error(422, "bad_target", "a queue target is a queue id");
  }
  return FloorResult{0, "", "", {}};
}

FloorResult Floor::consult(AgentId agent, const TransferTarget& to) {
  DIALCORE_FLOOR_SESSION(s, agent);
  const CallId held = resolve_call(*s, 0);
  if (auto bad = on_call_check(*s, held); bad.status) return bad;
  if (auto bad = target_check(agent, to); bad.status) return bad;
  {
    as::AgentMachine copy = s->machine;
    if (auto r = copy.start_consult(mono_ms(), kProbeCall)) return rejected(*r);
  }
  const CallResult cr = calls_.consult(agent, held, to);
  if (!cr.ok) return call_failed(cr);
  if (auto r = s->machine.start_consult(mono_ms(), cr.call)) {
    calls_.hang_up(agent, cr.call);
    return FloorResult::error(502, "call_layer_bad_id", "the call layer returned a used call id");
  }
  CallInfo info;
  info.call = cr.call;
  info.kind = as::CallKind::Direct;
  info.call_type = "consult";
  info.to = to.value;
  info.campaign_id = s->calls.count(held) ? s->calls[held].campaign_id : 0;
  s->calls[cr.call] = info;
  call_owner_[cr.call] = agent;
  publish(*s, "call", json::object{{"action", "consult_started"}, {"call", cr.call}, {"held", held}});
  commit(*s, false);
  return snapshot(agent);
}

FloorResult Floor::complete_transfer(AgentId agent) {
  DIALCORE_FLOOR_SESSION(s, agent);
  const auto& slots = s->machine.calls();
  if (slots.size() != 2) return FloorResult::error(409, "no_consult", "no consultation is open");
  const CallId first = slots[0].held ? slots[0].id : slots[1].id;
  const CallId second = slots[0].held ? slots[1].id : slots[0].id;
  return act(
      *s, [second](as::AgentMachine& m, std::int64_t now) { return m.transfer(now, second); },
      [&] { return calls_.complete_transfer(agent, first, second); }, "transfer_completed", first);
}

FloorResult Floor::merge(AgentId agent) {
  DIALCORE_FLOOR_SESSION(s, agent);
  const auto& slots = s->machine.calls();
  if (slots.size() != 2) return FloorResult::error(409, "no_consult", "no consultation to merge");
  const CallId first = slots[0].id;
  const CallId second = slots[1].id;
  return act(
      *s, [](as::AgentMachine& m, std::int64_t now) { return m.merge(now); },
      [&] { return calls_.merge(agent, first, second); }, "merged", first);
}

FloorResult Floor::leave(AgentId agent, bool terminate) {
  DIALCORE_FLOOR_SESSION(s, agent);
  if (s->machine.calls().empty()) return FloorResult::error(409, "no_call", "no call to leave");
  return act(
      *s, [](as::AgentMachine& m, std::int64_t now) { return m.leave(now); },
      [&] { return calls_.leave(agent, terminate); }, terminate ? "terminated" : "left", 0);
}

FloorResult Floor::manual_call(AgentId agent, std::int64_t campaign_id, const std::string& number) {
  DIALCORE_FLOOR_SESSION(s, agent);
  if (!digits_only(number)) {
    return FloorResult::error(422, "bad_number", "a number is digits with an optional leading +");
  }
  auto wp = directory_.wrap_policy(campaign_id);
  if (!wp) return FloorResult::error(422, "unknown_campaign", "no such campaign");
  as::CallContext ctx;
  ctx.kind = as::CallKind::Manual;
  ctx.wrap = std::move(*wp);
  {
    as::AgentMachine copy = s->machine;
    if (auto r = copy.start_call(mono_ms(), kProbeCall, ctx)) return rejected(*r);
  }
  const CallResult cr = calls_.manual_call(agent, campaign_id, number);
  if (!cr.ok) return call_failed(cr);
  if (cr.call == 0 || call_owner_.count(cr.call) != 0 ||
      s->machine.start_call(mono_ms(), cr.call, ctx)) {
    calls_.hang_up(agent, cr.call);
    return FloorResult::error(502, "call_layer_bad_id", "the call layer returned a used call id");
  }
  CallInfo info;
  info.call = cr.call;
  info.kind = as::CallKind::Manual;
  info.call_type = "manual";
  info.campaign_id = campaign_id;
  info.to = number;
  s->calls[cr.call] = info;
  call_owner_[cr.call] = agent;
  publish(*s, "call", json::object{{"action", "dialling"}, {"info", call_json(*s, info)}});
  commit(*s, false);
  return snapshot(agent);
}

FloorResult Floor::recording(AgentId agent, RecordingAction action, const std::string& tag) {
  DIALCORE_FLOOR_SESSION(s, agent);
  const CallId call = resolve_call(*s, 0);
  if (auto bad = on_call_check(*s, call); bad.status) return bad;
  if (action == RecordingAction::Tag && (tag.empty() || tag.size() > 200)) {
    return FloorResult::error(422, "bad_tag", "a tag is 1 to 200 characters");
  }
  const CallResult cr = calls_.recording(agent, call, action, tag);
  if (!cr.ok) return call_failed(cr);
  static constexpr const char* kNames[] = {"start", "stop", "pause", "resume", "tag"};
  json::object o{{"action", "recording"}, {"call", call},
                 {"op", kNames[static_cast<int>(action)]}};
  if (action == RecordingAction::Tag) o["tag"] = tag;
  publish(*s, "call", std::move(o));
  return snapshot(agent);
}

FloorResult Floor::announce(AgentId agent, const std::string& prompt) {
  DIALCORE_FLOOR_SESSION(s, agent);
  const CallId call = resolve_call(*s, 0);
  if (auto bad = on_call_check(*s, call); bad.status) return bad;
  if (prompt.empty()) return FloorResult::error(422, "bad_prompt", "name the prompt to play");
  const CallResult cr = calls_.play_announcement(agent, call, prompt);
  if (!cr.ok) return call_failed(cr);
  // The marker: the recording's reviewer finds the announcement by it (seed 003).
  publish(*s, "call", json::object{{"action", "announcement"}, {"call", call}, {"prompt", prompt}});
  return snapshot(agent);
}

}  // namespace dialcore::control::floor
