#include "dataplane/runtime/runtime.hpp"

#include <pthread.h>
#include <sched.h>
#include <sys/prctl.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <system_error>
#include <thread>

#include "dataplane/io/dpdk_eal.hpp"
#include "dataplane/io/dpdk_port.hpp"
#include "dataplane/io/socket_io.hpp"
#include "dataplane/runtime/port_shards.hpp"
#include "dataplane/runtime/shard_io.hpp"
#include "dataplane/worker/worker.hpp"

namespace dialcore::dataplane {

std::string_view to_string(RuntimeErrc code) noexcept {
  switch (code) {
    case RuntimeErrc::BadSettings: return "bad_settings";
    case RuntimeErrc::CoreNotAvailable: return "core_not_available";
    case RuntimeErrc::PinFailed: return "pin_failed";
    case RuntimeErrc::BackendFailed: return "backend_failed";
    case RuntimeErrc::ThreadFailed: return "thread_failed";
  }
  return "unknown";
}

struct Runtime::WorkerThread {
  std::size_t index = 0;
  int core = 0;
  bool pinned = false;
  IdlePolicy idle;
  std::unique_ptr<BurstIo> backend;  // SocketIo, or DpdkIo (then `dpdk` points at it)
  DpdkIo* dpdk = nullptr;
  std::unique_ptr<ShardIo> io;
  std::unique_ptr<WorkerRings> rings;
  std::unique_ptr<Worker> worker;
  std::uint32_t leg_capacity = 0;
  std::thread thread;
  clockid_t cpu_clock{};
  bool has_cpu_clock = false;

  // Release (stop) / acquire (loop): a plain flag would do for the loop, but the ordering makes
  // whatever the stopping thread wrote before stop() visible to the worker's last turn.
  std::atomic<bool> stop{false};
  // Release (worker, last action) / acquire (join, snapshot): the final values below are
  // written before it.
  std::atomic<bool> exited{false};
  // Written by the worker thread only, read by anyone. Relaxed: counts and gauges for metrics.
  std::atomic<std::uint32_t> legs{0};
  std::atomic<std::uint64_t> idle_sleeps{0};
  std::atomic<std::uint64_t> idle_parks{0};
  std::atomic<std::uint64_t> final_cpu_ns{0};

  void run() noexcept;
};

namespace {

std::uint64_t steady_ns() noexcept {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                        std::chrono::steady_clock::now().time_since_epoch())
                                        .count());
}

std::uint64_t thread_cpu_ns(clockid_t clock) noexcept {
  timespec ts{};
  if (::clock_gettime(clock, &ts) != 0) return 0;
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000u +
         static_cast<std::uint64_t>(ts.tv_nsec);
}

std::string cpu_list(const cpu_set_t& set) {
  std::string out;
  for (int c = 0; c < CPU_SETSIZE; ++c) {
    if (!CPU_ISSET(c, &set)) continue;
    int end = c;
    while (end + 1 < CPU_SETSIZE && CPU_ISSET(end + 1, &set)) ++end;
    if (!out.empty()) out += ",";
    out += std::to_string(c);
    if (end > c) {
      out += '-';
      out += std::to_string(end);
    }
    c = end;
  }
  return out.empty() ? "none" : out;
}

// Relaxed load + store: the worker thread is the only writer of these counters.
void bump(std::atomic<std::uint64_t>& counter) noexcept {
  counter.store(counter.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}

}  // namespace

// The loop. Reads the clock once per turn (the Worker never does); publishes the leg count when
// it changed (one relaxed store); backs off when idle (IdlePolicy, runtime_settings.hpp).
void Runtime::WorkerThread::run() noexcept {
  // 1 µs timer slack instead of the default 50 µs, so a 100 µs sleep is ~100 µs, not ~150.
  ::prctl(PR_SET_TIMERSLACK, 1000UL, 0UL, 0UL, 0UL);
  const std::string name = "dp-worker-" + std::to_string(index);
  ::pthread_setname_np(::pthread_self(), name.c_str());
  if (dpdk != nullptr) dpdk_thread_register();  // else uncached pool access: slower, still right
  const timespec sleep{0, static_cast<long>(idle.sleep_us) * 1000L};
  std::uint32_t idle_turns = 0;
  std::uint32_t last_legs = 0;
  while (!stop.load(std::memory_order_acquire)) {
    const bool worked = worker->poll(steady_ns());
    if (const std::uint32_t n = worker->legs(); n != last_legs) {
      last_legs = n;
      legs.store(n, std::memory_order_relaxed);  // Relaxed: a gauge
    }
    if (worked) {
      idle_turns = 0;
      continue;
    }
    if (idle.sleep_us == 0 || idle_turns < idle.spin_turns) {
      ++idle_turns;
      continue;
    }
    if (idle.park_after_sleeps != 0 && idle_turns - idle.spin_turns >= idle.park_after_sleeps) {
      io->wait_rx(1);  // parked: a packet wakes us, a command waits up to 1 ms
      bump(idle_parks);
      continue;
    }
    ++idle_turns;
    ::nanosleep(&sleep, nullptr);
    bump(idle_sleeps);
  }
  if (dpdk != nullptr) dpdk_thread_unregister();
  if (has_cpu_clock) final_cpu_ns.store(thread_cpu_ns(cpu_clock), std::memory_order_relaxed);
  exited.store(true, std::memory_order_release);
}

std::unique_ptr<Runtime> Runtime::start(const RuntimeSettings& settings, RuntimeError& error) {
  auto fail = [&error](RuntimeErrc code, std::string message) {
    error = RuntimeError{code, std::move(message)};
    return nullptr;
  };
  if (settings.cores.empty()) return fail(RuntimeErrc::BadSettings, "no worker cores configured");
  if (settings.idle.sleep_us > IdlePolicy::kMaxSleepUs) {
    return fail(RuntimeErrc::BadSettings,
                "idle sleep " + std::to_string(settings.idle.sleep_us) + " us is above 200 us");
  }
  std::unique_ptr<Runtime> rt(new Runtime());
  rt->shards_ = split_port_range(settings.rtp_ports, settings.cores.size());
  if (rt->shards_.empty()) {
    return fail(RuntimeErrc::BadSettings, "RTP port range " +
                                              std::to_string(settings.rtp_ports.first) + "-" +
                                              std::to_string(settings.rtp_ports.last) +
                                              " has fewer even/odd pairs than the " +
                                              std::to_string(settings.cores.size()) + " workers");
  }
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  if (settings.pin && ::sched_getaffinity(0, sizeof(allowed), &allowed) != 0) {
    return fail(RuntimeErrc::PinFailed, std::string("sched_getaffinity: ") + std::strerror(errno));
  }
  for (std::size_t i = 0; i < settings.cores.size(); ++i) {
    const int core = settings.cores[i];
    if (settings.pin && (core < 0 || core >= CPU_SETSIZE || !CPU_ISSET(core, &allowed))) {
      return fail(RuntimeErrc::CoreNotAvailable,
                  "worker " + std::to_string(i) + ": core " + std::to_string(core) +
                      " does not exist or is not available to this process (available: " +
                      cpu_list(allowed) + "); set dataplane.pin_workers: false to run unpinned");
    }
  }

  const bool dpdk = settings.backend == RuntimeBackend::Dpdk;
  if (dpdk) {
    const EalResult eal = eal_init(settings.dpdk.eal_args);
    if (!eal.ok) return fail(RuntimeErrc::BackendFailed, "DPDK EAL: " + eal.message);
    DpdkPortConfig port;
    port.io = settings.dpdk.io;
    port.io.max_ports = settings.legs_per_worker;  // one port per leg (RTCP muxed)
    port.io.rtp_port_first = settings.rtp_ports.first;
    port.io.rtp_port_last = settings.rtp_ports.last;
    port.shards = rt->shards_;
    port.allow_hardware_steering = settings.dpdk.allow_hardware_steering;
    // Every mbuf that can be parked at once: RX and TX descriptors, the rings, bursts in hand.
    const std::size_t n = settings.cores.size();
    const std::size_t needed = n * (port.io.rx_descriptors + port.io.tx_descriptors + 256) +
                               n * (n - 1) * port.ring_size + 256;
    std::uint32_t pool = 1;
    while (pool - 1 < std::max<std::size_t>(needed, port.io.pool_mbufs)) pool <<= 1;
    port.io.pool_mbufs = pool - 1;  // 2^k - 1: rte_mempool's best size
    try {
      rt->dpdk_port_ = std::make_unique<DpdkPort>(port);
    } catch (const std::exception& e) {
      return fail(RuntimeErrc::BackendFailed, e.what());
    }
  }

  // Build every worker before starting any thread: construction allocates and may throw.
  for (std::size_t i = 0; i < settings.cores.size(); ++i) {
    auto w = std::make_unique<WorkerThread>();
    w->index = i;
    w->core = settings.cores[i];
    w->idle = settings.idle;
    if (dpdk) w->idle.park_after_sleeps = 0;  // DpdkIo::wait_rx cannot wait for a packet
    w->leg_capacity = settings.legs_per_worker;
    try {
      if (dpdk) {
        auto io = std::make_unique<DpdkIo>(*rt->dpdk_port_, static_cast<std::uint16_t>(i));
        w->dpdk = io.get();
        w->backend = std::move(io);
      } else {
        SocketIoConfig io_config;
        io_config.max_ports = settings.legs_per_worker;  // one port per leg (RTCP muxed)
        io_config.pool_packets = settings.pool_packets;
        w->backend = std::make_unique<SocketIo>(io_config);
      }
    } catch (const std::exception& e) {
      return fail(RuntimeErrc::BackendFailed,
                  "worker " + std::to_string(i) + ": " + (dpdk ? "DPDK" : "socket") +
                      " backend: " + e.what());
    }
    w->io = std::make_unique<ShardIo>(*w->backend, rt->shards_[i]);
    w->rings = std::make_unique<WorkerRings>(settings.command_ring, settings.event_ring);
    WorkerConfig wc;
    wc.max_legs = settings.legs_per_worker;
    wc.max_ports = settings.legs_per_worker;
    wc.seed = settings.seed + i;
    wc.prompts = settings.prompts;
    wc.recorder = i < settings.recorders.size() ? settings.recorders[i] : nullptr;
    w->worker = std::make_unique<Worker>(wc, *w->io, *w->rings);
    rt->workers_.push_back(std::move(w));
  }

  for (std::size_t i = 0; i < rt->workers_.size(); ++i) {
    WorkerThread& w = *rt->workers_[i];
    try {
      w.thread = std::thread([&w] { w.run(); });
    } catch (const std::system_error& e) {
      rt->stop();
      return fail(RuntimeErrc::ThreadFailed, "worker " + std::to_string(i) + ": " + e.what());
    }
    w.has_cpu_clock = ::pthread_getcpuclockid(w.thread.native_handle(), &w.cpu_clock) == 0;
    if (settings.pin) {
      cpu_set_t one;
      CPU_ZERO(&one);
      CPU_SET(w.core, &one);
      if (const int rc = ::pthread_setaffinity_np(w.thread.native_handle(), sizeof(one), &one);
          rc != 0) {
        rt->stop();
        return fail(RuntimeErrc::PinFailed, "worker " + std::to_string(i) + ": pinning to core " +
                                                std::to_string(w.core) + ": " + std::strerror(rc));
      }
      w.pinned = true;
    }
  }
  return rt;
}

Runtime::~Runtime() {
  stop();
  for (auto& w : workers_) {
    if (w->thread.joinable()) w->thread.join();  // wedged beyond the bound: wait, we own it
  }
}

WorkerRings& Runtime::rings(std::size_t worker) noexcept { return *workers_[worker]->rings; }

PortRange Runtime::shard(std::size_t worker) const noexcept { return shards_[worker]; }

std::optional<std::size_t> Runtime::worker_of_port(std::uint16_t port) const noexcept {
  return shard_of(shards_, port);
}

bool Runtime::join(std::size_t worker, std::chrono::milliseconds bound) {
  WorkerThread& w = *workers_[worker];
  if (!w.thread.joinable()) return true;
  const auto deadline = std::chrono::steady_clock::now() + bound;
  while (!w.exited.load(std::memory_order_acquire)) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  w.thread.join();
  return true;
}

bool Runtime::stop(std::chrono::milliseconds bound) {
  for (auto& w : workers_) w->stop.store(true, std::memory_order_release);
  bool all = true;
  const auto deadline = std::chrono::steady_clock::now() + bound;
  for (std::size_t i = 0; i < workers_.size(); ++i) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    all = join(i, std::max(left, std::chrono::milliseconds(0))) && all;
  }
  return all;
}

bool Runtime::stop_worker(std::size_t worker, std::chrono::milliseconds bound) {
  workers_[worker]->stop.store(true, std::memory_order_release);
  return join(worker, bound);
}

WorkerSnapshot Runtime::snapshot(std::size_t worker) const noexcept {
  const WorkerThread& w = *workers_[worker];
  WorkerSnapshot s;
  s.worker = worker;
  s.core = w.core;
  s.pinned = w.pinned;
  s.shard = shards_[worker];
  const bool exited = w.exited.load(std::memory_order_acquire);
  s.running = !exited && !w.stop.load(std::memory_order_relaxed);
  s.counters = w.worker->stats().snapshot();
  s.io = w.io->stats().snapshot();
  s.legs = w.legs.load(std::memory_order_relaxed);
  s.leg_capacity = w.leg_capacity;
  s.command_ring_depth = w.rings->commands.size_approx();
  s.command_ring_capacity = w.rings->commands.capacity();
  s.event_ring_depth = w.rings->events.size_approx();
  s.event_ring_capacity = w.rings->events.capacity();
  s.idle_sleeps = w.idle_sleeps.load(std::memory_order_relaxed);
  s.idle_parks = w.idle_parks.load(std::memory_order_relaxed);
  s.port_refused = w.io->refused();
  if (w.dpdk != nullptr) {
    s.dpdk = true;
    for (std::size_t c = 0; c < kDpdkCounterCount; ++c) {
      s.dpdk_counters[c] = w.dpdk->dpdk_stats().read(static_cast<DpdkCounter>(c));
    }
  }
  if (exited) {
    s.cpu_ns = w.final_cpu_ns.load(std::memory_order_relaxed);
  } else if (w.has_cpu_clock) {
    s.cpu_ns = thread_cpu_ns(w.cpu_clock);
  }
  return s;
}

void release_dataplane_process() noexcept { eal_cleanup(); }

std::string Runtime::backend_description() const {
  return dpdk_port_ ? "dpdk: " + dpdk_port_->describe() : std::string("socket");
}

bool Runtime::hardware_steering() const noexcept {
  return dpdk_port_ && dpdk_port_->steering() == Steering::Hardware;
}

}  // namespace dialcore::dataplane
