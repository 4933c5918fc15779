#pragma once
// AudioSink: one recording's audio file, written by its recorder thread only. Audio arrives as
// interleaved stereo frames (customer left, agent right) and is buffered; flush() writes the
// buffer and leaves a playable file behind (WAV: the RIFF and data sizes rewritten; Ogg: whole
// pages only). After a write error the sink refuses more audio and close() leaves the file at
// the last whole frame (WAV) or page (Ogg) that reached the disk, with a valid header.
//
// Files are created 0640 (fchmod after open, whatever the umask) and never overwritten
// (O_EXCL). SHA-256 covers the file's bytes from sha256_offset() to its end: the data chunk of a
// WAV file (its header changes while it grows), the whole file for Ogg.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "dataplane/recording/recording_types.hpp"

namespace dialcore::dataplane::recording {

class AudioSink {
 public:
  virtual ~AudioSink() = default;
  // Appends `frames` stereo frames; `stereo` null means silence. 0, or the errno of a failed
  // write (the sink is then failed).
  virtual int append(const std::int16_t* stereo, std::size_t frames) noexcept = 0;
  virtual int flush(bool fsync) noexcept = 0;
  // Final flush (the encoder's tail for Ogg), then the descriptor is closed. Also after a failure.
  virtual int close(bool fsync) noexcept = 0;

  std::uint64_t frames() const noexcept { return frames_; }
  std::uint64_t bytes_on_disk() const noexcept { return bytes_on_disk_; }
  virtual std::uint64_t sha256_offset() const noexcept = 0;
  virtual std::string sha256_hex() = 0;  // after close()
  virtual std::uint16_t channels() const noexcept = 0;

 protected:
  std::uint64_t frames_ = 0;         // frames taken in (written or buffered)
  std::uint64_t bytes_on_disk_ = 0;  // bytes the file holds
};

struct SinkOptions {
  RecordingFormat format = RecordingFormat::StereoWav;
  std::uint32_t sample_rate_hz = 8000;
  std::uint32_t buffer_frames = 8000;  // audio buffered between writes (the flush interval)
  std::string comment_call_id;         // Ogg: a DIALCORE_CALL_ID comment
  std::uint32_t file_mode = 0640;      // RecordingConfig::file_mode
};

// Creates the file `path` (exclusive, options.file_mode). Null with `error` set (an errno) on failure.
std::unique_ptr<AudioSink> open_sink(const std::string& path, const SinkOptions& options, int& error);

// Extension of a format's audio file, with the dot.
const char* audio_extension(RecordingFormat format) noexcept;

}  // namespace dialcore::dataplane::recording
