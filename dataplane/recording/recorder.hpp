#pragma once
// Recorder: one recorder thread's work. It drains the rings of every worker that sends it
// recordings, writes each recording's audio through its AudioSink, keeps markers, flushes each
// file at the configured interval (header valid after every flush), writes the sidecar, hands
// chunk indices back, and reports state changes on its event ring. All file I/O of recording
// happens here, never on a worker. Time is passed in (poll(now_ns)); RecordingService runs it
// in a thread, tests may call poll() themselves.
//
// A recording that fails (ENOSPC, another write error, the WAV size limit) ends alone: its file
// keeps what reached the disk under a valid header, its sidecar says why, an Off event and a
// counter report it, and the items still on their way for it are discarded. Other recordings,
// and new ones once there is space again, go on.

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "dataplane/api/spsc_ring.hpp"
#include "dataplane/recording/audio_sink.hpp"
#include "dataplane/recording/chunk_ring.hpp"
#include "dataplane/recording/recording_config.hpp"
#include "dataplane/recording/recording_stats.hpp"
#include "dataplane/recording/recording_types.hpp"
#include "dataplane/recording/sidecar.hpp"

namespace dialcore::dataplane::recording {

struct RecorderInput {
  std::uint16_t worker = 0;
  RecorderLink* link = nullptr;
  ChunkStorage* storage = nullptr;
};

class Recorder {
 public:
  Recorder(const RecordingConfig& config, std::vector<RecorderInput> inputs,
           SpscRing<RecordingEvent>& events);
  ~Recorder();
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;

  // One turn: items from every input, then the flushes that are due. True if it did any work.
  bool poll(std::uint64_t now_ns);
  // Ends every open recording (status "interrupted", Off/Shutdown events). At shutdown.
  void close_all();
  // A reload (any thread): the recorder takes the settings at its next poll. Recordings that
  // start after that use the new folder, template and mode; open ones keep their files and
  // flush at the new interval from their next flush on.
  void set_live(const LiveRecordingSettings& settings);

  std::size_t open_recordings() const noexcept { return open_.size(); }  // recorder thread only
  // Files open now, from any thread (relaxed: a gauge for /metrics, written after each change).
  std::uint64_t open_files() const noexcept { return open_files_.load(std::memory_order_relaxed); }
  const RecorderStats& stats() const noexcept { return stats_; }

 private:
  struct Active;
  void handle(std::size_t input, const RecItem& item, std::uint64_t now_ns);
  void start(std::size_t input, const RecItem& item, std::uint64_t now_ns);
  void audio(Active& rec, const RecorderInput& in, const RecItem& item);
  void marker(Active& rec, const RecItem& item);
  void stop(Active& rec, std::uint64_t offset_frames);
  void fail(Active& rec, int error);
  void finish(Active& rec, RecordingState state, OffReason reason, int error);
  bool write_sidecar(Active& rec);
  void count_bytes(Active& rec);
  void post(const RecordingEvent& event);
  Active* find(std::size_t input, const RecItem& item);
  void take_live();

  RecordingConfig config_;
  std::vector<RecorderInput> inputs_;
  SpscRing<RecordingEvent>& events_;
  std::vector<std::vector<std::unique_ptr<Active>>> table_;  // [input][slot]
  std::vector<Active*> open_;                                 // for the flush scan
  std::uint64_t next_scan_ns_ = 0;
  std::vector<RecItem> batch_;
  std::vector<std::uint32_t> returns_;
  RecorderStats stats_;
  std::atomic<std::uint64_t> open_files_{0};
  std::mutex live_mutex_;  // guards live_; taken once per reload, never on the audio path
  LiveRecordingSettings live_;
  std::atomic<bool> live_pending_{false};
};

}  // namespace dialcore::dataplane::recording
