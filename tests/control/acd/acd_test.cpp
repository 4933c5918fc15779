// Acd scenarios: each strategy through the queue, round-robin memory, skills, the ring-timeout
// chain with auto-pause, wrap time, overflow, announcements, service level on a scripted day,
// and the refusals.
#include <catch2/catch.hpp>

#include "control/acd/acd.hpp"

#include <utility>
#include <vector>

using namespace dialcore::control::acd;

namespace {

QueueConfig queue(std::string id, Strategy s) {
  QueueConfig q;
  q.id = std::move(id);
  q.strategy = s;
  q.ring_timeout_ms = 20'000;
  q.wrap_ms = 10'000;
  q.max_wait_ms = 0;
  q.service_level_ms = 20'000;
  return q;
}

std::vector<std::pair<CallId, AgentId>> of_kind(const std::vector<Decision>& ds, DecisionKind k) {
  std::vector<std::pair<CallId, AgentId>> out;
  for (const auto& d : ds)
    if (d.kind == k) out.emplace_back(d.call, d.agent);
  return out;
}
using Pairs = std::vector<std::pair<CallId, AgentId>>;

// Agents 1..n in queue "q", made ready at 100, 200, ... (agent 1 idle longest).
Acd team(Strategy s, int n, std::uint64_t seed = 1) {
  Acd acd({queue("q", s)}, seed, 0);
  for (AgentId id = 1; id <= static_cast<AgentId>(n); ++id)
    REQUIRE_FALSE(acd.add_agent(AgentProfile{id, {"q"}, {}}, 0));
  for (AgentId id = 1; id <= static_cast<AgentId>(n); ++id)
    REQUIRE_FALSE(acd.agent_ready(id, 100 * id));
  return acd;
}

// Answers `call` with `agent`, ends it, makes the agent ready after the wrap.
void serve(Acd& acd, CallId call, AgentId agent, std::int64_t t) {
  REQUIRE_FALSE(acd.answered(call, agent, t));
  REQUIRE_FALSE(acd.call_ended(agent, t + 1000));
  REQUIRE_FALSE(acd.agent_ready(agent, t + 1000));
}

}  // namespace

TEST_CASE("longest idle offers the agent ready longest", "[acd]") {
  auto acd = team(Strategy::LongestIdle, 3);
  REQUIRE_FALSE(acd.enqueue(11, "q", 0, 1000));
  CHECK(of_kind(acd.drain(), DecisionKind::Offer) == Pairs{{11, 1}});
  REQUIRE_FALSE(acd.enqueue(12, "q", 0, 1100));
  CHECK(of_kind(acd.drain(), DecisionKind::Offer) == Pairs{{12, 2}});
  CHECK(acd.mode(1) == AgentMode::Offered);
}

TEST_CASE("ring all offers every ready agent - the first answer withdraws the others", "[acd]") {
  auto acd = team(Strategy::RingAll, 3);
  REQUIRE_FALSE(acd.enqueue(11, "q", 0, 1000));
  CHECK(of_kind(acd.drain(), DecisionKind::Offer) == Pairs{{11, 1}, {11, 2}, {11, 3}});
  REQUIRE_FALSE(acd.answered(11, 2, 3000));
  CHECK(of_kind(acd.drain(), DecisionKind::Withdraw) == Pairs{{11, 1}, {11, 3}});
  CHECK(acd.mode(1) == AgentMode::Unavailable);  // until the owner says where it went
  CHECK(acd.mode(2) == AgentMode::Busy);
  CHECK(acd.answered(11, 1, 3001) == Errc::UnknownCall);
  REQUIRE_FALSE(acd.agent_ready(3, 3100));
  REQUIRE_FALSE(acd.agent_ready(1, 3200));
  REQUIRE_FALSE(acd.enqueue(12, "q", 0, 3300));
  CHECK(of_kind(acd.drain(), DecisionKind::Offer) == Pairs{{12, 1}, {12, 3}});
}

TEST_CASE("fewest calls prefers the agent with fewer answered calls", "[acd]") {
  auto acd = team(Strategy::FewestCalls, 2);
  REQUIRE_FALSE(acd.enqueue(11, "q", 0, 1000));
  CHECK(of_kind(acd.drain(), DecisionKind::Offer) == Pairs{{11, 1}});
  serve(acd, 11, 1, 2000);
  // Agent 1 is ready again (after wrap) but has one call; agent 2 none.
  REQUIRE_FALSE(acd.enqueue(12, "q", 0, 20'000));
  CHECK(of_kind(acd.drain(), DecisionKind::Offer) == Pairs{{12, 2}});
}

TEST_CASE("round robin remembers the last agent across calls", "[acd]") {
  auto acd = team(Strategy::RoundRobin, 3);
  Pairs got;
  std::int64_t t = 1000;
  for (CallId call = 11; call <= 15; ++call) {
    REQUIRE_FALSE(acd.enqueue(call, "q", 0, t));
    const auto offers = of_kind(acd.drain(), DecisionKind::Offer);
    REQUIRE(offers.size() == 1);
    got.push_back(offers.front());
    serve(acd, call, offers.front().second, t + 1);
    t += 20'000;  // past the wrap
    acd.on_timer(t);
  }
  CHECK(got == Pairs{{11, 1}, {12, 2}, {13, 3}, {14, 1}, {15, 2}});
}

TEST_CASE("random is reproducible with the seed", "[acd]") {
  auto pick_all = [](std::uint64_t seed) {
    auto acd = team(Strategy::Random, 5, seed);
    Pairs got;
    std::int64_t t = 1000;
    for (CallId call = 11; call <= 30; ++call) {
      REQUIRE_FALSE(acd.enqueue(call, "q", 0, t));
      const auto offers = of_kind(acd.drain(), DecisionKind::Offer);
      REQUIRE(offers.size() == 1);
      got.push_back(offers.front());
      serve(acd, call, offers.front().second, t + 1);
      t += 20'000;
      acd.on_timer(t);
    }
    return got;
  };
  const auto a = pick_all(7);
  CHECK(a == pick_all(7));
  CHECK(a != pick_all(8));
}

TEST_CASE("skill weighted: the qualified agent with the best score", "[acd]") {
  auto q = queue("fr", Strategy::SkillWeighted);
  q.skills = {{"french", 5, 3}, {"billing", 0, 1}};
  Acd acd({q}, 1, 0);
  REQUIRE_FALSE(acd.add_agent({1, {"fr"}, {{"french", 4}, {"billing", 9}}}, 0));  // below min
  REQUIRE_FALSE(acd.add_agent({2, {"fr"}, {{"french", 6}}}, 0));                  // 18
  REQUIRE_FALSE(acd.add_agent({3, {"fr"}, {{"french", 5}, {"billing", 4}}}, 0));  // 19
  for (AgentId id = 1; id <= 3; ++id) REQUIRE_FALSE(acd.agent_ready(id, 10));
  REQUIRE_FALSE(acd.enqueue(11, "fr", 0, 100));
  CHECK(of_kind(acd.drain(), DecisionKind::Offer) == Pairs{{11, 3}});
  REQUIRE_FALSE(acd.enqueue(12, "fr", 0, 200));
  CHECK(of_kind(acd.drain(), DecisionKind::Offer) == Pairs{{12, 2}});
  REQUIRE_FALSE(acd.enqueue(13, "fr", 0, 300));  // only agent 1 is free: not qualified
  CHECK(acd.drain().empty());
  CHECK(acd.mode(1) == AgentMode::Ready);
}

TEST_CASE("ring timeout: auto-pause and the next agent, down the chain", "[acd]") {
  auto acd = team(Strategy::LongestIdle, 3);
  REQUIRE_FALSE(acd.enqueue(11, "q", 0, 1000));
  CHECK(of_kind(acd.drain(), DecisionKind::Offer) == Pairs{{11, 1}});
  CHECK(acd.next_deadline() == 21'000);
  acd.on_timer(20'999);
  CHECK(acd.drain().empty());
  acd.on_timer(21'000);
  auto ds = acd.drain();
  CHECK(of_kind(ds, DecisionKind::AutoPause) == Pairs{{11, 1}});
  CHECK(of_kind(ds, DecisionKind::Offer) == Pairs{{11, 2}});
  CHECK(acd.mode(1) == AgentMode::Unavailable);
  acd.on_timer(41'000);
  ds = acd.drain();
  CHECK(of_kind(ds, DecisionKind::AutoPause) == Pairs{{11, 2}});
  CHECK(of_kind(ds, DecisionKind::Offer) == Pairs{{11, 3}});
  REQUIRE_FALSE(acd.answered(11, 3, 45'000));
  const auto s = acd.stats("q", 45'000);
  CHECK(s.answered == 1);
  CHECK(s.answered_within_sl == 0);  // 44 s > 20 s
  CHECK(s.waiting == 0);
}

TEST_CASE("rejected: the call goes to another agent, never back to the one who declined", "[acd]") {
  auto acd = team(Strategy::LongestIdle, 2);
  REQUIRE_FALSE(acd.enqueue(11, "q", 0, 1000));
  acd.drain();
  REQUIRE_FALSE(acd.rejected(11, 1, 1500));
  CHECK(of_kind(acd.drain(), DecisionKind::Offer) == Pairs{{11, 2}});
  REQUIRE_FALSE(acd.rejected(11, 2, 1600));
  CHECK(acd.drain().empty());  // both declined: it waits for someone else
  CHECK(acd.has_call(11));
  CHECK(acd.mode(1) == AgentMode::Unavailable);
  REQUIRE_FALSE(acd.agent_ready(2, 1650));
  REQUIRE_FALSE(acd.agent_ready(1, 1700));
  CHECK(acd.drain().empty());  // ready, but both declined this call
  CHECK(acd.mode(1) == AgentMode::Ready);
  // Their idle time was kept through the offer: agent 1 (idle since 100) before 2 (200).
  REQUIRE_FALSE(acd.enqueue(12, "q", 0, 1800));
  CHECK(of_kind(acd.drain(), DecisionKind::Offer) == Pairs{{12, 1}});
}

TEST_CASE("wrap time: an agent is not offered before its wrap ends", "[acd]") {
  auto acd = team(Strategy::LongestIdle, 1);
  REQUIRE_FALSE(acd.enqueue(11, "q", 0, 1000));
  acd.drain();
  REQUIRE_FALSE(acd.answered(11, 1, 2000));
  REQUIRE_FALSE(acd.call_ended(1, 30'000));
  REQUIRE_FALSE(acd.agent_ready(1, 31'000));  // wrapped quickly; the queue's 10 s still apply
  REQUIRE_FALSE(acd.enqueue(12, "q", 0, 32'000));
  CHECK(acd.drain().empty());
  CHECK(acd.next_deadline() == 40'000);
  acd.on_timer(40'000);
  CHECK(of_kind(acd.drain(), DecisionKind::Offer) == Pairs{{12, 1}});
}

TEST_CASE("priority first, then arrival order", "[acd]") {
  Acd acd({queue("q", Strategy::LongestIdle)}, 1, 0);
  REQUIRE_FALSE(acd.add_agent({1, {"q"}, {}}, 0));
  REQUIRE_FALSE(acd.enqueue(11, "q", 0, 100));
  REQUIRE_FALSE(acd.enqueue(12, "q", 5, 200));
  REQUIRE_FALSE(acd.enqueue(13, "q", 0, 300));
  REQUIRE_FALSE(acd.agent_ready(1, 400));
  CHECK(of_kind(acd.drain(), DecisionKind::Offer) == Pairs{{12, 1}});
}

TEST_CASE("overflow at maximum wait: to another queue, to voicemail, hang up", "[acd]") {
  auto a = queue("a", Strategy::LongestIdle);
  a.max_wait_ms = 60'000;
  a.overflow = OverflowAction::Queue;
  a.overflow_queue = std::string("b");  // moved in: GCC 12 -Wrestrict misfires on char* =
  auto b = queue("b", Strategy::LongestIdle);
  b.max_wait_ms = 30'000;
  b.overflow = OverflowAction::Voicemail;
  REQUIRE_FALSE(Acd::validate({a, b}));
  Acd acd({a, b}, 1, 0);
  REQUIRE_FALSE(acd.add_agent({1, {"b"}, {}}, 0));  // only b is staffed, agent busy at first
  REQUIRE_FALSE(acd.enqueue(11, "a", 0, 1000));
  REQUIRE_FALSE(acd.enqueue(12, "a", 0, 2000));
  CHECK(acd.next_deadline() == 61'000);
  acd.on_timer(61'000);
  auto ds = acd.drain();
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].kind == DecisionKind::Overflow);
  CHECK(ds[0].overflow == OverflowAction::Queue);
  CHECK(ds[0].target == "b");
  CHECK(acd.stats("a", 61'000).overflowed == 1);
  CHECK(acd.stats("b", 61'000).waiting == 1);
  REQUIRE_FALSE(acd.agent_ready(1, 61'500));
  CHECK(of_kind(acd.drain(), DecisionKind::Offer) == Pairs{{11, 1}});
  REQUIRE_FALSE(acd.answered(11, 1, 61'600));
  acd.on_timer(62'000);  // call 12 moves to b too, then waits 30 s there: voicemail
  acd.drain();
  acd.on_timer(92'000);
  ds = acd.drain();
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].call == 12);
  CHECK(ds[0].overflow == OverflowAction::Voicemail);
  CHECK_FALSE(acd.has_call(12));

  a.overflow_queue = std::string("nowhere");
  CHECK(Acd::validate({a, b}));
  a.overflow_queue = a.id;  // itself
  CHECK(Acd::validate({a, b}));
}

TEST_CASE("announcements: position and estimated wait on the interval", "[acd]") {
  auto q = queue("q", Strategy::LongestIdle);
  q.announce_interval_ms = 30'000;
  Acd acd({q}, 1, 0);
  REQUIRE_FALSE(acd.add_agent({1, {"q"}, {}}, 0));
  REQUIRE_FALSE(acd.add_agent({2, {"q"}, {}}, 0));
  // One call handled first so the estimate is known: 50 s talk + 10 s wrap = 60 s.
  REQUIRE_FALSE(acd.agent_ready(1, 0));
  REQUIRE_FALSE(acd.enqueue(10, "q", 0, 0));
  REQUIRE_FALSE(acd.answered(10, 1, 1000));
  REQUIRE_FALSE(acd.call_ended(1, 51'000));
  REQUIRE_FALSE(acd.agent_unavailable(1, 51'000));  // nobody staffed: the estimate divides by 1
  acd.drain();
  REQUIRE_FALSE(acd.enqueue(11, "q", 0, 60'000));
  REQUIRE_FALSE(acd.enqueue(12, "q", 0, 61'000));
  acd.on_timer(90'000);
  auto ds = acd.drain();
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].kind == DecisionKind::Announce);
  CHECK(ds[0].call == 11);
  CHECK(ds[0].position == 1);
  CHECK(ds[0].wait_estimate_ms == 60'000);  // 1 × 60 s / max(1, 0 staffed)
  acd.on_timer(91'000);
  ds = acd.drain();
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].call == 12);
  CHECK(ds[0].position == 2);
  CHECK(ds[0].wait_estimate_ms == 120'000);
  CHECK(acd.next_deadline() == 120'000);
}

TEST_CASE("service level on a scripted day", "[acd]") {
  // T = 20 s. Answered after 5 s, 15 s, 25 s; abandoned after 10 s (short) and 40 s;
  // SL = answered within T / (answered + abandoned after T) = 2 / (3 + 1) = 50 %.
  Acd acd({queue("q", Strategy::LongestIdle)}, 1, 0);
  REQUIRE_FALSE(acd.add_agent({1, {"q"}, {}}, 0));
  const std::pair<CallId, std::int64_t> answered[] = {{1, 5000}, {2, 15'000}, {3, 25'000}};
  std::int64_t t = 0;
  for (const auto& [call, wait] : answered) {
    REQUIRE_FALSE(acd.enqueue(call, "q", 0, t));
    REQUIRE_FALSE(acd.agent_ready(1, t + wait));
    REQUIRE_FALSE(acd.answered(call, 1, t + wait));
    REQUIRE_FALSE(acd.call_ended(1, t + wait + 1000));
    REQUIRE_FALSE(acd.agent_unavailable(1, t + wait + 1000));
    t += 100'000;
  }
  REQUIRE_FALSE(acd.enqueue(4, "q", 0, t));
  REQUIRE_FALSE(acd.abandoned(4, t + 10'000));
  REQUIRE_FALSE(acd.enqueue(5, "q", 0, t + 20'000));
  REQUIRE_FALSE(acd.enqueue(6, "q", 0, t + 30'000));
  REQUIRE_FALSE(acd.abandoned(5, t + 60'000));
  const auto s = acd.stats("q", t + 70'000);
  CHECK(s.entered == 6);
  CHECK(s.answered == 3);
  CHECK(s.answered_within_sl == 2);
  CHECK(s.abandoned == 2);
  CHECK(s.abandoned_within_sl == 1);
  CHECK(s.waiting == 1);
  CHECK(s.longest_wait_ms == 40'000);
  REQUIRE(s.service_level_percent);
  CHECK(*s.service_level_percent == Approx(50.0));
  CHECK(s.average_handle_ms == 11'000);  // 1 s talk + 10 s wrap
  acd.reset_stats();
  CHECK_FALSE(acd.stats("q", t + 70'000).service_level_percent);
}

TEST_CASE("refusals change nothing and name the reason", "[acd]") {
  auto acd = team(Strategy::LongestIdle, 2);
  REQUIRE_FALSE(acd.enqueue(11, "q", 0, 1000));
  acd.drain();
  CHECK(acd.enqueue(11, "q", 0, 1000) == Errc::DuplicateCall);
  CHECK(acd.enqueue(0, "q", 0, 1000) == Errc::DuplicateCall);
  CHECK(acd.enqueue(12, "nope", 0, 1000) == Errc::UnknownQueue);
  CHECK(acd.answered(11, 2, 1000) == Errc::NotOffered);
  CHECK(acd.answered(11, 9, 1000) == Errc::UnknownAgent);
  CHECK(acd.agent_ready(1, 1000) == Errc::AgentBusy);
  CHECK(acd.agent_unavailable(1, 1000) == Errc::AgentBusy);
  CHECK(acd.call_ended(2, 1000) == Errc::NotOnCall);
  CHECK(acd.abandoned(99, 1000) == Errc::UnknownCall);
  CHECK(acd.enqueue(13, "q", 0, 999) == Errc::TimeWentBackwards);
  CHECK(acd.add_agent({1, {"q"}, {}}, 1000) == Errc::DuplicateAgent);
  CHECK(acd.add_agent({3, {"zz"}, {}}, 1000) == Errc::UnknownQueue);
  CHECK(acd.drain().empty());
  CHECK(acd.ringing(11) == std::vector<AgentId>{1});
  CHECK(to_string(Errc::NotOffered) == "not_offered");
  REQUIRE_FALSE(acd.remove_agent(1, 1100));  // ringing: the call goes to agent 2
  const auto ds = acd.drain();
  CHECK(of_kind(ds, DecisionKind::Withdraw) == Pairs{{11, 1}});
  CHECK(of_kind(ds, DecisionKind::Offer) == Pairs{{11, 2}});
}

TEST_CASE("DID to queue, and a DID routed twice is refused", "[acd]") {
  auto a = queue("sales", Strategy::LongestIdle);
  a.dids.emplace_back("+442071234567");
  a.dids.emplace_back("+442071234568");
  auto b = queue("support", Strategy::LongestIdle);
  b.dids.emplace_back("+442079999999");
  REQUIRE_FALSE(Acd::validate({a, b}));
  Acd acd({a, b}, 1, 0);
  REQUIRE(acd.queue_for_did("+442071234568"));
  CHECK(*acd.queue_for_did("+442071234568") == "sales");
  CHECK(*acd.queue_for_did("+442079999999") == "support");
  CHECK(acd.queue_for_did("+15550000000") == nullptr);
  b.dids.push_back(a.dids[0]);
  REQUIRE(Acd::validate({a, b}));
  CHECK(Acd::validate({a, b})->find("two queues") != std::string::npos);
}
