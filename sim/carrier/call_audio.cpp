#include "sim/carrier/call_audio.hpp"

#include <algorithm>

namespace dialcore::sim::carrier {

CallAudio::CallAudio(const Clip& answer, const Corpus* talk, std::uint32_t talk_draw)
    : answer_(&answer), clip_(&answer), talk_(talk), draw_(talk_draw) {}

bool CallAudio::key_inband(char key, std::uint32_t on_ms, std::uint32_t off_ms) {
  dataplane::dsp::DtmfTone tone;
  tone.digit = key;
  tone.on_ms = on_ms;
  tone.off_ms = off_ms;
  return dtmf_.enqueue(tone);
}

void CallAudio::next(std::span<std::int16_t> frame) {
  if (dtmf_.busy()) {
    dtmf_.generate(frame);
    return;
  }
  std::size_t at = 0;
  while (at < frame.size()) {
    if (clip_ != nullptr && pos_ < clip_->pcm.size()) {
      const std::size_t n = std::min(frame.size() - at, clip_->pcm.size() - pos_);
      std::copy_n(clip_->pcm.begin() + static_cast<std::ptrdiff_t>(pos_), n, frame.begin() + static_cast<std::ptrdiff_t>(at));
      pos_ += n;
      at += n;
      if (pos_ == clip_->pcm.size()) {
        clip_ = nullptr;
        pause_ = first_clip_ ? kFirstPauseSamples : kPauseSamples;
        first_clip_ = false;
      }
      continue;
    }
    // Silence: a machine for good, a person until the pause is over.
    const std::size_t n = talk_ == nullptr ? frame.size() - at
                                           : std::min<std::size_t>(frame.size() - at, pause_);
    std::fill_n(frame.begin() + static_cast<std::ptrdiff_t>(at), n, std::int16_t{0});
    at += n;
    pause_ -= static_cast<std::uint32_t>(std::min<std::size_t>(n, pause_));
    if (talk_ != nullptr && pause_ == 0 && at < frame.size()) {
      clip_ = &talk_->human(draw_++);
      pos_ = 0;
    }
  }
}

}  // namespace dialcore::sim::carrier
