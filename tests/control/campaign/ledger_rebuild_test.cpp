// The abandonment ledger rebuilt from the store after a restart (issue 9 compliance; label
// dialler). A campaign runner works a simulated floor for two hours across a UTC midnight (AMD
// on, UK formula, ratio dialling that abandons) while every call is reported to the real call
// history on SQLite at the same times, as control/appliance does; then a new runner seeded from
// the store (rebuild_ledger + seed_ledger, what CampaignSet does when it builds a runner) has
// exactly the ledger the first one had, minute by minute, and its predictive strategy paces
// against the same counts. After a crash, recovery's interrupted calls count as the runner
// counted them, and a live answer the crash dropped before any agent counts as abandoned.
#include <catch2/catch.hpp>

#include <map>
#include <random>
#include <set>
#include <vector>

#include "control/campaign/campaign_runner.hpp"
#include "control/campaign/ledger_rebuild.hpp"
#include "dialler/predictive_strategy.hpp"
#include "tests/control/history/history_fixture.hpp"

namespace campaign = dialcore::control::campaign;
namespace dialler = dialcore::dialler;
using campaign::CallKey;
using dialler::LedgerWindow;
using namespace dialcore::test;

namespace {

constexpr std::int64_t kStartMs = 1'800'054'000'000;  // 2027-01-15 23:00 UTC

struct StoreLeads final : campaign::LeadSource {
  std::vector<std::int64_t> ids;
  std::size_t next_index = 0;
  std::optional<campaign::LeadPick> next(std::int64_t) override {
    if (next_index >= ids.size()) return std::nullopt;
    return campaign::LeadPick{ids[next_index++], 0, "+447700900123"};
  }
  void release(std::int64_t) override {}
};

// The call layer: what control/appliance does with the runner's orders, reported to the history
// at the test's clock (ms) and turned into runner events by the floor loop below.
struct Floor final : campaign::CallPort {
  struct Call {
    std::int64_t lead = 0;
    std::int64_t placed_ms = 0;
    std::int64_t answer_ms = -1;  // -1: never answered
    bool machine = false;
    bool answered = false;
    std::int64_t agent = 0;
    std::int64_t end_ms = -1;  // scheduled end
    history::EndCause cause = history::EndCause::Normal;
  };
  Floor(history::CallHistory& h, const HistoryWorld& w, std::uint32_t seed)
      : history(h), world(w), rng(seed) {}

  static std::string id(CallKey k) {
    std::string s = std::to_string(k);  // "c" + to_string trips GCC 12's -Wrestrict
    return s.insert(0, 1, 'c');
  }
  void originate(const campaign::DialOrder& o) override {
    REQUIRE(history.leg_started(outbound(id(o.call), world, o.lead_id), now_ms).ok());
    Call c;
    c.lead = o.lead_id;
    c.placed_ms = now_ms;
    std::uniform_real_distribution<double> u(0, 1);
    if (u(rng) < 0.7) {
      c.answer_ms = now_ms + 3000 + static_cast<std::int64_t>(u(rng) * 9000);
      c.machine = u(rng) < 0.25;
    } else {
      c.end_ms = now_ms + 20'000;
      c.cause = history::EndCause::NoAnswer;
    }
    calls[o.call] = c;
  }
  void connect(CallKey c, std::int64_t agent) override { connects.push_back({c, agent}); }
  void abandon(CallKey c) override {
    end(c, now_ms + 4000, history::EndCause::Abandoned);  // after the information message
  }
  void drop_machine(CallKey c) override { end(c, now_ms + 100, history::EndCause::Normal); }
  void cancel(CallKey c) override { end(c, now_ms + 50, history::EndCause::NoAnswer); }
  void end(CallKey c, std::int64_t at, history::EndCause cause) {
    calls[c].end_ms = at;
    calls[c].cause = cause;
  }

  // One step of the floor at now_ms: answers, AMD verdicts, bridges, ends, agents back.
  void step(campaign::CampaignRunner& r) {
    const double t = static_cast<double>(now_ms) / 1000.0;
    auto pending = std::move(connects);
    connects.clear();
    for (auto [key, agent] : pending) {
      auto it = calls.find(key);
      if (it == calls.end() || it->second.end_ms >= 0) continue;  // abandoned meanwhile
      it->second.agent = agent;
      REQUIRE(history.bridged(id(key), "a", agent, now_ms).ok());
      r.call_bridged(key, t);
      std::uniform_int_distribution<std::int64_t> talk(20'000, 120'000);
      end(key, now_ms + talk(rng), history::EndCause::Normal);
    }
    std::vector<CallKey> keys;
    for (const auto& [key, c] : calls) keys.push_back(key);
    for (CallKey key : keys) {
      Call& c = calls[key];
      if (!c.answered && c.answer_ms >= 0 && c.answer_ms <= now_ms && c.end_ms < 0) {
        c.answered = true;
        REQUIRE(history.answered(id(key), "a", now_ms).ok());
        r.call_answered(key, t);
        const bool machine = c.machine;
        REQUIRE(history.amd(id(key), "a", machine ? "machine" : "human", now_ms).ok());
        r.call_amd(key, machine ? campaign::AmdVerdict::Machine : campaign::AmdVerdict::Human, t);
      }
      if (c.end_ms >= 0 && c.end_ms <= now_ms) {
        REQUIRE(history.ended(id(key), "a", c.cause, now_ms).ok());
        const std::int64_t agent = c.agent;
        calls.erase(key);
        r.call_ended(key, t);
        if (agent != 0) {
          r.agent_wrap(agent, t);
          back[agent] = now_ms + 5000;
        }
      }
    }
    for (auto it = back.begin(); it != back.end();) {
      if (it->second <= now_ms) {
        r.agent_ready(it->first, t);
        it = back.erase(it);
      } else {
        ++it;
      }
    }
    r.tick(t);
  }

  history::CallHistory& history;
  const HistoryWorld& world;
  std::mt19937 rng;
  std::int64_t now_ms = kStartMs;
  std::map<CallKey, Call> calls;
  std::vector<std::pair<CallKey, std::int64_t>> connects;
  std::map<std::int64_t, std::int64_t> back;  // agent → ready again at
};

campaign::RunnerSettings settings(std::int64_t campaign_id) {
  campaign::RunnerSettings s;
  s.campaign_id = campaign_id;
  s.amd = true;
  s.uk_ledger = true;
  return s;
}

std::unique_ptr<dialler::PacingStrategy> strategy(const std::string& spec) {
  dialler::CampaignPacing p;
  p.amd_enabled = true;
  std::string error;
  auto s = dialler::make_strategy(spec, p, &error);
  INFO(error);
  REQUIRE(s);
  return s;
}

struct NoPort final : campaign::CallPort {
  void originate(const campaign::DialOrder&) override {}
  void connect(CallKey, std::int64_t) override {}
  void abandon(CallKey) override {}
  void drop_machine(CallKey) override {}
  void cancel(CallKey) override {}
};

// A store with a campaign and `leads` leads, the call history writing to it on its own
// connection (as in dialcored), and a lead source handing out those leads.
struct Rig {
  explicit Rig(int leads)
      : store(open_store(dir.file("store.db"))),
        world(seed_world(*store, leads, 5)),
        writer_store(open_store(dir.file("store.db"))),
        history(*writer_store) {
    source.ids = world.leads;
  }
  TempDir dir;
  std::unique_ptr<store::Store> store;
  HistoryWorld world;
  std::unique_ptr<store::Store> writer_store;
  history::CallHistory history;
  StoreLeads source;
};

}  // namespace

TEST_CASE("a runner seeded from the store has the ledger the runner before the restart had",
          "[runner][ledger]") {
  Rig rig(2000);
  auto& [dir, db, w, writer_db, hist, leads] = rig;
  Floor floor(hist, w, GENERATE(1u, 2u));
  campaign::CampaignRunner before(settings(w.campaign), strategy("ratio:3"), leads, floor);
  for (std::int64_t agent : {1, 2, 3}) before.agent_ready(agent, kStartMs / 1000.0);
  // Two hours in 250 ms steps, across midnight UTC; then no new dials and every call ends.
  for (; floor.now_ms < kStartMs + 2 * 3'600'000; floor.now_ms += 250) floor.step(before);
  before.pause(true);
  for (int i = 0; i < 4 * 300 && !floor.calls.empty(); ++i, floor.now_ms += 250) {
    floor.step(before);
  }
  REQUIRE(floor.calls.empty());
  REQUIRE(hist.flush());
  REQUIRE(hist.stats().rejected == 0);
  const auto& c = before.counters();
  INFO("dials " << c.dials << " answered " << c.answered << " machines " << c.machines
                << " bridged " << c.bridged << " abandoned " << c.abandoned);
  REQUIRE(c.abandoned >= 5);  // ratio:3 on three agents abandons: the test has something to see
  REQUIRE(c.machines >= 5);
  REQUIRE(c.bridged >= 50);

  // "Restart": a new runner from the store alone.
  auto rebuilt = campaign::rebuild_ledger(*db, w.campaign, floor.now_ms);
  REQUIRE(rebuilt.ok());
  CHECK(rebuilt->interrupted == 0);
  NoPort port;
  StoreLeads none;
  campaign::CampaignRunner after(settings(w.campaign), strategy("predictive"), none, port);
  after.seed_ledger(rebuilt->facts);
  CHECK(after.ledger() == before.ledger());
  const double now = static_cast<double>(floor.now_ms) / 1000.0;
  for (auto win : {LedgerWindow::Rolling24h, LedgerWindow::CalendarDay, LedgerWindow::Rolling30d,
                   LedgerWindow::CalendarMonth}) {
    CHECK(after.ledger().counts(win, now) == before.ledger().counts(win, now));
  }
  const auto all = before.ledger().counts(LedgerWindow::Rolling30d, now);
  CHECK(all.abandoned == static_cast<double>(c.abandoned));
  CHECK(all.live == static_cast<double>(c.bridged + c.abandoned));
  CHECK(all.amd_false_positive_est == Approx(0.05 * static_cast<double>(c.machines)));
  // The calendar day started at midnight UTC: fewer than the rolling 24 h.
  CHECK(after.ledger().counts(LedgerWindow::CalendarDay, now).live < all.live);
  // The predictive strategy paces on the same live answers and abandons (its own UK mode is off).
  const auto& p = dynamic_cast<const dialler::PredictiveStrategy&>(after.strategy());
  const auto seen = p.ledger().counts(LedgerWindow::Rolling30d, now);
  CHECK(seen.live == all.live);
  CHECK(seen.abandoned == all.abandoned);
  // Outside the 32 days the ledger keeps: nothing is read.
  auto later = campaign::rebuild_ledger(*db, w.campaign, floor.now_ms + 33LL * 86'400'000);
  REQUIRE(later.ok());
  CHECK(later->facts.empty());
  // Another campaign's attempts are not this one's.
  auto other = campaign::rebuild_ledger(*db, w.campaign + 1, floor.now_ms);
  REQUIRE(other.ok());
  CHECK(other->facts.empty());
  hist.stop();
}

TEST_CASE("after a crash, a live answer dropped before any agent counts as abandoned",
          "[runner][ledger]") {
  Rig rig(10);
  auto& [dir, db, w, writer_db, hist, leads] = rig;
  NoPort port;
  campaign::RunnerSettings s = settings(w.campaign);
  s.amd = false;
  campaign::CampaignRunner before(s, strategy("ratio:2"), leads, port);
  const double t0 = kStartMs / 1000.0;
  before.agent_ready(1, t0);  // ratio:2: calls 1 and 2
  for (CallKey k : {CallKey{1}, CallKey{2}}) {
    REQUIRE(hist.leg_started(outbound(Floor::id(k), w, w.leads[k - 1]), kStartMs).ok());
  }
  // Call 1 answered and bridged to agent 1; call 2 answered a second later, waiting: the
  // process dies 1 s into its 2 s.
  REQUIRE(hist.answered("c1", "a", kStartMs + 5000).ok());
  before.call_answered(1, t0 + 5);
  REQUIRE(hist.bridged("c1", "a", 1, kStartMs + 5200).ok());
  before.call_bridged(1, t0 + 5.2);
  REQUIRE(hist.answered("c2", "a", kStartMs + 6000).ok());
  before.call_answered(2, t0 + 6);
  before.tick(t0 + 7);
  REQUIRE(before.counters().abandoned == 0);
  REQUIRE(hist.stop());  // what the writer committed is what the crash leaves
  auto recovered = history::recover(*db, kStartMs + 60'000);
  REQUIRE(recovered.ok());
  CHECK(recovered->attempts_closed == 2);

  auto rebuilt = campaign::rebuild_ledger(*db, w.campaign, kStartMs + 60'000);
  REQUIRE(rebuilt.ok());
  CHECK(rebuilt->interrupted == 1);
  REQUIRE(rebuilt->facts.size() == 2);
  CHECK(rebuilt->facts[0] == dialler::LedgerFact{t0 + 5, dialler::LedgerFactKind::LiveAnswer});
  CHECK(rebuilt->facts[1] == dialler::LedgerFact{t0 + 6, dialler::LedgerFactKind::Abandon});
  campaign::CampaignRunner after(s, strategy("ratio:2"), leads, port);
  after.seed_ledger(rebuilt->facts);
  const auto counts = after.ledger().counts(LedgerWindow::Rolling24h, t0 + 60);
  CHECK(counts.live == 2);
  CHECK(counts.abandoned == 1);
  // What the runner before had, plus the abandon its deadline would have counted.
  dialler::AbandonLedger expected = before.ledger();
  expected.record_live_answer(t0 + 6);
  expected.record_abandon(t0 + 6);
  CHECK(after.ledger() == expected);
}
