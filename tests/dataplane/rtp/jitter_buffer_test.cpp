// JitterBuffer with synthetic streams: a simulated clock in 1 ms steps delivers packets at their
// (scripted) arrival times and pulls every due frame, recording which packet each frame carried.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "dataplane/rtp/jitter_buffer.hpp"

using namespace dialcore::dataplane::rtp;

namespace {

constexpr std::uint64_t kMs = 1'000'000;
constexpr std::uint32_t kFrameTs = 160;  // 20 ms at 8 kHz

struct Arrival {
  std::uint64_t at_ns;
  std::uint32_t ssrc;
  std::uint16_t seq;
  std::uint32_t ts;
  std::uint32_t id;  // written in the payload: which packet a frame carried
};

struct Out {
  PullKind kind;
  std::uint32_t id;      // for Frame
  std::uint64_t at_ns;   // when pulled
  bool has_next;
};

// Packet n of a 20 ms stream, sent at n x 20 ms, arriving `delay_ms` later.
Arrival packet(std::uint32_t n, double delay_ms = 0, std::uint16_t seq0 = 1000,
               std::uint32_t ts0 = 5000, std::uint32_t ssrc = 0xABC) {
  return {n * 20 * kMs + static_cast<std::uint64_t>(delay_ms * 1e6), ssrc,
          static_cast<std::uint16_t>(seq0 + n), ts0 + n * kFrameTs, n};
}

struct Run {
  std::vector<Out> out;
  std::vector<std::uint64_t> arrival_of;  // by id
  std::size_t frames() const {
    return static_cast<std::size_t>(std::count_if(out.begin(), out.end(), [](const Out& o) { return o.kind == PullKind::Frame; }));
  }
  std::size_t missing() const { return out.size() - frames(); }
  std::vector<std::uint32_t> ids() const {
    std::vector<std::uint32_t> v;
    for (const Out& o : out) if (o.kind == PullKind::Frame) v.push_back(o.id);
    return v;
  }
};

// Delivers `arrivals` (any order; sorted by time, stable) at their times and pulls every due
// frame, in 1 ms steps; run_until can be called again to go on.
class Sim {
 public:
  Sim(JitterBuffer& jb, std::vector<Arrival> arrivals) : jb_(jb), a_(std::move(arrivals)) {
    std::stable_sort(a_.begin(), a_.end(), [](const Arrival& x, const Arrival& y) { return x.at_ns < y.at_ns; });
  }
  const Run& run_until(std::uint64_t end_ns) {
    for (; t_ <= end_ns; t_ += kMs) {
      for (; next_ < a_.size() && a_[next_].at_ns <= t_; ++next_) {
        const Arrival& x = a_[next_];
        std::array<std::uint8_t, 160> payload{};
        std::memcpy(payload.data(), &x.id, sizeof x.id);
        if (r_.arrival_of.size() <= x.id) r_.arrival_of.resize(x.id + 1, 0);
        r_.arrival_of[x.id] = t_;
        jb_.push(x.ssrc, x.seq, x.ts, payload, t_);
      }
      for (PulledFrame f = jb_.pull(t_); f.kind != PullKind::None; f = jb_.pull(t_)) {
        std::uint32_t id = 0;
        if (f.kind == PullKind::Frame) {
          REQUIRE(f.payload.size() == 160);
          std::memcpy(&id, f.payload.data(), sizeof id);
        }
        r_.out.push_back({f.kind, id, t_, !f.next.empty()});
      }
    }
    return r_;
  }

 private:
  JitterBuffer& jb_;
  std::vector<Arrival> a_;
  std::size_t next_ = 0;
  std::uint64_t t_ = 0;
  Run r_;
};

Run simulate(JitterBuffer& jb, std::vector<Arrival> arrivals, std::uint64_t end_ns) {
  Sim sim(jb, std::move(arrivals));
  return sim.run_until(end_ns);
}

std::vector<std::uint32_t> iota_ids(std::uint32_t first, std::uint32_t count) {
  std::vector<std::uint32_t> v(count);
  for (std::uint32_t i = 0; i < count; ++i) v[i] = first + i;
  return v;
}

}  // namespace

TEST_CASE("no jitter: every packet played in order after the minimum delay", "[jitter]") {
  JitterBuffer jb({});
  std::vector<Arrival> a;
  for (std::uint32_t n = 0; n < 200; ++n) a.push_back(packet(n));
  const Run r = simulate(jb, a, 200 * 20 * kMs);
  CHECK(r.ids() == iota_ids(0, 200));
  for (const Out& o : r.out) {
    if (o.kind != PullKind::Frame) continue;
    CHECK(o.at_ns - r.arrival_of[o.id] == 20 * kMs);  // the delay it adds: min_delay_ms
  }
  CHECK(jb.target_delay_ms() == 20);
  CHECK(jb.stats().late == 0);
  CHECK(jb.stats().stretched == 0);
  CHECK(jb.stats().shrunk == 0);
}

TEST_CASE("reordered packets are played in order", "[jitter]") {
  JitterBuffer jb({});
  std::vector<Arrival> a;
  for (std::uint32_t n = 0; n < 200; ++n) {
    // Every 5th packet arrives 25 ms late, after the next one: a swap.
    a.push_back(packet(n, n % 5 == 2 ? 25.0 : 0.0));
  }
  const Run r = simulate(jb, a, 200 * 20 * kMs + 200 * kMs);
  // The first swap comes 5 ms after its frame was due at the minimum delay; from then on the
  // delay covers the spread and every other packet is played, in order.
  std::vector<std::uint32_t> expected = iota_ids(0, 200);
  expected.erase(expected.begin() + 2);
  CHECK(r.ids() == expected);
  CHECK(jb.stats().reordered == 40);
  CHECK(jb.stats().late == 1);
  CHECK(jb.target_delay_ms() >= 25);
}

TEST_CASE("lost packets are pulled as missing, with the next packet for FEC", "[jitter]") {
  JitterBuffer jb({});
  std::vector<Arrival> a;
  std::vector<std::uint32_t> sent;
  for (std::uint32_t n = 0; n < 200; ++n) {
    if (n % 20 == 7 || n == 100 || n == 101) continue;  // 10 single losses and one pair
    a.push_back(packet(n));
    sent.push_back(n);
  }
  const Run r = simulate(jb, a, 200 * 20 * kMs);
  CHECK(r.ids() == sent);
  REQUIRE(r.missing() == 12);
  CHECK(jb.stats().missing == 12);
  // A single loss has its successor in the buffer (min delay = one frame); the first of the
  // pair does not.
  std::size_t with_next = 0;
  for (const Out& o : r.out) with_next += o.kind == PullKind::Missing && o.has_next;
  CHECK(with_next == 11);
}

TEST_CASE("duplicates are dropped and counted", "[jitter]") {
  JitterBuffer jb({});
  std::vector<Arrival> a;
  for (std::uint32_t n = 0; n < 100; ++n) {
    a.push_back(packet(n));
    if (n % 4 == 0) a.push_back(packet(n, 5.0));
  }
  const Run r = simulate(jb, a, 100 * 20 * kMs);
  CHECK(r.ids() == iota_ids(0, 100));
  CHECK(jb.stats().duplicates == 25);
  CHECK(jb.stats().queued == 100);
}

TEST_CASE("sequence and timestamp wraparound", "[jitter]") {
  JitterBuffer jb({});
  std::vector<Arrival> a;
  for (std::uint32_t n = 0; n < 100; ++n) {
    // From the 10th packet on, every 7th arrives 30 ms late (after the next one).
    a.push_back(packet(n, n % 7 == 3 && n > 10 ? 30.0 : 0.0, 65500, 0xFFFFFFFFu - 160u * 40u));
  }
  const Run r = simulate(jb, a, 100 * 20 * kMs + 200 * kMs);
  std::vector<std::uint32_t> expected = iota_ids(0, 100);
  expected.erase(expected.begin() + 17);  // the first swap, before the delay adapted
  CHECK(r.ids() == expected);
  CHECK(jb.stats().resyncs == 0);
  CHECK(jb.stats().late == 1);
  CHECK(jb.stats().reordered == 12);
}

TEST_CASE("jitter bursts raise the delay up to the maximum, then it comes back down", "[jitter]") {
  JitterBuffer jb({});
  std::vector<Arrival> a;
  // 20 s: every second a 90 ms stall (the packets sent in it arrive together at its end),
  // then 20 s of perfect timing.
  for (std::uint32_t n = 0; n < 2000; ++n) {
    const std::uint32_t in_second = n % 50;
    double delay = 0;
    if (n < 1000 && in_second >= 10 && in_second < 15) delay = 90.0 - 20.0 * (in_second - 10);
    a.push_back(packet(n, delay));
  }
  std::uint32_t peak_target = 0;
  std::vector<std::uint64_t> late_at;  // late count at the end of each second
  Sim sim(jb, a);
  for (std::uint64_t s = 1; s <= 40; ++s) {
    sim.run_until(s * 1000 * kMs - kMs);
    peak_target = std::max(peak_target, jb.target_delay_ms());
    late_at.push_back(jb.stats().late);
  }
  const Run& all = sim.run_until(40 * 1000 * kMs);
  INFO("late per second: first " << late_at[0] << ", 10th " << late_at[9] - late_at[8]
       << ", peak target " << peak_target << " ms, final delay " << jb.delay_ns() / kMs << " ms");
  CHECK(late_at[0] >= 2);                    // the first burst finds the minimum delay
  CHECK(late_at[9] - late_at[8] == 0);       // adapted: later bursts lose nothing
  CHECK(peak_target > 40);
  CHECK(peak_target <= 120);
  CHECK(jb.target_delay_ms() == 20);         // 20 s of calm: back to the minimum
  CHECK(jb.delay_ns() <= 40 * std::int64_t{kMs});
  CHECK(jb.stats().stretched > 0);
  CHECK(jb.stats().shrunk > 0);
  // Frames come out in order, each packet at most once.
  const std::vector<std::uint32_t> ids = all.ids();
  CHECK(std::is_sorted(ids.begin(), ids.end()));
  CHECK(std::adjacent_find(ids.begin(), ids.end()) == ids.end());
}

TEST_CASE("random jitter: the target follows it and few packets are late", "[jitter]") {
  for (const double spread_ms : {10.0, 40.0, 80.0}) {
    JitterBuffer jb({});
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> delay(0.0, spread_ms);
    std::vector<Arrival> a;
    for (std::uint32_t n = 0; n < 3000; ++n) a.push_back(packet(n, delay(rng)));
    const Run r = simulate(jb, a, 3000 * 20 * kMs + 200 * kMs);
    INFO("spread " << spread_ms << " ms: target " << jb.target_delay_ms() << " ms, late "
         << jb.stats().late << ", jitter " << jb.jitter_rtp_ts() << " units");
    const double late_fraction = static_cast<double>(jb.stats().late) / 3000.0;
    CHECK(late_fraction < 0.02);
    CHECK(jb.target_delay_ms() >= std::min<std::uint32_t>(120, static_cast<std::uint32_t>(spread_ms)));
    // RFC 3550 J of uniform delays on [0, s] is s/3 (the mean of |difference|).
    CHECK(jb.jitter_rtp_ts() > static_cast<std::uint32_t>(spread_ms / 3 * 8 * 0.6));
    CHECK(jb.jitter_rtp_ts() < static_cast<std::uint32_t>(spread_ms / 3 * 8 * 1.4));
    const std::vector<std::uint32_t> ids = r.ids();
    CHECK(std::is_sorted(ids.begin(), ids.end()));
  }
}

TEST_CASE("an SSRC change resyncs at once", "[jitter]") {
  JitterBuffer jb({});
  std::vector<Arrival> a;
  for (std::uint32_t n = 0; n < 50; ++n) a.push_back(packet(n));
  for (std::uint32_t n = 50; n < 100; ++n) {
    Arrival x = packet(n, 0, 7, 0x12345678u, 0xDEF);  // another source, other seq and ts
    a.push_back(x);
  }
  const Run r = simulate(jb, a, 100 * 20 * kMs);
  CHECK(jb.stats().resyncs == 1);
  CHECK(r.ids() == iota_ids(0, 100));
  CHECK(jb.stats().late == 0);
}

TEST_CASE("a straggler of the previous SSRC is late, and SSRC 0 is a source like any other", "[jitter]") {
  JitterBuffer jb({});
  std::vector<Arrival> a;
  for (std::uint32_t n = 0; n < 30; ++n) a.push_back(packet(n, 0, 1000, 5000, 0));  // SSRC 0
  for (std::uint32_t n = 30; n < 60; ++n) a.push_back(packet(n, 0, 7, 0x12345678u, 0xDEF));
  a.push_back(packet(29, 25.0, 1000, 5000, 0));  // a copy of SSRC 0's last packet, after the change
  const Run r = simulate(jb, a, 62 * 20 * kMs);
  CHECK(jb.stats().resyncs == 1);
  CHECK(jb.stats().late == 1);
  CHECK(r.ids() == iota_ids(0, 60));
}

TEST_CASE("timestamp jumps forward and back resync the stream", "[jitter]") {
  JitterBuffer jb({});
  std::vector<Arrival> a;
  for (std::uint32_t n = 0; n < 150; ++n) {
    Arrival x = packet(n);
    if (n >= 50) x.ts += 8000 * 30;   // 30 s ahead (a far end restarting its clock)
    if (n >= 100) x.ts -= 8000 * 60;  // then 30 s behind where it started, seq still going on
    a.push_back(x);
  }
  const Run r = simulate(jb, a, 150 * 20 * kMs);
  CHECK(jb.stats().resyncs == 2);
  CHECK(r.ids() == iota_ids(0, 150));
  CHECK(jb.stats().late == 0);
}

TEST_CASE("late packets are dropped and counted", "[jitter]") {
  JitterBuffer jb({});
  std::vector<Arrival> a;
  for (std::uint32_t n = 0; n < 20; ++n) a.push_back(packet(n, n == 10 ? 60.0 : 0.0));
  const Run r = simulate(jb, a, 25 * 20 * kMs);
  CHECK(jb.stats().late == 1);
  CHECK(jb.stats().reordered == 1);
  CHECK(r.frames() == 19);
  CHECK(r.missing() >= 1);
}

TEST_CASE("a stopped stream goes idle and the next packet starts afresh", "[jitter]") {
  JitterBuffer jb({});
  std::vector<Arrival> a;
  for (std::uint32_t n = 0; n < 20; ++n) a.push_back(packet(n));
  for (std::uint32_t n = 100; n < 120; ++n) a.push_back(packet(n));  // 1.6 s pause (DTX)
  const Run r = simulate(jb, a, 121 * 20 * kMs);
  CHECK(r.ids().size() == 40);
  // Missing frames in the pause only until more than max_delay (120 ms) has been concealed.
  const auto missing_in_pause = std::count_if(r.out.begin(), r.out.end(), [](const Out& o) {
    return o.kind == PullKind::Missing && o.at_ns < 2000 * kMs;
  });
  CHECK(missing_in_pause == 7);
  CHECK(jb.active());
}

TEST_CASE("bad payloads are counted drops", "[jitter]") {
  JitterBufferConfig c;
  c.max_payload = 200;
  JitterBuffer jb(c);
  std::array<std::uint8_t, 201> big{};
  CHECK(jb.push(1, 1, 160, std::span(big), 0) == PushResult::TooLarge);
  CHECK(jb.push(1, 1, 160, std::span(big).first(0), 0) == PushResult::TooLarge);
  CHECK(jb.stats().too_large == 2);
  CHECK_FALSE(jb.active());
  // A misaligned timestamp inside a held frame's slot is a collision, not a crash.
  CHECK(jb.push(1, 1, 160, std::span(big).first(10), 0) == PushResult::Queued);
  CHECK(jb.push(1, 2, 170, std::span(big).first(10), 0) == PushResult::Collision);
  CHECK(jb.capacity() >= 8);
}
