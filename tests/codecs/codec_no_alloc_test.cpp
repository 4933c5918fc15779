#include <catch2/catch.hpp>

#include "codecs/codec.hpp"
#include "codecs/names/codec_registry.hpp"
#include "tests/support/alloc_counter.hpp"
#include "tests/support/fixtures.hpp"

using namespace dialcore::codecs;

TEST_CASE("the allocation counter sees C library allocations", "[alloc]") {
  const std::size_t before = dialcore::test::allocations();
  auto d = make_decoder(default_format(CodecId::Opus, 8000));  // libopus mallocs its state
  CHECK(dialcore::test::allocations() > before);
}

TEST_CASE("encode, decode and conceal allocate nothing per frame", "[alloc]") {
  const auto pcm8 = dialcore::test::load_speech("machine-greeting-8k.wav", 8000);
  const auto pcm16 = dialcore::test::load_speech("machine-greeting-16k.wav", 16000);
  CodecFormat g729b = default_format(CodecId::G729);
  g729b.annexb = true;
  CodecFormat opus_dtx = default_format(CodecId::Opus, 16000);
  opus_dtx.dtx = true;
  for (const CodecFormat& f :
       {default_format(CodecId::Pcmu), default_format(CodecId::Pcma), default_format(CodecId::L16, 16000),
        default_format(CodecId::G729), g729b, default_format(CodecId::Opus, 8000), opus_dtx}) {
    INFO(rtpmap(f));
    const auto& pcm = f.sample_rate_hz == 8000 ? pcm8 : pcm16;
    auto enc = make_encoder(f, {});
    auto dec = make_decoder(f);
    REQUIRE(enc);
    REQUIRE(dec);
    const std::size_t packet = f.sample_rate_hz / 1000 * 20;
    std::vector<std::uint8_t> wire(4000);
    std::vector<std::int16_t> out(packet);
    const std::size_t before = dialcore::test::allocations();
    for (std::size_t p = 0; p + 1 < pcm.size() / packet; ++p) {
      const auto e = enc->encode({pcm.data() + p * packet, packet}, wire);
      REQUIRE(e.ok());
      if (p % 9 == 4 || e.count == 0) {
        REQUIRE(dec->conceal({wire.data(), e.count}, out).ok());
      } else {
        REQUIRE(dec->decode({wire.data(), e.count}, out).ok());
      }
    }
    CHECK(dialcore::test::allocations() == before);
  }
}
