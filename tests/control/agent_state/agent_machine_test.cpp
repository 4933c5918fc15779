// AgentMachine: one table test per transition of issue 8 deliverable 1, and the refusals the
// API maps to 4xx (each checked to change nothing).
#include <catch2/catch.hpp>

#include "control/agent_state/agent_machine.hpp"

using namespace dialcore::control::agent_state;

namespace {

AgentPolicy policy() {
  AgentPolicy p;
  p.pause_reasons = {{"lunch", false}, {"training", true}, {"dnd", false}};
  p.auto_pause_code = "auto";
  return p;
}

CallContext routed(std::int64_t ring_ms = 20'000) {
  CallContext c;
  c.kind = CallKind::Routed;
  c.ring_timeout_ms = ring_ms;
  c.wrap = WrapPolicy{30'000, "auto-complete", 15'000, {"sale", "no-sale", "auto-complete"}};
  return c;
}

// A machine logged in with voice, Available at t = 1000.
AgentMachine ready(AgentPolicy p = policy()) {
  AgentMachine m(std::move(p), 0);
  REQUIRE_FALSE(m.login(500));
  REQUIRE_FALSE(m.connect_voice(1000));
  REQUIRE(m.state() == State::Available);
  m.drain();
  return m;
}

// Asserts the event was refused with `code` and the machine is unchanged.
template <typename F>
void refused(AgentMachine& m, RejectCode code, F&& event) {
  const AgentMachine before = m;
  const Status s = event(m);
  REQUIRE(s.has_value());
  CHECK(s->code == code);
  CHECK(s->state == before.state());
  CHECK(m == before);
}

}  // namespace

TEST_CASE("login, voice, available, logout", "[agent_state]") {
  AgentMachine m(policy(), 0);
  CHECK(m.state() == State::LoggedOut);
  REQUIRE_FALSE(m.login(10));
  CHECK(m.state() == State::NoVoice);
  refused(m, RejectCode::NoVoice, [](auto& a) { return a.set_available(11); });
  REQUIRE_FALSE(m.connect_voice(20));
  CHECK(m.state() == State::Available);
  CHECK(m.voice());
  refused(m, RejectCode::AlreadyConnected, [](auto& a) { return a.connect_voice(21); });
  REQUIRE_FALSE(m.logout(30));
  CHECK(m.state() == State::LoggedOut);
  CHECK_FALSE(m.voice());
  const auto out = m.drain();
  REQUIRE(out.size() == 3);
  CHECK(out[0].from == State::LoggedOut);
  CHECK(out[0].to == State::NoVoice);
  CHECK(out[0].at_ms == 10);
  CHECK(out[1].cause == Cause::VoiceConnected);
  CHECK(out[2].to == State::LoggedOut);
  CHECK(m.outbox().empty());
}

TEST_CASE("login in pause lands in the login pause reason", "[agent_state]") {
  auto p = policy();
  p.login_in_pause = true;
  p.login_pause_code = "lunch";
  AgentMachine m(p, 0);
  REQUIRE_FALSE(m.login(1));
  REQUIRE_FALSE(m.connect_voice(2));
  CHECK(m.state() == State::Paused);
  CHECK(m.pause_spec()->code == "lunch");
  CHECK_FALSE(m.accepts(CallKind::Routed));
}

TEST_CASE("pause reasons: enforced reason, unknown reason, supervisor-only", "[agent_state]") {
  auto p = policy();
  p.require_pause_reason = true;
  auto m = ready(p);
  refused(m, RejectCode::ReasonRequired, [](auto& a) { return a.pause(2000, ""); });
  refused(m, RejectCode::UnknownReason, [](auto& a) { return a.pause(2000, "nap"); });
  REQUIRE_FALSE(m.pause(2000, "training"));
  CHECK(m.state() == State::Paused);
  refused(m, RejectCode::SupervisorOnly, [](auto& a) { return a.set_available(2100); });
  refused(m, RejectCode::SupervisorOnly, [](auto& a) { return a.pause(2100, "lunch"); });
  REQUIRE_FALSE(m.set_available(2200, true));
  CHECK(m.state() == State::Available);

  auto q = policy();
  q.may_pause = false;
  auto n = ready(q);
  refused(n, RejectCode::NotPermitted, [](auto& a) { return a.pause(2000, "lunch"); });
  auto free = ready();
  REQUIRE_FALSE(free.pause(2000, ""));  // a reason is optional unless required
  CHECK(free.pause_spec()->code.empty());
}

TEST_CASE("offer, answer, hang up, wrap with a code", "[agent_state]") {
  auto m = ready();
  REQUIRE(m.accepts(CallKind::Routed));
  REQUIRE_FALSE(m.offer(2000, 7, routed()));
  CHECK(m.state() == State::Reserved);
  CHECK(m.next_deadline() == 22'000);
  refused(m, RejectCode::UnknownCall, [](auto& a) { return a.answer(2100, 8); });
  refused(m, RejectCode::OnCall, [](auto& a) { return a.logout(2100); });
  REQUIRE_FALSE(m.answer(3000, 7));
  CHECK(m.state() == State::OnCall);
  CHECK_FALSE(m.next_deadline());
  refused(m, RejectCode::WrongState, [](auto& a) { return a.submit_wrap(3100, "sale"); });
  REQUIRE_FALSE(m.end_call(60'000, 7));
  CHECK(m.state() == State::Wrap);
  CHECK(m.calls().empty());
  CHECK(m.next_deadline() == 90'000);
  refused(m, RejectCode::UnknownWrapCode, [](auto& a) { return a.submit_wrap(61'000, "bogus"); });
  REQUIRE_FALSE(m.submit_wrap(62'000, "sale"));
  CHECK(m.state() == State::Available);
  const auto out = m.drain();
  REQUIRE(out.size() == 4);
  CHECK(out[2].cause == Cause::CallEnded);
  CHECK(out[2].call == 7);
  CHECK(out[2].call_released);
  CHECK(out[3].cause == Cause::Wrapped);
  CHECK(out[3].detail == "sale");
}

TEST_CASE("ring timeout auto-pauses with the auto reason and releases the call", "[agent_state]") {
  auto m = ready();
  REQUIRE_FALSE(m.offer(2000, 7, routed(20'000)));
  CHECK_FALSE(m.on_timer(21'999));  // early: nothing
  CHECK(m.state() == State::Reserved);
  CHECK(m.on_timer(22'000));
  CHECK(m.state() == State::AutoPaused);
  CHECK(m.pause_spec()->cause == AutoCause::RingTimeout);
  CHECK(m.pause_spec()->code == "auto");
  CHECK(m.calls().empty());
  const auto out = m.drain();
  REQUIRE(out.size() == 2);
  CHECK(out[1].cause == Cause::RingTimeout);
  CHECK(out[1].call == 7);
  CHECK(out[1].call_released);
  CHECK(out[1].detail == "auto");
  CHECK_FALSE(m.accepts(CallKind::Routed));
  REQUIRE_FALSE(m.set_available(30'000));  // the agent makes itself available again
  CHECK(m.state() == State::Available);

  // The same decided outside (the ACD's AutoPause): no_answer.
  REQUIRE_FALSE(m.offer(31'000, 8, routed(0)));
  refused(m, RejectCode::UnknownCall, [](auto& a) { return a.no_answer(32'000, 9); });
  REQUIRE_FALSE(m.no_answer(32'000, 8));
  CHECK(m.state() == State::AutoPaused);
  CHECK(m.drain().back().cause == Cause::RingTimeout);
}

TEST_CASE("voice lost: auto pause with reason, reconnect, then available", "[agent_state]") {
  auto m = ready();
  REQUIRE_FALSE(m.lose_voice(2000));
  CHECK(m.state() == State::AutoPaused);
  CHECK(m.pause_spec()->cause == AutoCause::VoiceLost);
  refused(m, RejectCode::NoVoice, [](auto& a) { return a.set_available(2100); });
  refused(m, RejectCode::NoVoice, [](auto& a) { return a.lose_voice(2100); });
  CHECK_FALSE(m.accepts(CallKind::Manual));
  REQUIRE_FALSE(m.connect_voice(3000));   // the reconnect action
  CHECK(m.state() == State::AutoPaused);  // the agent chooses Available (seed 001)
  REQUIRE_FALSE(m.set_available(3100));
  CHECK(m.state() == State::Available);

  // During a call the call goes with the voice path: released, wrap, then the auto pause.
  REQUIRE_FALSE(m.offer(4000, 9, routed()));
  REQUIRE_FALSE(m.answer(4100, 9));
  m.drain();
  REQUIRE_FALSE(m.lose_voice(5000));
  CHECK(m.state() == State::Wrap);
  CHECK(m.calls().empty());
  const auto out = m.drain();
  REQUIRE(out.size() == 1);
  CHECK(out[0].call == 9);
  CHECK(out[0].call_released);
  REQUIRE_FALSE(m.submit_wrap(6000, "no-sale"));
  CHECK(m.state() == State::AutoPaused);
  CHECK(m.pause_spec()->cause == AutoCause::VoiceLost);
}

TEST_CASE("auto-wrap applies the default code - one extension", "[agent_state]") {
  auto m = ready();
  REQUIRE_FALSE(m.offer(2000, 7, routed()));
  REQUIRE_FALSE(m.answer(2500, 7));
  REQUIRE_FALSE(m.end_call(10'000, 7));
  CHECK(m.next_deadline() == 40'000);
  REQUIRE_FALSE(m.extend_wrap(20'000));
  CHECK(m.next_deadline() == 55'000);
  refused(m, RejectCode::ExtensionUsed, [](auto& a) { return a.extend_wrap(21'000); });
  CHECK_FALSE(m.on_timer(40'000));  // the old deadline no longer fires
  CHECK(m.state() == State::Wrap);
  CHECK(m.on_timer(55'000));
  CHECK(m.state() == State::Available);
  const auto out = m.drain();
  CHECK(out.back().cause == Cause::AutoWrapped);
  CHECK(out.back().detail == "auto-complete");

  // No timer: nothing to extend, wrap waits for the agent.
  auto ctx = routed();
  ctx.wrap.timer_ms = 0;
  REQUIRE_FALSE(m.offer(60'000, 8, ctx));
  REQUIRE_FALSE(m.answer(60'100, 8));
  REQUIRE_FALSE(m.end_call(61'000, 8));
  CHECK_FALSE(m.next_deadline());
  refused(m, RejectCode::NoWrapTimer, [](auto& a) { return a.extend_wrap(62'000); });
}

TEST_CASE("pause after call: requested during the call, effective after wrap", "[agent_state]") {
  auto m = ready();
  REQUIRE_FALSE(m.offer(2000, 7, routed()));
  REQUIRE_FALSE(m.answer(2500, 7));
  REQUIRE_FALSE(m.pause(3000, "lunch"));
  CHECK(m.state() == State::OnCall);
  CHECK(m.pending()->code == "lunch");
  REQUIRE_FALSE(m.end_call(4000, 7));
  REQUIRE_FALSE(m.submit_wrap(5000, "sale"));
  CHECK(m.state() == State::Paused);
  CHECK(m.pause_spec()->code == "lunch");

  // Cancelled during wrap: back to Available.
  REQUIRE_FALSE(m.set_available(6000));
  REQUIRE_FALSE(m.offer(7000, 8, routed()));
  REQUIRE_FALSE(m.answer(7100, 8));
  REQUIRE_FALSE(m.end_call(8000, 8));
  REQUIRE_FALSE(m.pause(8100, "lunch"));
  REQUIRE_FALSE(m.set_available(8200));
  CHECK_FALSE(m.pending());
  refused(m, RejectCode::WrongState, [](auto& a) { return a.set_available(8300); });
  REQUIRE_FALSE(m.submit_wrap(9000, "sale"));
  CHECK(m.state() == State::Available);
}

TEST_CASE("paused agents: transfers by permission, DND, manual calls", "[agent_state]") {
  auto p = policy();
  auto m = ready(p);
  REQUIRE_FALSE(m.pause(2000, "dnd"));
  auto t = routed();
  refused(m, RejectCode::WrongState, [&](auto& a) { return a.offer(2100, 5, t); });
  t.kind = CallKind::Transfer;
  refused(m, RejectCode::NotPermitted, [&](auto& a) { return a.offer(2100, 5, t); });
  t.kind = CallKind::Direct;
  refused(m, RejectCode::NotPermitted, [&](auto& a) { return a.offer(2100, 5, t); });

  p.receive_transfers_when_paused = true;
  p.dnd_in_pause = false;
  auto n = ready(p);
  REQUIRE_FALSE(n.pause(2000, "lunch"));
  CHECK(n.accepts(CallKind::Transfer));
  CHECK(n.accepts(CallKind::Direct));
  t.kind = CallKind::Transfer;
  REQUIRE_FALSE(n.offer(2100, 5, t));
  REQUIRE_FALSE(n.answer(2200, 5));
  REQUIRE_FALSE(n.end_call(3000, 5));
  REQUIRE_FALSE(n.submit_wrap(3100, "sale"));
  CHECK(n.state() == State::Paused);  // back to the pause the transfer found
  CHECK(n.pause_spec()->code == "lunch");

  REQUIRE_FALSE(n.start_call(4000, 6, routed(0)));  // manual call while paused
  CHECK(n.state() == State::Reserved);
  CHECK_FALSE(n.next_deadline());
  REQUIRE_FALSE(n.withdraw(5000, 6));  // no answer
  CHECK(n.state() == State::Paused);
  p.manual_call = false;
  auto o = ready(p);
  refused(o, RejectCode::NotPermitted, [](auto& a) { return a.start_call(2000, 6, routed(0)); });
}

TEST_CASE("hold, consult, consult transfer", "[agent_state]") {
  auto m = ready();
  REQUIRE_FALSE(m.offer(2000, 1, routed()));
  REQUIRE_FALSE(m.answer(2100, 1));
  refused(m, RejectCode::NotHeld, [](auto& a) { return a.retrieve(2200, 1); });
  REQUIRE_FALSE(m.hold(2200, 1));
  refused(m, RejectCode::AlreadyHeld, [](auto& a) { return a.hold(2300, 1); });
  REQUIRE_FALSE(m.retrieve(2300, 1));
  REQUIRE_FALSE(m.start_consult(2400, 2));
  CHECK(m.calls().size() == 2);
  CHECK(m.calls()[0].held);
  CHECK_FALSE(m.calls()[1].held);
  refused(m, RejectCode::CallLimit, [](auto& a) { return a.start_consult(2500, 3); });
  REQUIRE_FALSE(m.retrieve(2500, 1));  // switch lines
  CHECK_FALSE(m.calls()[0].held);
  CHECK(m.calls()[1].held);
  m.drain();
  REQUIRE_FALSE(m.transfer(3000, 1));
  CHECK(m.state() == State::Wrap);
  const auto out = m.drain();
  REQUIRE(out.size() == 2);
  CHECK(out[0].call == 2);
  CHECK(out[1].call == 1);
  CHECK(out[0].call_released);
  CHECK(out[1].call_released);
}

TEST_CASE("consult ended: the customer stays on hold - merge then leave", "[agent_state]") {
  auto m = ready();
  REQUIRE_FALSE(m.offer(2000, 1, routed()));
  REQUIRE_FALSE(m.answer(2100, 1));
  REQUIRE_FALSE(m.start_consult(2400, 2));
  REQUIRE_FALSE(m.end_call(2500, 2));
  CHECK(m.state() == State::OnCall);
  CHECK(m.calls().size() == 1);
  CHECK(m.calls()[0].held);
  REQUIRE_FALSE(m.retrieve(2600, 1));
  refused(m, RejectCode::DuplicateCall, [](auto& a) { return a.start_consult(2650, 0); });
  refused(m, RejectCode::DuplicateCall, [](auto& a) { return a.start_consult(2650, 1); });
  REQUIRE_FALSE(m.start_consult(2700, 3));
  REQUIRE_FALSE(m.merge(2800));
  CHECK(m.merged());
  refused(m, RejectCode::WrongState, [](auto& a) { return a.hold(2850, 1); });
  REQUIRE_FALSE(m.leave(2900));
  CHECK(m.state() == State::Wrap);
  CHECK_FALSE(m.merged());
}

TEST_CASE("reject and withdraw return to where the agent was", "[agent_state]") {
  auto m = ready();
  REQUIRE_FALSE(m.offer(2000, 1, routed()));
  REQUIRE_FALSE(m.reject(2100, 1));
  CHECK(m.state() == State::Available);
  REQUIRE_FALSE(m.offer(2200, 2, routed()));
  refused(m, RejectCode::UnknownCall, [](auto& a) { return a.withdraw(2300, 1); });
  REQUIRE_FALSE(m.withdraw(2300, 2));
  CHECK(m.state() == State::Available);
}

TEST_CASE("logout only when not on a call - forced logout ends a call in a defined way",
          "[agent_state]") {
  auto m = ready();
  REQUIRE_FALSE(m.offer(2000, 1, routed()));
  REQUIRE_FALSE(m.answer(2100, 1));
  REQUIRE_FALSE(m.start_consult(2200, 2));
  refused(m, RejectCode::OnCall, [](auto& a) { return a.logout(2300); });
  m.drain();
  REQUIRE_FALSE(m.force_logout(2400));
  CHECK(m.state() == State::LoggedOut);
  CHECK(m.calls().empty());
  CHECK_FALSE(m.voice());
  const auto out = m.drain();
  REQUIRE(out.size() == 3);
  CHECK(out[0].call_released);
  CHECK(out[1].call_released);
  CHECK(out[2].cause == Cause::ForcedLogout);
  CHECK(out[2].detail == "auto-complete");  // the interaction closed with the auto code
  refused(m, RejectCode::WrongState, [](auto& a) { return a.force_logout(2500); });
}

TEST_CASE("time goes backwards: refused, nothing changes", "[agent_state]") {
  auto m = ready();
  refused(m, RejectCode::TimeWentBackwards, [](auto& a) { return a.pause(999, "lunch"); });
  CHECK_FALSE(m.on_timer(10));
}

TEST_CASE("time in state counts each state and sums to the elapsed time", "[agent_state]") {
  auto m = ready();  // logged out 0-500, no voice 500-1000
  REQUIRE_FALSE(m.offer(2000, 1, routed()));
  REQUIRE_FALSE(m.answer(5000, 1));
  REQUIRE_FALSE(m.end_call(65'000, 1));
  const auto t = m.time_in_state(70'000);
  CHECK(t[static_cast<int>(State::LoggedOut)] == 500);
  CHECK(t[static_cast<int>(State::NoVoice)] == 500);
  CHECK(t[static_cast<int>(State::Available)] == 1000);
  CHECK(t[static_cast<int>(State::Reserved)] == 3000);
  CHECK(t[static_cast<int>(State::OnCall)] == 60'000);
  CHECK(t[static_cast<int>(State::Wrap)] == 5000);
  std::int64_t sum = 0;
  for (auto v : t) sum += v;
  CHECK(sum == 70'000);
}

TEST_CASE("names and HTTP statuses are defined for every rejection", "[agent_state]") {
  CHECK(to_string(State::AutoPaused) == "auto_paused");
  CHECK(to_string(RejectCode::UnknownWrapCode) == "unknown_wrap_code");
  CHECK(http_status(RejectCode::UnknownWrapCode) == 422);
  CHECK(http_status(RejectCode::NotPermitted) == 403);
  CHECK(http_status(RejectCode::UnknownCall) == 404);
  CHECK(http_status(RejectCode::OnCall) == 409);
  for (int c = 0; c <= static_cast<int>(RejectCode::NoWrapTimer); ++c)
    CHECK(to_string(static_cast<RejectCode>(c)) != "?");
  for (int c = 0; c <= static_cast<int>(Cause::ForcedLogout); ++c)
    CHECK(to_string(static_cast<Cause>(c)) != "?");
}
