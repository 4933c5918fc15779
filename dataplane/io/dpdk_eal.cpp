#include "dataplane/io/dpdk_eal.hpp"

#include <pthread.h>
#include <sched.h>

#include <cstring>
#include <filesystem>
#include <mutex>
#include <string>
#include <system_error>
#include <vector>

#include "dataplane/io/dpdk_headers.hpp"

namespace dialcore::dataplane {
namespace {

// EAL is process-wide state in DPDK itself; this mirrors it, so it is process-wide too. Guarded
// by `mutex`; touched only at startup and exit.
struct EalState {
  std::mutex mutex;
  bool attempted = false;
  bool cleaned = false;
  EalResult result;
  std::string runtime_dir;  // EAL's, copied at init: removed by eal_cleanup
};

EalState& state() {
  static EalState s;
  return s;
}

}  // namespace

EalResult eal_init(std::span<const std::string> args) {
  EalState& s = state();
  const std::lock_guard lock(s.mutex);
  if (s.attempted) return s.result;
  s.attempted = true;
  // rte_eal_init takes argv as mutable C strings and may permute it: give it copies.
  std::vector<std::string> storage;
  storage.reserve(args.size() + 1);
  storage.emplace_back("dialcore");
  storage.insert(storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  argv.reserve(storage.size() + 1);
  for (std::string& a : storage) argv.push_back(a.data());
  argv.push_back(nullptr);
  cpu_set_t before;
  CPU_ZERO(&before);
  const bool had_affinity = ::pthread_getaffinity_np(::pthread_self(), sizeof(before), &before) == 0;
  const int r = rte_eal_init(static_cast<int>(storage.size()), argv.data());
  if (had_affinity) ::pthread_setaffinity_np(::pthread_self(), sizeof(before), &before);
  if (r < 0) {
    s.result.error = rte_errno;
    s.result.message = std::string("rte_eal_init failed: ") + rte_strerror(rte_errno);
    return s.result;
  }
  s.result.ok = true;
  s.runtime_dir = rte_eal_get_runtime_dir();
  return s.result;
}

bool dpdk_thread_register() noexcept { return eal_ready() && rte_thread_register() == 0; }

void dpdk_thread_unregister() noexcept {
  if (rte_lcore_id() != LCORE_ID_ANY) rte_thread_unregister();
}

bool eal_ready() noexcept {
  EalState& s = state();
  const std::lock_guard lock(s.mutex);
  return s.result.ok && !s.cleaned;
}

void eal_cleanup() noexcept {
  EalState& s = state();
  const std::lock_guard lock(s.mutex);
  if (!s.result.ok || s.cleaned) return;
  s.cleaned = true;
  rte_eal_cleanup();
  // The directory is named by our own --file-prefix, and we were its primary process: nobody
  // else uses it once we are done.
  if (!s.runtime_dir.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(s.runtime_dir, ec);
  }
}

}  // namespace dialcore::dataplane
