#pragma once
// Test support for the DPDK backend: EAL for the test process, a net_ring port the test plays
// the wire of, and hand-built Ethernet/IPv4/UDP/ARP/ICMP frames with an independent checksum
// (RFC 1071, written here, not DPDK's) to build and judge them.
//
// EAL runs once per process (catch_discover_tests runs each TEST_CASE as its own process):
// --no-huge --no-pci -m 256, the first CPU we may run on, --no-shconf and --no-telemetry (no
// shared files or sockets), and a --file-prefix holding our pid; eal_cleanup() at exit removes
// the runtime directory EAL leaves behind. A test that cannot have EAL (not root; EAL refused
// with a permission or memory error) skips: DPDK_TEST_OR_SKIP() prints "SKIPPED: <why>" and
// exits with status 77, which CTest reports as Skipped (SKIP_RETURN_CODE, tests/CMakeLists.txt;
// Catch2 2 has no SKIP). Any other EAL failure fails the test.

#include <catch2/catch.hpp>

#include <sched.h>
#include <unistd.h>

#include <array>
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "dataplane/io/dpdk_eal.hpp"
#include "dataplane/io/dpdk_io.hpp"

#include "dataplane/io/dpdk_headers.hpp"

namespace dialcore::test {

using dataplane::MacAddress;
using dataplane::NetAddress;

// ---- EAL ------------------------------------------------------------------------------------

struct EalSession {
  bool up = false;
  std::string why;  // why not, when !up
  bool skip = false;  // !up for a reason outside the test's control
  EalSession() {
    if (::geteuid() != 0) {
      why = "not root (DPDK needs root for EAL, even with --no-huge)";
      skip = true;
      return;
    }
    cpu_set_t cpus;
    CPU_ZERO(&cpus);
    int first_cpu = 0;
    if (::sched_getaffinity(0, sizeof(cpus), &cpus) == 0) {
      while (first_cpu < CPU_SETSIZE && !CPU_ISSET(first_cpu, &cpus)) ++first_cpu;
    }
    const std::vector<std::string> args = {
        "--no-huge", "--no-pci", "-m", "256", "-l", std::to_string(first_cpu), "--no-shconf",
        "--no-telemetry", "--log-level=lib.eal:error",
        "--file-prefix=dialcore-test-" + std::to_string(::getpid())};
    const dataplane::EalResult r = dataplane::eal_init(args);
    up = r.ok;
    why = r.message;
    skip = !r.ok && (r.error == EACCES || r.error == EPERM || r.error == ENOMEM);
  }
  ~EalSession() { dataplane::eal_cleanup(); }
};

inline EalSession& eal_session() {
  static EalSession session;  // destroyed at exit, after every test case's DpdkIo
  return session;
}

// Ends the test process as skipped (CTest: SKIP_RETURN_CODE 77), saying why. Call it before
// anything needs cleaning up: no destructor runs.
[[noreturn]] inline void skip_test(const std::string& why) {
  std::fprintf(stderr, "SKIPPED: %s\n", why.c_str());
  std::fflush(stdout);
  std::fflush(stderr);
  std::_Exit(77);
}

#define DPDK_TEST_OR_SKIP()                                                          \
  do {                                                                               \
    auto& eal_ = ::dialcore::test::eal_session();                                    \
    if (!eal_.up) {                                                                  \
      if (!eal_.skip) FAIL("EAL init failed: " << eal_.why);                         \
      ::dialcore::test::skip_test("DPDK EAL unavailable: " + eal_.why);              \
    }                                                                                \
  } while (0)

// ---- The wire: a net_ring port ------------------------------------------------------------

// A port made of two rings the test holds: what the test enqueues on `rx` the port receives,
// what the port transmits the test dequeues from `tx`. DpdkIo closes the port; the rings are ours.
class RingWire {
 public:
  explicit RingWire(unsigned tx_ring_size = 1024) {
    static unsigned count = 0;
    // snprintf, not std::string +: GCC 12 -O3 warns falsely (-Wrestrict) on short concatenations.
    std::array<char, 32> rx_name{}, tx_name{}, name{};
    ++count;
    std::snprintf(name.data(), name.size(), "w%u", count);
    std::snprintf(rx_name.data(), rx_name.size(), "w%u_rx", count);
    std::snprintf(tx_name.data(), tx_name.size(), "w%u_tx", count);
    name_ = name.data();
    rx_ = rte_ring_create(rx_name.data(), 1024, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
    tx_ = rte_ring_create(tx_name.data(), tx_ring_size, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
    REQUIRE(rx_ != nullptr);
    REQUIRE(tx_ != nullptr);
    port_ = rte_eth_from_rings(name_.c_str(), &rx_, 1, &tx_, 1, 0);
    REQUIRE(port_ >= 0);
  }
  ~RingWire() {
    drain();
    rte_ring_free(rx_);
    rte_ring_free(tx_);
  }
  RingWire(const RingWire&) = delete;
  RingWire& operator=(const RingWire&) = delete;

  std::uint16_t port() const { return static_cast<std::uint16_t>(port_); }

  // Puts `frame` on the wire towards the port, in an mbuf of `pool` (the backend's: its private
  // area holds the Packet). False when the pool or the ring is full.
  bool inject(rte_mempool* pool, std::span<const std::uint8_t> frame) {
    rte_mbuf* m = rte_pktmbuf_alloc(pool);
    if (m == nullptr) return false;
    char* room = rte_pktmbuf_append(m, static_cast<std::uint16_t>(frame.size()));
    if (room == nullptr || rte_ring_enqueue(rx_, m) != 0) {
      rte_pktmbuf_free(m);
      return false;
    }
    std::memcpy(room, frame.data(), frame.size());
    return true;
  }
  // Enqueues ready mbufs (bench): returns how many the ring took.
  unsigned inject_bulk(rte_mbuf** mbufs, unsigned n) {
    return rte_ring_enqueue_burst(rx_, reinterpret_cast<void* const*>(mbufs), n, nullptr);
  }

  // The next frame the port transmitted, copied out (its mbuf freed).
  std::optional<std::vector<std::uint8_t>> take() {
    void* obj = nullptr;
    if (rte_ring_dequeue(tx_, &obj) != 0) return std::nullopt;
    auto* m = static_cast<rte_mbuf*>(obj);
    const auto* bytes = rte_pktmbuf_mtod(m, const std::uint8_t*);
    std::vector<std::uint8_t> frame(bytes, bytes + m->data_len);
    rte_pktmbuf_free(m);
    return frame;
  }
  // Frees up to `n` transmitted mbufs without looking at them (bench); returns how many.
  unsigned discard(unsigned n) {
    std::array<void*, 64> objs;
    unsigned done = 0;
    while (done < n) {
      const unsigned got = rte_ring_dequeue_burst(tx_, objs.data(), std::min(64u, n - done), nullptr);
      if (got == 0) break;
      rte_pktmbuf_free_bulk(reinterpret_cast<rte_mbuf**>(objs.data()), got);
      done += got;
    }
    return done;
  }
  // Frees whatever is still on either ring: before the backend's pool goes away.
  void drain() {
    void* obj = nullptr;
    while (rte_ring_dequeue(tx_, &obj) == 0) rte_pktmbuf_free(static_cast<rte_mbuf*>(obj));
    while (rte_ring_dequeue(rx_, &obj) == 0) rte_pktmbuf_free(static_cast<rte_mbuf*>(obj));
  }

 private:
  std::string name_;
  rte_ring* rx_ = nullptr;
  rte_ring* tx_ = nullptr;
  int port_ = -1;
};

// ---- Frames ---------------------------------------------------------------------------------

inline constexpr MacAddress kOurMac = {0x02, 0xdc, 0x00, 0x00, 0x00, 0x01};
inline constexpr MacAddress kGatewayMac = {0x02, 0xdc, 0x00, 0x00, 0x00, 0xfe};
inline constexpr MacAddress kPeerMac = {0x02, 0xdc, 0x00, 0x00, 0x00, 0x02};
inline constexpr MacAddress kBroadcast = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

inline NetAddress v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d, std::uint16_t port = 0) {
  return NetAddress::v4(a, b, c, d, port);
}

// RFC 1071 over `bytes`, added to `sum`; fold and complement at the end.
inline std::uint32_t sum16(std::span<const std::uint8_t> bytes, std::uint32_t sum = 0) {
  for (std::size_t i = 0; i + 1 < bytes.size(); i += 2) sum += std::uint32_t{bytes[i]} << 8 | bytes[i + 1];
  if (bytes.size() % 2 != 0) sum += std::uint32_t{bytes.back()} << 8;
  return sum;
}
inline std::uint16_t finish(std::uint32_t sum) {
  while (sum >> 16 != 0) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum);
}

inline void put16(std::vector<std::uint8_t>& b, std::size_t at, std::uint16_t v) {
  b[at] = static_cast<std::uint8_t>(v >> 8);
  b[at + 1] = static_cast<std::uint8_t>(v);
}
inline std::uint16_t get16(std::span<const std::uint8_t> b, std::size_t at) {
  return static_cast<std::uint16_t>(b[at] << 8 | b[at + 1]);
}

// What a hand-built frame says; the defaults make a good UDP datagram.
struct FrameSpec {
  MacAddress dst_mac = kOurMac;
  MacAddress src_mac = kPeerMac;
  std::uint16_t ether_type = 0x0800;
  NetAddress src = v4(10, 0, 0, 2, 5000);
  NetAddress dst = v4(10, 0, 0, 1, 4000);
  std::uint8_t protocol = 17;
  std::uint8_t version_ihl = 0x45;
  std::uint16_t fragment = 0x4000;  // DF
  bool udp_checksum = true;
  std::vector<std::uint8_t> payload = std::vector<std::uint8_t>(160, 0x5a);
};

// Ethernet + IPv4 (20 bytes, checksummed) + UDP (checksummed unless told not to) + payload.
inline std::vector<std::uint8_t> udp_frame(const FrameSpec& s) {
  const std::size_t ip_len = 20 + 8 + s.payload.size();
  std::vector<std::uint8_t> f(14 + ip_len);
  std::memcpy(f.data(), s.dst_mac.data(), 6);
  std::memcpy(f.data() + 6, s.src_mac.data(), 6);
  put16(f, 12, s.ether_type);
  f[14] = s.version_ihl;
  put16(f, 16, static_cast<std::uint16_t>(ip_len));
  put16(f, 20, s.fragment);
  f[22] = 64;
  f[23] = s.protocol;
  std::memcpy(f.data() + 26, s.src.bytes.data(), 4);
  std::memcpy(f.data() + 30, s.dst.bytes.data(), 4);
  put16(f, 24, finish(sum16(std::span(f).subspan(14, 20))));
  put16(f, 34, s.src.port);
  put16(f, 36, s.dst.port);
  put16(f, 38, static_cast<std::uint16_t>(8 + s.payload.size()));
  std::memcpy(f.data() + 42, s.payload.data(), s.payload.size());
  if (s.udp_checksum) {
    std::uint32_t pseudo = sum16(std::span(f).subspan(26, 8)) + 17 + 8 + static_cast<std::uint32_t>(s.payload.size());
    std::uint16_t c = finish(sum16(std::span(f).subspan(34), pseudo));
    put16(f, 40, c == 0 ? 0xffff : c);
  }
  return f;
}

// A parsed and judged Ethernet/IPv4/UDP frame (what the backend transmitted).
struct SeenUdp {
  MacAddress dst_mac{}, src_mac{};
  NetAddress src, dst;
  std::uint8_t tos = 0, ttl = 0;
  std::uint16_t fragment = 0;
  bool ip_checksum_ok = false;
  bool udp_checksum_ok = false;  // true also when the checksum is 0 (none)
  std::uint16_t udp_checksum = 0;
  std::vector<std::uint8_t> payload;
};

inline std::optional<SeenUdp> parse_udp_frame(std::span<const std::uint8_t> f) {
  if (f.size() < 42 || get16(f, 12) != 0x0800 || f[14] != 0x45 || f[23] != 17) return std::nullopt;
  const std::size_t ip_len = get16(f, 16);
  if (14 + ip_len > f.size() || get16(f, 38) != ip_len - 20) return std::nullopt;
  SeenUdp s;
  std::memcpy(s.dst_mac.data(), f.data(), 6);
  std::memcpy(s.src_mac.data(), f.data() + 6, 6);
  s.src = v4(f[26], f[27], f[28], f[29], get16(f, 34));
  s.dst = v4(f[30], f[31], f[32], f[33], get16(f, 36));
  s.tos = f[15];
  s.ttl = f[22];
  s.fragment = get16(f, 20);
  s.ip_checksum_ok = finish(sum16(f.subspan(14, 20))) == 0;
  s.udp_checksum = get16(f, 40);
  const std::uint32_t pseudo = sum16(f.subspan(26, 8)) + 17 + static_cast<std::uint32_t>(ip_len - 20);
  s.udp_checksum_ok = s.udp_checksum == 0 || finish(sum16(f.subspan(34, ip_len - 20), pseudo)) == 0;
  s.payload.assign(f.begin() + 42, f.begin() + static_cast<std::ptrdiff_t>(14 + ip_len));
  return s;
}

// An ARP request (RFC 826) from `sender` asking who has `target`.
inline std::vector<std::uint8_t> arp_request(const MacAddress& sender_mac, const NetAddress& sender,
                                             const NetAddress& target) {
  std::vector<std::uint8_t> f(42);
  std::memcpy(f.data(), kBroadcast.data(), 6);
  std::memcpy(f.data() + 6, sender_mac.data(), 6);
  put16(f, 12, 0x0806);
  put16(f, 14, 1);       // Ethernet
  put16(f, 16, 0x0800);  // IPv4
  f[18] = 6;
  f[19] = 4;
  put16(f, 20, 1);  // request
  std::memcpy(f.data() + 22, sender_mac.data(), 6);
  std::memcpy(f.data() + 28, sender.bytes.data(), 4);
  std::memcpy(f.data() + 38, target.bytes.data(), 4);
  return f;
}

// An ARP reply (RFC 826): `sender` is at `sender_mac`, sent to `target` at `target_mac`.
inline std::vector<std::uint8_t> arp_reply(const MacAddress& sender_mac, const NetAddress& sender,
                                           const MacAddress& target_mac, const NetAddress& target) {
  std::vector<std::uint8_t> f = arp_request(sender_mac, sender, target);
  std::memcpy(f.data(), target_mac.data(), 6);
  put16(f, 20, 2);  // reply
  std::memcpy(f.data() + 32, target_mac.data(), 6);
  return f;
}

// An ARP request frame as sent: who asks (MAC, address) for which address.
struct SeenArpRequest {
  MacAddress eth_dst{}, eth_src{}, sender_mac{};
  NetAddress sender, target;
};
inline std::optional<SeenArpRequest> parse_arp_request(std::span<const std::uint8_t> f) {
  if (f.size() < 42 || get16(f, 12) != 0x0806 || get16(f, 20) != 1) return std::nullopt;
  SeenArpRequest r;
  std::memcpy(r.eth_dst.data(), f.data(), 6);
  std::memcpy(r.eth_src.data(), f.data() + 6, 6);
  std::memcpy(r.sender_mac.data(), f.data() + 22, 6);
  r.sender = NetAddress::v4(f[28], f[29], f[30], f[31], 0);
  r.target = NetAddress::v4(f[38], f[39], f[40], f[41], 0);
  return r;
}

// An ICMP echo request with `data`.
inline std::vector<std::uint8_t> echo_request(const NetAddress& from, const NetAddress& to,
                                              std::uint16_t id, std::uint16_t seq,
                                              const std::vector<std::uint8_t>& data) {
  FrameSpec s;
  s.src = from;
  s.dst = to;
  s.protocol = 1;
  s.udp_checksum = false;
  s.payload.assign(data.size(), 0);
  // Ethernet + IPv4 (lengths and checksum right) + 8 bytes of "UDP header" we overwrite.
  std::vector<std::uint8_t> f = udp_frame(s);
  std::copy(data.begin(), data.end(), f.begin() + 42);
  f[34] = 8;  // echo request
  f[35] = 0;
  put16(f, 36, 0);
  put16(f, 38, id);
  put16(f, 40, seq);
  put16(f, 36, finish(sum16(std::span(f).subspan(34))));
  return f;
}

}  // namespace dialcore::test
