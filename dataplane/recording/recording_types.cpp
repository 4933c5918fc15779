#include "dataplane/recording/recording_types.hpp"

namespace dialcore::dataplane::recording {

std::string_view to_string(RecordingFormat f) noexcept {
  switch (f) {
    case RecordingFormat::StereoWav: return "wav_stereo";
    case RecordingFormat::MonoWav: return "wav_mono";
    case RecordingFormat::OggOpus: return "ogg_opus";
  }
  return "unknown";
}

std::string_view to_string(MarkerKind k) noexcept {
  switch (k) {
    case MarkerKind::Pause: return "pause";
    case MarkerKind::Resume: return "resume";
    case MarkerKind::Tag: return "tag";
    case MarkerKind::AnnouncementStart: return "announcement_start";
    case MarkerKind::AnnouncementEnd: return "announcement_end";
    case MarkerKind::MaskBegin: return "mask_begin";
    case MarkerKind::MaskEnd: return "mask_end";
  }
  return "unknown";
}

std::string_view to_string(RecordingState s) noexcept {
  switch (s) {
    case RecordingState::Recording: return "recording";
    case RecordingState::Paused: return "paused";
    case RecordingState::Off: return "off";
  }
  return "unknown";
}

std::string_view to_string(OffReason r) noexcept {
  switch (r) {
    case OffReason::None: return "none";
    case OffReason::Stopped: return "stopped";
    case OffReason::DiskFull: return "disk_full";
    case OffReason::OpenFailed: return "open_failed";
    case OffReason::WriteError: return "write_error";
    case OffReason::TooLarge: return "too_large";
    case OffReason::Shutdown: return "shutdown";
  }
  return "unknown";
}

}  // namespace dialcore::dataplane::recording
