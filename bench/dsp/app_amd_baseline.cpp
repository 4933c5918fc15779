#include "bench/dsp/app_amd_baseline.hpp"

#include <cstdlib>

namespace dialcore::bench {

AppAmdDecision run_app_amd(std::span<const std::int16_t> pcm) {
  // amd.conf.sample defaults.
  constexpr std::uint32_t initial_silence = 2500, greeting = 1500, after_greeting_silence = 800,
                          total_analysis_time = 5000, min_word_length = 100,
                          between_words_silence = 50, maximum_number_of_words = 2,
                          maximum_word_length = 5000, silence_threshold = 256, frame_ms = 20;
  std::uint32_t silence_duration = 0, voice_duration = 0, consecutive_voice = 0, words = 0, now = 0;
  bool in_initial_silence = true, in_greeting = false, in_word = false;
  for (std::size_t at = 0; at + 160 <= pcm.size(); at += 160) {
    now += frame_ms;
    std::uint32_t accum = 0;
    for (std::size_t i = 0; i < 160; ++i) accum += static_cast<std::uint32_t>(std::abs(pcm[at + i]));
    const bool silent = accum / 160 < silence_threshold;
    if (silent) {
      silence_duration += frame_ms;
      consecutive_voice = 0;
      if (silence_duration >= between_words_silence) in_word = false;
      if (in_initial_silence && silence_duration >= initial_silence) return {"SILENCE", "INITIALSILENCE", now};
      if (!in_initial_silence && silence_duration >= after_greeting_silence) return {"HUMAN", "HUMAN", now};
    } else {
      silence_duration = 0;
      consecutive_voice += frame_ms;
      voice_duration += frame_ms;
      if (consecutive_voice >= min_word_length && !in_word) {
        ++words;
        in_word = true;
      }
      if (consecutive_voice >= maximum_word_length) return {"MACHINE", "MAXWORDLENGTH", now};
      if (words >= maximum_number_of_words) return {"MACHINE", "MAXWORDS", now};
      if (in_greeting && voice_duration >= greeting) return {"MACHINE", "LONGGREETING", now};
      if (voice_duration >= min_word_length) {
        in_initial_silence = false;
        in_greeting = true;
      }
    }
    if (now >= total_analysis_time) return {"NOTSURE", "TOOLONG", now};
  }
  return {"NOTSURE", "TOOLONG", now};
}

}  // namespace dialcore::bench
