#pragma once
// The baseline our AMD is measured against: Asterisk's app_amd decision loop (apps/app_amd.c,
// defaults of amd.conf.sample), re-implemented here for `dialbench amd --app-amd` so the corpus
// scorer grades both on the same files. Per 20 ms frame: silent when the mean absolute sample is
// under silence_threshold (ast_dsp_silence); runs of voice of min_word_ms count words; decisions:
// initial silence, a greeting longer than greeting_ms, too many words, or after_greeting_ms of
// silence after voice (HUMAN). Bench only.

#include <cstdint>
#include <span>

namespace dialcore::bench {

struct AppAmdDecision {
  const char* result = "NOTSURE";  // HUMAN MACHINE NOTSURE (app_amd's statuses) or SILENCE
  const char* cause = "TOOLONG";
  std::uint32_t at_ms = 0;
};

// app_amd reports initial silence as MACHINE/INITIALSILENCE; it is mapped to SILENCE here (the
// class our corpus has for it), which can only help the baseline.
AppAmdDecision run_app_amd(std::span<const std::int16_t> pcm_8k);

}  // namespace dialcore::bench
