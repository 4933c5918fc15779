#include "dataplane/worker/prompt_player.hpp"

#include <cmath>
#include <numbers>

namespace dialcore::dataplane {
namespace {

// 31-tap half-band low-pass (Hamming-windowed sinc, cut-off at a quarter of the input rate), for
// 16 kHz -> 8 kHz. Built once.
const std::array<float, 31>& halfband() {
  static const std::array<float, 31> taps = [] {
    std::array<float, 31> h{};
    double sum = 0.0;
    for (int n = 0; n < 31; ++n) {
      const int m = n - 15;
      const double sinc = m == 0 ? 0.5 : std::sin(std::numbers::pi * m / 2.0) / (std::numbers::pi * m);
      const double w = 0.54 - 0.46 * std::cos(2.0 * std::numbers::pi * n / 30.0);
      h[static_cast<std::size_t>(n)] = static_cast<float>(sinc * w);
      sum += sinc * w;
    }
    for (auto& v : h) v = static_cast<float>(v / sum);
    return h;
  }();
  return taps;
}

bool tone_spec(std::uint32_t clip_id, dsp::ToneSpec& spec) {
  switch (static_cast<ToneClip>(clip_id)) {
    case ToneClip::AgentBeep: spec = dsp::agent_beep_tone(); return true;
    case ToneClip::SitIntercept: spec = dsp::sit_tone(dsp::SitCode::Intercept); return true;
    case ToneClip::SitVacantCode: spec = dsp::sit_tone(dsp::SitCode::VacantCode); return true;
    case ToneClip::SitNoCircuit: spec = dsp::sit_tone(dsp::SitCode::NoCircuitInter); return true;
    case ToneClip::SitReorder: spec = dsp::sit_tone(dsp::SitCode::ReorderIntra); return true;
    case ToneClip::RingbackNorthAmerica: spec = dsp::ringback_tone(dsp::RingbackStyle::NorthAmerica); return true;
    case ToneClip::RingbackUnitedKingdom: spec = dsp::ringback_tone(dsp::RingbackStyle::UnitedKingdom); return true;
  }
  return false;
}

}  // namespace

bool PromptLibrary::add(std::uint32_t clip_id, std::uint32_t rate_hz, std::vector<std::int16_t> pcm) {
  if ((rate_hz != 8000 && rate_hz != 16000) || pcm.empty() || clip_id >= kToneClipBase) return false;
  clips_[clip_id] = PromptClip{rate_hz, std::move(pcm)};
  return true;
}

const PromptClip* PromptLibrary::find(std::uint32_t clip_id) const {
  const auto it = clips_.find(clip_id);
  return it == clips_.end() ? nullptr : &it->second;
}

std::unique_ptr<PromptPlayer> PromptPlayer::create(const PromptLibrary* library, std::uint32_t clip_id,
                                                   std::uint16_t repeat, const CodecSpec& leg_format,
                                                   Status& status) {
  status = Status::Ok;
  std::unique_ptr<PromptPlayer> p(new PromptPlayer());
  p->clip_id_ = clip_id;
  p->repeat_ = repeat;
  codecs::CodecFormat f = leg_format.format;
  if (f.id == codecs::CodecId::Opus) f.frame_ms = leg_format.ptime_ms;  // one frame per packet
  const std::uint32_t rate = f.sample_rate_hz;
  dsp::ToneSpec spec;
  if (clip_id >= kToneClipBase) {
    if (!tone_spec(clip_id, spec)) {
      status = Status::UnknownClip;
      return nullptr;
    }
    if (repeat != 1) spec.repeat = repeat;  // 1 keeps the tone's own (ringback loops)
    if (rate != 8000 && rate != 16000) {
      status = Status::Unsupported;
      return nullptr;
    }
    p->is_tone_ = true;
    p->tone_.start(spec, rate);
  } else {
    p->clip_ = library != nullptr ? library->find(clip_id) : nullptr;
    if (p->clip_ == nullptr) {
      status = Status::UnknownClip;
      return nullptr;
    }
    if (p->clip_->rate_hz == rate) {
      p->decimate_ = false;
    } else if (p->clip_->rate_hz == 16000 && rate == 8000) {
      p->decimate_ = true;
      (void)halfband();  // built here, at setup, not on the packet path
    } else {
      status = Status::Unsupported;
      return nullptr;
    }
  }
  if (leg_format.ptime_ms == 0 || f.frame_ms == 0 || leg_format.ptime_ms % f.frame_ms != 0) {
    status = Status::Unsupported;
    return nullptr;
  }
  p->encoder_ = codecs::make_encoder(f, {});
  if (!p->encoder_) {
    status = Status::Unsupported;
    return nullptr;
  }
  p->ptime_ms_ = leg_format.ptime_ms;
  p->frame_samples_ = rate / 1000 * leg_format.ptime_ms;
  p->ts_step_ = f.rtp_clock_hz / 1000 * leg_format.ptime_ms;
  p->pcm_.assign(p->frame_samples_, 0);
  return p;
}

std::size_t PromptPlayer::fill(std::span<std::int16_t> pcm) noexcept {
  if (is_tone_) {
    const std::size_t n = tone_.generate(pcm);
    loops_ = tone_.loops();
    if (tone_.done()) done_ = true;
    return n;
  }
  const std::vector<std::int16_t>& clip = clip_->pcm;
  auto next_input = [&]() noexcept -> std::int16_t {
    if (pos_ >= clip.size()) {
      pos_ = 0;
      ++loops_;
      if (repeat_ != 0 && loops_ >= repeat_) done_ = true;
    }
    return done_ ? std::int16_t{0} : clip[pos_++];
  };
  std::size_t produced = 0;
  for (auto& out : pcm) {
    if (done_) {
      out = 0;
      continue;
    }
    if (!decimate_) {
      out = next_input();
    } else {
      const auto& h = halfband();
      for (int k = 0; k < 2; ++k) {
        history_[hist_pos_] = next_input();
        hist_pos_ = (hist_pos_ + 1) % history_.size();
      }
      float acc = 0.0f;
      for (std::size_t t = 0; t < h.size(); ++t) {
        acc += h[t] * history_[(hist_pos_ + history_.size() - 1 - t) % history_.size()];
      }
      out = static_cast<std::int16_t>(std::lround(std::fmax(-32768.0f, std::fmin(32767.0f, acc))));
    }
    if (!done_) ++produced;
  }
  // The clip's last loop ended inside this packet, and a whole loop was played: done at its end.
  if (!done_ && repeat_ != 0 && loops_ >= repeat_) done_ = true;
  return produced;
}

std::size_t PromptPlayer::next_packet(std::span<std::uint8_t> out) noexcept {
  if (done_) return 0;
  const std::size_t n = fill(pcm_);
  last_samples_ = n;
  if (n == 0) return 0;
  played_ += n;
  const codecs::CodecResult r = encoder_->encode(pcm_, out);
  return r.ok() ? r.count : 0;
}

}  // namespace dialcore::dataplane
