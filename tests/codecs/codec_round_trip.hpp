#pragma once
// Runs audio through an encoder and decoder packet by packet, as a leg would, for the codec
// tests. Every call's status and size is checked with Catch2 as it goes.

#include <catch2/catch.hpp>

#include <vector>

#include "codecs/codec.hpp"

namespace dialcore::test {

struct RoundTrip {
  std::vector<std::int16_t> decoded;
  std::size_t packets = 0;
  std::size_t bytes = 0;
  std::size_t empty_packets = 0;  // DTX / untransmitted
};

// lost(p) says whether packet p is lost; lost packets are concealed (with the next packet
// offered for FEC when `offer_next` is set).
template <typename LostFn>
RoundTrip round_trip(const codecs::CodecFormat& f, const std::vector<std::int16_t>& pcm,
                     std::uint32_t packet_ms, LostFn lost, bool offer_next = false) {
  auto enc = codecs::make_encoder(f, {});
  auto dec = codecs::make_decoder(f);
  REQUIRE(enc);
  REQUIRE(dec);
  const std::size_t packet = f.sample_rate_hz / 1000 * packet_ms;
  RoundTrip r;
  r.packets = pcm.size() / packet;
  std::vector<std::vector<std::uint8_t>> wire(r.packets);
  for (std::size_t p = 0; p < r.packets; ++p) {
    std::uint8_t buf[4000];
    const auto e = enc->encode({pcm.data() + p * packet, packet}, buf);
    REQUIRE(e.ok());
    wire[p].assign(buf, buf + e.count);
    r.bytes += e.count;
    if (e.count == 0) ++r.empty_packets;
  }
  r.decoded.assign(r.packets * packet, 0);
  for (std::size_t p = 0; p < r.packets; ++p) {
    std::span<std::int16_t> out(r.decoded.data() + p * packet, packet);
    codecs::CodecResult d;
    if (lost(p) || wire[p].empty()) {
      std::span<const std::uint8_t> next;
      if (offer_next && p + 1 < r.packets) next = wire[p + 1];
      d = dec->conceal(next, out);
    } else {
      d = dec->decode(wire[p], out);
      // G.729B may leave trailing frames untransmitted (DTX): the timestamp gap is filled by
      // concealment, which bcg729 turns into comfort noise after a SID, as a jitter buffer would.
      if (d.ok() && d.count < packet) {
        const auto rest = dec->conceal({}, out.subspan(d.count));
        REQUIRE(rest.ok());
        d.count += rest.count;
      }
    }
    REQUIRE(d.ok());
    REQUIRE(d.count == packet);
  }
  return r;
}

inline RoundTrip round_trip(const codecs::CodecFormat& f, const std::vector<std::int16_t>& pcm,
                            std::uint32_t packet_ms) {
  return round_trip(f, pcm, packet_ms, [](std::size_t) { return false; });
}

}  // namespace dialcore::test
