#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <map>
#include <vector>

#include "dataplane/api/command_channel.hpp"
#include "dataplane/api/commands.hpp"
#include "dataplane/api/events.hpp"
#include "dataplane/api/worker_endpoint.hpp"
#include "dataplane/api/worker_rings.hpp"
#include "threaded_stress.hpp"

using namespace dialcore::dataplane;

namespace {

constexpr std::uint64_t kTimeoutNs = 1'000'000;  // 1 ms

struct Completion {
  Delivery kind;
  Event event;
};

// Collects what poll() delivers.
struct Inbox {
  std::vector<Completion> items;
  std::size_t poll(CommandChannel& channel, std::uint64_t now_ns) {
    return channel.poll(now_ns, [this](Delivery kind, const Event& event) noexcept {
      items.push_back({kind, event});
    });
  }
  std::size_t count(Delivery kind) const {
    return static_cast<std::size_t>(std::count_if(
        items.begin(), items.end(), [kind](const Completion& c) { return c.kind == kind; }));
  }
};

// A worker's leg table reduced to what the channel tests need: slots with generations, so a
// handle kept past DestroyLeg is answered StaleLeg.
struct FakeWorker {
  struct Slot {
    std::uint32_t generation = 1;
    bool live = false;
  };
  std::vector<Slot> slots = std::vector<Slot>(2);

  ReplyStatus operator()(const Command& cmd, Event& reply) noexcept {
    if (cmd.type == CommandType::CreateLeg) {
      for (std::uint32_t i = 0; i < slots.size(); ++i) {
        if (slots[i].live) continue;
        slots[i].live = true;
        reply.leg = LegId{i, slots[i].generation};
        return ReplyStatus::Ok;
      }
      return ReplyStatus::NoCapacity;
    }
    if (cmd.type == CommandType::Ping) return ReplyStatus::Ok;
    if (cmd.leg.index >= slots.size() || !slots[cmd.leg.index].live ||
        slots[cmd.leg.index].generation != cmd.leg.generation) {
      return ReplyStatus::StaleLeg;
    }
    Slot& slot = slots[cmd.leg.index];
    switch (cmd.type) {
      case CommandType::DestroyLeg:
        slot.live = false;
        ++slot.generation;
        return ReplyStatus::Ok;
      case CommandType::Stats: {
        LegStats stats;
        stats.rx_packets = 50 + cmd.leg.index;
        reply.payload.store(stats);
        return ReplyStatus::Ok;
      }
      case CommandType::None: return ReplyStatus::BadArgument;
      default: return ReplyStatus::Ok;
    }
  }
};

Command create_leg(std::uint16_t port) {
  return make_command(LegId::invalid(), CreateLegArgs{NetAddress::v4(10, 0, 0, 1, port), 0});
}

}  // namespace

TEST_CASE("every submitted command gets exactly one reply, matched by seq", "[channel]") {
  WorkerRings rings(16, 32);
  CommandChannel channel(rings, 16, kTimeoutNs);
  WorkerEndpoint endpoint(rings);
  FakeWorker worker;
  Inbox inbox;

  const auto a = channel.submit(create_leg(20000), 0);
  const auto b = channel.submit(create_leg(20002), 0);
  const auto c = channel.submit(create_leg(20004), 0);  // the table has 2 slots
  const auto d = channel.submit(make_command(LegId::invalid(), PingArgs{}), 0);
  REQUIRE(a.status == ReplyStatus::Ok);
  REQUIRE(d.status == ReplyStatus::Ok);
  CHECK(a.seq == 1);
  CHECK(b.seq == 2);
  CHECK(c.seq == 3);
  CHECK(d.seq == 4);
  CHECK(channel.in_flight() == 4);

  CHECK(endpoint.serve(worker, 100) == 4);
  CHECK(inbox.poll(channel, 10) == 4);
  REQUIRE(inbox.items.size() == 4);
  std::map<std::uint64_t, int> seen;
  for (const Completion& done : inbox.items) {
    CHECK(done.kind == Delivery::Reply);
    CHECK(done.event.type == EventType::Reply);
    ++seen[done.event.seq];
  }
  CHECK(seen == std::map<std::uint64_t, int>{{1, 1}, {2, 1}, {3, 1}, {4, 1}});
  CHECK(inbox.items[0].event.command == CommandType::CreateLeg);
  CHECK(inbox.items[0].event.leg == LegId{0, 1});
  CHECK(inbox.items[1].event.leg == LegId{1, 1});
  CHECK(inbox.items[2].event.status == ReplyStatus::NoCapacity);
  CHECK(inbox.items[3].event.command == CommandType::Ping);

  // A reply carries the worker's payload.
  const auto s = channel.submit(make_command(LegId{1, 1}, StatsArgs{}), 20);
  CHECK(endpoint.serve(worker, 100) == 1);
  inbox.items.clear();
  CHECK(inbox.poll(channel, 30) == 1);
  CHECK(inbox.items[0].event.seq == s.seq);
  CHECK(inbox.items[0].event.args<LegStats>().rx_packets == 51);

  // Nothing more arrives, ever: no duplicate, no timeout for answered commands.
  inbox.items.clear();
  CHECK(inbox.poll(channel, 100 * kTimeoutNs) == 0);
  CHECK(channel.in_flight() == 0);
  CHECK(channel.counters().submitted == 5);
  CHECK(channel.counters().replies == 5);
  CHECK(channel.counters().timeouts == 0);
}

TEST_CASE("a full command ring is an immediate Busy, and nothing is lost", "[channel]") {
  WorkerRings rings(4, 16);
  CommandChannel channel(rings, 64, kTimeoutNs);
  WorkerEndpoint endpoint(rings);
  FakeWorker worker;
  Inbox inbox;
  for (int i = 0; i < 4; ++i) {
    REQUIRE(channel.submit(make_command(LegId::invalid(), PingArgs{}), 0).status ==
            ReplyStatus::Ok);
  }
  const auto busy = channel.submit(make_command(LegId::invalid(), PingArgs{}), 0);
  CHECK(busy.status == ReplyStatus::Busy);
  CHECK(busy.seq == 0);
  CHECK(channel.counters().busy_ring_full == 1);
  CHECK(channel.in_flight() == 4);

  CHECK(endpoint.serve(worker, 100) == 4);
  CHECK(inbox.poll(channel, 1) == 4);
  // The refused command used no seq: the next one is 5.
  CHECK(channel.submit(make_command(LegId::invalid(), PingArgs{}), 1).seq == 5);
}

TEST_CASE("more than max_in_flight unanswered commands is Busy", "[channel]") {
  WorkerRings rings(16, 16);
  CommandChannel channel(rings, 3, kTimeoutNs);
  WorkerEndpoint endpoint(rings);
  FakeWorker worker;
  Inbox inbox;
  for (int i = 0; i < 3; ++i) {
    REQUIRE(channel.submit(make_command(LegId::invalid(), PingArgs{}), 0).status ==
            ReplyStatus::Ok);
  }
  CHECK(channel.submit(make_command(LegId::invalid(), PingArgs{}), 0).status == ReplyStatus::Busy);
  CHECK(channel.counters().busy_in_flight == 1);
  CHECK(endpoint.serve(worker, 100) == 3);
  CHECK(inbox.poll(channel, 1) == 3);
  CHECK(channel.submit(make_command(LegId::invalid(), PingArgs{}), 1).status == ReplyStatus::Ok);
}

TEST_CASE("a handle kept past DestroyLeg gets a StaleLeg reply", "[channel]") {
  WorkerRings rings(16, 16);
  CommandChannel channel(rings, 16, kTimeoutNs);
  WorkerEndpoint endpoint(rings);
  FakeWorker worker;
  Inbox inbox;

  channel.submit(create_leg(20000), 0);
  endpoint.serve(worker, 100);
  inbox.poll(channel, 0);
  const LegId old_leg = inbox.items.at(0).event.leg;
  REQUIRE(old_leg == LegId{0, 1});

  channel.submit(make_command(old_leg, DestroyLegArgs{}), 0);
  channel.submit(create_leg(20002), 0);  // reuses slot 0 with generation 2
  const auto stale = channel.submit(make_command(old_leg, SetRemoteArgs{}), 0);
  endpoint.serve(worker, 100);
  inbox.items.clear();
  inbox.poll(channel, 0);
  REQUIRE(inbox.items.size() == 3);
  CHECK(inbox.items[0].event.status == ReplyStatus::Ok);
  CHECK(inbox.items[1].event.leg == LegId{0, 2});
  CHECK(inbox.items[2].event.seq == stale.seq);
  CHECK(inbox.items[2].event.status == ReplyStatus::StaleLeg);
  CHECK(inbox.items[2].event.leg == old_leg);
  CHECK(inbox.items[2].event.command == CommandType::SetRemote);
}

TEST_CASE("an unanswered command times out at its deadline, by injected time", "[channel]") {
  WorkerRings rings(16, 16);
  CommandChannel channel(rings, 16, kTimeoutNs);
  WorkerEndpoint endpoint(rings);
  FakeWorker worker;
  Inbox inbox;

  const auto first = channel.submit(make_command(LegId{0, 7}, HoldArgs{}), 1000);
  const auto second = channel.submit(make_command(LegId{1, 7}, MuteArgs{}), 1500);
  CHECK(inbox.poll(channel, 1000 + kTimeoutNs - 1) == 0);  // the worker is wedged; not yet due

  CHECK(inbox.poll(channel, 1000 + kTimeoutNs) == 1);
  REQUIRE(inbox.items.size() == 1);
  CHECK(inbox.items[0].kind == Delivery::TimedOut);
  CHECK(inbox.items[0].event.seq == first.seq);
  CHECK(inbox.items[0].event.status == ReplyStatus::TimedOut);
  CHECK(inbox.items[0].event.leg == LegId{0, 7});
  CHECK(inbox.items[0].event.command == CommandType::Hold);
  CHECK(channel.in_flight() == 1);

  CHECK(inbox.poll(channel, 1500 + kTimeoutNs) == 1);
  CHECK(inbox.items[1].event.seq == second.seq);
  CHECK(inbox.items[1].kind == Delivery::TimedOut);
  CHECK(channel.in_flight() == 0);
  CHECK(channel.counters().timeouts == 2);

  // The worker wakes up and answers: these are late replies, never a second completion.
  CHECK(endpoint.serve(worker, 100) == 2);
  inbox.items.clear();
  CHECK(inbox.poll(channel, 2 * kTimeoutNs) == 2);
  CHECK(inbox.count(Delivery::LateReply) == 2);
  CHECK(inbox.count(Delivery::Reply) == 0);
  CHECK(channel.counters().late_replies == 2);
}

TEST_CASE("deadlines never go backwards when now_ns does", "[channel]") {
  WorkerRings rings(16, 16);
  CommandChannel channel(rings, 16, kTimeoutNs);
  Inbox inbox;
  channel.submit(make_command(LegId::invalid(), PingArgs{}), 5000);
  channel.submit(make_command(LegId::invalid(), PingArgs{}), 0);  // a clock that stepped back
  CHECK(inbox.poll(channel, kTimeoutNs) == 0);
  CHECK(inbox.poll(channel, 5000 + kTimeoutNs) == 2);
}

TEST_CASE("replies answered out of order are matched by seq", "[channel]") {
  WorkerRings rings(16, 16);
  CommandChannel channel(rings, 4, kTimeoutNs);
  Inbox inbox;
  for (std::uint32_t i = 0; i < 4; ++i) {
    channel.submit(make_command(LegId{i, 1}, UnbridgeArgs{}), 0);
  }
  // A worker that answers in reverse order, straight onto the event ring.
  std::vector<Command> taken(4);
  REQUIRE(rings.commands.try_pop_burst(taken) == 4);
  std::reverse(taken.begin(), taken.end());
  for (const Command& cmd : taken) REQUIRE(rings.events.try_push(make_reply(cmd, ReplyStatus::Ok)));

  CHECK(inbox.poll(channel, 1) == 4);
  REQUIRE(inbox.items.size() == 4);
  for (std::size_t k = 0; k < 4; ++k) {
    const Event& reply = inbox.items[k].event;
    CHECK(inbox.items[k].kind == Delivery::Reply);
    CHECK(reply.seq == 4 - k);
    CHECK(reply.leg == LegId{static_cast<std::uint32_t>(reply.seq - 1), 1});
  }
  // The window is free again (max_in_flight 4), and nothing times out later.
  for (int i = 0; i < 4; ++i) {
    CHECK(channel.submit(make_command(LegId::invalid(), PingArgs{}), 2).status == ReplyStatus::Ok);
  }
  CHECK(channel.counters().replies == 4);
}

TEST_CASE("a reply with a seq never issued or the wrong command is dropped and counted",
          "[channel]") {
  WorkerRings rings(16, 16);
  CommandChannel channel(rings, 4, kTimeoutNs);
  Inbox inbox;
  const auto sent = channel.submit(make_command(LegId::invalid(), PingArgs{}), 0);
  Command forged = make_command(LegId::invalid(), PingArgs{});
  forged.seq = 99;
  REQUIRE(rings.events.try_push(make_reply(forged, ReplyStatus::Ok)));
  Command wrong_type = make_command(LegId::invalid(), StatsArgs{});
  wrong_type.seq = sent.seq;
  REQUIRE(rings.events.try_push(make_reply(wrong_type, ReplyStatus::Ok)));
  CHECK(inbox.poll(channel, 1) == 0);
  CHECK(channel.counters().unknown_replies == 2);
  CHECK(channel.in_flight() == 1);
}

TEST_CASE("the worker takes a command only when its reply has a slot", "[channel]") {
  WorkerRings rings(16, 4);
  CommandChannel channel(rings, 16, kTimeoutNs);
  WorkerEndpoint endpoint(rings);
  FakeWorker worker;
  Inbox inbox;
  for (int i = 0; i < 10; ++i) channel.submit(make_command(LegId::invalid(), PingArgs{}), 0);
  CHECK(endpoint.serve(worker, 100) == 4);  // the event ring is full
  CHECK(endpoint.serve(worker, 100) == 0);
  CHECK(rings.commands.size_approx() == 6);  // the rest wait, unanswered but not lost
  CHECK(inbox.poll(channel, 1) == 4);
  CHECK(endpoint.serve(worker, 2) == 2);  // max_commands is honoured
  CHECK(endpoint.serve(worker, 100) == 2);
  CHECK(inbox.poll(channel, 2) == 4);
  CHECK(endpoint.serve(worker, 100) == 2);
  CHECK(inbox.poll(channel, 3) == 2);
  CHECK(inbox.count(Delivery::Reply) == 10);
  CHECK(channel.in_flight() == 0);
}

TEST_CASE("the worker's own events never take the slots kept for replies", "[channel]") {
  WorkerRings rings(16, 16);
  CommandChannel channel(rings, 16, kTimeoutNs);
  WorkerEndpoint endpoint(rings);
  FakeWorker worker;
  Inbox inbox;
  RtpTimeoutArgs timeout;
  timeout.silent_ms = 30000;
  int posted = 0;
  while (endpoint.post(make_event(EventType::RtpTimeout, LegId{3, 1}, timeout))) ++posted;
  CHECK(posted == 12);  // 16 slots, a quarter kept for replies

  // A handler that posts cannot take the reply's slot either.
  for (int i = 0; i < 4; ++i) channel.submit(make_command(LegId::invalid(), PingArgs{}), 0);
  int refused = 0;
  auto posting_worker = [&](const Command& cmd, Event& reply) noexcept {
    if (!endpoint.post(make_event(EventType::RtpTimeout, LegId{4, 1}, timeout))) ++refused;
    return worker(cmd, reply);
  };
  CHECK(endpoint.serve(posting_worker, 100) == 4);
  CHECK(refused == 4);

  CHECK(inbox.poll(channel, 1) == 16);
  CHECK(inbox.count(Delivery::Event) == 12);
  CHECK(inbox.count(Delivery::Reply) == 4);
  CHECK(inbox.items[0].event.args<RtpTimeoutArgs>().silent_ms == 30000);
  CHECK(inbox.items[0].event.seq == 0);
  CHECK(channel.counters().events == 12);
}

// The same logic runs under ThreadSanitizer in spsc_ring_tsan_test.
TEST_CASE("control and a worker thread exchange 100k commands and replies", "[channel][threads]") {
  const auto result = dialcore::test::run_channel_stress(100'000);
  CHECK(result.replies == 100'000);
  CHECK(result.mismatched == 0);
}
