#pragma once
// The baselines for `dialbench codecs`: each codec's library called directly, the way a
// program without our interface would, with the same settings as our wrapper. Non-virtual, no
// argument checks, no PLC bookkeeping: the ratio against these is the wrapper's whole cost.

#include "codecs/bcg729_api.hpp"
#include <opus/opus.h>

#include <cstdint>
#include <span>

#include "codecs/g711.hpp"
#include "codecs/names/codec_id.hpp"
#include "codecs/opus_codec.hpp"

namespace dialcore::bench {

struct DirectG711 {
  bool ulaw;
  explicit DirectG711(const codecs::CodecFormat& f) : ulaw(f.id == codecs::CodecId::Pcmu) {}
  std::size_t encode(std::span<const std::int16_t> pcm, std::span<std::uint8_t> out) {
    if (ulaw) {
      codecs::g711::encode_ulaw(pcm.data(), out.data(), pcm.size());
    } else {
      codecs::g711::encode_alaw(pcm.data(), out.data(), pcm.size());
    }
    return pcm.size();
  }
  std::size_t decode(std::span<const std::uint8_t> in, std::span<std::int16_t> pcm) {
    if (ulaw) {
      codecs::g711::decode_ulaw(in.data(), pcm.data(), in.size());
    } else {
      codecs::g711::decode_alaw(in.data(), pcm.data(), in.size());
    }
    return in.size();
  }
};

struct DirectL16 {
  explicit DirectL16(const codecs::CodecFormat&) {}
  std::size_t encode(std::span<const std::int16_t> pcm, std::span<std::uint8_t> out) {
    for (std::size_t i = 0; i < pcm.size(); ++i) {
      const auto u = static_cast<std::uint16_t>(pcm[i]);
      out[2 * i] = static_cast<std::uint8_t>(u >> 8);
      out[2 * i + 1] = static_cast<std::uint8_t>(u & 0xFF);
    }
    return 2 * pcm.size();
  }
  std::size_t decode(std::span<const std::uint8_t> in, std::span<std::int16_t> pcm) {
    for (std::size_t i = 0; i < in.size() / 2; ++i) {
      pcm[i] = static_cast<std::int16_t>((in[2 * i] << 8) | in[2 * i + 1]);
    }
    return in.size() / 2;
  }
};

struct DirectG729 {
  bcg729EncoderChannelContextStruct* enc = initBcg729EncoderChannel(0);
  bcg729DecoderChannelContextStruct* dec = initBcg729DecoderChannel();
  explicit DirectG729(const codecs::CodecFormat&) {}
  ~DirectG729() {
    closeBcg729EncoderChannel(enc);
    closeBcg729DecoderChannel(dec);
  }
  DirectG729(const DirectG729&) = delete;
  DirectG729& operator=(const DirectG729&) = delete;
  std::size_t encode(std::span<const std::int16_t> pcm, std::span<std::uint8_t> out) {
    std::size_t used = 0;
    for (std::size_t i = 0; i < pcm.size() / 80; ++i) {
      std::uint8_t len = 0;
      bcg729Encoder(enc, pcm.data() + 80 * i, out.data() + used, &len);
      used += len;
    }
    return used;
  }
  std::size_t decode(std::span<const std::uint8_t> in, std::span<std::int16_t> pcm) {
    for (std::size_t i = 0; i < in.size() / 10; ++i) {
      bcg729Decoder(dec, in.data() + 10 * i, 10, 0, 0, 0, pcm.data() + 80 * i);
    }
    return in.size() / 10 * 80;
  }
};

struct DirectOpus {
  OpusEncoder* enc;
  OpusDecoder* dec;
  DirectOpus(const codecs::CodecFormat& f, int complexity) {
    int err = 0;
    const auto rate = static_cast<opus_int32>(f.sample_rate_hz);
    enc = opus_encoder_create(rate, 1, OPUS_APPLICATION_VOIP, &err);
    dec = opus_decoder_create(rate, 1, &err);
    opus_encoder_ctl(enc, OPUS_SET_BITRATE(codecs::opus_default_bitrate(f.sample_rate_hz, f.inband_fec)));
    opus_encoder_ctl(enc, OPUS_SET_COMPLEXITY(complexity));
    opus_encoder_ctl(enc, OPUS_SET_SIGNAL(OPUS_SIGNAL_VOICE));
    opus_encoder_ctl(enc, OPUS_SET_MAX_BANDWIDTH(codecs::opus_bandwidth_for(f.max_playback_rate_hz)));
    opus_encoder_ctl(enc, OPUS_SET_INBAND_FEC(f.inband_fec ? 1 : 0));
    opus_encoder_ctl(enc, OPUS_SET_PACKET_LOSS_PERC(f.inband_fec ? 10 : 0));
    opus_encoder_ctl(enc, OPUS_SET_DTX(0));
    opus_encoder_ctl(enc, OPUS_SET_VBR(1));
  }
  ~DirectOpus() {
    opus_encoder_destroy(enc);
    opus_decoder_destroy(dec);
  }
  DirectOpus(const DirectOpus&) = delete;
  DirectOpus& operator=(const DirectOpus&) = delete;
  std::size_t encode(std::span<const std::int16_t> pcm, std::span<std::uint8_t> out) {
    const opus_int32 n = opus_encode(enc, pcm.data(), static_cast<int>(pcm.size()), out.data(),
                                     static_cast<opus_int32>(out.size()));
    return n > 0 ? static_cast<std::size_t>(n) : 0;
  }
  std::size_t decode(std::span<const std::uint8_t> in, std::span<std::int16_t> pcm) {
    const int n = opus_decode(dec, in.data(), static_cast<opus_int32>(in.size()), pcm.data(),
                              static_cast<int>(pcm.size()), 0);
    return n > 0 ? static_cast<std::size_t>(n) : 0;
  }
};

}  // namespace dialcore::bench
