#pragma once
// Prompts and tones played into a leg (issue 4, item 4).
//
// PromptLibrary: PCM clips (8 or 16 kHz) loaded at start-up into memory the worker only reads;
// built before the worker starts and handed to it in WorkerConfig, never changed after. A
// PlayAudio clip_id names a clip, or, from kToneClipBase on, a generated tone (ToneClip).
//
// PromptPlayer: one playback on one leg: the clip (looped `repeat` times, 0 = until StopAudio)
// or the tone, cut into the leg's ptime, encoded in the leg's send codec. Created by PlayAudio
// (setup: it makes an encoder, may allocate); next_packet() never allocates. A 16 kHz clip on an
// 8 kHz codec is decimated by 2 through a 31-tap half-band low-pass; an 8 kHz clip on a 16 kHz
// codec is Unsupported (this build has no upsampler).

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <vector>

#include "codecs/codec.hpp"
#include "dataplane/api/codec_spec.hpp"
#include "dataplane/dsp/tone_generator.hpp"

namespace dialcore::dataplane {

// Generated tones as clip ids.
inline constexpr std::uint32_t kToneClipBase = 0xFFFF0000u;
enum class ToneClip : std::uint32_t {
  AgentBeep = kToneClipBase,
  SitIntercept,
  SitVacantCode,
  SitNoCircuit,
  SitReorder,
  RingbackNorthAmerica,
  RingbackUnitedKingdom,
};

struct PromptClip {
  std::uint32_t rate_hz = 8000;  // 8000 or 16000
  std::vector<std::int16_t> pcm;
};

class PromptLibrary {
 public:
  // Start-up only. False for a rate other than 8/16 kHz, an empty clip, or an id in the tone range.
  bool add(std::uint32_t clip_id, std::uint32_t rate_hz, std::vector<std::int16_t> pcm);
  const PromptClip* find(std::uint32_t clip_id) const;

 private:
  std::map<std::uint32_t, PromptClip> clips_;
};

class PromptPlayer {
 public:
  enum class Status : std::uint8_t { Ok, UnknownClip, Unsupported };

  // For `leg_format` (the leg's send format). Allocates (encoder). Status in `status`.
  static std::unique_ptr<PromptPlayer> create(const PromptLibrary* library, std::uint32_t clip_id,
                                              std::uint16_t repeat, const CodecSpec& leg_format,
                                              Status& status);

  // One packet's payload into `out`; 0 when done (or the encoder sent nothing: DTX).
  std::size_t next_packet(std::span<std::uint8_t> out) noexcept;
  // The PCM (at the codec's rate) the last next_packet() encoded: what recording takes.
  std::span<const std::int16_t> last_pcm() const noexcept { return {pcm_.data(), last_samples_}; }
  bool done() const noexcept { return done_; }
  void stop() noexcept { done_ = true; }
  std::uint32_t clip_id() const noexcept { return clip_id_; }
  std::uint32_t ts_step() const noexcept { return ts_step_; }  // RTP units per packet
  std::uint32_t ptime_ms() const noexcept { return ptime_ms_; }
  std::uint32_t loops() const noexcept { return loops_; }
  std::uint64_t played_samples() const noexcept { return played_; }

 private:
  PromptPlayer() = default;
  std::size_t fill(std::span<std::int16_t> pcm) noexcept;  // samples from the source at pcm rate

  std::unique_ptr<codecs::Encoder> encoder_;
  const PromptClip* clip_ = nullptr;
  dsp::ToneGenerator tone_;
  bool is_tone_ = false;
  bool decimate_ = false;  // 16 kHz clip, 8 kHz codec
  bool done_ = false;
  std::uint32_t clip_id_ = 0;
  std::uint16_t repeat_ = 1;
  std::uint32_t loops_ = 0;
  std::size_t pos_ = 0;  // in the clip, at the clip's rate
  std::uint64_t played_ = 0;
  std::uint32_t ptime_ms_ = 20, ts_step_ = 160;
  std::size_t frame_samples_ = 160;  // one packet at the codec's PCM rate
  std::vector<std::int16_t> pcm_;     // one packet (sized at creation)
  std::size_t last_samples_ = 0;      // of pcm_, filled by the last next_packet()
  std::array<float, 32> history_{};   // decimator delay line
  std::size_t hist_pos_ = 0;
};

}  // namespace dialcore::dataplane
