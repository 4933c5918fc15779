#pragma once
// Start-up repair and the recordings index (until the store of issue 6 takes it over, the
// sidecars are the source).
//
// repair_recordings(root) runs before the recorder threads start. A sidecar whose status is
// still "recording" was left by a crash: its audio file is cut to the last whole frame (WAV,
// header sizes rewritten from the file's length) or the last whole Ogg page, its SHA-256 and
// length recomputed, and the sidecar rewritten with status "repaired". An audio file without a
// sidecar (a crash between the two creations), or with one that does not parse (a page torn by
// power loss; kept as ".json.corrupt"), gets a new one. Leftover "*.json.tmp" files go.
//
// rebuild_index(root) lists every recording under root from its sidecar, sorted by start time.

#include <cstdint>
#include <string>
#include <vector>

#include "dataplane/recording/sidecar.hpp"

namespace dialcore::dataplane::recording {

struct RepairReport {
  std::vector<std::string> repaired;  // audio files that were fixed (and re-indexed)
  std::vector<std::string> failed;    // with the reason, "path: why"
  std::vector<std::string> removed;   // leftover "*.json.tmp" files deleted
};

RepairReport repair_recordings(const std::string& root);

struct IndexEntry {
  std::string sidecar_path;
  std::string audio_path;
  Sidecar meta;
};

std::vector<IndexEntry> rebuild_index(const std::string& root);

// Repairs one audio file in place (see above). Frames it holds, or -1 if it is not ours.
std::int64_t repair_audio_file(const std::string& path, RecordingFormat format,
                               std::uint32_t sample_rate_hz);

}  // namespace dialcore::dataplane::recording
