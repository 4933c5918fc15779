// The real Worker on DpdkIo over net_af_packet, bound to one end of a veth pair, relaying RTP
// between kernel UDP sockets in another network namespace: a real link, the kernel's ARP and
// UDP on the far side. Topology (all made by the test, removed at the end, names unique per
// run; tests/support/netns.hpp):
//
//   namespace "dut"                          namespace "peers"
//   veth a (02:dc:..:01) <-- net_af_packet    veth b (02:dc:..:02)  10.77.0.2/24 peer A (and C)
//   DpdkIo: 10.77.0.1, our MAC = veth a's                           10.77.0.3/24 peer B
//
// The kernel resolves 10.77.0.1 by ARP (answered by DpdkIo), sends datagrams with real UDP
// checksums (transmit checksum offload off on veth b, see set_tx_checksum_offload) that DpdkIo
// verifies, and delivers what the worker sends to the peers' sockets. The test thread sits in
// "dut" while DpdkIo lives (net_af_packet's ioctls name the interface in the calling thread's
// namespace) and makes the peers' sockets inside "peers". Skipped (exit 77, reason on stderr)
// only when namespaces cannot be made here; EAL as in dpdk_wire.hpp.
#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <memory>
#include <optional>
#include <thread>
#include <tuple>

#include "bench/dataplane/worker_driver.hpp"
#include "codecs/codec.hpp"
#include "codecs/g711.hpp"
#include "dataplane/rtp/rtp_packet.hpp"
#include "dataplane/rtp/rtp_writer.hpp"
#include "dpdk_wire.hpp"
#include "tests/dataplane/io/udp_peer.hpp"
#include "tests/support/audio_metrics.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/netns.hpp"

#include "dataplane/io/dpdk_headers.hpp"

using namespace dialcore::dataplane;
using namespace dialcore::test;
using dialcore::bench::WorkerDriver;
using dialcore::codecs::CodecId;

namespace {

constexpr Mac kDutMac = {0x02, 0xdc, 0x00, 0x00, 0x00, 0x01};
constexpr Mac kPeersMac = {0x02, 0xdc, 0x00, 0x00, 0x00, 0x02};

std::uint64_t now_ns() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                        std::chrono::steady_clock::now().time_since_epoch())
                                        .count());
}

// Namespaces, the veth pair, DpdkIo on net_af_packet and a Worker on it. Members are destroyed
// in reverse: worker, DpdkIo (closes the port), back to our namespace, veth, namespaces.
struct AfPacketRig {
  NetNs dut{"dut"};
  NetNs peers{"peers"};
  VethPair veth{dut, kDutMac, peers, kPeersMac};
  std::optional<NetNsScope> in_dut;
  std::unique_ptr<DpdkIo> io;
  std::unique_ptr<WorkerDriver> driver;

  std::string tap;  // the exception path's TAP interface in "dut", when asked for

  // With `exception_path`: a TAP in "dut" with our MAC and 10.77.0.1/24, RTP ports 20000-29999,
  // everything else to the kernel.
  // With `resolve_by_arp`: no gateway MAC; the link's /24 is resolved by our own ARP requests.
  explicit AfPacketRig(bool verify_checksums = true, bool exception_path = false,
                       bool resolve_by_arp = false) {
    peers.ip({"addr", "add", "10.77.0.2/24", "dev", veth.b()});
    peers.ip({"addr", "add", "10.77.0.3/24", "dev", veth.b()});
    {
      const NetNsScope in_peers(peers);
      set_tx_checksum_offload(veth.b(), false);
    }
    in_dut.emplace(dut);
    // The vdev's name is unique in the process; its socket is made in "dut", where the link is.
    const std::string vdev = "net_af_packet_" + veth.a();
    const std::string probe = vdev + ",iface=" + veth.a() + ",qpairs=1";
    const int r = rte_dev_probe(probe.c_str());
    INFO("rte_dev_probe(" << probe << ") = " << r);
    REQUIRE(r == 0);
    DpdkIoConfig c;
    c.device = vdev;
    c.addresses = {v4(10, 77, 0, 1)};
    c.mac = kDutMac;
    if (resolve_by_arp) {
      c.prefix_lengths = {24};
    } else {
      c.next_hop_mac = kPeersMac;  // the peers' side of the link, until they have spoken
    }
    c.max_ports = 16;
    c.pool_mbufs = 2047;
    c.pool_cache = 64;
    c.rx_checksum = verify_checksums ? RxChecksum::Verify : RxChecksum::Trust;
    if (exception_path) {
      tap = veth.a().substr(0, veth.a().size() - 1) + "t";
      c.exception_devargs = "net_tap_" + tap + ",iface=" + tap;
      c.rtp_port_first = c.ephemeral_first = 20000;
      c.rtp_port_last = c.ephemeral_last = 29999;
    }
    io = std::make_unique<DpdkIo>(c);
    if (exception_path) {
      dut.ip({"addr", "add", "10.77.0.1/24", "dev", tap});
      dut.ip({"link", "set", tap, "up"});
    }
    WorkerConfig w;
    w.max_legs = 16;
    w.max_ports = 16;
    driver = std::make_unique<WorkerDriver>(*io, w);
  }
  ~AfPacketRig() {
    driver.reset();
    io.reset();
    in_dut.reset();
  }

  // A kernel UDP socket in "peers" on `address` (port chosen by the kernel).
  std::unique_ptr<UdpPeer> peer(const NetAddress& address) {
    const NetNsScope in_peers(peers);
    auto p = std::make_unique<UdpPeer>(address);
    REQUIRE(p->ok());
    return p;
  }
  // A kernel UDP socket in "dut" (the thread is there while the rig lives): the TAP's side.
  std::unique_ptr<UdpPeer> host_socket(const NetAddress& address) {
    auto p = std::make_unique<UdpPeer>(address);
    REQUIRE(p->ok());
    return p;
  }

  std::pair<LegId, NetAddress> leg(const UdpPeer& towards, CodecId codec, std::uint8_t pt) {
    return driver->create_leg(v4(10, 77, 0, 1), towards.address(), WorkerDriver::spec(codec, pt), now_ns());
  }
  Event call(LegId leg, const auto& args) { return driver->call(leg, args, now_ns()); }

  // Peer A on 10.77.0.2 and peer B on 10.77.0.3, a leg towards each, bridged.
  struct Call {
    std::unique_ptr<UdpPeer> a, b;
    LegId leg_a, leg_b;
    NetAddress local_a, local_b;
  };
  Call bridged_call(CodecId codec_a, std::uint8_t pt_a, CodecId codec_b, std::uint8_t pt_b) {
    Call c;
    c.a = peer(v4(10, 77, 0, 2));
    c.b = peer(v4(10, 77, 0, 3));
    std::tie(c.leg_a, c.local_a) = leg(*c.a, codec_a, pt_a);
    std::tie(c.leg_b, c.local_b) = leg(*c.b, codec_b, pt_b);
    REQUIRE(call(c.leg_a, BridgeArgs{c.leg_b}).status == ReplyStatus::Ok);
    return c;
  }

  // Turns the worker until `to` has a datagram (at most ~2 s: the kernel may first resolve our
  // address by ARP, which the worker's rx_burst answers).
  std::optional<UdpPeer::Datagram> relay_to(const UdpPeer& to) {
    for (int i = 0; i < 20'000; ++i) {
      driver->turn(now_ns());
      if (auto d = to.receive(0)) return d;
      if (i > 100) std::this_thread::sleep_for(std::chrono::microseconds(100));
    }
    return std::nullopt;
  }
};

std::vector<std::uint8_t> rtp_datagram(std::uint32_t ssrc, std::uint16_t seq, std::uint32_t ts, std::uint8_t pt,
                              std::span<const std::uint8_t> payload) {
  // Sized once and copied into: GCC 12 -O3 warns falsely (-Warray-bounds) on insert after 12.
  std::vector<std::uint8_t> b(rtp::kRtpHeaderBytes + payload.size());
  rtp::write_rtp_header(rtp::RtpHeaderBytes(b.data(), rtp::kRtpHeaderBytes), {ssrc, ts, seq, pt, false});
  std::copy(payload.begin(), payload.end(), b.begin() + rtp::kRtpHeaderBytes);
  return b;
}

rtp::RtpPacket parsed(const std::vector<std::uint8_t>& bytes) {
  rtp::RtpPacket p;
  REQUIRE(rtp::parse_rtp(bytes, p) == rtp::RtpStatus::Ok);
  return p;
}

}  // namespace

#define NETNS_TEST_OR_SKIP()                                                                \
  do {                                                                                      \
    if (const auto why_ = ::dialcore::test::netns_unavailable()) skip_test(*why_);          \
    DPDK_TEST_OR_SKIP();                                                                    \
  } while (0)

TEST_CASE("af_packet on veth: kernel peers in a namespace, RTP relayed intact both ways",
          "[dpdk][af_packet][netns]") {
  NETNS_TEST_OR_SKIP();
  AfPacketRig rig;
  const auto call = rig.bridged_call(CodecId::Pcmu, 0, CodecId::Pcmu, 0);
  const auto& [a, b, leg_a, leg_b, local_a, local_b] = call;

  std::uint32_t out_ssrc = 0;
  std::uint16_t last_seq = 0;
  for (std::uint16_t i = 0; i < 20; ++i) {
    const auto payload = tagged_payload(static_cast<std::uint8_t>(i * 7), 160);
    REQUIRE(a->send_to(local_a, rtp_datagram(0xA1A1A1A1, static_cast<std::uint16_t>(60000 + i), 160u * i, 0, payload)));
    const auto got = rig.relay_to(*b);
    REQUIRE(got);
    CHECK(got->from == local_b);  // from leg B's own port on our address
    const auto p = parsed(got->bytes);
    CHECK(p.ssrc != 0xA1A1A1A1);
    REQUIRE(p.payload_bytes == 160);
    CHECK(std::equal(payload.begin(), payload.end(), got->bytes.begin() + 12));
    if (i > 0) {
      CHECK(p.ssrc == out_ssrc);
      CHECK(p.sequence == static_cast<std::uint16_t>(last_seq + 1));
    }
    out_ssrc = p.ssrc;
    last_seq = p.sequence;
  }
  for (std::uint16_t i = 0; i < 5; ++i) {  // and back, B to A
    const auto payload = tagged_payload(static_cast<std::uint8_t>(200 + i), 160);
    REQUIRE(b->send_to(local_b, rtp_datagram(0xB2, i, 160u * i, 0, payload)));
    const auto got = rig.relay_to(*a);
    REQUIRE(got);
    CHECK(got->from == local_a);
    CHECK(std::equal(payload.begin(), payload.end(), got->bytes.begin() + 12));
  }
  CHECK(rig.io->dpdk_stats().read(DpdkCounter::ArpReplies) >= 1);  // the kernel asked for us
  CHECK(rig.io->dpdk_stats().read(DpdkCounter::RxBadChecksum) == 0);
  CHECK(rig.io->stats().read(IoCounter::RxPackets) == 25);
  CHECK(rig.io->stats().read(IoCounter::TxPackets) == 25);
}

TEST_CASE("af_packet on veth: a peer that never spoke is found by our own ARP request",
          "[dpdk][af_packet][netns][arp]") {
  NETNS_TEST_OR_SKIP();
  AfPacketRig rig(true, false, true);
  const auto call = rig.bridged_call(CodecId::Pcmu, 0, CodecId::Pcmu, 0);
  const auto& [a, b, leg_a, leg_b, local_a, local_b] = call;
  // A speaks, B has not: the first datagrams for B wait on the kernel's ARP answer for 10.77.0.3
  // (dropped and counted meanwhile); then B hears A, from leg B's port.
  std::optional<UdpPeer::Datagram> got;
  const auto payload = tagged_payload(9, 160);
  for (std::uint16_t i = 0; i < 50 && !got; ++i) {
    REQUIRE(a->send_to(local_a, rtp_datagram(0xA1, i, 160u * i, 0, payload)));
    for (int t = 0; t < 200 && !got; ++t) {
      rig.driver->turn(now_ns());
      got = b->receive(0);
      if (!got) std::this_thread::sleep_for(std::chrono::microseconds(100));
    }
  }
  REQUIRE(got);
  CHECK(got->from == local_b);
  CHECK(std::equal(payload.begin(), payload.end(), got->bytes.begin() + 12));
  const DpdkStats& d = rig.io->dpdk_stats();
  CHECK(d.read(DpdkCounter::ArpRequests) >= 1);
  CHECK(d.read(DpdkCounter::ArpLearned) >= 1);
  CHECK(d.read(DpdkCounter::TxArpPending) >= 1);
  CHECK(d.read(DpdkCounter::TxNoNextHop) == 0);
}

TEST_CASE("af_packet on veth: the far end sees one stream across a re-bridge",
          "[dpdk][af_packet][netns]") {
  NETNS_TEST_OR_SKIP();
  AfPacketRig rig;
  const auto call = rig.bridged_call(CodecId::Pcmu, 0, CodecId::Pcmu, 0);
  const auto& [a, b, leg_a, leg_b, local_a, local_b] = call;
  const auto c = rig.peer(v4(10, 77, 0, 2));  // a third party, on A's address, another port
  const auto [leg_c, local_c] = rig.leg(*c, CodecId::Pcmu, 0);
  (void)local_b;

  std::vector<rtp::RtpPacket> seen;
  std::vector<std::vector<std::uint8_t>> bytes;
  auto send = [&](UdpPeer& from, const NetAddress& to, std::uint32_t ssrc, std::uint16_t seq,
                  std::uint32_t ts, std::uint8_t tag) {
    const auto payload = tagged_payload(tag, 160);
    REQUIRE(from.send_to(to, rtp_datagram(ssrc, seq, ts, 0, payload)));
    const auto got = rig.relay_to(*b);
    REQUIRE(got);
    CHECK(std::equal(payload.begin(), payload.end(), got->bytes.begin() + 12));
    seen.push_back(parsed(got->bytes));
  };
  for (std::uint16_t i = 0; i < 5; ++i) send(*a, local_a, 111, static_cast<std::uint16_t>(100 + i), 160u * i, static_cast<std::uint8_t>(i));
  REQUIRE(rig.call(leg_a, UnbridgeArgs{}).status == ReplyStatus::Ok);
  REQUIRE(rig.call(leg_c, BridgeArgs{leg_b}).status == ReplyStatus::Ok);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  for (std::uint16_t i = 0; i < 5; ++i) {
    send(*c, local_c, 999, static_cast<std::uint16_t>(40000 + i), 77777u + 160u * i, static_cast<std::uint8_t>(50 + i));
  }
  for (std::size_t i = 1; i < seen.size(); ++i) {
    INFO("packet " << i);
    CHECK(seen[i].ssrc == seen[0].ssrc);
    CHECK(seen[i].sequence == static_cast<std::uint16_t>(seen[i - 1].sequence + 1));
    CHECK(seen[i].timestamp - seen[i - 1].timestamp >= 160u);
  }
  CHECK(seen[5].marker);  // the new source is marked
}

TEST_CASE("af_packet on veth: PCMU to G.729 and back, the speech survives",
          "[dpdk][af_packet][netns][transcode]") {
  NETNS_TEST_OR_SKIP();
  AfPacketRig rig;
  const auto call = rig.bridged_call(CodecId::Pcmu, 0, CodecId::G729, 18);
  const auto& [a, b, leg_a, leg_b, local_a, local_b] = call;

  // Two seconds of speech each way, 20 ms packets; the far ends encode and decode with our
  // codec layer, the worker transcodes in between.
  const auto speech = load_speech("machine-greeting-8k.wav", 8000);
  constexpr std::size_t kPackets = 100;
  REQUIRE(speech.size() >= (kPackets + 50) * 160);
  dialcore::codecs::CodecFormat g729;
  g729.id = CodecId::G729;
  auto g729_dec = dialcore::codecs::make_decoder(g729);
  auto g729_enc = dialcore::codecs::make_encoder(g729, {});
  REQUIRE(g729_dec);
  REQUIRE(g729_enc);
  std::vector<std::int16_t> at_b, at_a;
  std::array<std::int16_t, 160> pcm{};
  for (std::uint16_t i = 0; i < kPackets; ++i) {
    std::array<std::uint8_t, 160> ulaw{};
    for (std::size_t k = 0; k < 160; ++k) ulaw[k] = dialcore::codecs::g711::linear_to_ulaw(speech[160u * i + k]);
    REQUIRE(a->send_to(local_a, rtp_datagram(42, i, 160u * i, 0, ulaw)));
    const auto got = rig.relay_to(*b);
    REQUIRE(got);
    const auto p = parsed(got->bytes);
    CHECK(p.payload_type == 18);
    REQUIRE(p.payload_bytes == 20);  // two G.729 frames
    const auto r = g729_dec->decode(std::span(got->bytes).subspan(12, 20), pcm);
    REQUIRE(r.count == 160);
    at_b.insert(at_b.end(), pcm.begin(), pcm.end());

    std::array<std::uint8_t, 20> frames{};
    const auto e = g729_enc->encode(std::span(speech).subspan(160u * i, 160), frames);
    REQUIRE(e.count == 20);
    REQUIRE(b->send_to(local_b, rtp_datagram(43, i, 160u * i, 18, frames)));
    const auto back = rig.relay_to(*a);
    REQUIRE(back);
    const auto q = parsed(back->bytes);
    CHECK(q.payload_type == 0);
    REQUIRE(q.payload_bytes == 160);
    for (std::size_t k = 0; k < 160; ++k) at_a.push_back(dialcore::codecs::g711::ulaw_to_linear(back->bytes[12 + k]));
  }
  // The decoded audio matches the speech sent at some delay (codec look-ahead, the worker's PCM
  // queue) far better than the same audio matches speech a second away.
  for (const auto* heard : {&at_b, &at_a}) {
    const std::size_t max_lag = 480;  // 60 ms
    const std::size_t len = 8000;     // one second, from 0.2 s in
    const std::span<const std::int16_t> ref(speech.data() + 1600, len);
    const std::span<const std::int16_t> elsewhere(speech.data() + 1600 + 8000, len);
    const std::span<const std::int16_t> test(heard->data() + 1600, len + max_lag);
    const auto aligned = best_alignment(ref, test, max_lag);
    const auto chance = best_alignment(elsewhere, test, max_lag);
    INFO((heard == &at_b ? "at B (G.729)" : "at A (PCMU)") << ": aligned " << aligned.correlation
         << " at lag " << aligned.lag << ", chance " << chance.correlation);
    CHECK(aligned.correlation >= 0.6);
    CHECK(aligned.correlation >= chance.correlation + 0.3);
  }
}

TEST_CASE("exception path: UDP to a non-RTP port reaches a kernel socket behind a TAP, and back",
          "[dpdk][af_packet][netns][exception]") {
  NETNS_TEST_OR_SKIP();
  AfPacketRig rig(true, /*exception_path=*/true);
  REQUIRE(rig.io->has_exception_path());
  // "SIP" on the host's stack: the kernel picks its port, outside our RTP range 20000-29999.
  const auto sip = rig.host_socket(v4(10, 77, 0, 1));
  REQUIRE((sip->address().port < 20000 || sip->address().port > 29999));
  const auto far = rig.peer(v4(10, 77, 0, 2));
  const std::string invite = "INVITE sip:agent@10.77.0.1 SIP/2.0\r\n\r\n";
  REQUIRE(far->send_to(sip->address(), std::span(reinterpret_cast<const std::uint8_t*>(invite.data()), invite.size())));
  const auto got = rig.relay_to(*sip);  // the worker's rx_burst hands it to the TAP
  REQUIRE(got);
  CHECK(std::string(got->bytes.begin(), got->bytes.end()) == invite);
  CHECK(got->from == far->address());
  CHECK(rig.io->dpdk_stats().read(DpdkCounter::ToKernel) >= 1);

  // The host answers: its ARP request and its datagram leave through the TAP and our port.
  const std::string ok = "SIP/2.0 200 OK\r\n\r\n";
  REQUIRE(sip->send_to(far->address(), std::span(reinterpret_cast<const std::uint8_t*>(ok.data()), ok.size())));
  const auto answer = rig.relay_to(*far);
  REQUIRE(answer);
  CHECK(std::string(answer->bytes.begin(), answer->bytes.end()) == ok);
  CHECK(answer->from == sip->address());
  CHECK(rig.io->dpdk_stats().read(DpdkCounter::FromKernel) >= 1);

  // RTP on the same address still goes to the worker, not to the kernel.
  const auto call = rig.bridged_call(CodecId::Pcmu, 0, CodecId::Pcmu, 0);
  const auto& [a, b, leg_a, leg_b, local_a, local_b] = call;
  CHECK(local_a.port >= 20000);
  CHECK(local_a.port <= 29999);
  const std::uint64_t to_kernel = rig.io->dpdk_stats().read(DpdkCounter::ToKernel);
  const auto payload = tagged_payload(9, 160);
  REQUIRE(a->send_to(local_a, rtp_datagram(7, 1, 160, 0, payload)));
  const auto relayed = rig.relay_to(*b);
  REQUIRE(relayed);
  CHECK(relayed->from == local_b);
  CHECK(std::equal(payload.begin(), payload.end(), relayed->bytes.begin() + 12));
  CHECK(rig.io->dpdk_stats().read(DpdkCounter::ToKernel) == to_kernel);

  // An open port outside the RTP range is still ours: a leg asked for port 40000 relays.
  const auto c = rig.peer(v4(10, 77, 0, 2));
  const auto d = rig.peer(v4(10, 77, 0, 3));
  const auto [leg_c, local_c] = rig.driver->create_leg(v4(10, 77, 0, 1, 40000), c->address(),
                                                        WorkerDriver::spec(CodecId::Pcmu, 0), now_ns());
  const auto [leg_d, local_d] = rig.leg(*d, CodecId::Pcmu, 0);
  REQUIRE(local_c.port == 40000);
  REQUIRE(rig.call(leg_c, BridgeArgs{leg_d}).status == ReplyStatus::Ok);
  REQUIRE(c->send_to(local_c, rtp_datagram(8, 1, 160, 0, payload)));
  const auto outside = rig.relay_to(*d);
  REQUIRE(outside);
  CHECK(outside->from == local_d);
  CHECK(rig.io->dpdk_stats().read(DpdkCounter::ToKernel) == to_kernel);
  CHECK(rig.io->dpdk_stats().read(DpdkCounter::ExceptionDropped) == 0);
}
