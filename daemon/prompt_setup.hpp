#pragma once
// The prompts of dialcored: a PromptLibrary (dataplane/worker/prompt_player.hpp) loaded once at
// start, before the workers run (RuntimeSettings::prompts; read-only afterwards), and the names
// the call owner (B2BUA, dialler) plays them by:
//
//   "abandon:<campaign id>"  the campaign's abandon_message (a sound file, relative to data_dir);
//                            the built-in default when the campaign names none, its file is
//                            missing or unreadable, or the campaign was added after start-up
//   "abandon"                the built-in default abandon message (config/prompts/abandon.wav,
//                            compiled into dialcored, so it is always there)
//   "machine:<campaign id>"  the campaign's amd.message_prompt, left on an answering machine
//                            after its beep (no default: nullopt when none or it failed)
//   "beep"                   the agent's whisper beep (ToneClip::AgentBeep, a generated tone)
//
// Files are read with libsndfile (WAV in PCM 8/16/24/32-bit or float, A-law, mu-law, IMA ADPCM;
// also AU, AIFF, FLAC, ...), mixed down to mono and resampled with libsamplerate to 16 kHz, so
// every clip plays on every leg (the player decimates a 16 kHz clip for 8 kHz codecs; an 8 kHz
// clip could not play on a 16 kHz codec). At most 60 s each.
//
// A campaign's file that cannot be used is never a start-up error: the call must still hear a
// message, so it gets the default, with a logged warning naming the campaign, the file and why,
// and the failure counted (dialcore_prompts_load_failures). Each file is loaded once however
// many campaigns name it.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "dataplane/worker/prompt_player.hpp"

namespace dialcore::daemon {

inline constexpr std::uint32_t kPromptRateHz = 16000;
inline constexpr std::uint32_t kMaxPromptSeconds = 60;

// Decoded, mono, at kPromptRateHz; or the reason it is not.
struct DecodedPrompt {
  std::vector<std::int16_t> pcm;
  std::string error;  // empty when pcm holds the clip
};
DecodedPrompt decode_prompt_file(const std::string& path);
DecodedPrompt decode_prompt_bytes(std::span<const std::byte> bytes);
// The built-in default abandon message (config/prompts/abandon.wav as compiled in).
std::span<const std::byte> default_abandon_wav();

class PromptSetup {
 public:
  // Loads everything (logs each warning on stderr). Never fails: see above.
  explicit PromptSetup(const config::Config& config);
  PromptSetup(const PromptSetup&) = delete;
  PromptSetup& operator=(const PromptSetup&) = delete;

  // For RuntimeSettings::prompts.
  const dataplane::PromptLibrary& library() const { return library_; }
  // A PlayAudio clip id by name (above); nullopt for a name that is none of those.
  std::optional<std::uint32_t> clip(const std::string& name) const;

  std::size_t clips_loaded() const { return clips_; }
  std::size_t load_failures() const { return failures_.size(); }
  const std::vector<std::string>& warnings() const { return failures_; }
  // dialcore_prompts_clips, dialcore_prompts_load_failures, dialcore_prompts_campaigns_on_default.
  void render_metrics(std::string& out) const;

 private:
  std::uint32_t add(std::vector<std::int16_t> pcm);

  dataplane::PromptLibrary library_;
  std::uint32_t default_abandon_ = 0;  // 0: none (the compiled-in file failed: never expected)
  std::map<std::string, std::uint32_t> campaign_abandon_;  // campaign id -> its own clip
  std::map<std::string, std::uint32_t> campaign_machine_;  // campaign id -> its machine message
  std::size_t campaigns_on_default_ = 0;
  std::size_t clips_ = 0;
  std::vector<std::string> failures_;  // "campaign X: abandon_message PATH: why"
};

}  // namespace dialcore::daemon
