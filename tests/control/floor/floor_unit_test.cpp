// The floor's pure pieces: Luhn, the card capture (limits, '#', resets, wipe), the test
// gateway's verdicts, and the event hub's filters, replay, gap and dropping of slow sinks.
#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

#include "control/floor/event_hub.hpp"
#include "control/floor/payment.hpp"

using namespace dialcore::control::floor;

TEST_CASE("Luhn accepts valid numbers and refuses one changed digit or a bad length") {
  CHECK(luhn_valid("4539578763621486"));
  CHECK(luhn_valid("378282246310005"));  // Amex test number
  CHECK_FALSE(luhn_valid("4539578763621487"));
  CHECK_FALSE(luhn_valid("42"));
  CHECK_FALSE(luhn_valid("45395787636214a6"));
  CHECK_FALSE(luhn_valid(std::string(20, '0')));
}

TEST_CASE("the card capture keeps digits per field, within limits, and wipes them") {
  CardCapture c;
  for (char d : std::string("4539578763621486")) c.key(d);
  CHECK(c.card_digits() == 16);
  c.key('#');
  CHECK(c.field() == CardField::Cvv);
  for (char d : std::string("12345")) c.key(d);  // the fifth is beyond a CVV
  CHECK(c.cvv_digits() == 4);
  CHECK(c.ignored() == 1);
  c.key('*');
  CHECK(c.ignored() == 2);
  c.reset_cvv();
  CHECK(c.cvv_digits() == 0);
  CHECK(c.card() == "4539578763621486");
  c.reset_card();
  CHECK(c.card().empty());
  CHECK(c.field() == CardField::Card);
  for (int i = 0; i < 25; ++i) c.key('1');
  CHECK(c.card_digits() == CardCapture::kMaxCard);
  c.wipe();
  CHECK(c.card_digits() == 0);
  CHECK(c.ignored() == 0);
}

TEST_CASE("the test gateway checks Luhn, expiry, CVV length by brand and the amount") {
  const std::int64_t june_2030 = 1906502400000;  // 2030-06-01T00:00Z
  PaymentRequest r;
  r.card = "4539578763621486";
  r.cvv = "123";
  r.expiry_month = 6;
  r.expiry_year = 2030;
  r.amount_cents = 100;
  CHECK(TestGateway::judge(r, june_2030).accepted);
  r.expiry_month = 5;
  CHECK(TestGateway::judge(r, june_2030).reason == "card_expired");
  r.expiry_month = 13;
  CHECK(TestGateway::judge(r, june_2030).reason == "expiry_invalid");
  r.expiry_month = 7;
  r.cvv = "1234";
  CHECK(TestGateway::judge(r, june_2030).reason == "cvv_invalid");
  r.card = "378282246310005";  // Amex: four digits
  CHECK(TestGateway::judge(r, june_2030).accepted);
  r.amount_cents = 0;
  CHECK(TestGateway::judge(r, june_2030).reason == "amount_invalid");
  r.card = "378282246310006";
  CHECK(TestGateway::judge(r, june_2030).reason == "card_number_invalid");
  TestGateway g([] { return std::int64_t{1906502400000}; });
  PaymentResult got;
  r.amount_cents = 5;
  r.card = "4539578763621486";
  r.cvv = "123";
  g.submit(r, [&](PaymentResult x) { got = x; });
  CHECK(got.accepted);
  CHECK(got.transaction_id == "test-1");
  REQUIRE(g.attempts().size() == 1);
}

namespace {
struct FakeSink : EventSink {
  std::vector<std::string> frames;
  std::size_t limit = 1000;
  bool closed = false;
  bool send(std::string_view f) override {
    if (frames.size() >= limit) return false;
    frames.emplace_back(f);
    return true;
  }
  void close() override { closed = true; }
};
}  // namespace

TEST_CASE("the event hub filters per agent and team, replays after an id, and drops slow sinks") {
  EventHub hub(4);
  auto agent1 = std::make_shared<FakeSink>();
  auto team7 = std::make_shared<FakeSink>();
  auto all = std::make_shared<FakeSink>();
  hub.subscribe({false, 1, std::nullopt}, agent1, std::nullopt);
  hub.subscribe({true, 0, 7}, team7, std::nullopt);
  hub.subscribe({true, 0, std::nullopt}, all, std::nullopt);
  hub.publish("state", 1, {7}, "{\"n\":1}");
  hub.publish("state", 2, {8}, "{\"n\":2}");
  CHECK(agent1->frames == std::vector<std::string>{"id: 1\nevent: state\ndata: {\"n\":1}\n\n"});
  CHECK(team7->frames.size() == 1);
  CHECK(all->frames.size() == 2);
  // Replay from id 1 for agent 2's filter: event 2 only.
  auto late = std::make_shared<FakeSink>();
  hub.subscribe({false, 2, std::nullopt}, late, 1);
  CHECK(late->frames == std::vector<std::string>{"id: 2\nevent: state\ndata: {\"n\":2}\n\n"});
  // The ring keeps 4: a replay from 0 after 6 events reports the gap first.
  for (int i = 3; i <= 6; ++i) hub.publish("state", 2, {8}, "{}");
  auto gap = std::make_shared<FakeSink>();
  hub.subscribe({false, 2, std::nullopt}, gap, 1);
  REQUIRE(gap->frames.size() == 5);
  CHECK(gap->frames[0].find("event: replay_gap") == 0);
  // Up to date: no gap, nothing to replay.
  auto current = std::make_shared<FakeSink>();
  hub.subscribe({true, 0, std::nullopt}, current, hub.last_id());
  CHECK(current->frames.empty());
  // A sink that refuses is dropped and closed; the others go on.
  all->limit = all->frames.size();
  const auto before = hub.subscribers();
  hub.publish("state", 2, {8}, "{}");
  CHECK(all->closed);
  CHECK(hub.subscribers() == before - 1);
  CHECK(hub.dropped_clients() == 1);
  CHECK(late->frames.size() == 6);
}
