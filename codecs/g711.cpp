#include "codecs/g711.hpp"

#include <array>

namespace dialcore::codecs::g711 {
namespace {

// The companding laws as in ITU-T G.711 (the classic Sun reference formulation), evaluated only
// at compile time to fill the tables below.
constexpr std::uint8_t ulaw_compress(int pcm) {
  constexpr int kBias = 0x84;
  constexpr int kClip = 32635;
  const int sign = (pcm >> 8) & 0x80;
  if (sign != 0) pcm = -pcm;
  if (pcm > kClip) pcm = kClip;
  pcm += kBias;
  int exponent = 7;
  for (int mask = 0x4000; (pcm & mask) == 0 && exponent > 0; mask >>= 1) --exponent;
  const int mantissa = (pcm >> (exponent + 3)) & 0x0F;
  return static_cast<std::uint8_t>(~(sign | (exponent << 4) | mantissa));
}

constexpr std::int16_t ulaw_expand(std::uint8_t code) {
  const int c = ~code & 0xFF;
  const int t = (((c & 0x0F) << 3) + 0x84) << ((c & 0x70) >> 4);
  return static_cast<std::int16_t>((c & 0x80) ? (0x84 - t) : (t - 0x84));
}

constexpr std::uint8_t alaw_compress(int pcm) {
  int mask = 0xD5;  // sign bit set, even bits inverted
  if (pcm < 0) {
    mask = 0x55;
    pcm = -pcm - 1;
  }
  constexpr std::array<int, 8> kSegEnd{0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF, 0x3FFF, 0x7FFF};
  int seg = 0;
  while (seg < 8 && pcm > kSegEnd[static_cast<std::size_t>(seg)]) ++seg;
  if (seg >= 8) return static_cast<std::uint8_t>(0x7F ^ mask);
  int aval = seg << 4;
  aval |= (seg < 2) ? ((pcm >> 4) & 0x0F) : ((pcm >> (seg + 3)) & 0x0F);
  return static_cast<std::uint8_t>(aval ^ mask);
}

constexpr std::int16_t alaw_expand(std::uint8_t code) {
  const int a = code ^ 0x55;
  int t = (a & 0x0F) << 4;
  const int seg = (a & 0x70) >> 4;
  if (seg == 0) {
    t += 8;
  } else {
    t += 0x108;
    if (seg > 1) t <<= seg - 1;
  }
  return static_cast<std::int16_t>((a & 0x80) ? t : -t);
}

// G.711 defines mu-law on 14-bit and A-law on 13-bit linear input, so the encode tables are
// indexed by the sample's top 14 / 13 bits (16 KiB + 8 KiB, L1-resident on a busy worker).
constexpr auto kUlawEnc = [] {
  std::array<std::uint8_t, 1 << 14> t{};
  for (int i = 0; i < (1 << 14); ++i) t[static_cast<std::size_t>(i)] = ulaw_compress((i - (1 << 13)) * 4);
  return t;
}();
constexpr auto kAlawEnc = [] {
  std::array<std::uint8_t, 1 << 13> t{};
  for (int i = 0; i < (1 << 13); ++i) t[static_cast<std::size_t>(i)] = alaw_compress((i - (1 << 12)) * 8);
  return t;
}();
constexpr auto kUlawDec = [] {
  std::array<std::int16_t, 256> t{};
  for (int i = 0; i < 256; ++i) t[static_cast<std::size_t>(i)] = ulaw_expand(static_cast<std::uint8_t>(i));
  return t;
}();
constexpr auto kAlawDec = [] {
  std::array<std::int16_t, 256> t{};
  for (int i = 0; i < 256; ++i) t[static_cast<std::size_t>(i)] = alaw_expand(static_cast<std::uint8_t>(i));
  return t;
}();

static_assert(kUlawDec[0xFF] == 0 && kUlawDec[0x00] == -32124 && kUlawDec[0x80] == 32124);
static_assert(kAlawDec[0xD5] == 8 && kAlawDec[0x55] == -8 && kAlawDec[0xAA] == 32256);

}  // namespace

std::uint8_t linear_to_ulaw(std::int16_t s) {
  return kUlawEnc[static_cast<std::size_t>((s >> 2) + (1 << 13))];
}
std::uint8_t linear_to_alaw(std::int16_t s) {
  return kAlawEnc[static_cast<std::size_t>((s >> 3) + (1 << 12))];
}
std::int16_t ulaw_to_linear(std::uint8_t c) { return kUlawDec[c]; }
std::int16_t alaw_to_linear(std::uint8_t c) { return kAlawDec[c]; }

void encode_ulaw(const std::int16_t* in, std::uint8_t* out, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) out[i] = linear_to_ulaw(in[i]);
}
void encode_alaw(const std::int16_t* in, std::uint8_t* out, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) out[i] = linear_to_alaw(in[i]);
}
void decode_ulaw(const std::uint8_t* in, std::int16_t* out, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) out[i] = kUlawDec[in[i]];
}
void decode_alaw(const std::uint8_t* in, std::int16_t* out, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) out[i] = kAlawDec[in[i]];
}

}  // namespace dialcore::codecs::g711
