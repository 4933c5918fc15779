#pragma once
// The metadata sidecar: one JSON file beside each audio file (same path, ".json"). Until the
// store lands (issue 6) it is the source of the recordings index. Written when a recording
// starts (status "recording"), again at a flush when markers were added, and when it ends, in
// place and padded to a page (Recorder::write_sidecar says why).
//
// Fields (a contract once documented; README.md): version, call_id, customer_leg, agent_leg
// (packed LegIds), campaign, agent, start_unix_ms, codec, format, sample_rate_hz, channels,
// audio_file (name beside the sidecar), status (recording | complete | disk_full | write_error |
// too_large | interrupted | repaired), frames, duration_ms, gap_frames, markers [{kind,
// offset_ms, offset_frames, text}], masked_spans [{begin_ms, end_ms}], sha256, sha256_offset.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dataplane/recording/recording_types.hpp"

namespace dialcore::dataplane::recording {

struct Marker {
  MarkerKind kind = MarkerKind::Tag;
  std::uint64_t offset_frames = 0;
  std::string text;
};

struct Sidecar {
  std::string call_id, campaign, agent;
  std::string queue;  // an inbound queue's call (then no campaign); "" otherwise
  std::uint64_t customer_leg = 0, agent_leg = 0;  // LegId::packed()
  std::uint64_t start_unix_ms = 0;
  std::string codec;   // SDP name, e.g. "PCMU"
  RecordingFormat format = RecordingFormat::StereoWav;
  std::uint32_t sample_rate_hz = 8000;
  std::uint16_t channels = 2;
  std::string audio_file;  // file name, beside the sidecar
  std::string status = "recording";
  std::uint64_t frames = 0;
  std::uint64_t gap_frames = 0;
  std::vector<Marker> markers;
  std::string sha256;
  std::uint64_t sha256_offset = 0;

  std::uint64_t ms(std::uint64_t frames_at_rate) const {
    return frames_at_rate * 1000 / (sample_rate_hz == 0 ? 1 : sample_rate_hz);
  }
};

std::string to_json(const Sidecar& s);
// Nullopt when `text` is not a sidecar (malformed JSON, missing or mistyped fields).
std::optional<Sidecar> sidecar_from_json(const std::string& text);
std::optional<Sidecar> read_sidecar(const std::string& path);

}  // namespace dialcore::dataplane::recording
