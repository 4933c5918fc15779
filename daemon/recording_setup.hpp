#pragma once
// The recording part of dialcored (issue 5): the recorder threads that take audio from the
// dataplane workers and do all file I/O (dataplane/recording).
//
// Start (before the runtime): the recordings folder (data_dir/recording.directory) is created,
// `repair_recordings()` fixes what a crash left (logged: each repaired file, failures, leftover
// temporary sidecars removed), then a RecordingService with one producer per dataplane worker
// starts its recorder threads: pinned to `recording.cores` when `dataplane.pin_workers` is true
// (a core this process may not use fails start-up, naming it), else one floating thread per
// listed core. `producers()` goes into RuntimeSettings::recorders (worker i gets producer i).
//
// On the control thread: a 20 ms steady_timer polls the recorders' state events and hands each,
// as a dataplane Event (EventType::RecordingState, to_api_event), to the handler the call owner
// (the B2BUA) sets with set_event_handler(). Until one is set, events are counted and dropped
// (dialcore_recording_events_unhandled_total). Whatever the handler, a tick that brought an Off
// event has the recording index (index_into) look for finished files: their store rows.
//
// Stop (after the workers are joined: no producer is used any more): the recorder threads drain
// their rings, open recordings end "interrupted" (Off/Shutdown events, handed to the handler
// like the others), the threads are joined. Logged as `recording: stopped`.
//
// A full disk never stops the process: the recorder ends that recording (file cut to whole
// frames under a valid header, sidecar "disk_full", an Off/DiskFull event) and counts it
// (dialcore_recording_disk_full_total); other recordings go on, new ones open once there is room.

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "control/history/call_history.hpp"
#include "control/store/store.hpp"
#include "daemon/recording_setup_index.hpp"
#include "dataplane/api/commands.hpp"
#include "dataplane/api/events.hpp"
#include "dataplane/recording/recording_config.hpp"
#include "dataplane/recording/recording_index.hpp"
#include "dataplane/recording/recording_service.hpp"

namespace dialcore::daemon {

// config::Recording as the recorder's settings: root under data_dir, the layout (its {date}
// {year} {month} {day} names are the recorder's too), cores (pinned only with `pin`), the flush
// interval (above the recorder's 1000 ms maximum: 1000, and `warning` says so), the file mode.
dataplane::recording::RecordingConfig recording_config(const config::Config& config, bool pin,
                                                       std::string* warning = nullptr);

class RecordingSetup {
 public:
  using EventHandler = std::function<void(const dataplane::Event&)>;

  explicit RecordingSetup(const config::Config& config);
  ~RecordingSetup();  // stop()
  RecordingSetup(const RecordingSetup&) = delete;
  RecordingSetup& operator=(const RecordingSetup&) = delete;

  // Repair, then the service for `workers` dataplane workers and its threads. An error text
  // (the folder cannot be made, a core is not available, a thread cannot be pinned) or nullopt.
  std::optional<std::string> start(std::size_t workers);
  // For RuntimeSettings::recorders: producer i for worker i. Empty before start().
  std::vector<dataplane::recording::RecordingProducer*> producers();
  // Polls the recorders' events on `io` (the control thread) every 20 ms until stop(). The timer
  // belongs to its pending handler, so it goes with `io` even if this object outlives it.
  void poll_events_on(boost::asio::io_context& io);
  // The call owner's handler (control thread). Null: count and drop.
  void set_event_handler(EventHandler handler) { handler_ = std::move(handler); }
  // After the workers are joined. Idempotent; from the control thread (or at destruction).
  void stop();
  // A reload (SIGHUP, POST /api/v1/config/reload; control thread): the live recording keys
  // (directory, path_layout, file_mode, flush_interval_ms, format, sample_rate_hz) apply to the
  // recordings that start after it; open ones keep their files. The new folder is created, the
  // index also looks there (recordings expected under the old layout are still found). Logged
  // when something changed. An error text when the new folder cannot be made (nothing changed).
  std::optional<std::string> apply(const config::Config& config);

  // The recording index rows (recording_setup_index.hpp), after start(): rows for the finished
  // files the store lacks (the start-up repair's among them) are reported now, and from then on
  // every recording the call owner reports to `history` is indexed when its file is finished.
  // `store` is read here only (the control thread's connection); `history` must outlive stop().
  // Returns how many rows the start-up pass reported.
  std::size_t index_into(control::history::CallHistory& history, control::store::Store& store,
                         std::function<std::int64_t()> wall_ms);
  const RecordingIndex* index() const { return index_.get(); }

  // A StartRecording command for the configured format and rate (the B2BUA fills the legs'
  // rate when it differs: 16 kHz codecs).
  dataplane::StartRecordingArgs start_args(const std::string& call_id, const std::string& campaign,
                                           const std::string& agent,
                                           std::uint64_t start_unix_ms) const;

  const std::string& root() const { return config_.root; }
  const dataplane::recording::RepairReport& repair_report() const { return repair_; }
  std::uint64_t events_delivered() const { return delivered_; }
  std::uint64_t events_unhandled() const { return unhandled_; }
  bool running() const { return service_ && service_->running(); }

  // Prometheus text: per recorder (recorder="r") files open and every RecorderStats counter
  // (dialcore_recording_<name>_total: chunks and bytes written, recordings started, completed,
  // disk_full, open_failed, write_errors, ...); per worker (worker="w") every ProducerStats
  // counter (chunks sent, dropped: ring full, pool empty, ...); dropped chunks in total; events
  // delivered and unhandled; start-up repairs; recorder threads and their CPU seconds; index
  // rows written (dialcore_recording_index_rows_total), pending, unresolved.
  void render_metrics(std::string& out) const;

 private:
  void poll();  // control thread: events to the handler

  std::string warning_;
  dataplane::recording::RecordingConfig config_;
  std::uint8_t format_ = 0;
  std::uint16_t sample_rate_hz_ = 8000;
  std::unique_ptr<dataplane::recording::RecordingService> service_;
  dataplane::recording::RepairReport repair_;
  EventHandler handler_;
  std::unique_ptr<RecordingIndex> index_;
  control::history::CallHistory* history_ = nullptr;
  std::function<std::int64_t()> wall_ms_;
  std::weak_ptr<boost::asio::steady_timer> timer_;
  std::uint64_t delivered_ = 0;  // control thread only (/metrics renders on it too)
  std::uint64_t unhandled_ = 0;
  bool stopped_ = false;
};

}  // namespace dialcore::daemon
