// Cost of the socket backend against a plain epoll + recvfrom/sendto relay, on loopback.
// Not run by ctest (hidden cases): `build/bin/io_bench "[.bench]"` in a Release build.
//
// One relay turn: a generator socket sends 32 datagrams of 172 bytes (G.711, 20 ms) with one
// sendmmsg, unmeasured; the relay under test receives them and sends each to a sink socket,
// measured in this thread's CPU time (user + kernel), out of the port of the bridged leg (port
// i relays out of port i ^ 1, as legs A and B of a call); the sink is drained, unmeasured. Two
// shapes: 1,000 ports each receiving one datagram every ~31 turns (a relay of many calls) and
// one port with 32 queued per turn (the best case for recvmmsg/sendmmsg).
//
// On loopback the kernel's receive work for the generator's datagrams runs in the generator's
// send call, so it is excluded here; the relay's sends include delivery to the sink.
#include <catch2/catch.hpp>

#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "dataplane/io/packet_pool.hpp"
#include "dataplane/io/socket_io.hpp"
#include "tests/dataplane/io/udp_peer.hpp"

using namespace dialcore::dataplane;
using dialcore::test::loopback_v4;
using dialcore::test::UdpPeer;

namespace {

constexpr std::size_t kBurst = 32;
constexpr std::size_t kPayloadBytes = 172;
constexpr int kTurns = 4000;
constexpr int kRounds = 7;

std::uint64_t thread_cpu_ns() {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000u +
         static_cast<std::uint64_t>(ts.tv_nsec);
}

// Sends kBurst datagrams in one sendmmsg, the i-th to destinations[(offset + i) % size], and
// drains a sink.
class Traffic {
 public:
  Traffic() : generator_(loopback_v4()), sink_(loopback_v4()) {}

  const NetAddress& sink() const { return sink_.address(); }

  void send(const std::vector<NetAddress>& destinations, std::size_t offset) {
    std::array<mmsghdr, kBurst> msgs{};
    std::array<SockAddr, kBurst> addrs{};
    std::array<iovec, kBurst> iovs{};
    for (std::size_t i = 0; i < kBurst; ++i) {
      iovs[i] = iovec{payload_.data(), payload_.size()};
      msgs[i].msg_hdr.msg_name = &addrs[i];
      msgs[i].msg_hdr.msg_namelen =
          to_sock_addr(destinations[(offset + i) % destinations.size()], addrs[i]);
      msgs[i].msg_hdr.msg_iov = &iovs[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
    }
    ::sendmmsg(generator_.fd(), msgs.data(), kBurst, 0);
  }

  std::size_t drain() {
    std::size_t n = 0;
    std::array<std::uint8_t, 2048> buffer{};
    while (::recv(sink_.fd(), buffer.data(), buffer.size(), MSG_DONTWAIT) > 0) ++n;
    return n;
  }

 private:
  UdpPeer generator_;
  UdpPeer sink_;
  std::array<std::uint8_t, kPayloadBytes> payload_{};
};

struct Result {
  double us_per_packet = 0;
  double calls_per_packet = 0;
};

// The baseline: plain sockets in a level-triggered epoll set; per ready socket, recvfrom then
// sendto for each datagram. `drain`: read until EAGAIN (or the burst is full) instead of one
// datagram per ready event.
class NaiveRelay {
 public:
  explicit NaiveRelay(std::size_t ports) : epoll_fd_(::epoll_create1(0)) {
    for (std::size_t i = 0; i < ports; ++i) {
      peers_.push_back(std::make_unique<UdpPeer>(loopback_v4()));
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.u64 = i;
      ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, peers_.back()->fd(), &ev);
      addresses_.push_back(peers_.back()->address());
    }
  }
  ~NaiveRelay() { ::close(epoll_fd_); }
  const std::vector<NetAddress>& addresses() const { return addresses_; }

  std::size_t turn(const NetAddress& to, bool drain) {
    SockAddr dest{};
    const socklen_t dest_len = to_sock_addr(to, dest);
    std::array<epoll_event, kBurst> events{};
    const int ready = ::epoll_wait(epoll_fd_, events.data(), kBurst, 0);
    ++calls_;
    std::size_t relayed = 0;
    for (int e = 0; e < ready && relayed < kBurst; ++e) {
      do {
        SockAddr from{};
        socklen_t from_len = sizeof(from);
        const std::size_t port = events[e].data.u64;
        const ssize_t n = ::recvfrom(peers_[port]->fd(), buffer_.data(), buffer_.size(), 0,
                                     &from.base, &from_len);
        ++calls_;
        if (n < 0) break;
        // Out of the bridged leg's port: i ^ 1 (itself when there is one port).
        const std::size_t out = std::min(port ^ 1, peers_.size() - 1);
        ::sendto(peers_[out]->fd(), buffer_.data(), static_cast<std::size_t>(n), 0, &dest.base,
                 dest_len);
        ++calls_;
        ++relayed;
      } while (drain && relayed < kBurst);
    }
    return relayed;
  }
  std::uint64_t calls() const { return calls_; }

 private:
  int epoll_fd_;
  std::vector<std::unique_ptr<UdpPeer>> peers_;
  std::vector<NetAddress> addresses_;
  std::array<std::uint8_t, 2048> buffer_{};
  std::uint64_t calls_ = 0;
};

std::uint64_t syscalls(const SocketIo& io) {
  return io.stats().read(IoCounter::PollCalls) + io.stats().read(IoCounter::RxCalls) +
         io.stats().read(IoCounter::TxCalls);
}

// Runs kTurns relay turns; `relay_turn` returns the packets it relayed. CPU time of the turn
// only, less the cost of reading the clock twice.
template <typename Turn, typename Calls>
Result measure(Traffic& traffic, const std::vector<NetAddress>& destinations, Turn relay_turn,
               Calls calls, std::uint64_t clock_pair_ns) {
  std::uint64_t cpu_ns = 0;
  std::uint64_t relayed = 0;
  const std::uint64_t calls_before = calls();
  for (int t = 0; t < kTurns; ++t) {
    traffic.send(destinations, static_cast<std::size_t>(t) * kBurst);
    const std::uint64_t start = thread_cpu_ns();
    relayed += relay_turn();
    cpu_ns += thread_cpu_ns() - start - clock_pair_ns;
    traffic.drain();
  }
  Result r;
  r.us_per_packet = static_cast<double>(cpu_ns) / 1000.0 / static_cast<double>(relayed);
  r.calls_per_packet = static_cast<double>(calls() - calls_before) / static_cast<double>(relayed);
  return r;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

TEST_CASE("socket relay cost per packet, burst 32", "[.bench]") {
  std::uint64_t clock_pair_ns = UINT64_MAX;  // cheapest of many: the clock's own cost
  for (int i = 0; i < 1000; ++i) {
    const std::uint64_t a = thread_cpu_ns();
    clock_pair_ns = std::min(clock_pair_ns, thread_cpu_ns() - a);
  }
  std::printf("thread CPU clock read: %llu ns (subtracted)\n",
              static_cast<unsigned long long>(clock_pair_ns));

  // 1,000 ports (500 bridged calls), each turn 32 datagrams to the next 32 ports: every port
  // sees one datagram every ~31 turns, as RTP at 50 packets/s against a worker polling
  // constantly. Then one port with 32 queued per turn.
  for (const std::size_t ports : {std::size_t{1000}, std::size_t{1}}) {
    Traffic traffic;
    SocketIo io(SocketIoConfig{ports, 1024});
    std::vector<NetAddress> io_ports;
    std::vector<PortId> partner;  // by PortId::index: the bridged leg's port
    for (std::size_t i = 0; i < ports; ++i) {
      const OpenResult r = io.open_port(loopback_v4());
      io_ports.push_back(r.local);
      partner.push_back(r.port);
    }
    for (std::size_t i = 0; i + 1 < ports; i += 2) std::swap(partner[i], partner[i + 1]);
    NaiveRelay naive(ports);

    std::array<Packet*, kBurst> burst{};
    const NetAddress sink = traffic.sink();
    auto socket_io_turn = [&] {
      const std::size_t n = io.rx_burst(burst, 0);
      for (std::size_t i = 0; i < n; ++i) {
        burst[i]->port = partner[burst[i]->port.index];  // out of the bridged leg's port
        burst[i]->remote = sink;
      }
      io.tx_burst(std::span<Packet* const>(burst.data(), n));
      return n;
    };
    auto io_calls = [&] { return syscalls(io); };
    auto naive_calls = [&] { return naive.calls(); };

    std::map<std::string, std::vector<double>> us, calls;
    for (int round = 0; round < kRounds; ++round) {
      // Alternate the order, so drift in the machine's load does not favour one path.
      std::vector<int> order = {0, 1, 2};
      std::rotate(order.begin(), order.begin() + round % 3, order.end());
      for (const int which : order) {
        Result r;
        std::string name;
        if (which == 0) {
          name = "SocketIo rx_burst+tx_burst";
          r = measure(traffic, io_ports, socket_io_turn, io_calls, clock_pair_ns);
        } else if (which == 1) {
          name = "naive recvfrom/sendto, 1 per event";
          r = measure(
              traffic, naive.addresses(), [&] { return naive.turn(sink, false); }, naive_calls,
              clock_pair_ns);
        } else {
          name = "naive recvfrom/sendto, drain";
          r = measure(
              traffic, naive.addresses(), [&] { return naive.turn(sink, true); }, naive_calls,
              clock_pair_ns);
        }
        us[name].push_back(r.us_per_packet);
        calls[name].push_back(r.calls_per_packet);
      }
    }
    std::printf("%zu port(s), %zu datagrams per turn, medians of %d x %d turns:\n", ports, kBurst,
                kRounds, kTurns);
    for (const auto& [name, values] : us) {
      std::printf("  %-36s %6.3f us CPU/packet  %5.2f syscalls/packet\n", name.c_str(),
                  median(values), median(calls[name]));
    }
    CHECK(io.stats().read(IoCounter::TxFull) + io.stats().read(IoCounter::TxErrors) == 0);
  }
}

TEST_CASE("pool and virtual-call cost, no system calls", "[.bench]") {
  constexpr int kIterations = 2'000'000;
  SocketIo io(SocketIoConfig{4, 256});
  PacketPool pool(256);
  BurstIo* volatile opaque = &io;  // the compiler must not see the dynamic type
  BurstIo& burst_io = *opaque;
  std::array<Packet*, kBurst> burst{};
  for (int round = 0; round < kRounds; ++round) {
    auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < kIterations; ++i) {
      pool.alloc(burst);
      pool.free(burst);
    }
    const std::chrono::duration<double, std::nano> direct =
        std::chrono::steady_clock::now() - start;
    start = std::chrono::steady_clock::now();
    for (int i = 0; i < kIterations; ++i) {
      burst_io.alloc(burst);
      burst_io.free(burst);
    }
    const std::chrono::duration<double, std::nano> virt = std::chrono::steady_clock::now() - start;
    std::printf(
        "alloc+free of 32: PacketPool %.3f ns/packet; through BurstIo& %.3f ns/packet "
        "(%.2f ns per virtual call)\n",
        direct.count() / kIterations / kBurst, virt.count() / kIterations / kBurst,
        (virt.count() - direct.count()) / kIterations / 2);
  }
  // An idle poll: what a spinning worker pays per turn with nothing to receive.
  for (int round = 0; round < kRounds; ++round) {
    const std::uint64_t start = thread_cpu_ns();
    for (int i = 0; i < 100'000; ++i) burst_io.rx_burst(burst, 0);
    std::printf("idle rx_burst (one epoll_wait): %.3f us CPU\n",
                static_cast<double>(thread_cpu_ns() - start) / 100'000 / 1000);
  }
}

// The single-datagram figures behind SocketIo's choices (socket_io.hpp, "How much to read"): one
// datagram queued, then received by each call; one datagram sent by each call (delivery to a
// loopback sink included), unconnected and connected. Medians of per-call wall time (the thread
// does not block), in µs.
TEST_CASE("single-datagram calls", "[.bench]") {
  constexpr int kCalls = 20'000;
  UdpPeer from(loopback_v4()), to(loopback_v4()), sink(loopback_v4()), connected(loopback_v4());
  SockAddr to_addr{}, sink_addr{};
  const socklen_t to_len = to_sock_addr(to.address(), to_addr);
  const socklen_t sink_len = to_sock_addr(sink.address(), sink_addr);
  REQUIRE(::connect(connected.fd(), &sink_addr.base, sink_len) == 0);
  std::array<std::uint8_t, kPayloadBytes> payload{};
  std::array<std::uint8_t, 2048> buffer{};
  std::array<mmsghdr, kBurst> msgs{};
  std::array<iovec, kBurst> iovs{};
  std::array<SockAddr, kBurst> addrs{};
  auto prepare = [&](std::size_t n, void* data, std::size_t len) {
    for (std::size_t i = 0; i < n; ++i) {
      iovs[i] = iovec{data, len};
      msgs[i].msg_hdr = msghdr{};
      msgs[i].msg_hdr.msg_name = &addrs[i];
      msgs[i].msg_hdr.msg_namelen = sizeof(SockAddr);
      msgs[i].msg_hdr.msg_iov = &iovs[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
    }
  };
  // Median wall time of `call`, each after `before` (unmeasured).
  auto time = [&](auto before, auto call) {
    std::vector<double> us(kCalls);
    for (double& u : us) {
      before();
      const auto start = std::chrono::steady_clock::now();
      call();
      u = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start)
              .count();
    }
    return median(us);
  };
  auto queue_one = [&] {
    ::sendto(from.fd(), payload.data(), payload.size(), 0, &to_addr.base, to_len);
  };
  auto drain_sink = [&] {
    while (::recv(sink.fd(), buffer.data(), buffer.size(), MSG_DONTWAIT) > 0) {
    }
  };
  for (int round = 0; round < 3; ++round) {
    const double recvfrom_us = time(queue_one, [&] {
      socklen_t len = sizeof(SockAddr);
      ::recvfrom(to.fd(), buffer.data(), buffer.size(), MSG_DONTWAIT, &addrs[0].base, &len);
    });
    const double recvmmsg1_us = time(queue_one, [&] {
      prepare(1, buffer.data(), buffer.size());
      ::recvmmsg(to.fd(), msgs.data(), 1, MSG_DONTWAIT, nullptr);
    });
    const double recvmmsg32_us = time(queue_one, [&] {
      prepare(kBurst, buffer.data(), buffer.size());
      ::recvmmsg(to.fd(), msgs.data(), kBurst, MSG_DONTWAIT, nullptr);
    });
    const double sendto_us = time(drain_sink, [&] {
      ::sendto(to.fd(), payload.data(), payload.size(), 0, &sink_addr.base, sink_len);
    });
    const double sendmmsg1_us = time(drain_sink, [&] {
      prepare(1, payload.data(), payload.size());
      to_sock_addr(sink.address(), addrs[0]);
      msgs[0].msg_hdr.msg_namelen = sink_len;
      ::sendmmsg(to.fd(), msgs.data(), 1, 0);
    });
    const double send_connected_us =
        time(drain_sink, [&] { ::send(connected.fd(), payload.data(), payload.size(), 0); });
    drain_sink();
    std::printf(
        "one datagram: recvfrom %.3f, recvmmsg(1) %.3f, recvmmsg(32) %.3f; sendto %.3f, "
        "sendmmsg(1) %.3f, send on a connected socket %.3f us\n",
        recvfrom_us, recvmmsg1_us, recvmmsg32_us, sendto_us, sendmmsg1_us, send_connected_us);
  }
}
