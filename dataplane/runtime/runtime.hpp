#pragma once
// Runtime: the dataplane running on its own threads. One worker per configured core, each a
// thread (pinned to its core unless settings say otherwise) that owns its backend (a SocketIo
// behind a ShardIo for its port shard), its WorkerRings and its Worker, and runs
//     loop: now = steady clock (read once per turn) -> worker.poll(now) -> idle back-off
// until its stop flag is set (checked every turn; a turn is bounded, so stop is prompt).
// Control never calls into a worker: it gets each worker's rings (rings(i)) for its
// CommandChannel, and reads the stats snapshots, which are relaxed atomics written by the
// worker (never torn, perhaps a little late).
//
// Backends: kernel sockets (a SocketIo per worker), or DPDK (settings.backend): one DpdkPort
// shared by the workers, a DpdkIo per worker on its own RX/TX queue pair, RTP steered to the
// worker owning its port shard by rte_flow where the port has it, else by software dispatch
// (dataplane/io/dpdk_port.hpp). Each DPDK worker thread registers with EAL (an lcore id for the
// mbuf pool's cache) and never parks in wait_rx (a polling backend cannot wake it): an idle one
// sleeps idle.sleep_us per turn, or busy-polls with 0.
//
// Threads: start(), stop(), stop_worker() and the destructor from one thread (the daemon's main
// or control thread); rings(i) is handed to exactly one control thread; snapshot() from any.

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dataplane/api/worker_rings.hpp"
#include "dataplane/api/worker_stats.hpp"
#include "dataplane/io/dpdk_io.hpp"
#include "dataplane/io/io_stats.hpp"
#include "dataplane/runtime/runtime_settings.hpp"

namespace dialcore::dataplane {

enum class RuntimeErrc {
  BadSettings,       // no cores, a port range too small for the workers, ...
  CoreNotAvailable,  // pinning asked for a core this process may not run on (or none such)
  PinFailed,         // pthread_setaffinity_np refused the core
  BackendFailed,     // the backend could not be created (epoll; EAL, the DPDK port)
  ThreadFailed,      // the thread could not be started
};

std::string_view to_string(RuntimeErrc code) noexcept;

struct RuntimeError {
  RuntimeErrc code = RuntimeErrc::BadSettings;
  std::string message;  // names the worker, the core and the reason
};

// One worker's state for metrics, read without stopping it.
struct WorkerSnapshot {
  std::size_t worker = 0;
  int core = 0;
  bool pinned = false;
  bool running = false;
  PortRange shard;
  std::array<std::uint64_t, kWorkerCounterCount> counters{};  // indexed like kWorkerCounterInfo
  IoCounts io;                                                // indexed like kIoCounterInfo
  std::uint32_t legs = 0;
  std::uint32_t leg_capacity = 0;
  std::size_t command_ring_depth = 0;
  std::size_t command_ring_capacity = 0;
  std::size_t event_ring_depth = 0;
  std::size_t event_ring_capacity = 0;
  std::uint64_t idle_sleeps = 0;   // back-off sleeps taken
  std::uint64_t idle_parks = 0;    // 1 ms waits in the backend after a long idle spell
  std::uint64_t port_refused = 0;  // opens refused: port of another worker's shard
  std::uint64_t cpu_ns = 0;        // the thread's CPU time
  bool dpdk = false;               // the DPDK backend: `dpdk_counters` hold its counters
  std::array<std::uint64_t, kDpdkCounterCount> dpdk_counters{};  // indexed like kDpdkCounterInfo
};

// Process exit, after every Runtime is gone: releases what the DPDK backend holds for the process
// (eal_cleanup: EAL's runtime directory). Nothing for the socket backend. No Runtime may start
// with the DPDK backend afterwards (EAL runs once per process).
void release_dataplane_process() noexcept;

class Runtime {
 public:
  // Builds every worker (allocates: rings, leg tables, pools), starts and pins the threads.
  // nullptr with `error` set when anything fails; no thread is left running then.
  static std::unique_ptr<Runtime> start(const RuntimeSettings& settings, RuntimeError& error);
  ~Runtime();  // stop(), then frees the workers (their ports close)
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  std::size_t worker_count() const noexcept { return workers_.size(); }
  // Control's side of worker i's rings: give it to one CommandChannel.
  WorkerRings& rings(std::size_t worker) noexcept;
  PortRange shard(std::size_t worker) const noexcept;
  std::optional<std::size_t> worker_of_port(std::uint16_t port) const noexcept;

  // Sets every stop flag and joins the threads, waiting at most `bound` for them to leave their
  // loops. False if one did not (wedged in a system call): it is then joined anyway, so the
  // caller decides whether to wait (destructor) or to exit the process.
  bool stop(std::chrono::milliseconds bound = std::chrono::milliseconds(2000));
  // Stops one worker (tests: a worker that never answers). Its rings stay valid.
  bool stop_worker(std::size_t worker,
                   std::chrono::milliseconds bound = std::chrono::milliseconds(2000));

  WorkerSnapshot snapshot(std::size_t worker) const noexcept;
  // The backend in one line for the start-up log: "socket", or the DPDK port, its queues and
  // how RTP is steered (rte_flow, or software and why).
  std::string backend_description() const;
  bool hardware_steering() const noexcept;  // DPDK with rte_flow rules in place
  bool dpdk() const noexcept { return dpdk_port_ != nullptr; }

  struct WorkerThread;  // runtime.cpp

 private:
  Runtime() = default;
  bool join(std::size_t worker, std::chrono::milliseconds bound);

  // Declared before the workers: destroyed after them (their DpdkIo use it to the end).
  std::unique_ptr<DpdkPort> dpdk_port_;
  std::vector<std::unique_ptr<WorkerThread>> workers_;
  std::vector<PortRange> shards_;
};

}  // namespace dialcore::dataplane
