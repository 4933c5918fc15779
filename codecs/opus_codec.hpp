#pragma once
// Opus through libopus (RFC 7587): mono voice at an 8, 16 or 48 kHz PCM rate, RTP clock 48 kHz.
// One Opus frame (20 ms by default; 10/20/40/60 allowed) per packet. The far end's fmtp is
// honoured: maxplaybackrate caps the coded bandwidth, useinbandfec turns on our FEC, usedtx our
// DTX, cbr constant bit rate, maxaveragebitrate caps the bit rate.
// Cost per 20 ms frame, complexity 5, `dialbench codecs --only opus-nb,opus-wb,opus-fb` here
// (medians): NB encode 68 us / decode 7.2 us without FEC (`--opus-fec 0`), 90 us / 9.0 us with
// FEC at 24 kbit/s; WB 174 us / 12.7 us; FB 204 us / 33.7 us. Wrapper overhead within +-1.5 %.

#include "codecs/codec.hpp"

struct OpusEncoder;
struct OpusDecoder;

namespace dialcore::codecs {

class OpusVoiceEncoder final : public Encoder {
 public:
  OpusVoiceEncoder(const CodecFormat& f, const EncoderOptions& opt, CodecStatus* status);
  ~OpusVoiceEncoder() override;
  OpusVoiceEncoder(const OpusVoiceEncoder&) = delete;
  OpusVoiceEncoder& operator=(const OpusVoiceEncoder&) = delete;
  CodecResult encode(std::span<const std::int16_t> pcm,
                     std::span<std::uint8_t> payload) noexcept override;

 private:
  OpusEncoder* enc_ = nullptr;
};

class OpusVoiceDecoder final : public Decoder {
 public:
  OpusVoiceDecoder(const CodecFormat& f, CodecStatus* status);
  ~OpusVoiceDecoder() override;
  OpusVoiceDecoder(const OpusVoiceDecoder&) = delete;
  OpusVoiceDecoder& operator=(const OpusVoiceDecoder&) = delete;
  CodecResult decode(std::span<const std::uint8_t> payload,
                     std::span<std::int16_t> pcm) noexcept override;
  CodecResult conceal(std::span<const std::uint8_t> next_payload,
                      std::span<std::int16_t> pcm) noexcept override;

 private:
  OpusDecoder* dec_ = nullptr;
};

// The bandwidth libopus should not exceed for a far end that plays at most `rate_hz`.
int opus_bandwidth_for(std::uint32_t rate_hz);
// Our default bit rate for mono voice at a PCM rate (bits/s). With in-band FEC, narrow band
// needs more: libopus 1.3 adds no LBRR data below ~20 kbit/s at 8 kHz (measured: identical
// output to plain PLC at 12 and 16 kbit/s, FEC working from 24 kbit/s).
std::int32_t opus_default_bitrate(std::uint32_t sample_rate_hz, bool inband_fec);

}  // namespace dialcore::codecs
