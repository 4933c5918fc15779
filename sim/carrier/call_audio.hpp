#pragma once
// What an answered call sends, 20 ms at a time: the answer clip from the corpus (a person's
// "hello?" or a machine's greeting and beep) from its first sample, then, for a person, talk:
// 1.5 s pauses between further HUMAN clips (drawn round-robin from a seeded start), and for a
// machine silence (it is recording). In-band DTMF keys (dataplane/dsp's DtmfGenerator) replace
// the audio while they sound. No allocation per frame.

#include <cstdint>
#include <span>

#include "dataplane/dsp/dtmf_generator.hpp"
#include "sim/carrier/corpus.hpp"

namespace dialcore::sim::carrier {

class CallAudio {
 public:
  static constexpr std::uint32_t kPauseSamples = 12000;  // 1.5 s between talk clips
  // After the first "Hello?" a person waits for the caller to speak (people wait 2 s or more
  // before a second "Hello?"; the AMD detector's late-MACHINE rule relies on it): 3.5 s.
  static constexpr std::uint32_t kFirstPauseSamples = 28000;

  // talk: nullptr for a machine (silence after the greeting); else where further speech comes from.
  CallAudio(const Clip& answer, const Corpus* talk, std::uint32_t talk_draw);

  void next(std::span<std::int16_t> frame);  // fills the whole frame
  bool key_inband(char key, std::uint32_t on_ms, std::uint32_t off_ms);
  bool keys_pending() const { return dtmf_.busy(); }
  // Samples of the answer clip not yet sent (0 once it has played).
  std::size_t answer_left() const { return clip_ == answer_ ? clip_->pcm.size() - pos_ : 0; }

 private:
  const Clip* answer_;
  const Clip* clip_;
  const Corpus* talk_;
  std::uint32_t draw_;
  bool first_clip_ = true;  // the answer's own clip is playing (then the long first pause)
  std::size_t pos_ = 0;
  std::uint32_t pause_ = 0;
  dataplane::dsp::DtmfGenerator dtmf_;
};

}  // namespace dialcore::sim::carrier
