#pragma once
// A Worker on a DpdkIo on a net_ring port, driven from the test thread (dpdk_worker_test,
// dpdk_no_alloc_test), and Traffic: RTP frames for many calls stamped with fresh sequence
// numbers and UDP checksums, for benches and steady-state checks.

#include <catch2/catch.hpp>

#include <deque>
#include <optional>
#include <utility>
#include <vector>

#include "dataplane/api/command_channel.hpp"
#include "dataplane/rtp/rtp_packet.hpp"
#include "dataplane/rtp/rtp_writer.hpp"
#include "dataplane/worker/worker.hpp"
#include "dpdk_wire.hpp"

namespace dialcore::test {

using namespace dialcore::dataplane;
using dialcore::codecs::CodecId;

inline constexpr MacAddress kPeerBMac = {0x02, 0xdc, 0x00, 0x00, 0x00, 0x03};

inline CodecSpec spec(CodecId id, std::uint8_t pt) {
  CodecSpec s;
  s.format.id = id;
  s.payload_type = pt;
  return s;
}

inline std::vector<std::uint8_t> rtp_payload(std::uint32_t ssrc, std::uint16_t seq, std::uint32_t ts,
                                      std::size_t bytes, std::uint8_t fill) {
  std::vector<std::uint8_t> b(rtp::kRtpHeaderBytes + bytes, fill);
  rtp::write_rtp_header(rtp::RtpHeaderBytes(b.data(), rtp::kRtpHeaderBytes), {ssrc, ts, seq, 0, false});
  return b;
}

// A worker on a DpdkIo on a ring port, driven from the test thread (one thread: the worker's
// "lcore" is the test's). Time is a counter the test advances; every loop is bounded.
struct DpdkWorkerRig {
  RingWire wire;
  DpdkIo io;
  WorkerRings rings{64, 256};
  CommandChannel channel{rings, 32, 1'000'000'000};
  Worker worker;
  std::uint64_t now_ns = 1'000'000'000;
  std::deque<Event> replies;

  static DpdkIoConfig io_config(const RingWire& wire, std::uint32_t ports) {
    DpdkIoConfig c;
    c.port_id = wire.port();
    c.addresses = {v4(10, 0, 0, 1)};
    c.mac = kOurMac;
    c.next_hop_mac = kGatewayMac;
    c.max_ports = ports;
    c.pool_mbufs = 4095;
    c.pool_cache = 256;
    return c;
  }
  static WorkerConfig worker_config(std::uint32_t ports) {
    WorkerConfig c;
    c.max_legs = ports;
    c.max_ports = ports;
    return c;
  }
  explicit DpdkWorkerRig(std::uint32_t ports = 64)
      : io(io_config(wire, ports)), worker(worker_config(ports), io, rings) {}
  ~DpdkWorkerRig() { wire.drain(); }

  void turn() {
    worker.poll(now_ns);
    channel.poll(now_ns, [this](Delivery d, const Event& e) noexcept {
      if (d != Delivery::Event) replies.push_back(e);
    });
  }
  Event call(const Command& cmd) {
    const auto sub = channel.submit(cmd, now_ns);
    REQUIRE(sub.status == ReplyStatus::Ok);
    for (int i = 0; i < 100; ++i) {
      turn();
      for (auto it = replies.begin(); it != replies.end(); ++it) {
        if (it->seq == sub.seq) {
          const Event e = *it;
          replies.erase(it);
          return e;
        }
      }
    }
    FAIL("no reply");
    return {};
  }
  template <typename Args>
  Event call(LegId leg, const Args& args) { return call(make_command(leg, args)); }

  // A PCMU leg on an ephemeral port of 10.0.0.1, sending to `remote` (no latching).
  std::pair<LegId, NetAddress> leg_towards(const NetAddress& remote) {
    const Event created = call(LegId::invalid(), CreateLegArgs{v4(10, 0, 0, 1), 0});
    REQUIRE(created.status == ReplyStatus::Ok);
    SetRemoteArgs r;
    r.rtp = remote;
    r.latch = false;
    REQUIRE(call(created.leg, r).status == ReplyStatus::Ok);
    SetCodecArgs c;
    c.formats[0] = spec(CodecId::Pcmu, 0);
    c.formats[1] = spec(CodecId::TelephoneEvent, 101);
    c.count = 2;
    REQUIRE(call(created.leg, c).status == ReplyStatus::Ok);
    return {created.leg, created.args<CreateLegReplyArgs>().local};
  }

  // Sends one RTP datagram from `from` (MAC `from_mac`) to `to`, turns the worker until a frame
  // comes out (bounded), and returns it parsed.
  std::optional<SeenUdp> relay(const MacAddress& from_mac, const NetAddress& from,
                               const NetAddress& to, const std::vector<std::uint8_t>& rtp_bytes) {
    FrameSpec s;
    s.src_mac = from_mac;
    s.src = from;
    s.dst = to;
    s.payload = rtp_bytes;
    REQUIRE(wire.inject(io.pool(), udp_frame(s)));
    for (int i = 0; i < 10; ++i) {
      turn();
      if (auto f = wire.take()) return parse_udp_frame(*f);
    }
    return std::nullopt;
  }
};

// Frames for `calls` bridged calls, all from peer A's side, round robin over the calls; each
// injection stamps a fresh RTP sequence/timestamp and UDP checksum (outside the timed part).
struct Traffic {
  struct Stream {
    std::vector<std::uint8_t> frame;
    std::uint16_t seq = 0;
  };
  std::vector<Stream> streams;
  std::size_t next = 0;

  void add(const NetAddress& from, const NetAddress& to, bool udp_checksum) {
    FrameSpec s;
    s.src = from;
    s.dst = to;
    s.udp_checksum = udp_checksum;
    s.payload = rtp_payload(0x5EED0000u + static_cast<std::uint32_t>(streams.size()), 0, 0, 160, 0x55);
    streams.push_back({udp_frame(s), 0});
  }
  // Fills `n` mbufs of `pool` with the next frames; false when the pool is empty.
  bool fill(rte_mempool* pool, rte_mbuf** mbufs, unsigned n) {
    if (rte_pktmbuf_alloc_bulk(pool, mbufs, n) != 0) return false;
    for (unsigned i = 0; i < n; ++i) {
      Stream& s = streams[next];
      next = next + 1 == streams.size() ? 0 : next + 1;
      ++s.seq;
      put16(s.frame, 42 + 2, s.seq);
      const std::uint32_t ts = 160u * s.seq;
      s.frame[42 + 4] = static_cast<std::uint8_t>(ts >> 24);
      s.frame[42 + 5] = static_cast<std::uint8_t>(ts >> 16);
      s.frame[42 + 6] = static_cast<std::uint8_t>(ts >> 8);
      s.frame[42 + 7] = static_cast<std::uint8_t>(ts);
      if (get16(s.frame, 40) != 0) {
        put16(s.frame, 40, 0);
        const std::uint32_t pseudo = sum16(std::span(s.frame).subspan(26, 8)) + 17 +
                                     static_cast<std::uint32_t>(s.frame.size() - 34);
        const std::uint16_t c = finish(sum16(std::span(s.frame).subspan(34), pseudo));
        put16(s.frame, 40, c == 0 ? 0xffff : c);
      }
      char* room = rte_pktmbuf_append(mbufs[i], static_cast<std::uint16_t>(s.frame.size()));
      std::memcpy(room, s.frame.data(), s.frame.size());
    }
    return true;
  }
};

}  // namespace dialcore::test
