#include "codecs/codec.hpp"
#include "codecs/g711_codec.hpp"
#include "codecs/g729_codec.hpp"
#include "codecs/l16_codec.hpp"
#include "codecs/opus_codec.hpp"

namespace dialcore::codecs {
namespace {

// Formats the waveform and G.729 codecs can do; Opus checks its own.
bool plain_format_ok(const CodecFormat& f) {
  switch (f.id) {
    case CodecId::Pcmu:
    case CodecId::Pcma:
    case CodecId::G729:
      return f.sample_rate_hz == 8000 && f.rtp_clock_hz == 8000 && f.frame_ms == 10;
    case CodecId::L16:
      return (f.sample_rate_hz == 8000 || f.sample_rate_hz == 16000 ||
              f.sample_rate_hz == 48000) &&
             f.rtp_clock_hz == f.sample_rate_hz && f.frame_ms == 10;
    default:
      return false;
  }
}

template <typename T>
std::unique_ptr<T> checked(std::unique_ptr<T> p, CodecStatus st, CodecStatus* status) {
  if (status != nullptr) *status = st;
  return st == CodecStatus::Ok ? std::move(p) : nullptr;
}

}  // namespace

std::unique_ptr<Encoder> make_encoder(const CodecFormat& f, const EncoderOptions& opt,
                                      CodecStatus* status) {
  CodecStatus st = CodecStatus::Ok;
  std::unique_ptr<Encoder> e;
  if (f.id == CodecId::Opus) {
    e = std::make_unique<OpusVoiceEncoder>(f, opt, &st);
  } else if (!plain_format_ok(f)) {
    st = CodecStatus::Unsupported;
  } else if (f.id == CodecId::G729) {
    e = std::make_unique<G729Encoder>(f);
  } else if (f.id == CodecId::L16) {
    e = std::make_unique<L16Encoder>(f);
  } else {
    e = std::make_unique<G711Encoder>(f);
  }
  return checked(std::move(e), st, status);
}

std::unique_ptr<Decoder> make_decoder(const CodecFormat& f, CodecStatus* status) {
  CodecStatus st = CodecStatus::Ok;
  std::unique_ptr<Decoder> d;
  if (f.id == CodecId::Opus) {
    d = std::make_unique<OpusVoiceDecoder>(f, &st);
  } else if (!plain_format_ok(f)) {
    st = CodecStatus::Unsupported;
  } else if (f.id == CodecId::G729) {
    d = std::make_unique<G729Decoder>(f);
  } else if (f.id == CodecId::L16) {
    d = std::make_unique<L16Decoder>(f);
  } else {
    d = std::make_unique<G711Decoder>(f);
  }
  return checked(std::move(d), st, status);
}

}  // namespace dialcore::codecs
