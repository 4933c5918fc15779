#include <catch2/catch.hpp>

#include <random>

#include "codecs/codec.hpp"
#include "codecs/names/codec_registry.hpp"

using namespace dialcore::codecs;

namespace {

std::vector<CodecFormat> all_formats() {
  CodecFormat g729b = default_format(CodecId::G729);
  g729b.annexb = true;
  return {default_format(CodecId::Pcmu),         default_format(CodecId::Pcma),
          default_format(CodecId::L16, 8000),    default_format(CodecId::L16, 48000),
          default_format(CodecId::G729),         g729b,
          default_format(CodecId::Opus, 8000),   default_format(CodecId::Opus, 48000)};
}

}  // namespace

TEST_CASE("decoders refuse empty, truncated, oversized and wrong-length payloads", "[bad-input]") {
  std::vector<std::int16_t> pcm(48 * 120);
  std::vector<std::uint8_t> big(20000, 0x55);
  for (const CodecFormat& f : all_formats()) {
    INFO(rtpmap(f) << " " << fmtp(f));
    auto dec = make_decoder(f);
    REQUIRE(dec);
    CHECK(dec->decode({}, pcm).status == CodecStatus::EmptyInput);
    CHECK(dec->decode(big, pcm).status == CodecStatus::BadLength);
    // A payload that decodes to more samples than the buffer holds.
    const std::size_t twenty_ms_bytes = f.id == CodecId::L16    ? f.sample_rate_hz / 50 * 2
                                        : f.id == CodecId::G729 ? 20
                                                                : 160;
    std::vector<std::uint8_t> twenty_ms(twenty_ms_bytes, 0xD5);
    if (f.id != CodecId::Opus) {
      CHECK(dec->decode(twenty_ms, std::span<std::int16_t>(pcm.data(), 10)).status ==
            CodecStatus::OutputTooSmall);
    }
    CHECK(dec->conceal({}, {}).status == CodecStatus::EmptyInput);
    CHECK(dec->conceal({}, std::span<std::int16_t>(pcm.data(), frame_samples(f) + 1)).status ==
          CodecStatus::BadLength);
  }
}

TEST_CASE("G.729 payload lengths: whole frames plus an optional SID only with annex B", "[bad-input][g729]") {
  std::vector<std::int16_t> pcm(960);
  std::vector<std::uint8_t> p(130, 0x11);
  auto a = make_decoder(default_format(CodecId::G729));
  CHECK(a->decode({p.data(), 15}, pcm).status == CodecStatus::BadLength);   // truncated frame
  CHECK(a->decode({p.data(), 2}, pcm).status == CodecStatus::BadLength);    // SID, annexb=no
  CHECK(a->decode({p.data(), 22}, pcm).status == CodecStatus::BadLength);
  CHECK(a->decode({p.data(), 130}, pcm).status == CodecStatus::BadLength);  // 13 frames > 120 ms
  CHECK(a->decode({p.data(), 20}, pcm).count == 160);
  CodecFormat fb = default_format(CodecId::G729);
  fb.annexb = true;
  auto b = make_decoder(fb);
  CHECK(b->decode({p.data(), 2}, pcm).count == 80);
  CHECK(b->decode({p.data(), 22}, pcm).count == 240);
  CHECK(b->decode({p.data(), 15}, pcm).status == CodecStatus::BadLength);
}

TEST_CASE("Opus refuses malformed packets", "[bad-input][opus]") {
  std::vector<std::int16_t> pcm(960 * 6);
  auto d = make_decoder(default_format(CodecId::Opus, 48000));
  const std::uint8_t code3_no_count[] = {0x03};         // code 3 needs a frame-count byte
  const std::uint8_t code3_zero[] = {0x03, 0x00};       // zero frames
  const std::uint8_t code2_bad_len[] = {0x02, 0xFC};     // first frame longer than the packet
  CHECK(d->decode(code3_no_count, pcm).status == CodecStatus::Corrupt);
  CHECK(d->decode(code3_zero, pcm).status == CodecStatus::Corrupt);
  CHECK(d->decode(code2_bad_len, pcm).status == CodecStatus::Corrupt);
  // A valid 20 ms packet into a 10 ms buffer.
  auto e = make_encoder(default_format(CodecId::Opus, 48000), {});
  std::vector<std::int16_t> silence(960, 0);
  std::uint8_t wire[1500];
  const auto n = e->encode(silence, wire);
  REQUIRE(n.ok());
  CHECK(d->decode({wire, n.count}, {pcm.data(), 480}).status == CodecStatus::OutputTooSmall);
}

TEST_CASE("encoders refuse empty, partial frames and small buffers", "[bad-input]") {
  std::vector<std::int16_t> pcm(48 * 60, 1000);
  std::vector<std::uint8_t> wire(4000);
  for (const CodecFormat& f : all_formats()) {
    INFO(rtpmap(f));
    auto enc = make_encoder(f, {});
    REQUIRE(enc);
    const std::size_t frame = frame_samples(f);
    CHECK(enc->encode({}, wire).status == CodecStatus::EmptyInput);
    CHECK(enc->encode({pcm.data(), frame + 1}, wire).status == CodecStatus::BadLength);
    CHECK(enc->encode({pcm.data(), frame}, {wire.data(), 0}).status == CodecStatus::OutputTooSmall);
    CHECK(enc->encode({pcm.data(), frame}, wire).ok());
  }
}

TEST_CASE("factories refuse formats the codecs cannot do", "[bad-input]") {
  CodecStatus st = CodecStatus::Ok;
  CodecFormat g = default_format(CodecId::G729);
  g.sample_rate_hz = 16000;
  CHECK(make_encoder(g, {}, &st) == nullptr);
  CHECK(st == CodecStatus::Unsupported);
  CodecFormat o = default_format(CodecId::Opus);
  o.sample_rate_hz = 22050;
  CHECK(make_decoder(o, &st) == nullptr);
  CHECK(st == CodecStatus::Unsupported);
  o = default_format(CodecId::Opus);
  o.frame_ms = 30;
  CHECK(make_encoder(o, {}, &st) == nullptr);
  CHECK(make_decoder(default_format(CodecId::TelephoneEvent), &st) == nullptr);
  CHECK(st == CodecStatus::Unsupported);
  CHECK(make_decoder(default_format(CodecId::Pcmu), &st) != nullptr);
  CHECK(st == CodecStatus::Ok);
}

TEST_CASE("random payloads never crash a decoder nor overrun its buffer", "[bad-input][fuzz]") {
  std::mt19937 rng(20261121);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<std::size_t> len(0, 1600);
  constexpr std::int16_t kCanary = 0x5A5A;
  for (const CodecFormat& f : all_formats()) {
    auto dec = make_decoder(f);
    std::size_t decoded = 0, refused = 0;
    for (int i = 0; i < 3000; ++i) {
      std::vector<std::uint8_t> p(len(rng));
      for (auto& b : p) b = static_cast<std::uint8_t>(byte(rng));
      std::vector<std::int16_t> pcm(f.sample_rate_hz / 1000 * 60 + 16, kCanary);
      const auto r = dec->decode(p, {pcm.data(), pcm.size() - 16});
      REQUIRE(r.count <= pcm.size() - 16);
      for (std::size_t k = pcm.size() - 16; k < pcm.size(); ++k) REQUIRE(pcm[k] == kCanary);
      (r.ok() ? decoded : refused) += 1;
      if (i % 50 == 0) {
        std::vector<std::int16_t> c(frame_samples(f));
        REQUIRE(dec->conceal(p, c).ok());
      }
    }
    INFO(rtpmap(f) << ": decoded " << decoded << ", refused " << refused);
    CHECK(decoded + refused == 3000);
  }
}
