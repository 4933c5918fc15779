#pragma once
// DialcoreRelay: our Worker on the SocketIo backend, running in a thread of its own (the run
// loop a worker core would run on a shared core: poll(now), and wait_rx(1 ms) when a turn found
// no work). The bench thread plays control: it sets up each call through a CommandChannel with
// two legs on 127.0.0.1 port 0 (CreateLeg), their remotes (SetRemote, no latching), one codec
// (SetCodec: PCMU pt 0, or G.729 pt 18 on both legs: pass-through) and Bridge. CPU time is
// the worker thread's own clock (pthread_getcpuclockid), read from the bench thread.

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "bench/rtp/relay.hpp"

namespace dialcore::bench {

class DialcoreRelay final : public Relay {
 public:
  DialcoreRelay();
  ~DialcoreRelay() override;

  const char* name() const override { return "dialcore"; }
  bool setup(std::span<const CallSockets> calls, RtpCodec codec, std::vector<CallRelayPorts>& ports,
             std::string& error) override;
  std::uint64_t cpu_ns() override;
  void service() override;
  void stop() override;

  // The worker's drop counters (rx_no_leg + rx_malformed + tx_dropped), for the report.
  std::uint64_t worker_drops() const;

 private:
  struct State;  // SocketIo, rings, channel, worker (dialcore_relay.cpp)
  std::unique_ptr<State> state_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace dialcore::bench
