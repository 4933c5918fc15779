#pragma once
// RuntimeSettings: what the dataplane runtime needs, as plain values (no YAML type; dialcored
// converts config::Dataplane, tests fill it directly).

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "dataplane/io/dpdk_io.hpp"
#include "dataplane/io/port_allocator.hpp"

namespace dialcore::dataplane {

class PromptLibrary;
namespace recording {
class RecordingProducer;
}

// What an idle worker does (a turn that found no command, packet or timer due):
//   1. spin `spin_turns` more turns (an idle socket turn is one epoll_wait(0), well under 1 µs);
//   2. then sleep `sleep_us` per turn (nanosleep, 1 µs timer slack): a packet or command that
//      arrives meanwhile waits up to sleep_us (plus the scheduler's wake-up latency);
//   3. after `park_after_sleeps` sleeps in a row (~0.3 s at the defaults), park in the
//      backend's wait_rx(1 ms): a packet wakes the worker at once, a command waits up to 1 ms
//      (control polls replies every 1 ms anyway). 0 disables parking.
// sleep_us 0 busy-polls (dedicated isolated cores, DPDK). Measured (`runtime_test "[.bench]"`,
// one idle unpinned worker, this 2-core machine with other builds running, load ~5), CPU of one
// core: busy-poll 49-62 % (all it could get), sleep 50 µs 20 %, 100 µs 15-18 %, 200 µs 11 % (a
// cycle costs ~25 µs of CPU here: two system calls and a context switch on a loaded VM); parked
// (wait_rx 1 ms) 3.3 %. So a worker idle for long costs little, and one between packets of
// live calls sleeps at most sleep_us.
struct IdlePolicy {
  std::uint32_t spin_turns = 200;
  std::uint32_t sleep_us = 100;  // 0: never sleep (busy-poll); at most 200 (kMaxSleepUs)
  std::uint32_t park_after_sleeps = 2000;
  static constexpr std::uint32_t kMaxSleepUs = 200;
};

enum class RuntimeBackend : std::uint8_t { Socket, Dpdk };

// The DPDK backend: one port shared by the workers, each with its own RX/TX queue pair
// (DpdkPort: rte_flow steering by port shard where the port has it, else software dispatch).
// EAL is brought up by Runtime::start with `eal_args` unless this process already did
// (eal_init runs once per process; eal_cleanup is the process's, at exit).
struct DpdkRuntimeSettings {
  std::vector<std::string> eal_args;
  // Device, addresses, prefixes, gateway, checksums, exception path, pool ... as for one DpdkIo;
  // max_ports and the RTP range are set by the runtime (legs_per_worker, rtp_ports), pool_mbufs
  // is per port (0: sized for the workers' queues and rings).
  DpdkIoConfig io;
  bool allow_hardware_steering = true;  // false: software dispatch even where rte_flow works
};

struct RuntimeSettings {
  std::vector<int> cores = {0};  // one worker per entry, in this order: worker i runs on cores[i]
  bool pin = true;  // pin worker i to cores[i] (refused at start if the core is not ours);
                    // false: the thread floats (tests, CI, shared development cores)
  PortRange rtp_ports{20000, 29999};  // cut into one contiguous shard per worker
  std::uint32_t legs_per_worker = 4096;
  std::size_t command_ring = 256;   // per worker; control's in-flight limit should be below it
  std::size_t event_ring = 1024;    // per worker; replies and the worker's own events
  std::size_t pool_packets = 4096;  // socket backend: packet buffers per worker (~2.1 KiB each)
  RuntimeBackend backend = RuntimeBackend::Socket;
  DpdkRuntimeSettings dpdk;  // backend Dpdk only
  IdlePolicy idle;
  std::uint64_t seed = 1;                  // worker i uses seed + i (SSRCs, sequence numbers)
  const PromptLibrary* prompts = nullptr;  // PlayAudio clips, shared read-only by all workers
  // Worker i's recording producer (RecordingService::producer(i)), used by worker i's thread
  // only; empty (or shorter than cores): those workers refuse StartRecording (no recorder).
  // The service must be started before the runtime and stopped after it (daemon/README.md).
  std::vector<recording::RecordingProducer*> recorders;
};

}  // namespace dialcore::dataplane
