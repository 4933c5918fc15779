#pragma once
// RuntimeSettings: what the dataplane runtime needs, as plain values (no YAML type; dialcored
// converts config::Dataplane, tests fill it directly).

#include <cstddef>
#include <cstdint>
#include <vector>

#include "dataplane/io/port_allocator.hpp"

namespace dialcore::dataplane {

class PromptLibrary;

// What an idle worker does (a turn that found no command, packet or timer due):
//   spin `spin_turns` more turns (an idle socket turn is one epoll_wait(0), ~0.3 µs: ~50 µs of
//   spinning by default), then sleep `sleep_us` per turn (nanosleep, 1 µs timer slack) until
//   work comes back.
// The trade-off: a packet or command arriving while the worker sleeps waits up to sleep_us
// (added latency, first packet after an idle spell only: a worker relaying 50 packets/s per
// leg is rarely idle long); each sleep costs a wake-up (~3-5 µs of CPU with the idle turn), so
// an idle worker uses about 3-5 % of a core at 100 µs, ~2 % at 200 µs, and 100 % at 0
// (busy-poll, for dedicated isolated cores). Measured in runtime_idle_test (see README.md).
struct IdlePolicy {
  std::uint32_t spin_turns = 200;
  std::uint32_t sleep_us = 100;  // 0: never sleep (busy-poll); at most 200 (kMaxSleepUs)
  static constexpr std::uint32_t kMaxSleepUs = 200;
};

struct RuntimeSettings {
  std::vector<int> cores = {0};  // one worker per entry, in this order: worker i runs on cores[i]
  bool pin = true;  // pin worker i to cores[i] (refused at start if the core is not ours);
                    // false: the thread floats (tests, CI, shared development cores)
  PortRange rtp_ports{20000, 29999};  // cut into one contiguous shard per worker
  std::uint32_t legs_per_worker = 4096;
  std::size_t command_ring = 256;  // per worker; control's in-flight limit should be below it
  std::size_t event_ring = 1024;   // per worker; replies and the worker's own events
  std::size_t pool_packets = 4096;  // socket backend: packet buffers per worker (~2.1 KiB each)
  IdlePolicy idle;
  std::uint64_t seed = 1;                  // worker i uses seed + i (SSRCs, sequence numbers)
  const PromptLibrary* prompts = nullptr;  // PlayAudio clips, shared read-only by all workers
};

}  // namespace dialcore::dataplane
