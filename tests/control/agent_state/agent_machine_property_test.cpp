// AgentMachine property test: thousands of seeded random event sequences. After every event the
// state is consistent, the calls the machine holds are exactly the calls that entered and have
// not left through a record (no leak, no phantom, no double release), a refused event changed
// nothing, records chain (each starts where the last ended) and the time-in-state counters sum to
// the elapsed time. A failure prints its seed; DIALCORE_AGENT_SEED=<seed> replays just that one.
#include <catch2/catch.hpp>

#include "control/agent_state/agent_machine.hpp"

#include <cstdlib>
#include <random>
#include <set>
#include <sstream>
#include <string>

using namespace dialcore::control::agent_state;

namespace {

struct Run {
  std::mt19937_64 rng;
  AgentMachine m;
  std::int64_t now = 0;
  CallId next_id = 1;
  std::set<CallId> live;  // entered, not yet released
  State last_to = State::LoggedOut;
  std::string log;  // the events so far, printed on failure

  explicit Run(std::uint64_t seed) : rng(seed), m(make_policy(rng), 0) {}

  static AgentPolicy make_policy(std::mt19937_64& r) {
    AgentPolicy p;
    p.may_pause = r() % 8 != 0;
    p.manual_call = r() % 2 != 0;
    p.receive_transfers_when_paused = r() % 2 != 0;
    p.dnd_in_pause = r() % 2 != 0;
    p.login_in_pause = r() % 2 != 0;
    p.require_pause_reason = r() % 2 != 0;
    p.login_pause_code = "lunch";
    p.pause_reasons = {{"lunch", false}, {"training", true}};
    return p;
  }

  std::uint64_t pick(std::uint64_t n) { return rng() % n; }

  CallId some_call() {  // usually a real one, sometimes new, unknown or 0
    const auto r = pick(10);
    if (r < 6 && !live.empty()) {
      auto it = live.begin();
      std::advance(it, static_cast<long>(pick(live.size())));
      return *it;
    }
    if (r < 8) return next_id++;
    return r == 8 ? 0 : 999'999;
  }

  CallContext ctx() {
    CallContext c;
    c.kind = static_cast<CallKind>(pick(3));  // Routed, Transfer, Direct
    c.ring_timeout_ms = pick(3) == 0 ? 0 : static_cast<std::int64_t>(1 + pick(30'000));
    c.wrap.timer_ms = pick(2) == 0 ? 0 : static_cast<std::int64_t>(1 + pick(60'000));
    c.wrap.auto_code = "auto-done";
    c.wrap.extension_ms = static_cast<std::int64_t>(pick(2) * 10'000);
    if (pick(2) != 0) c.wrap.codes = {"sale", "auto-done"};
    return c;
  }

  std::string code() {
    static const char* const kCodes[] = {"", "lunch", "training", "nap"};
    return kCodes[pick(4)];
  }

  Status step() {
    // Time: forward (sometimes to the deadline), now and then a step back to be refused.
    std::int64_t t = now + static_cast<std::int64_t>(pick(5000));
    if (pick(20) == 0) t = now - 1;
    if (auto d = m.next_deadline(); d && pick(3) == 0) t = std::max(now, *d);
    const auto op = pick(22);
    log += std::to_string(op) + "@" + std::to_string(t) + " ";
    Status s;
    switch (op) {
      case 0: s = m.login(t); break;
      case 1: s = m.connect_voice(t); break;
      case 2: s = m.lose_voice(t); break;
      case 3: s = pick(4) == 0 ? m.logout(t) : m.answer(t, some_call()); break;
      case 4: s = pick(10) == 0 ? m.force_logout(t) : m.login(t); break;
      case 5: s = m.pause(t, code()); break;
      case 6: s = m.set_available(t, pick(4) == 0); break;
      case 7: s = m.offer(t, some_call(), ctx()); break;
      case 8: s = m.start_call(t, some_call(), ctx()); break;
      case 9: s = m.answer(t, some_call()); break;
      case 10: s = m.reject(t, some_call()); break;
      case 11: s = pick(3) == 0 ? m.no_answer(t, some_call()) : m.withdraw(t, some_call()); break;
      case 12: s = m.hold(t, some_call()); break;
      case 13: s = m.retrieve(t, some_call()); break;
      case 14: s = m.start_consult(t, some_call()); break;
      case 15: s = m.end_call(t, some_call()); break;
      case 16: s = m.transfer(t, some_call()); break;
      case 17: s = m.merge(t); break;
      case 18: s = m.leave(t); break;
      case 19: s = m.submit_wrap(t, pick(3) == 0 ? "bogus" : "sale"); break;
      case 20: s = m.extend_wrap(t); break;
      default:
        m.on_timer(t);  // not an event that can be refused; may do nothing
        break;
    }
    if (!s && t >= now) now = std::max(now, t);
    return s;
  }
};

// Checks one step's effects; returns "" or what went wrong.
std::string check_step(Run& r, const AgentMachine& before, const Status& s) {
  if (s) {
    if (!(r.m == before)) return "a refused event changed the machine";
    if (s->state != before.state()) return "a rejection names the wrong state";
    return {};
  }
  if (auto v = r.m.invariant_violation(); !v.empty()) return "invariant: " + v;
  for (const auto& t : r.m.drain()) {
    if (t.from != r.last_to) return "records do not chain";
    r.last_to = t.to;
    if (t.at_ms > r.now) return "a record from the future";
    if (t.call_released) {
      if (r.live.erase(t.call) != 1) return "released a call that was not held";
    } else if (t.call != 0 && (t.cause == Cause::Offered || t.cause == Cause::ManualCall ||
                               t.cause == Cause::ConsultStarted)) {
      if (!r.live.insert(t.call).second) return "a call entered twice";
    }
  }
  std::set<CallId> held;
  for (const auto& c : r.m.calls()) held.insert(c.id);
  if (held != r.live) return "the machine's calls differ from the calls that entered";
  std::int64_t sum = 0;
  for (auto v : r.m.time_in_state(r.now)) sum += v;
  if (sum != r.now) return "time in state sums to " + std::to_string(sum);
  return {};
}

std::string run_seed(std::uint64_t seed, int steps, StateTimes& visits) {
  Run r(seed);
  for (int i = 0; i < steps; ++i) {
    const AgentMachine before = r.m;
    const Status s = r.step();
    if (auto e = check_step(r, before, s); !e.empty()) return e + " after: " + r.log;
    ++visits[static_cast<std::size_t>(r.m.state())];
  }
  // The session ends: every call that entered has left.
  if (r.m.state() != State::LoggedOut) {
    const AgentMachine before = r.m;
    const Status s = r.m.force_logout(r.now);
    if (auto e = check_step(r, before, s); !e.empty()) return e + " at the forced logout";
  }
  if (!r.live.empty()) return "calls leaked at logout";
  return {};
}

}  // namespace

TEST_CASE("random event sequences keep every property", "[agent_state][property]") {
  std::uint64_t first = 1;
  std::uint64_t count = 3000;
  if (const char* env = std::getenv("DIALCORE_AGENT_SEED")) {
    first = std::strtoull(env, nullptr, 10);
    count = 1;
  }
  std::uint64_t states_seen = 0;
  StateTimes visits{};  // steps ending in each state: the generator must reach them all
  for (std::uint64_t seed = first; seed < first + count; ++seed) {
    const auto err = run_seed(seed, 300, visits);
    if (!err.empty()) {
      INFO("seed " << seed << " (replay: DIALCORE_AGENT_SEED=" << seed << "): " << err);
      FAIL();
    }
    ++states_seen;
  }
  CHECK(states_seen == count);
  for (std::size_t i = 0; i < kStateCount && count > 1; ++i) {
    INFO(to_string(static_cast<State>(i)) << " reached " << visits[i] << " times");
    CHECK(visits[i] > 100);
  }
}

TEST_CASE("the property checker catches a call mismatch", "[agent_state][property]") {
  // The judge can fail: calls held and calls entered-not-released that differ are reported.
  Run r(7);
  REQUIRE_FALSE(r.m.login(1));
  REQUIRE_FALSE(r.m.connect_voice(2));
  if (r.m.state() == State::Paused) REQUIRE_FALSE(r.m.set_available(2));  // login in pause
  r.m.drain();
  r.last_to = r.m.state();
  r.now = 3;
  const AgentMachine before = r.m;
  const Status s = r.m.offer(3, 42, CallContext{});
  REQUIRE_FALSE(s);
  r.live.insert(77);  // bookkeeping holds a call the machine does not: a leak either way
  CHECK(check_step(r, before, s) == "the machine's calls differ from the calls that entered");
}
