#pragma once
// RecordingService: builds the recording path at setup and owns it: per worker a chunk pool
// and a RecordingProducer; per (worker, recorder) pair the two SPSC rings; per recorder thread a
// Recorder and its event ring. A recording made on worker w in slot s goes to recorder
// (w + s) mod R. Recorder threads are pinned to `recording.cores` when given, else plain threads.
//
// Threads: producer(w) is used by worker w's thread only; poll_events() by one control thread;
// start()/stop() by the thread that owns the service. Construction allocates everything.

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <thread>
#include <vector>

#include "dataplane/recording/chunk_ring.hpp"
#include "dataplane/recording/recorder.hpp"
#include "dataplane/recording/recording_config.hpp"
#include "dataplane/recording/recording_producer.hpp"

namespace dialcore::dataplane::recording {

class RecordingService {
 public:
  RecordingService(const RecordingConfig& config, std::uint16_t workers);
  ~RecordingService();
  RecordingService(const RecordingService&) = delete;
  RecordingService& operator=(const RecordingService&) = delete;

  // Starts the recorder threads. False (and no thread) when pinning to a listed core failed.
  bool start();
  // Stops the threads after they drained their rings; open recordings end as "interrupted".
  void stop();

  RecordingProducer& producer(std::uint16_t worker) { return *producers_[worker]; }
  const RecordingProducer& producer(std::uint16_t worker) const { return *producers_[worker]; }
  std::size_t workers() const { return producers_.size(); }
  std::size_t recorders() const { return recorders_.size(); }
  Recorder& recorder(std::size_t r) { return *recorders_[r]; }  // for tests driving poll()
  const Recorder& recorder(std::size_t r) const { return *recorders_[r]; }  // stats, open_files()
  bool running() const { return running_.load(std::memory_order_relaxed); }
  // A reload's live settings to every recorder (Recorder::set_live). Any thread.
  void apply_live(const LiveRecordingSettings& settings);
  // Control's side: state events from every recorder, oldest first per recorder.
  std::size_t poll_events(std::span<RecordingEvent> out);
  // CPU time the recorder threads have used (ns), for dialbench; 0 before start().
  std::uint64_t recorder_cpu_ns() const;

 private:
  void run(std::size_t r);

  RecordingConfig config_;
  std::vector<std::unique_ptr<ChunkStorage>> storage_;            // [worker]
  std::vector<std::unique_ptr<RecorderLink>> links_;              // [worker * R + r]
  std::vector<std::vector<RecorderLink*>> worker_links_;          // [worker][r]
  std::vector<std::unique_ptr<SpscRing<RecordingEvent>>> events_;  // [r]
  std::vector<std::unique_ptr<RecordingProducer>> producers_;      // [worker]
  std::vector<std::unique_ptr<Recorder>> recorders_;               // [r]
  std::vector<std::thread> threads_;
  std::vector<pthread_t> handles_;
  std::atomic<bool> running_{false};
};

}  // namespace dialcore::dataplane::recording
