#include "dataplane/recording/recording_service.hpp"

#include <pthread.h>
#include <sched.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <string>

namespace dialcore::dataplane::recording {
namespace {

std::uint64_t steady_ns() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
      std::chrono::steady_clock::now().time_since_epoch()).count());
}

}  // namespace

RecordingService::RecordingService(const RecordingConfig& config, std::uint16_t workers)
    : config_(config) {
  config_.chunk_ms = std::clamp<std::uint32_t>(config_.chunk_ms, 10, 100);
  config_.flush_interval_ms = std::clamp<std::uint32_t>(config_.flush_interval_ms, 10, 1000);
  const std::size_t recorders = config_.cores.empty() ? std::max<std::uint32_t>(config_.threads, 1)
                                                      : config_.cores.size();
  const std::size_t chunk_bytes = std::size_t{config_.chunk_ms} * 16 * 2 * sizeof(std::int16_t);
  for (std::uint16_t w = 0; w < workers; ++w) {
    storage_.push_back(std::make_unique<ChunkStorage>(config_.chunks_per_worker, chunk_bytes));
    worker_links_.emplace_back();
    for (std::size_t r = 0; r < recorders; ++r) {
      links_.push_back(std::make_unique<RecorderLink>(config_.ring_items, config_.chunks_per_worker));
      worker_links_.back().push_back(links_.back().get());
    }
  }
  for (std::uint16_t w = 0; w < workers; ++w) {
    producers_.push_back(std::make_unique<RecordingProducer>(w, *storage_[w], worker_links_[w],
                                                             config_.max_recordings_per_worker));
  }
  for (std::size_t r = 0; r < recorders; ++r) {
    events_.push_back(std::make_unique<SpscRing<RecordingEvent>>(config_.event_ring_items));
    std::vector<RecorderInput> inputs;
    for (std::uint16_t w = 0; w < workers; ++w) {
      inputs.push_back(RecorderInput{w, worker_links_[w][r], storage_[w].get()});
    }
    recorders_.push_back(std::make_unique<Recorder>(config_, std::move(inputs), *events_[r]));
  }
}

RecordingService::~RecordingService() { stop(); }

void RecordingService::apply_live(const LiveRecordingSettings& settings) {
  for (auto& r : recorders_) r->set_live(settings);
}

bool RecordingService::start() {
  if (running_.exchange(true)) return true;
  for (const int core : config_.cores) {
    if (core < 0 || core >= CPU_SETSIZE) {
      running_ = false;
      return false;
    }
  }
  handles_.assign(recorders_.size(), pthread_t{});
  for (std::size_t r = 0; r < recorders_.size(); ++r) {
    threads_.emplace_back([this, r] { run(r); });
    handles_[r] = threads_.back().native_handle();
    pthread_setname_np(handles_[r], ("dc-recorder-" + std::to_string(r)).substr(0, 15).c_str());
    if (!config_.cores.empty()) {
      cpu_set_t set;
      CPU_ZERO(&set);
      CPU_SET(config_.cores[r], &set);
      if (pthread_setaffinity_np(handles_[r], sizeof(set), &set) != 0) {
        stop();
        return false;
      }
    }
  }
  return true;
}

void RecordingService::stop() {
  if (!running_.exchange(false)) return;
  for (std::thread& t : threads_) t.join();
  threads_.clear();
  for (auto& rec : recorders_) {
    while (rec->poll(steady_ns())) {
    }
    rec->close_all();
  }
}

void RecordingService::run(std::size_t r) {
  Recorder& rec = *recorders_[r];
  const timespec idle{0, static_cast<long>(config_.idle_sleep_us) * 1000};
  // Relaxed: a stop flag; what the recorder writes is joined by stop() (join synchronises).
  while (running_.load(std::memory_order_relaxed)) {
    if (rec.poll(steady_ns())) continue;
    if (config_.idle_sleep_us == 0) {
      sched_yield();  // a dedicated core: stay on it, let others in only if they wait
    } else {
      nanosleep(&idle, nullptr);
    }
  }
}

std::size_t RecordingService::poll_events(std::span<RecordingEvent> out) {
  std::size_t n = 0;
  for (auto& ring : events_) n += ring->try_pop_burst(out.subspan(n));
  return n;
}

std::uint64_t RecordingService::recorder_cpu_ns() const {
  std::uint64_t total = 0;
  for (std::size_t r = 0; r < threads_.size(); ++r) {
    clockid_t clock;
    timespec ts{};
    if (pthread_getcpuclockid(handles_[r], &clock) == 0 && clock_gettime(clock, &ts) == 0) {
      total += static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000ull + static_cast<std::uint64_t>(ts.tv_nsec);
    }
  }
  return total;
}

}  // namespace dialcore::dataplane::recording
