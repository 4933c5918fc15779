#pragma once
// recording: part of the YAML config (issue 6 parses it into this struct).

#include <cstdint>
#include <string>
#include <vector>

namespace dialcore::dataplane::recording {

struct RecordingConfig {
  std::string root = "/var/lib/dialcore/recordings";  // relative paths and templates start here
  // Tokens: {yyyy} {mm} {dd} (UTC, from start_unix_ms) {campaign} {call_id} {agent}, and the YAML
  // layout's names {date} (= {yyyy}-{mm}-{dd}) {year} {month} {day}; the values are sanitised to
  // [A-Za-z0-9._-] so nothing escapes the root. No extension.
  std::string path_template = "{yyyy}-{mm}-{dd}/{campaign}/{call_id}";
  std::vector<int> cores;          // recorder threads, one per core; empty: `threads` plain threads
  std::uint32_t threads = 1;       // used when `cores` is empty
  std::uint32_t chunk_ms = 20;     // audio per chunk at 16 kHz (twice that at 8 kHz); 10..100
  std::uint32_t chunks_per_worker = 8192;  // each worker's pool; a chunk is chunk_ms*64 bytes
  std::uint32_t ring_items = 4096;         // each worker→recorder ring
  std::uint32_t max_recordings_per_worker = 2048;
  std::uint32_t flush_interval_ms = 1000;  // kill -9 loses at most this much; 10..1000
  std::uint32_t file_mode = 0640;  // audio files and sidecars (fchmod); folders stay 0750
  bool fsync = false;              // fdatasync after each flush: survives power loss, costs I/O
  std::uint32_t event_ring_items = 4096;   // each recorder→control ring
  std::uint32_t idle_sleep_us = 1000;  // a recorder with nothing to do sleeps this long; 0: yields
};

// What a reload may change while the recorders run (RecordingService::apply_live): the next
// recordings' folder, path template and file mode, and every recording's flush interval.
struct LiveRecordingSettings {
  std::string root;
  std::string path_template;
  std::uint32_t flush_interval_ms = 1000;  // clamped to 10..1000 like RecordingConfig's
  std::uint32_t file_mode = 0640;
};

}  // namespace dialcore::dataplane::recording
