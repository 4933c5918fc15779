#pragma once
// The recording vocabulary shared by the producer (a worker), the recorder threads and control:
// handles, formats, the start request, markers and state events. All trivially copyable: they
// travel through SPSC rings and chunks as bytes.

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>

#include "codecs/names/codec_id.hpp"
#include "dataplane/api/leg_id.hpp"

namespace dialcore::dataplane::recording {

// Names one recording: the worker that produces it, its slot in that worker's producer, and the
// slot's generation (a stale handle is refused, like LegId).
struct RecordingId {
  std::uint16_t worker = 0;
  std::uint16_t slot = UINT16_MAX;
  std::uint32_t generation = 0;  // 0 never names a live recording
  constexpr bool valid() const { return generation != 0; }
  friend constexpr bool operator==(const RecordingId&, const RecordingId&) = default;
};
static_assert(sizeof(RecordingId) == 8);

enum class RecordingFormat : std::uint8_t {
  StereoWav = 0,  // customer left, agent right, 16-bit PCM (the default)
  MonoWav = 1,    // both parties mixed (saturating sum)
  OggOpus = 2,    // Opus in Ogg (RFC 7845), stereo, libopusenc
};

enum class Channel : std::uint8_t { Customer = 0, Agent = 1 };  // left, right

enum class MarkerKind : std::uint8_t {
  Pause = 1,              // silence follows until Resume
  Resume = 2,
  Tag = 3,                // a manual tag or bookmark (text: its label)
  AnnouncementStart = 4,  // text: the prompt's name
  AnnouncementEnd = 5,
  MaskBegin = 6,          // the audio from here on was masked by the worker (PCI)
  MaskEnd = 7,
};

// A copy of `text` into a fixed field, truncated and always NUL-terminated.
template <std::size_t N>
void copy_text(std::array<char, N>& field, std::string_view text) noexcept {
  const std::size_t n = text.size() < N - 1 ? text.size() : N - 1;
  if (n > 0) std::memcpy(field.data(), text.data(), n);  // an empty view may have no data()
  std::memset(field.data() + n, 0, N - n);
}
template <std::size_t N>
std::string_view text_of(const std::array<char, N>& field) noexcept {
  return std::string_view(field.data(), strnlen(field.data(), N));
}

// Everything a recording needs to start. Travels inside a chunk, so it may be larger than a
// ring item; it must fit the smallest chunk (static_assert in chunk_pool.hpp).
// What `RecordingStart::campaign` names: a campaign's call, or an inbound queue's ({queue} in
// the path template; {campaign} is then "none", and the other way round).
enum class RecordingGroup : std::uint8_t { Campaign = 0, Queue = 1 };

struct RecordingStart {
  std::array<char, 48> call_id{};
  std::array<char, 32> campaign{};  // the campaign's or, with group Queue, the queue's config id
  std::array<char, 32> agent{};
  // Empty: the recorder's path template. Otherwise the file's path without extension, absolute
  // or relative to the recorder's root (the extension .wav/.opus and the sidecar's .json added).
  std::array<char, 128> path{};
  LegId customer_leg;
  LegId agent_leg;
  std::uint64_t start_unix_ms = 0;  // wall clock at start, from control (file metadata, path date)
  codecs::CodecId codec = codecs::CodecId::Pcmu;  // the call's codec, for the metadata
  RecordingFormat format = RecordingFormat::StereoWav;
  RecordingGroup group = RecordingGroup::Campaign;
  std::uint8_t reserved = 0;
  std::uint32_t sample_rate_hz = 8000;  // 8000 or 16000
};
static_assert(std::is_trivially_copyable_v<RecordingStart>);
static_assert(sizeof(RecordingStart) == 272);

enum class RecordingState : std::uint8_t { Recording = 1, Paused = 2, Off = 3 };

enum class OffReason : std::uint8_t {
  None = 0,        // state is not Off
  Stopped = 1,     // a stop command; the file is complete
  DiskFull = 2,    // ENOSPC: the file holds what was written, with a valid header
  OpenFailed = 3,  // the file or its folder could not be created
  WriteError = 4,  // another write error
  TooLarge = 5,    // the WAV size limit (4 GiB) was reached
  Shutdown = 6,    // the recorder stopped with the recording open
};

// Recorder → control: a recording changed state (one SPSC ring per recorder thread).
struct RecordingEvent {
  RecordingId id;
  RecordingState state = RecordingState::Off;
  OffReason reason = OffReason::None;
  std::uint16_t reserved = 0;
  std::int32_t error = 0;           // errno for OpenFailed/WriteError/DiskFull
  std::uint64_t offset_frames = 0;  // where in the recording the change took effect
  std::uint64_t frames = 0;         // frames in the file when it went Off
};
static_assert(std::is_trivially_copyable_v<RecordingEvent>);

std::string_view to_string(RecordingFormat f) noexcept;
std::string_view to_string(MarkerKind k) noexcept;
std::string_view to_string(RecordingState s) noexcept;
std::string_view to_string(OffReason r) noexcept;

}  // namespace dialcore::dataplane::recording
