#include "bench/rtp/rtp_traffic.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace dialcore::bench {
namespace {

constexpr std::uint64_t kPeriodNs = 20'000'000;  // one packet per stream every 20 ms
constexpr std::uint32_t kTsPerPacket = 160;      // 20 ms at 8 kHz
constexpr std::size_t kRtpHeader = 12;
constexpr std::size_t kHistogramUs = 200'000;  // 1 µs buckets up to 200 ms, then overflow
constexpr std::uint64_t kLateNs = 1'000'000;

// Payload layout (pass-through relays leave it untouched).
constexpr std::size_t kOffSendNs = 0;     // u64 CLOCK_REALTIME ns
constexpr std::size_t kOffStream = 8;     // u32 sending socket's index
constexpr std::size_t kOffInWindow = 12;  // u8 1 when sent inside the window
constexpr std::size_t kStampBytes = 13;

std::uint64_t clock_ns(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000u +
         static_cast<std::uint64_t>(ts.tv_nsec);
}

void sleep_until(std::uint64_t mono_ns) {
  timespec ts{};
  ts.tv_sec = static_cast<time_t>(mono_ns / 1'000'000'000u);
  ts.tv_nsec = static_cast<long>(mono_ns % 1'000'000'000u);
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) == EINTR) {
  }
}

sockaddr_in loopback(std::uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

std::size_t payload_bytes(RtpCodec codec) { return codec == RtpCodec::G729 ? 20 : 160; }
std::uint8_t payload_type(RtpCodec codec) { return codec == RtpCodec::G729 ? 18 : 0; }

void put_be16(std::uint8_t* p, std::uint16_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 8);
  p[1] = static_cast<std::uint8_t>(v);
}
void put_be32(std::uint8_t* p, std::uint32_t v) {
  for (int i = 3; i >= 0; --i, v >>= 8) p[i] = static_cast<std::uint8_t>(v);
}

double percentile_us(const std::vector<std::uint64_t>& h, std::uint64_t total, double q) {
  if (total == 0) return 0.0;
  const auto rank = static_cast<std::uint64_t>(q * static_cast<double>(total - 1));
  std::uint64_t seen = 0;
  for (std::size_t us = 0; us < h.size(); ++us) {
    seen += h[us];
    if (seen > rank) return static_cast<double>(us);
  }
  return static_cast<double>(h.size() - 1);
}

}  // namespace

std::uint64_t monotonic_ns() { return clock_ns(CLOCK_MONOTONIC); }

RtpTraffic::RtpTraffic(std::size_t calls, RtpCodec codec) : codec_(codec) {
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0)
    throw std::runtime_error(std::string("epoll_create1: ") + std::strerror(errno));
  fds_.reserve(2 * calls);
  for (std::size_t i = 0; i < 2 * calls; ++i) {
    const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      throw std::runtime_error(std::string("socket: ") + std::strerror(errno) +
                               " (raise the open-files limit: ulimit -n)");
    }
    fds_.push_back(fd);
    const int on = 1;
    setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on));
    sockaddr_in a = loopback(0);
    socklen_t len = sizeof(a);
    if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 ||
        getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
      throw std::runtime_error(std::string("bind: ") + std::strerror(errno));
    }
    if (i % 2 == 0) {
      calls_.push_back({ntohs(a.sin_port), 0});
    } else {
      calls_.back().b_port = ntohs(a.sin_port);
    }
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u32 = static_cast<std::uint32_t>(i);
    if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) {
      throw std::runtime_error(std::string("epoll_ctl: ") + std::strerror(errno));
    }
  }
  histogram_.assign(kHistogramUs + 1, 0);
}

RtpTraffic::~RtpTraffic() {
  stop_sink_.store(true);
  if (sender_.joinable()) sender_.join();
  if (sink_.joinable()) sink_.join();
  for (int fd : fds_) close(fd);
  if (epoll_fd_ >= 0) close(epoll_fd_);
}

bool RtpTraffic::connect(const std::vector<CallRelayPorts>& ports) {
  for (std::size_t c = 0; c < calls_.size() && c < ports.size(); ++c) {
    const sockaddr_in to_a = loopback(ports[c].relay_for_a);
    const sockaddr_in to_b = loopback(ports[c].relay_for_b);
    if (::connect(fds_[2 * c], reinterpret_cast<const sockaddr*>(&to_a), sizeof(to_a)) != 0 ||
        ::connect(fds_[2 * c + 1], reinterpret_cast<const sockaddr*>(&to_b), sizeof(to_b)) != 0) {
      return false;
    }
  }
  return ports.size() >= calls_.size();
}

void RtpTraffic::start(std::uint64_t warmup_ns, std::uint64_t window_ns) {
  start_ns_ = monotonic_ns() + 20'000'000;
  window_start_ns_ = start_ns_ + warmup_ns;
  window_end_ns_ = window_start_ns_ + window_ns;
  stop_sink_.store(false);
  sink_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "rtp-sink");
    sink_loop();
  });
  sender_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "rtp-send");
    send_loop();
  });
}

void RtpTraffic::send_loop() {
  const std::size_t streams = fds_.size();
  const std::size_t len = kRtpHeader + payload_bytes(codec_);
  std::vector<std::uint8_t> packet(len, 0xFF);  // PCMU silence; G.729 bytes are opaque here
  std::vector<std::uint16_t> seq(streams);
  std::vector<std::uint32_t> ts(streams);
  for (std::size_t s = 0; s < streams; ++s) {
    seq[s] = static_cast<std::uint16_t>(s * 7919u);
    ts[s] = static_cast<std::uint32_t>(s * 104729u);
  }
  TrafficResult counts;
  for (std::uint64_t base = start_ns_; base < window_end_ns_; base += kPeriodNs) {
    for (std::size_t s = 0; s < streams; ++s) {
      const std::uint64_t due = base + kPeriodNs * s / streams;
      std::uint64_t now = monotonic_ns();
      if (due > now + 200'000) {
        sleep_until(due);
        now = monotonic_ns();
      }
      const bool in_window = due >= window_start_ns_ && due < window_end_ns_;
      if (now > due + kPeriodNs) {
        // More than a period behind (the sender was starved of CPU): skip this slot rather
        // than burst to catch up, so the offered rate never exceeds the nominal one. The
        // stream's seq and ts move on as if the packet were lost before the relay.
        ++seq[s];
        ts[s] += kTsPerPacket;
        if (in_window) ++counts.skipped;
        continue;
      }
      std::uint8_t* p = packet.data();
      p[0] = 0x80;
      p[1] = payload_type(codec_);
      put_be16(p + 2, seq[s]++);
      put_be32(p + 4, ts[s]);
      ts[s] += kTsPerPacket;
      put_be32(p + 8, static_cast<std::uint32_t>(0x5EED0000u + s));
      const std::uint64_t sent_ns = clock_ns(CLOCK_REALTIME);
      const auto stream = static_cast<std::uint32_t>(s);
      std::memcpy(p + kRtpHeader + kOffSendNs, &sent_ns, sizeof(sent_ns));
      std::memcpy(p + kRtpHeader + kOffStream, &stream, sizeof(stream));
      p[kRtpHeader + kOffInWindow] = in_window ? 1 : 0;
      const ssize_t n = send(fds_[s], p, len, 0);
      if (!in_window) continue;
      ++counts.sent;
      if (n != static_cast<ssize_t>(len)) ++counts.send_errors;
      if (now > due + kLateNs) ++counts.late_sends;
    }
  }
  send_counts_ = counts;
}

void RtpTraffic::sink_loop() {
  constexpr int kEvents = 512;
  std::array<epoll_event, kEvents> events{};
  std::array<std::uint8_t, 2048> buf{};
  alignas(cmsghdr) std::array<std::uint8_t, 256> control{};
  TrafficResult counts;
  std::uint64_t latency_max_ns = 0;
  while (!stop_sink_.load(std::memory_order_relaxed)) {
    const int n = epoll_wait(epoll_fd_, events.data(), kEvents, 5);
    for (int e = 0; e < n; ++e) {
      const std::uint32_t socket_index = events[static_cast<std::size_t>(e)].data.u32;
      iovec iov{buf.data(), buf.size()};
      msghdr msg{};
      msg.msg_iov = &iov;
      msg.msg_iovlen = 1;
      msg.msg_control = control.data();
      msg.msg_controllen = control.size();
      const ssize_t got = recvmsg(fds_[socket_index], &msg, MSG_DONTWAIT);
      if (got < 0) continue;  // EAGAIN, or a queued ICMP error
      const std::uint64_t mono = monotonic_ns();
      std::uint64_t rx_ns = 0;
      for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
          timespec t{};
          std::memcpy(&t, CMSG_DATA(c), sizeof(t));
          rx_ns = static_cast<std::uint64_t>(t.tv_sec) * 1'000'000'000u +
                  static_cast<std::uint64_t>(t.tv_nsec);
        }
      }
      if (rx_ns == 0) rx_ns = clock_ns(CLOCK_REALTIME);
      std::uint32_t stream = 0;
      std::uint64_t sent_ns = 0;
      const auto min_len = static_cast<ssize_t>(kRtpHeader + kStampBytes);
      if (got >= min_len) {
        std::memcpy(&sent_ns, buf.data() + kRtpHeader + kOffSendNs, sizeof(sent_ns));
        std::memcpy(&stream, buf.data() + kRtpHeader + kOffStream, sizeof(stream));
      }
      // The stream received on socket i is the one its call's other socket sends: i ^ 1.
      if (got < min_len || stream != (socket_index ^ 1u)) {
        ++counts.stray;
        continue;
      }
      if (mono >= window_start_ns_ && mono < window_end_ns_) ++counts.received_during_window;
      if (buf[kRtpHeader + kOffInWindow] != 1) continue;
      ++counts.received;
      const std::uint64_t latency_ns = rx_ns > sent_ns ? rx_ns - sent_ns : 0;
      latency_max_ns = std::max(latency_max_ns, latency_ns);
      histogram_[std::min<std::uint64_t>(latency_ns / 1000, kHistogramUs)]++;
    }
  }
  counts.latency_p50_us = percentile_us(histogram_, counts.received, 0.50);
  counts.latency_p99_us = percentile_us(histogram_, counts.received, 0.99);
  counts.latency_max_us = static_cast<double>(latency_max_ns) / 1000.0;
  sink_counts_ = counts;
}

TrafficResult RtpTraffic::finish(std::uint64_t drain_ns) {
  if (sender_.joinable()) sender_.join();
  sleep_until(std::max(monotonic_ns(), window_end_ns_) + drain_ns);
  stop_sink_.store(true);
  if (sink_.joinable()) sink_.join();
  TrafficResult r = sink_counts_;
  r.sent = send_counts_.sent;
  r.send_errors = send_counts_.send_errors;
  r.late_sends = send_counts_.late_sends;
  r.skipped = send_counts_.skipped;
  return r;
}

}  // namespace dialcore::bench
