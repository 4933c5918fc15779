#pragma once
// DPDK's Environment Abstraction Layer, brought up once per process. rte_eal_init may run only
// once in a process, even after rte_eal_cleanup, so this is the one place that calls it: later
// calls return the first call's result without touching EAL again. Every DpdkIo needs it done.
//
// Setup only (startup, the main thread); no DPDK type in this header (the DPDK includes stay in
// dataplane/io/*.cpp).
//
// Arguments come from configuration, e.g. for CI and tests on virtual devices:
//   --no-huge --no-pci -m 256 -l 0 --no-shconf --no-telemetry --file-prefix=dialcore-<pid>
// Give each process its own --file-prefix: EAL keeps a runtime directory of that name
// (/var/run/dpdk/<prefix> for root) and a second primary process on the same prefix fails.

#include <span>
#include <string>

namespace dialcore::dataplane {

struct EalResult {
  bool ok = false;
  int error = 0;        // rte_errno when rte_eal_init failed, else 0
  std::string message;  // what failed, for the startup log; empty when ok
};

// Runs rte_eal_init(args) the first time (argv[0] is supplied: `args` are options only), and
// returns that first result on every later call, whatever the arguments. Thread-safe.
// rte_eal_init pins the calling thread to the main lcore (`-l`); the thread's CPU affinity is put
// back as it was afterwards, so threads it starts later (control, workers) are not all confined
// to that core.
EalResult eal_init(std::span<const std::string> args);

// Registers the calling thread (not one EAL made) with EAL for its lifetime, so it has an lcore
// id: the mbuf pools' per-lcore caches then serve it (without one, every alloc and free goes to
// the shared ring). The runtime's worker threads call it first thing; false when EAL is not up or
// every lcore id is taken (the thread still works, uncached). Unregister before the thread ends.
bool dpdk_thread_register() noexcept;
void dpdk_thread_unregister() noexcept;

// True once eal_init succeeded (and eal_cleanup has not run).
bool eal_ready() noexcept;

// Process exit, after every DpdkIo is gone: rte_eal_cleanup, then removes EAL's runtime
// directory, which DPDK 22.11 leaves behind (config and fbarray files; with --no-shconf an empty
// directory). No DPDK call may follow. Does nothing when EAL was never brought up.
void eal_cleanup() noexcept;

}  // namespace dialcore::dataplane
