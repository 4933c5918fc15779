// The simulator's draws (label e2e): seeded reproducibility, the schema's rules, extensions.

#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <string>

#include "sim/carrier/call_plan.hpp"

namespace dialcore::sim::carrier {
namespace {

const std::string kBaseline = DIALCORE_SOURCE_DIR "/bench/pacing/workloads/B-baseline-20.yaml";

Planner planner(std::uint64_t seed, double scale = 1.0) {
  return Planner(bench::pacing::load_workload(kBaseline), load_extensions(kBaseline), seed, scale);
}

std::string temp_yaml(const std::string& name, const std::string& text) {
  const std::string path = "carrier_plan_test_" + name + ".yaml";
  std::ofstream(path) << text;
  return path;
}

}  // namespace

TEST_CASE("carrier plan: the same seed draws the same calls, another seed others", "[e2e]") {
  Planner a = planner(42), b = planner(42), c = planner(43);
  int same_as_c = 0;
  for (int i = 0; i < 200; ++i) {
    const CallPlan x = a.next(), y = b.next(), z = c.next();
    REQUIRE(x.outcome == y.outcome);
    REQUIRE(x.final_s == y.final_s);
    REQUIRE(x.talk_s == y.talk_s);
    REQUIRE(x.clip_draw == y.clip_draw);
    same_as_c += x.outcome == z.outcome && x.final_s == z.final_s;
  }
  CHECK(same_as_c < 150);
}

TEST_CASE("carrier plan: outcomes follow the workload and answers past the ring timeout are no-answers", "[e2e]") {
  Planner p = planner(1);
  constexpr int kN = 20000;
  int counts[kOutcomeCount] = {};
  for (int i = 0; i < kN; ++i) {
    const CallPlan c = p.next();
    ++counts[static_cast<int>(c.outcome)];
    if (c.outcome == Outcome::Live || c.outcome == Outcome::Machine) {
      REQUIRE(c.final_s < 25.0);
      REQUIRE(c.final_s >= 1.0);  // the live mixture's min clamp; machines from 10 s
      REQUIRE(c.talk_s >= 0.0);
    }
    if (c.outcome == Outcome::Busy) REQUIRE((c.final_s >= 3 && c.final_s <= 6));
    if (c.outcome != Outcome::Live) REQUIRE_FALSE(c.pay);
  }
  // 4 sigma of a binomial at n = 20000.
  CHECK(std::abs(counts[0] - 0.25 * kN) < 4 * std::sqrt(kN * 0.25 * 0.75));
  CHECK(std::abs(counts[1] - 0.15 * kN) < 4 * std::sqrt(kN * 0.15 * 0.85) + 1);
  CHECK(std::abs(counts[2] - 0.05 * kN) < 4 * std::sqrt(kN * 0.05 * 0.95));
  CHECK(std::abs(counts[3] - 0.05 * kN) < 4 * std::sqrt(kN * 0.05 * 0.95));
  CHECK(counts[4] == 0);  // no congestion in this workload
  CHECK(std::abs(counts[5] - 0.50 * kN) < 4 * std::sqrt(kN * 0.25));
}

TEST_CASE("carrier plan: the time scale shrinks times, not probabilities", "[e2e]") {
  Planner full = planner(9), fast = planner(9, 0.1);
  for (int i = 0; i < 100; ++i) {
    const CallPlan a = full.next(), b = fast.next();
    REQUIRE(a.outcome == b.outcome);
    REQUIRE(b.final_s == Approx(a.final_s * 0.1));
    REQUIRE(b.talk_s == Approx(a.talk_s * 0.1));
  }
}

TEST_CASE("carrier plan: the carrier section is read and checked", "[e2e]") {
  const std::string head = "name: x\nagents: 1\nshift_hours: 1\noutcomes: {live: 0.5, machine: 0.2, busy: 0.1, invalid: 0.1}\n"
                           "answer_time_s: {live: 1, machine: 1, busy: 1, invalid: 1}\nring_timeout_s: 25\n"
                           "talk_s: 10\nwrap_s: 1\nabandon_after_s: 2\n";
  const auto ok = load_extensions(temp_yaml("ok", head + "carrier: {congestion: 0.05, pay_probability: 0.3, dtmf: both, card: '4000123412341234', cvv: '999', invalid_status: 484}\n"));
  CHECK(ok.congestion == 0.05);
  CHECK(ok.pay_probability == 0.3);
  CHECK(ok.dtmf == DtmfMode::Both);
  CHECK(ok.card == "4000123412341234");
  CHECK(ok.invalid_status == 484);
  CHECK(load_extensions(kBaseline).pay_probability == 0.0);  // no section: defaults

  CHECK_THROWS_WITH(load_extensions(temp_yaml("k", head + "carrier: {pay_prob: 1}\n")), Catch::Contains("carrier.pay_prob: unknown key"));
  CHECK_THROWS_WITH(load_extensions(temp_yaml("r", head + "carrier: {pay_probability: 2}\n")), Catch::Contains("out of range"));
  CHECK_THROWS_WITH(load_extensions(temp_yaml("c", head + "carrier: {card: '41x1'}\n")), Catch::Contains("carrier.card"));
  CHECK_THROWS_WITH(load_extensions(temp_yaml("s", head + "carrier: {invalid_status: 410}\n")), Catch::Contains("404 or 484"));
  // Congestion on top of outcomes summing to 0.9 leaves no room for 0.2 more.
  const std::string over = temp_yaml("o", head + "carrier: {congestion: 0.2}\n");
  CHECK_THROWS_WITH(Planner(bench::pacing::load_workload(over), load_extensions(over), 1), Catch::Contains("sum above 1"));
}

}  // namespace dialcore::sim::carrier
