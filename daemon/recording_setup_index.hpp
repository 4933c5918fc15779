#pragma once
// The recording index rows of dialcored (issues 5, 6): every recording the recorders finish,
// the start-up repair fixes or a full disk cuts short becomes a `recordings` row in the store,
// written by the call history (CallHistory::recording_file, one report each, keyed by path).
//
// A recorder's Off event names the recording by its RecordingId only, and the file's path is
// decided by the recorder (path template, sanitised values, the start date). The call owner
// reports each recording it starts to the call history (`recording(call_id, leg, ...)`), whose
// observer tells this index: the call is *expected*. Its sidecar is found by the path template
// with the call id and the report's UTC date filled in and {campaign}/{agent} as wildcards
// (glob(3); the day before too, for a start at midnight). When a tick brings Off events,
// scan() stats the sidecar of every expected recording and reads those that changed: a final
// status (anything but "recording") makes the row and ends the expectation. Cost: one stat per
// expected recording per 20 ms tick that brought an Off event, nothing on ticks without one.
// Measured (a loop of 200,000 stat(2) of a sidecar on ext4, this 2-core VM at load ~9 from other
// builds, 6 runs): 3.6-15 us a stat, median ~8 us; with 1,000 recordings in progress ~8 ms of
// the control thread per such tick (at 5 recordings ending a second: ~4 % of it). A recorder
// event naming the file would make it one stat per ending (left: dataplane/recording).
//
// At start-up, index_existing() walks the recordings root (after the repair) and reports every
// finished file whose row is missing or differs (state, duration, size): the repaired files, and
// those a crash finished on disk before their row was committed.
//
// Not seen: a recording no one reported to the call history (it is indexed at the next start),
// and one that never got a file (open failed: the recorder counts it). An expectation whose
// sidecar is still not found a minute after the report is dropped and counted (`unresolved`).
// Control thread only.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "control/store/history_records.hpp"
#include "control/store/store.hpp"
#include "dataplane/recording/recording_index.hpp"

namespace dialcore::daemon {

// "complete", "repaired", "truncated_disk_full", ... from a sidecar's status; empty for
// "recording" (not finished).
std::string recording_row_state(std::string_view sidecar_status);
// An index row from a sidecar and its audio file (size from the file; 0 if it is gone).
control::store::Recording recording_row(const dataplane::recording::IndexEntry& entry,
                                        std::string_view leg);

struct RecordingIndexStats {
  std::uint64_t rows = 0;        // rows handed to the call history
  std::uint64_t expected = 0;    // recordings the call owner reported
  std::uint64_t unresolved = 0;  // expected, no sidecar found within a minute: dropped
  std::uint64_t scans = 0;
  std::uint64_t at_start = 0;    // rows reported by index_existing()
};

class RecordingIndex {
 public:
  using Sink = std::function<void(const control::store::Recording&)>;

  RecordingIndex(std::string root, std::string path_template, Sink sink);

  // A reload changed the recordings' folder or template: recordings expected from now on are
  // looked for there; those expected before, under the layout they started with.
  void set_layout(std::string root, std::string path_template);
  // The call owner started a recording of this call (the call history's recording observer).
  void expect(std::string_view call_id, std::string_view leg, std::int64_t at_ms);
  // Some recording went Off: rows for the expected ones whose sidecar is now final.
  void scan(std::int64_t now_ms);
  // Start-up: rows for finished files under root the store lacks or has differently.
  std::size_t index_existing(control::store::Store& store);

  std::size_t pending() const { return pending_.size(); }
  const RecordingIndexStats& stats() const { return stats_; }
  // The sidecars the template allows for this call on the UTC day of `at_ms` (tests use it too).
  std::vector<std::string> find_sidecars(std::string_view call_id, std::int64_t at_ms) const;

 private:
  struct Expected {
    std::string call_id;
    std::string leg;
    std::int64_t at_ms = 0;
    std::string root, path_template;  // the layout when it was expected
    std::string sidecar;  // found by find_sidecars; empty until then
    std::int64_t seen_mtime_ns = -1;
  };
  bool settle(Expected& e, std::int64_t now_ms);  // true: done with it
  std::vector<std::string> find_in(const std::string& root, const std::string& path_template,
                                   std::string_view call_id, std::int64_t at_ms) const;

  std::string root_;
  std::string template_;
  Sink sink_;
  std::vector<Expected> pending_;
  RecordingIndexStats stats_;
};

}  // namespace dialcore::daemon
