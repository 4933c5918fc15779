#include "bench/dataplane/runtime_relay_bench.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <optional>
#include <span>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

#include "bench/dataplane/dataplane_traffic.hpp"
#include "bench/dataplane/ring_port.hpp"
#include "bench/dataplane/worker_driver.hpp"
#include "bench/support/report.hpp"
#include "bench/support/wav_file.hpp"
#include "dataplane/api/command_channel.hpp"
#include "dataplane/io/packet.hpp"
#include "dataplane/runtime/runtime.hpp"

#include "dataplane/io/dpdk_headers.hpp"

namespace dialcore::bench {
namespace {

using dataplane::NetAddress;
using dataplane::WorkerCounter;

constexpr dataplane::MacAddress kOurMac = {0x02, 0xdc, 0x00, 0x00, 0x03, 0x01};
constexpr dataplane::MacAddress kPeerMac = {0x02, 0xdc, 0x00, 0x00, 0x03, 0x02};

std::uint64_t steady_ns() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                        std::chrono::steady_clock::now().time_since_epoch())
                                        .count());
}

// Control's side for the bench: one CommandChannel per worker, calls waited for (bounded).
class Control {
 public:
  explicit Control(dataplane::Runtime& rt) {
    for (std::size_t w = 0; w < rt.worker_count(); ++w) {
      channels_.push_back(std::make_unique<dataplane::CommandChannel>(rt.rings(w), 32, 2'000'000'000));
    }
  }
  dataplane::Event call(std::size_t worker, const dataplane::Command& cmd, const char* what) {
    const auto sub = channels_[worker]->submit(cmd, steady_ns());
    if (sub.status != dataplane::ReplyStatus::Ok) throw std::runtime_error(std::string(what) + ": busy");
    for (int i = 0; i < 30000; ++i) {
      std::optional<dataplane::Event> reply;
      channels_[worker]->poll(steady_ns(), [&](dataplane::Delivery d, const dataplane::Event& e) noexcept {
        if (d != dataplane::Delivery::Event && e.seq == sub.seq) reply = e;
      });
      if (reply) {
        if (reply->status != dataplane::ReplyStatus::Ok) throw std::runtime_error(std::string(what) + " refused");
        return *reply;
      }
      std::this_thread::sleep_for(std::chrono::microseconds(100));
    }
    throw std::runtime_error(std::string(what) + ": no reply");
  }
  // Two legs towards `a` and `b` on `worker`, PCMU, bridged: our two addresses.
  std::pair<NetAddress, NetAddress> call_pair(std::size_t worker, const NetAddress& ours,
                                              const NetAddress& a, const NetAddress& b) {
    NetAddress local[2];
    dataplane::LegId legs[2];
    for (int side = 0; side < 2; ++side) {
      const auto created = call(worker, dataplane::make_command(dataplane::LegId::invalid(),
                                                                dataplane::CreateLegArgs{ours, 0}),
                                "CreateLeg");
      legs[side] = created.leg;
      local[side] = created.args<dataplane::CreateLegReplyArgs>().local;
      dataplane::SetRemoteArgs remote;
      remote.rtp = side == 0 ? a : b;
      remote.latch = false;
      call(worker, dataplane::make_command(legs[side], remote), "SetRemote");
      dataplane::SetCodecArgs codec;
      codec.formats[0] = WorkerDriver::spec(codecs::CodecId::Pcmu, 0);
      codec.count = 1;
      call(worker, dataplane::make_command(legs[side], codec), "SetCodec");
    }
    call(worker, dataplane::make_command(legs[0], dataplane::BridgeArgs{legs[1]}), "Bridge");
    return {local[0], local[1]};
  }

 private:
  std::vector<std::unique_ptr<dataplane::CommandChannel>> channels_;
};

struct WorkerFigures {
  double pps = 0;         // relayed packets (worker TX) per second of wall time
  double cpu_ns_pp = 0;   // the worker thread's CPU time per relayed packet
  std::uint64_t packets = 0;
  std::uint64_t dispatched = 0;  // DPDK: frames it forwarded to another worker
  std::uint64_t dispatch_drops = 0;  // ... and dropped: the other's ring was full
};

// Relayed packets and CPU per worker over `seconds`, `step` driving the traffic meanwhile.
template <typename Step>
std::vector<WorkerFigures> measure(dataplane::Runtime& rt, double seconds, Step&& step) {
  const std::size_t n = rt.worker_count();
  std::vector<dataplane::WorkerSnapshot> before(n);
  for (std::size_t w = 0; w < n; ++w) before[w] = rt.snapshot(w);
  const std::uint64_t t0 = steady_ns();
  const auto end = t0 + static_cast<std::uint64_t>(seconds * 1e9);
  while (steady_ns() < end) step();
  const double wall_s = static_cast<double>(steady_ns() - t0) / 1e9;
  std::vector<WorkerFigures> out(n);
  for (std::size_t w = 0; w < n; ++w) {
    const dataplane::WorkerSnapshot s = rt.snapshot(w);
    const auto tx = s.io[dataplane::IoCounter::TxPackets] - before[w].io[dataplane::IoCounter::TxPackets];
    out[w].packets = tx;
    out[w].pps = static_cast<double>(tx) / wall_s;
    out[w].cpu_ns_pp = tx > 0 ? static_cast<double>(s.cpu_ns - before[w].cpu_ns) / static_cast<double>(tx) : 0;
    const auto d = static_cast<std::size_t>(dataplane::DpdkCounter::SwDispatched);
    out[w].dispatched = s.dpdk_counters[d] - before[w].dpdk_counters[d];
    const auto dd = static_cast<std::size_t>(dataplane::DpdkCounter::SwDispatchDrops);
    out[w].dispatch_drops = s.dpdk_counters[dd] - before[w].dpdk_counters[dd];
  }
  return out;
}

dataplane::RuntimeSettings base_settings(const RuntimeRelayOptions& o) {
  dataplane::RuntimeSettings s;
  s.cores.clear();
  for (unsigned i = 0; i < o.workers; ++i) s.cores.push_back(static_cast<int>(i));
  s.pin = false;  // a shared 2-core machine: the bench thread runs beside the workers
  s.rtp_ports = dataplane::PortRange{30000, static_cast<std::uint16_t>(30000 + 4 * o.legs + 64 * o.workers)};
  s.legs_per_worker = o.legs / o.workers + 16;
  s.idle.sleep_us = 20;  // spin, then sleep 20 us idle: the bench thread needs a core too
  return s;
}

NetAddress peer_v4(std::uint8_t side, std::uint32_t pair) {
  return NetAddress::v4(10, side, static_cast<std::uint8_t>(pair >> 8), static_cast<std::uint8_t>(pair),
                        side == 1 ? 5000 : 6000);
}

// DPDK: the bench injects bursts into the port's one RX ring (so worker 0 dispatches the other
// shards' frames) and takes what every worker sent from its TX ring.
std::vector<WorkerFigures> run_dpdk(const RuntimeRelayOptions& o, const PayloadSet& pcmu, std::string& about) {
  RingPort wire(o.workers);
  dataplane::RuntimeSettings s = base_settings(o);
  s.backend = dataplane::RuntimeBackend::Dpdk;
  s.dpdk.io.port_id = wire.port();
  s.dpdk.io.addresses = {NetAddress::v4(10, 0, 0, 1, 0)};
  s.dpdk.io.mac = kOurMac;
  s.dpdk.io.next_hop_mac = kPeerMac;
  s.dpdk.io.rx_checksum = dataplane::RxChecksum::Trust;
  dataplane::RuntimeError error;
  auto rt = dataplane::Runtime::start(s, error);
  if (!rt) throw std::runtime_error("dpdk runtime: " + error.message);
  about = rt->backend_description();
  // The generator's own pool (the port's is the runtime's): mbufs with room for our Packet.
  rte_mempool* pool = rte_pktmbuf_pool_create("bench_rt_gen", 8191, 256, sizeof(dataplane::Packet),
                                              RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
  if (pool == nullptr) throw std::runtime_error("bench pool: " + std::string(rte_strerror(rte_errno)));
  Generator gen(kPeerMac, kOurMac);
  Control ctl(*rt);
  const NetAddress ours = NetAddress::v4(10, 0, 0, 1, 0);
  const unsigned pairs = o.legs / 2;
  for (unsigned p = 0; p < pairs; ++p) {
    const auto [la, lb] = ctl.call_pair(p % o.workers, ours, peer_v4(1, p), peer_v4(2, p));
    gen.add(peer_v4(1, p), la, pcmu);
    gen.add(peer_v4(2, p), lb, pcmu);
  }
  std::array<rte_mbuf*, dataplane::kMaxBurst> in{};
  std::array<rte_mbuf*, 256> out{};
  auto step = [&] {
    if (gen.fill(pool, in.data(), dataplane::kMaxBurst)) {
      const unsigned put = wire.inject(in.data(), dataplane::kMaxBurst);
      if (put < dataplane::kMaxBurst) rte_pktmbuf_free_bulk(in.data() + put, dataplane::kMaxBurst - put);
    }
    const unsigned got = wire.take(out.data(), static_cast<unsigned>(out.size()));
    rte_pktmbuf_free_bulk(out.data(), got);
  };
  for (int i = 0; i < 2000; ++i) step();  // warm-up: every stream at least once
  auto figures = measure(*rt, o.seconds, step);
  rt->stop();
  rt.reset();
  wire.drain();
  rte_mempool_free(pool);
  return figures;
}

// A non-blocking loopback UDP socket of the socket run's peers.
class Peer {
 public:
  Peer() {
    fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(a);
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
      throw std::runtime_error("bench peer socket");
    }
    port_ = ntohs(a.sin_port);
  }
  ~Peer() { ::close(fd_); }
  Peer(const Peer&) = delete;
  Peer& operator=(const Peer&) = delete;
  NetAddress address() const { return NetAddress::v4(127, 0, 0, 1, port_); }
  void send(const NetAddress& to, std::span<const std::uint8_t> bytes) const {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(to.port);
    std::memcpy(&a.sin_addr, to.bytes.data(), 4);
    ::sendto(fd_, bytes.data(), bytes.size(), 0, reinterpret_cast<sockaddr*>(&a), sizeof(a));
  }
  void drain() const {
    std::array<std::uint8_t, 2048> buf;
    while (::recv(fd_, buf.data(), buf.size(), 0) > 0) {
    }
  }

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
};

// Sockets: the bench sends one datagram per stream per round from loopback peers and drains
// what they received; the kernel's UDP path is in both the bench's and the workers' time.
std::vector<WorkerFigures> run_socket(const RuntimeRelayOptions& o, const PayloadSet& pcmu) {
  dataplane::RuntimeSettings s = base_settings(o);
  dataplane::RuntimeError error;
  auto rt = dataplane::Runtime::start(s, error);
  if (!rt) throw std::runtime_error("socket runtime: " + error.message);
  Control ctl(*rt);
  std::vector<std::unique_ptr<Peer>> peers;
  std::vector<NetAddress> targets;
  const unsigned pairs = o.legs / 2;
  for (unsigned p = 0; p < pairs; ++p) {
    peers.push_back(std::make_unique<Peer>());
    peers.push_back(std::make_unique<Peer>());
    const auto [la, lb] = ctl.call_pair(p % o.workers, NetAddress::v4(127, 0, 0, 1, 0),
                                        peers[2 * p]->address(), peers[2 * p + 1]->address());
    targets.push_back(la);
    targets.push_back(lb);
  }
  std::vector<std::uint8_t> packet(12 + 160);
  std::uint16_t seq = 0;
  auto step = [&] {
    ++seq;
    packet[0] = 0x80;
    packet[2] = static_cast<std::uint8_t>(seq >> 8);
    packet[3] = static_cast<std::uint8_t>(seq);
    for (std::size_t i = 0; i < peers.size(); ++i) {
      const auto& frame = pcmu.frames[seq % pcmu.frames.size()];
      std::copy(frame.begin(), frame.end(), packet.begin() + 12);
      packet[11] = static_cast<std::uint8_t>(i);  // SSRC per stream
      peers[i]->send(targets[i], packet);
    }
    for (const auto& p : peers) p->drain();
  };
  for (int i = 0; i < 20; ++i) step();
  auto figures = measure(*rt, o.seconds, step);
  rt->stop();
  return figures;
}

}  // namespace

int run_runtime_relay_bench(const RuntimeRelayOptions& o, const std::string& fixtures) {
  const WavResult wav = read_wav(fixtures + "/machine-greeting-8k.wav");
  if (!wav.ok()) {
    std::fprintf(stderr, "dialbench dataplane: %s\n", wav.error.c_str());
    return 1;
  }
  std::vector<WorkerFigures> dpdk, sock;
  std::string about;
  try {
    const PayloadSet pcmu = encode_payloads(WorkerDriver::spec(codecs::CodecId::Pcmu, 0),
                                            std::span<const std::int16_t>(wav.audio.samples), 150);
    dpdk = run_dpdk(o, pcmu, about);
    sock = run_socket(o, pcmu);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "dialbench dataplane: %s\n", e.what());
    return 1;
  }
  Table table({"backend", "worker", "relayed", "packets/s", "CPU ns/pkt", "sw dispatched", "sw dispatch drops"});
  boost::json::array rows;
  double dpdk_pps = 0, sock_pps = 0, dpdk_cpu = 0, sock_cpu = 0;
  for (const auto& [name, figures] : {std::pair{"dpdk", &dpdk}, std::pair{"socket", &sock}}) {
    for (std::size_t w = 0; w < figures->size(); ++w) {
      const WorkerFigures& f = (*figures)[w];
      table.add({name, std::to_string(w), std::to_string(f.packets), fixed(f.pps, 0), fixed(f.cpu_ns_pp, 1),
                 std::string(name) == "dpdk" ? std::to_string(f.dispatched) : "-",
                 std::string(name) == "dpdk" ? std::to_string(f.dispatch_drops) : "-"});
      rows.push_back(boost::json::object{{"backend", name}, {"worker", w}, {"packets", f.packets},
                                         {"pps", f.pps}, {"cpu_ns_per_packet", f.cpu_ns_pp},
                                         {"sw_dispatched", f.dispatched},
                                         {"sw_dispatch_drops", f.dispatch_drops}});
    }
  }
  for (const auto& f : dpdk) {
    dpdk_pps += f.pps / static_cast<double>(dpdk.size());
    dpdk_cpu += f.cpu_ns_pp / static_cast<double>(dpdk.size());
  }
  for (const auto& f : sock) {
    sock_pps += f.pps / static_cast<double>(sock.size());
    sock_cpu += f.cpu_ns_pp / static_cast<double>(sock.size());
  }
  const double pps_ratio = sock_pps > 0 ? dpdk_pps / sock_pps : 0;
  const double cpu_ratio = sock_cpu > 0 ? dpdk_cpu / sock_cpu : 0;
  std::printf("dialbench dataplane: the runtime, %u unpinned workers (idle sleep 20 us), %u G.711 legs, %.1f s each;\n"
              "dpdk: %s, rx_checksum trust, the bench injecting on one RX ring;\n"
              "socket: loopback peers. Bench thread and workers share this machine's cores.\n\n%s"
              "per worker (mean): dpdk %.0f pkt/s, %.1f CPU ns/pkt; socket %.0f pkt/s, %.1f CPU ns/pkt;\n"
              "dpdk/socket: packets/s x%.2f, CPU per packet x%.3f\n",
              o.workers, o.legs, o.seconds, about.c_str(), table.render().c_str(), dpdk_pps, dpdk_cpu,
              sock_pps, sock_cpu, pps_ratio, cpu_ratio);
  if (o.json) {
    print_json_line({{"bench", "dataplane"}, {"backend", "dpdk"}, {"mode", "runtime"}, {"workers", o.workers},
                     {"legs", o.legs}, {"seconds", o.seconds}, {"rows", rows},
                     {"dpdk_pps_per_worker", dpdk_pps}, {"socket_pps_per_worker", sock_pps},
                     {"dpdk_cpu_ns_per_packet", dpdk_cpu}, {"socket_cpu_ns_per_packet", sock_cpu},
                     {"dpdk_socket_pps_ratio", pps_ratio}, {"dpdk_socket_cpu_ratio", cpu_ratio}});
  }
  return 0;
}

}  // namespace dialcore::bench
