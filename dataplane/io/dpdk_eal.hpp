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
EalResult eal_init(std::span<const std::string> args);

// True once eal_init succeeded (and eal_cleanup has not run).
bool eal_ready() noexcept;

// Process exit, after every DpdkIo is gone: rte_eal_cleanup, then removes EAL's runtime
// directory, which DPDK 22.11 leaves behind (config and fbarray files; with --no-shconf an empty
// directory). No DPDK call may follow. Does nothing when EAL was never brought up.
void eal_cleanup() noexcept;

}  // namespace dialcore::dataplane
