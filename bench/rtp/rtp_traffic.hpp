#pragma once
// RtpTraffic: the paced generator and sink of `dialbench rtp`. N calls, each two UDP sockets on
// 127.0.0.1 (side A, side B) connected to the relay's ports, each sending one RTP packet every
// 20 ms (PCMU: 160-byte payload, 172-byte datagram; G.729: 20 + 12 = 32 bytes) with a proper
// sequence number and timestamp. The 2N streams start spread evenly over the 20 ms period, so
// the relay sees a steady rate rather than 20 ms bursts.
//
// Two threads: the sender paces against CLOCK_MONOTONIC (clock_nanosleep to each due time
// more than 200 µs away, a plain send on a connected socket otherwise); the sink waits in one
// level-triggered epoll over all sockets and reads each ready socket once with recvmsg.
//
// The payload's first bytes carry what the sink needs (a relay in pass-through leaves payload
// untouched): the send time (CLOCK_REALTIME ns, taken just before send), the stream index and
// whether the packet was sent inside the measured window. One-way latency is the kernel's
// receive timestamp (SO_TIMESTAMPNS, same clock) minus that send time: generator send call,
// relay, sink socket; not the sink's own scheduling delay. Loss is counted on the packets sent
// inside the window, after a drain. A sender more than one period behind schedule skips slots
// (counted) instead of bursting to catch up: on shared cores a catching-up sender would
// starve the relay it measures.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <thread>
#include <vector>

#include "bench/rtp/relay.hpp"

namespace dialcore::bench {

struct TrafficResult {
  std::uint64_t sent = 0;         // packets sent inside the window (send errors included)
  std::uint64_t send_errors = 0;  // of those, sends the kernel refused
  std::uint64_t late_sends = 0;   // of those, sent more than 1 ms after their due time
  std::uint64_t skipped = 0;      // slots in the window not sent: over 20 ms behind schedule
  std::uint64_t received = 0;     // packets sent inside the window that reached the sink
  std::uint64_t received_during_window = 0;  // packets the sink got during the window
  std::uint64_t stray = 0;  // datagrams the sink could not attribute (wrong stream, short)
  double latency_p50_us = 0;
  double latency_p99_us = 0;
  double latency_max_us = 0;
  double loss_pct() const {
    return sent == 0 ? 0.0
                     : 100.0 * static_cast<double>(sent - std::min(sent, received)) /
                           static_cast<double>(sent);
  }
};

class RtpTraffic {
 public:
  // Opens 2 x calls sockets on 127.0.0.1, kernel-chosen ports. Throws std::runtime_error.
  RtpTraffic(std::size_t calls, RtpCodec codec);
  ~RtpTraffic();
  RtpTraffic(const RtpTraffic&) = delete;
  RtpTraffic& operator=(const RtpTraffic&) = delete;

  const std::vector<CallSockets>& calls() const { return calls_; }
  // Connects every socket to its relay port (one entry per call). False on a system error.
  bool connect(const std::vector<CallRelayPorts>& ports);

  // Starts the sink and the sender: `warmup_ns` of traffic, then the window of `window_ns`.
  void start(std::uint64_t warmup_ns, std::uint64_t window_ns);
  // CLOCK_MONOTONIC ns at which the window starts and ends (valid after start()).
  std::uint64_t window_start_ns() const { return window_start_ns_; }
  std::uint64_t window_end_ns() const { return window_end_ns_; }
  // Waits for the sender, lets the sink drain for `drain_ns`, stops it; the figures.
  TrafficResult finish(std::uint64_t drain_ns);

 private:
  struct SinkCounts;
  void send_loop();
  void sink_loop();

  RtpCodec codec_;
  std::vector<CallSockets> calls_;
  std::vector<int> fds_;  // socket 2c is call c's side A, 2c + 1 its side B
  int epoll_fd_ = -1;
  std::uint64_t start_ns_ = 0;
  std::uint64_t window_start_ns_ = 0;
  std::uint64_t window_end_ns_ = 0;
  std::atomic<bool> stop_sink_{false};
  std::thread sender_;
  std::thread sink_;
  TrafficResult send_counts_;             // written by the sender thread, read after join
  std::vector<std::uint64_t> histogram_;  // sink thread: latency in 1 µs buckets, last = overflow
  TrafficResult sink_counts_;             // written by the sink thread, read after join
};

// CLOCK_MONOTONIC in nanoseconds (what steady_clock reads on Linux).
std::uint64_t monotonic_ns();

}  // namespace dialcore::bench
