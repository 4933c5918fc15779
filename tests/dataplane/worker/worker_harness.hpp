#pragma once
// A worker on the socket backend, driven from the test thread: control's CommandChannel on one
// side, UdpPeer sockets playing the far ends on loopback (ports chosen by the kernel). Time is
// a counter the test advances, so timeouts are deterministic; every loop is bounded.

#include <catch2/catch.hpp>

#include <sys/socket.h>

#include <array>
#include <deque>
#include <map>
#include <optional>
#include <vector>

#include "dataplane/api/command_channel.hpp"
#include "dataplane/io/socket_io.hpp"
#include "dataplane/rtp/rtp_packet.hpp"
#include "dataplane/rtp/rtp_writer.hpp"
#include "dataplane/worker/worker.hpp"
#include "tests/dataplane/io/udp_peer.hpp"

namespace dialcore::test {

using namespace dialcore::dataplane;

class WorkerHarness {
 public:
  explicit WorkerHarness(const WorkerConfig& config = {})
      : io_(SocketIoConfig{}), rings_(64, 256), channel_(rings_, 32, 1'000'000'000),
        worker_(config, io_, rings_) {
    replies_.reserve(256);  // so a turn allocates nothing (worker_dtmf_no_alloc_test)
    events_.reserve(4096);
  }

  // Submits and turns the worker until the reply arrives (bounded).
  Event call(const Command& cmd) {
    const auto sub = channel_.submit(cmd, now_ns_);
    REQUIRE(sub.status == ReplyStatus::Ok);
    for (int i = 0; i < 100; ++i) {
      turn();
      for (auto it = replies_.begin(); it != replies_.end(); ++it) {
        if (it->seq == sub.seq) {
          Event e = *it;
          replies_.erase(it);
          return e;
        }
      }
    }
    FAIL("no reply");
    return {};
  }
  template <typename Args>
  Event call(LegId leg, const Args& args) { return call(make_command(leg, args)); }

  // A leg on an ephemeral loopback port, its remote set to `peer` (no latching). Any peer with
  // address(): UdpPeer, OrtpPeer.
  template <typename Peer>
  LegId leg_towards(const Peer& peer, const CodecSpec& codec, bool latch = false) {
    const Event created = call(LegId::invalid(), CreateLegArgs{loopback_v4(0), 0});
    REQUIRE(created.status == ReplyStatus::Ok);
    const LegId id = created.leg;
    locals_[id.packed()] = created.args<CreateLegReplyArgs>().local;
    SetRemoteArgs remote;
    remote.rtp = peer.address();
    remote.latch = latch;
    REQUIRE(call(id, remote).status == ReplyStatus::Ok);
    SetCodecArgs c;
    c.formats[0] = codec;
    c.formats[1] = telephone_event();
    c.count = 2;
    REQUIRE(call(id, c).status == ReplyStatus::Ok);
    return id;
  }
  NetAddress local_of(LegId id) { return locals_.at(id.packed()); }

  // One worker turn at the current time; collects events.
  void turn() {
    worker_.poll(now_ns_);
    channel_.poll(now_ns_, [this](Delivery d, const Event& e) noexcept {
      if (d == Delivery::Event) {
        events_.push_back(e);
      } else {
        replies_.push_back(e);
      }
    });
  }
  // Turns the worker until `peer` receives a datagram (bounded), returning it.
  std::optional<UdpPeer::Datagram> relay_to(const UdpPeer& peer) {
    for (int i = 0; i < 200; ++i) {
      turn();
      if (auto d = peer.receive(i < 5 ? 0 : 5)) return d;
    }
    return std::nullopt;
  }
  void advance_ms(std::uint64_t ms) { now_ns_ += ms * 1'000'000; }
  std::uint64_t now_ns() const { return now_ns_; }

  static CodecSpec spec(codecs::CodecId id, std::uint8_t pt, std::uint16_t ptime = 20) {
    CodecSpec s;
    s.format = codecs::CodecFormat{};
    s.format.id = id;
    if (id == codecs::CodecId::Opus) {
      s.format.rtp_clock_hz = 48000;
      s.format.sample_rate_hz = 8000;
      s.format.frame_ms = 20;
    }
    s.payload_type = pt;
    s.ptime_ms = ptime;
    return s;
  }
  static CodecSpec telephone_event() { return spec(codecs::CodecId::TelephoneEvent, 101); }

  Worker& worker() { return worker_; }
  std::vector<Event>& events() { return events_; }
  const SocketIo& io() const { return io_; }

 private:
  SocketIo io_;
  WorkerRings rings_;
  CommandChannel channel_;
  Worker worker_;
  std::uint64_t now_ns_ = 1'000'000'000;
  std::vector<Event> replies_;
  std::vector<Event> events_;
  std::map<std::uint64_t, NetAddress> locals_;
};

// Low background noise (about -50 dBFS), so a line is not digitally silent.
inline std::vector<std::int16_t> background_noise(std::size_t n, std::uint32_t seed = 12345) {
  std::vector<std::int16_t> v(n);
  std::uint32_t x = seed;
  for (auto& s : v) {
    x = x * 1664525u + 1013904223u;
    s = static_cast<std::int16_t>(static_cast<std::int32_t>(x >> 16) % 200 - 100);
  }
  return v;
}

// Reads and discards whatever waits on the peer's socket (bounded by what is queued).
inline void drain_socket(const UdpPeer& peer) {
  std::array<std::uint8_t, 2048> buf{};
  while (::recv(peer.fd(), buf.data(), buf.size(), MSG_DONTWAIT) > 0) {
  }
}

// An RTP packet with a fresh header and `payload_bytes` of payload.
inline std::vector<std::uint8_t> rtp_bytes(std::uint32_t ssrc, std::uint16_t seq, std::uint32_t ts,
                                           std::uint8_t pt, std::size_t payload_bytes,
                                           std::uint8_t fill = 0x55) {
  std::vector<std::uint8_t> b(dataplane::rtp::kRtpHeaderBytes + payload_bytes, fill);
  dataplane::rtp::write_rtp_header(dataplane::rtp::RtpHeaderBytes(b.data(), 12),
                                   {ssrc, ts, seq, pt, false});
  return b;
}

inline dataplane::rtp::RtpPacket parsed(const std::vector<std::uint8_t>& bytes) {
  dataplane::rtp::RtpPacket p;
  REQUIRE(dataplane::rtp::parse_rtp(bytes, p) == dataplane::rtp::RtpStatus::Ok);
  return p;
}

}  // namespace dialcore::test
