#pragma once
// Control's side of a Runtime for tests: one CommandChannel per worker, driven from the test
// thread with the real steady clock; every wait is bounded.

#include <catch2/catch.hpp>

#include <unistd.h>
#include <chrono>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "dataplane/api/command_channel.hpp"
#include "dataplane/runtime/runtime.hpp"

namespace dialcore::test {

using namespace dialcore::dataplane;

inline std::uint64_t steady_now_ns() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                        std::chrono::steady_clock::now().time_since_epoch())
                                        .count());
}

// A 64-port RTP range picked from the process id, inside 40000-59999: parallel test processes
// get different ranges, and a port someone else holds is skipped by the allocator.
inline PortRange test_port_range(std::uint16_t ports = 64) {
  const auto slot = static_cast<std::uint16_t>(static_cast<unsigned>(::getpid()) % 300);
  const auto first = static_cast<std::uint16_t>(40000 + slot * 64);
  return PortRange{first, static_cast<std::uint16_t>(first + ports - 1)};
}

inline RuntimeSettings test_settings(std::size_t workers) {
  RuntimeSettings s;
  s.cores.clear();
  for (std::size_t i = 0; i < workers; ++i) s.cores.push_back(static_cast<int>(i));
  s.pin = false;  // the test machine's cores are shared
  s.rtp_ports = test_port_range();
  s.legs_per_worker = 32;
  s.command_ring = 64;
  s.event_ring = 256;
  s.pool_packets = 512;
  return s;
}

class RuntimeControl {
 public:
  explicit RuntimeControl(Runtime& rt) {
    for (std::size_t w = 0; w < rt.worker_count(); ++w) {
      channels_.push_back(std::make_unique<CommandChannel>(rt.rings(w), 32, 2'000'000'000));
    }
  }

  // Submits and polls until the reply (bounded by the channel's 2 s timeout).
  Event call(std::size_t worker, const Command& cmd) {
    const auto sub = channels_[worker]->submit(cmd, steady_now_ns());
    REQUIRE(sub.status == ReplyStatus::Ok);
    std::optional<Event> reply;
    for (int i = 0; i < 30000 && !reply; ++i) {
      poll(worker, [&](const Event& e) {
        if (e.seq == sub.seq) reply = e;
      });
      if (!reply) std::this_thread::sleep_for(std::chrono::microseconds(100));
    }
    REQUIRE(reply.has_value());
    return *reply;
  }
  template <typename Args>
  Event call(std::size_t worker, LegId leg, const Args& args) {
    return call(worker, make_command(leg, args));
  }

  // Collects the worker's own events too.
  template <typename OnReply>
  void poll(std::size_t worker, OnReply&& on_reply) {
    channels_[worker]->poll(steady_now_ns(), [&](Delivery d, const Event& e) noexcept {
      if (d == Delivery::Event) {
        events_.push_back(e);
      } else {
        on_reply(e);
      }
    });
  }
  const std::vector<Event>& events() const { return events_; }

 private:
  std::vector<std::unique_ptr<CommandChannel>> channels_;
  std::vector<Event> events_;
};

}  // namespace dialcore::test
