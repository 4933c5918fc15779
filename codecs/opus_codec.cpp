#include "codecs/opus_codec.hpp"

#include <opus/opus.h>

#include <algorithm>

#include "codecs/codec_checks.hpp"

namespace dialcore::codecs {
namespace {

bool valid_rate(std::uint32_t hz) { return hz == 8000 || hz == 16000 || hz == 48000; }
bool valid_frame(std::uint16_t ms) { return ms == 10 || ms == 20 || ms == 40 || ms == 60; }

}  // namespace

int opus_bandwidth_for(std::uint32_t rate_hz) {
  if (rate_hz <= 8000) return OPUS_BANDWIDTH_NARROWBAND;
  if (rate_hz <= 12000) return OPUS_BANDWIDTH_MEDIUMBAND;
  if (rate_hz <= 16000) return OPUS_BANDWIDTH_WIDEBAND;
  if (rate_hz <= 24000) return OPUS_BANDWIDTH_SUPERWIDEBAND;
  return OPUS_BANDWIDTH_FULLBAND;
}

std::int32_t opus_default_bitrate(std::uint32_t sample_rate_hz, bool inband_fec) {
  if (sample_rate_hz <= 8000) return inband_fec ? 24000 : 16000;
  if (sample_rate_hz <= 16000) return 24000;
  return 32000;
}

OpusVoiceEncoder::OpusVoiceEncoder(const CodecFormat& f, const EncoderOptions& opt,
                                   CodecStatus* status)
    : Encoder(f) {
  *status = CodecStatus::Unsupported;
  if (!valid_rate(f.sample_rate_hz) || !valid_frame(f.frame_ms)) return;
  int err = OPUS_OK;
  enc_ = opus_encoder_create(static_cast<opus_int32>(f.sample_rate_hz), 1,
                             OPUS_APPLICATION_VOIP, &err);
  if (err != OPUS_OK || enc_ == nullptr) return;
  std::int32_t bitrate =
      opt.opus_bitrate != 0 ? static_cast<std::int32_t>(opt.opus_bitrate)
                            : opus_default_bitrate(std::min(f.sample_rate_hz,
                                                            f.max_playback_rate_hz),
                                                   f.inband_fec);
  if (f.max_average_bitrate != 0) {
    bitrate = std::min(bitrate, static_cast<std::int32_t>(f.max_average_bitrate));
  }
  opus_encoder_ctl(enc_, OPUS_SET_BITRATE(bitrate));
  opus_encoder_ctl(enc_, OPUS_SET_COMPLEXITY(std::clamp(opt.opus_complexity, 0, 10)));
  opus_encoder_ctl(enc_, OPUS_SET_SIGNAL(OPUS_SIGNAL_VOICE));
  opus_encoder_ctl(enc_, OPUS_SET_MAX_BANDWIDTH(opus_bandwidth_for(f.max_playback_rate_hz)));
  opus_encoder_ctl(enc_, OPUS_SET_INBAND_FEC(f.inband_fec ? 1 : 0));
  opus_encoder_ctl(enc_, OPUS_SET_PACKET_LOSS_PERC(f.inband_fec ? opt.opus_loss_percent : 0));
  opus_encoder_ctl(enc_, OPUS_SET_DTX(f.dtx ? 1 : 0));
  opus_encoder_ctl(enc_, OPUS_SET_VBR(f.cbr ? 0 : 1));
  *status = CodecStatus::Ok;
}

OpusVoiceEncoder::~OpusVoiceEncoder() {
  if (enc_ != nullptr) opus_encoder_destroy(enc_);
}

// With DTX on, libopus returns packets of 1-2 bytes for frames it need not send: those come
// back as an empty result (send nothing), as RFC 7587 section 3.1.3 expects.
CodecResult OpusVoiceEncoder::encode(std::span<const std::int16_t> pcm,
                                     std::span<std::uint8_t> payload) noexcept {
  if (pcm.empty()) return {0, CodecStatus::EmptyInput};
  if (pcm.size() != frame_samples()) return {0, CodecStatus::BadLength};
  if (payload.empty()) return {0, CodecStatus::OutputTooSmall};
  const opus_int32 room = static_cast<opus_int32>(std::min<std::size_t>(payload.size(), 1275 * 3));
  const opus_int32 n = opus_encode(enc_, pcm.data(), static_cast<int>(pcm.size()),
                                   payload.data(), room);
  if (n == OPUS_BUFFER_TOO_SMALL) return {0, CodecStatus::OutputTooSmall};
  if (n < 0) return {0, CodecStatus::Corrupt};
  if (format_.dtx && n <= 2) return {0, CodecStatus::Ok};
  return {static_cast<std::size_t>(n), CodecStatus::Ok};
}

OpusVoiceDecoder::OpusVoiceDecoder(const CodecFormat& f, CodecStatus* status) : Decoder(f) {
  *status = CodecStatus::Unsupported;
  if (!valid_rate(f.sample_rate_hz) || !valid_frame(f.frame_ms)) return;
  int err = OPUS_OK;
  dec_ = opus_decoder_create(static_cast<opus_int32>(f.sample_rate_hz), 1, &err);
  if (err == OPUS_OK && dec_ != nullptr) *status = CodecStatus::Ok;
}

OpusVoiceDecoder::~OpusVoiceDecoder() {
  if (dec_ != nullptr) opus_decoder_destroy(dec_);
}

CodecResult OpusVoiceDecoder::decode(std::span<const std::uint8_t> payload,
                                     std::span<std::int16_t> pcm) noexcept {
  if (payload.empty()) return {0, CodecStatus::EmptyInput};
  if (payload.size() > 1275 * 3) return {0, CodecStatus::BadLength};
  const int samples = opus_packet_get_nb_samples(payload.data(), static_cast<opus_int32>(payload.size()),
                                                 static_cast<opus_int32>(format_.sample_rate_hz));
  if (samples < 0) return {0, CodecStatus::Corrupt};
  if (static_cast<std::size_t>(samples) > pcm.size()) return {0, CodecStatus::OutputTooSmall};
  const int n = opus_decode(dec_, payload.data(), static_cast<opus_int32>(payload.size()),
                            pcm.data(), static_cast<int>(pcm.size()), 0);
  if (n < 0) return {0, CodecStatus::Corrupt};
  return {static_cast<std::size_t>(n), CodecStatus::Ok};
}

CodecResult OpusVoiceDecoder::conceal(std::span<const std::uint8_t> next_payload,
                                      std::span<std::int16_t> pcm) noexcept {
  const CodecStatus st = check_conceal(pcm.size(), format_);
  if (st != CodecStatus::Ok) return {0, st};
  // In-band FEC: the next packet carries a low-rate copy of the lost one. Without it (or if
  // it does not decode), libopus' own PLC extrapolates.
  int n = -1;
  if (!next_payload.empty() && next_payload.size() <= 1275 * 3) {
    n = opus_decode(dec_, next_payload.data(), static_cast<opus_int32>(next_payload.size()),
                    pcm.data(), static_cast<int>(pcm.size()), 1);
  }
  if (n < 0) {
    n = opus_decode(dec_, nullptr, 0, pcm.data(), static_cast<int>(pcm.size()), 0);
  }
  if (n < 0) return {0, CodecStatus::Corrupt};
  return {static_cast<std::size_t>(n), CodecStatus::Ok};
}

}  // namespace dialcore::codecs
