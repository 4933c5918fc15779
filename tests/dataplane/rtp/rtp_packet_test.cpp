#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <random>
#include <span>
#include <vector>

#include "dataplane/rtp/packet_kind.hpp"
#include "dataplane/rtp/rtp_packet.hpp"
#include "dataplane/rtp/rtp_writer.hpp"
#include "rtp_test_packets.hpp"

using namespace dialcore::dataplane::rtp;
using dialcore::test::build_rtp;
using dialcore::test::Bytes;
using dialcore::test::RtpSpec;

namespace {

RtpStatus parse(const Bytes& b, RtpPacket& out) { return parse_rtp(std::span(b), out); }

RtpStatus parse_prefix(const Bytes& b, std::size_t n) {
  RtpPacket p;
  return parse_rtp(std::span(b).first(n), p);
}

RtpSpec full_spec() {  // every optional part present
  RtpSpec s;
  s.marker = true;
  s.payload_type = 96;
  s.sequence = 0xFEDC;
  s.timestamp = 0x89ABCDEF;
  s.ssrc = 0x01234567;
  s.csrcs = {0x11111111, 0x22222222};
  s.extension = true;
  s.extension_words = 2;
  s.payload_bytes = 160;
  s.padding = 4;
  return s;
}

}  // namespace

TEST_CASE("a plain header parses to its fields and offsets", "[rtp]") {
  RtpSpec s;
  s.payload_type = 8;
  s.sequence = 4242;
  s.timestamp = 160 * 4242;
  s.ssrc = 0xCAFEF00D;
  s.payload_bytes = 160;
  const Bytes b = build_rtp(s);
  RtpPacket p;
  REQUIRE(parse(b, p) == RtpStatus::Ok);
  CHECK(p.payload_type == 8);
  CHECK_FALSE(p.marker);
  CHECK(p.sequence == 4242);
  CHECK(p.timestamp == 160u * 4242);
  CHECK(p.ssrc == 0xCAFEF00D);
  CHECK(p.csrc_count == 0);
  CHECK_FALSE(p.has_extension);
  CHECK(p.payload_offset == 12);
  CHECK(p.payload_bytes == 160);
  CHECK(p.padding_bytes == 0);
  CHECK(p.size() == b.size());
}

TEST_CASE("CSRCs, extension and padding are located, the payload between them", "[rtp]") {
  const RtpSpec s = full_spec();
  const Bytes b = build_rtp(s);
  RtpPacket p;
  REQUIRE(parse(b, p) == RtpStatus::Ok);
  CHECK(p.marker);
  CHECK(p.payload_type == 96);
  CHECK(p.sequence == 0xFEDC);
  CHECK(p.timestamp == 0x89ABCDEF);
  CHECK(p.ssrc == 0x01234567);
  REQUIRE(p.csrc_count == 2);
  CHECK(rtp_csrc(b, 0) == 0x11111111);
  CHECK(rtp_csrc(b, 1) == 0x22222222);
  CHECK(p.has_extension);
  CHECK(p.extension_profile == 0xBEDE);
  CHECK(p.extension_offset == 12 + 8 + 4);
  CHECK(p.extension_bytes == 8);
  CHECK(p.payload_offset == 12 + 8 + 4 + 8);
  CHECK(p.payload_bytes == 160);
  CHECK(p.padding_bytes == 4);
  CHECK(p.size() == b.size());
  const auto payload = p.payload_in(std::span(b));
  CHECK(payload.front() == s.payload_fill);
  CHECK(payload.back() == static_cast<std::uint8_t>(s.payload_fill + 159));
}

TEST_CASE("an empty payload and padding that fills the rest are valid", "[rtp]") {
  RtpSpec s;
  RtpPacket p;
  CHECK(parse(build_rtp(s), p) == RtpStatus::Ok);  // header only: keepalive-style
  CHECK(p.payload_bytes == 0);
  s.padding = 8;
  REQUIRE(parse(build_rtp(s), p) == RtpStatus::Ok);  // padding only
  CHECK(p.payload_bytes == 0);
  CHECK(p.padding_bytes == 8);
  s.extension = true;  // an extension with no data words
  REQUIRE(parse(build_rtp(s), p) == RtpStatus::Ok);
  CHECK(p.extension_bytes == 0);
  CHECK(p.payload_offset == 16);
}

TEST_CASE("write then parse gives back every field and the payload", "[rtp][build]") {
  std::mt19937 rng(3550);
  std::vector<std::uint8_t> payload(400);
  std::array<std::uint8_t, kMaxRtpPacketBytes> buf{};
  for (int i = 0; i < 2000; ++i) {
    const RtpHeaderFields f{static_cast<std::uint32_t>(rng()), static_cast<std::uint32_t>(rng()),
                            static_cast<std::uint16_t>(rng()),
                            static_cast<std::uint8_t>(rng() % 128), rng() % 2 == 0};
    const std::size_t n = rng() % payload.size();
    for (std::size_t k = 0; k < n; ++k) payload[k] = static_cast<std::uint8_t>(rng());
    const std::size_t size = write_rtp_packet(buf, f, std::span(payload).first(n));
    REQUIRE(size == kRtpHeaderBytes + n);
    RtpPacket p;
    REQUIRE(parse_rtp(std::span(buf).first(size), p) == RtpStatus::Ok);
    CHECK(header_fields(p) == f);
    REQUIRE(p.payload_bytes == n);
    CHECK(std::equal(payload.begin(), payload.begin() + static_cast<std::ptrdiff_t>(n),
                     buf.begin() + kRtpHeaderBytes));
  }
}

TEST_CASE("write_rtp_packet refuses what does not fit and moves an in-place payload", "[rtp]") {
  std::array<std::uint8_t, 64> buf{};
  const RtpHeaderFields f{1, 2, 3, 0, false};
  const std::array<std::uint8_t, 53> too_long{};
  CHECK(write_rtp_packet(buf, f, too_long) == 0);
  CHECK(buf[0] == 0);  // nothing written
  // The payload already sits after the header (the encoder wrote it there).
  for (std::size_t i = 0; i < 52; ++i) buf[12 + i] = static_cast<std::uint8_t>(i);
  REQUIRE(write_rtp_packet(buf, f, std::span(buf).subspan(12, 52)) == 64);
  RtpPacket p;
  REQUIRE(parse_rtp(buf, p) == RtpStatus::Ok);
  CHECK(p.payload_bytes == 52);
  CHECK(buf[63] == 51);
  std::vector<std::uint8_t> big(kMaxRtpPacketBytes + 100);
  CHECK(write_rtp_packet(big, f, std::span(big).subspan(12, kMaxRtpPacketBytes - 11)) == 0);
}

TEST_CASE("rewriting a relayed header keeps its CSRCs, extension, payload and padding",
          "[rtp][build]") {
  const Bytes original = build_rtp(full_spec());
  Bytes b = original;
  RtpPacket before;
  REQUIRE(parse(b, before) == RtpStatus::Ok);
  const RtpHeaderFields f{0xAAAAAAAA, 0x12345678, 7, 0, false};
  rewrite_rtp_header(std::span(b).first<kRtpHeaderBytes>(), f);
  RtpPacket after;
  REQUIRE(parse(b, after) == RtpStatus::Ok);
  CHECK(header_fields(after) == f);
  CHECK(after.csrc_count == before.csrc_count);
  CHECK(after.extension_offset == before.extension_offset);
  CHECK(after.payload_offset == before.payload_offset);
  CHECK(after.payload_bytes == before.payload_bytes);
  CHECK(after.padding_bytes == before.padding_bytes);
  CHECK(std::equal(b.begin() + kRtpHeaderBytes, b.end(), original.begin() + kRtpHeaderBytes));
  CHECK(b[0] == original[0]);
}

TEST_CASE("each setter changes its own field only", "[rtp][build]") {
  const Bytes original = build_rtp(full_spec());
  RtpPacket base;
  REQUIRE(parse(original, base) == RtpStatus::Ok);
  const RtpHeaderFields start = header_fields(base);
  auto check = [&](auto&& set, auto&& expect) {
    Bytes b = original;
    set(std::span<std::uint8_t>(b).first<kRtpHeaderBytes>());
    RtpPacket p;
    REQUIRE(parse(b, p) == RtpStatus::Ok);
    RtpHeaderFields want = start;
    expect(want);
    CHECK(header_fields(p) == want);
    CHECK(p.payload_offset == base.payload_offset);
  };
  check([](RtpHeaderBytes h) { set_rtp_ssrc(h, 99); }, [](RtpHeaderFields& w) { w.ssrc = 99; });
  check([](RtpHeaderBytes h) { set_rtp_sequence(h, 65535); },
        [](RtpHeaderFields& w) { w.sequence = 65535; });
  check([](RtpHeaderBytes h) { set_rtp_timestamp(h, 0); },
        [](RtpHeaderFields& w) { w.timestamp = 0; });
  check([](RtpHeaderBytes h) { set_rtp_payload_type(h, 0xFF); },  // top bit ignored
        [](RtpHeaderFields& w) { w.payload_type = 127; });
  check([](RtpHeaderBytes h) { set_rtp_marker(h, false); },
        [](RtpHeaderFields& w) { w.marker = false; });
}

TEST_CASE("a packet truncated at every length reports where it broke", "[rtp][malformed]") {
  // Header parts end at: fixed 12, CSRCs 20, extension head 24, extension data 32.
  SECTION("without padding, a cut inside the payload is a shorter valid packet") {
    RtpSpec s = full_spec();
    s.padding = 0;
    const Bytes b = build_rtp(s);
    for (std::size_t n = 0; n < b.size(); ++n) {
      INFO("length " << n);
      const RtpStatus want = n < 12   ? RtpStatus::TooShort
                             : n < 20 ? RtpStatus::CsrcPastEnd
                             : n < 32 ? RtpStatus::ExtensionPastEnd
                                      : RtpStatus::Ok;
      CHECK(parse_prefix(b, n) == want);
    }
  }
  SECTION("with padding and zero bytes after the header, every cut breaks the padding") {
    RtpSpec s = full_spec();
    s.fill_zero = true;
    const Bytes b = build_rtp(s);
    for (std::size_t n = 0; n < b.size(); ++n) {
      INFO("length " << n);
      const RtpStatus want = n < 12   ? RtpStatus::TooShort
                             : n < 20 ? RtpStatus::CsrcPastEnd
                             : n < 32 ? RtpStatus::ExtensionPastEnd
                                      : RtpStatus::BadPadding;
      CHECK(parse_prefix(b, n) == want);
    }
    CHECK(parse_prefix(b, b.size()) == RtpStatus::Ok);
  }
}

TEST_CASE("malformed headers report their status", "[rtp][malformed]") {
  RtpPacket p;
  SECTION("versions 0, 1 and 3") {
    for (unsigned v : {0u, 1u, 3u}) {
      RtpSpec s;
      s.version = v;
      s.payload_bytes = 20;
      CHECK(parse(build_rtp(s), p) == RtpStatus::BadVersion);
    }
  }
  SECTION("CSRC count past the end") {
    RtpSpec s;
    s.payload_bytes = 56;  // 15 CSRCs need 60 bytes after the fixed header
    Bytes b = build_rtp(s);
    b[0] |= 0x0F;
    CHECK(parse(b, p) == RtpStatus::CsrcPastEnd);
    b.push_back(0);
    b.push_back(0);
    b.push_back(0);
    b.push_back(0);
    CHECK(parse(b, p) == RtpStatus::Ok);  // exactly 15 CSRCs, empty payload
    CHECK(p.csrc_count == 15);
  }
  SECTION("extension length past the end") {
    RtpSpec s;
    s.extension = true;
    s.extension_words = 0xFFFF;
    Bytes b = build_rtp(s);
    b.resize(200);
    CHECK(parse(b, p) == RtpStatus::ExtensionPastEnd);
    s.extension_words = 1;
    b = build_rtp(s);
    b.pop_back();
    CHECK(parse(b, p) == RtpStatus::ExtensionPastEnd);
  }
  SECTION("padding count zero, or longer than what follows the header") {
    RtpSpec s;
    s.payload_bytes = 10;
    s.padding = 4;
    Bytes b = build_rtp(s);
    b.back() = 0;
    CHECK(parse(b, p) == RtpStatus::BadPadding);
    b.back() = 14;  // payload + padding: exactly the rest, valid
    REQUIRE(parse(b, p) == RtpStatus::Ok);
    CHECK(p.payload_bytes == 0);
    b.back() = 15;
    CHECK(parse(b, p) == RtpStatus::BadPadding);
    b.back() = 255;
    CHECK(parse(b, p) == RtpStatus::BadPadding);
  }
  SECTION("oversized, checked before anything else") {
    RtpSpec s;
    s.payload_bytes = kMaxRtpPacketBytes - kRtpHeaderBytes;
    Bytes b = build_rtp(s);
    CHECK(parse(b, p) == RtpStatus::Ok);
    b.push_back(0);
    CHECK(parse(b, p) == RtpStatus::Oversized);
    b[0] = 0;  // also a bad version
    CHECK(parse(b, p) == RtpStatus::Oversized);
  }
}

TEST_CASE("a failed parse leaves the output untouched", "[rtp][malformed]") {
  RtpPacket p;
  p.sequence = 1234;
  RtpSpec s;
  s.version = 1;
  CHECK(parse(build_rtp(s), p) == RtpStatus::BadVersion);
  CHECK(p.sequence == 1234);
}

TEST_CASE("random bytes never crash the parser, and what parses is self-consistent",
          "[rtp][fuzz]") {
  std::mt19937 rng(5761);
  std::vector<std::uint8_t> b;
  std::array<std::size_t, kRtpStatusCount> seen{};
  for (int i = 0; i < 200000; ++i) {
    b.resize(rng() % 300);
    for (auto& x : b) x = static_cast<std::uint8_t>(rng());
    if (!b.empty()) b[0] = static_cast<std::uint8_t>((b[0] & 0x3F) | (i % 4 == 0 ? 0 : 0x80));
    RtpPacket p;
    const RtpStatus st = parse_rtp(b, p);
    ++seen[static_cast<std::size_t>(st)];
    if (st == RtpStatus::Ok) {
      REQUIRE(p.size() == b.size());
      REQUIRE(p.payload_offset >= kRtpHeaderBytes + 4u * p.csrc_count);
    }
  }
  // Every status but Oversized (random packets are short) was produced: the loop reached
  // every branch.
  for (std::size_t s = 0; s < kRtpStatusCount; ++s) {
    if (static_cast<RtpStatus>(s) == RtpStatus::Oversized) continue;
    INFO(to_string(static_cast<RtpStatus>(s)));
    CHECK(seen[s] > 0);
  }
}

TEST_CASE("status names are distinct and in enum order", "[rtp]") {
  CHECK(to_string(RtpStatus::Ok) == "ok");
  CHECK(to_string(RtpStatus::BadPadding) == "bad_padding");
  for (std::size_t i = 0; i < kRtpStatusCount; ++i) {
    for (std::size_t j = i + 1; j < kRtpStatusCount; ++j) CHECK(kRtpStatusNames[i] != kRtpStatusNames[j]);
  }
}

TEST_CASE("RTP and RTCP share a port by the second byte (RFC 5761)", "[rtp][mux]") {
  std::array<std::uint8_t, 12> b{};
  b[0] = 0x80;
  for (unsigned second = 0; second < 256; ++second) {
    b[1] = static_cast<std::uint8_t>(second);
    INFO("second byte " << second);
    CHECK(classify_packet(b) ==
          (second >= 192 && second <= 223 ? PacketKind::Rtcp : PacketKind::Rtp));
  }
  // Every RTCP packet type we parse lands on Rtcp; marker + PT 72-76 is what they look like.
  for (unsigned type = 200; type <= 207; ++type) {
    b[1] = static_cast<std::uint8_t>(type);
    CHECK(classify_packet(b) == PacketKind::Rtcp);
  }
  // Dynamic payload types 96-127 with the marker stay RTP.
  b[1] = 0x80 | 96;
  CHECK(classify_packet(b) == PacketKind::Rtp);
}

TEST_CASE("STUN and DTLS are told apart by the first byte (RFC 7983)", "[rtp][mux]") {
  std::array<std::uint8_t, 2> b{};
  for (unsigned first = 0; first < 256; ++first) {
    b[0] = static_cast<std::uint8_t>(first);
    b[1] = 0;
    INFO("first byte " << first);
    const PacketKind want = first <= 3                   ? PacketKind::Stun
                            : first >= 20 && first <= 63 ? PacketKind::Dtls
                            : first >= 128 && first <= 191 ? PacketKind::Rtp
                                                           : PacketKind::Other;
    CHECK(classify_packet(b) == want);
  }
  CHECK(classify_packet({}) == PacketKind::Other);
  const std::array<std::uint8_t, 1> lone{0x80};
  CHECK(classify_packet(lone) == PacketKind::Other);
}

// Not run by ctest: `build/bin/rtp_packet_test "[.bench]"` in a Release build. 64 packets of
// varied sizes in one buffer (about 14 KiB, cache-resident as a just-received burst is).
TEST_CASE("RTP parse and rewrite cost", "[.bench]") {
  constexpr std::size_t kPackets = 64;
  constexpr int kPasses = 500'000;
  struct Burst {
    Bytes bytes;
    std::vector<std::span<std::uint8_t>> packets;
  };
  auto make = [](bool full, bool broken) {
    Burst burst;
    std::vector<std::size_t> sizes;
    std::mt19937 rng(1);
    for (std::size_t i = 0; i < kPackets; ++i) {
      RtpSpec s = full ? full_spec() : RtpSpec{};
      s.payload_bytes = 160 + rng() % 4 * 40;
      s.sequence = static_cast<std::uint16_t>(i);
      if (broken) s.version = i % 2 == 0 ? 1 : 3;
      const Bytes b = build_rtp(s);
      burst.bytes.insert(burst.bytes.end(), b.begin(), b.end());
      sizes.push_back(b.size());
    }
    std::size_t at = 0;
    for (std::size_t size : sizes) {
      burst.packets.push_back(std::span(burst.bytes).subspan(at, size));
      at += size;
    }
    return burst;
  };
  auto time = [](const char* what, Burst& burst, auto&& per_packet) {
    std::vector<double> rounds;
    std::uint64_t sink = 0;
    for (int round = 0; round < 5; ++round) {
      const auto start = std::chrono::steady_clock::now();
      for (int pass = 0; pass < kPasses; ++pass) {
        for (std::span<std::uint8_t> b : burst.packets) sink += per_packet(b);
      }
      const std::chrono::duration<double, std::nano> ns = std::chrono::steady_clock::now() - start;
      rounds.push_back(ns.count() / (kPasses * double{kPackets}));
    }
    std::sort(rounds.begin(), rounds.end());
    std::printf("%-44s %6.2f ns (median of 5; sink %llu)\n", what, rounds[2],
                static_cast<unsigned long long>(sink));
  };
  auto parse_one = [](std::span<std::uint8_t> b) -> std::uint64_t {
    RtpPacket p;
    return parse_rtp(b, p) == RtpStatus::Ok ? p.payload_bytes + p.sequence : 1;
  };
  Burst plain = make(false, false);
  Burst full = make(true, false);
  Burst broken = make(false, true);
  time("parse_rtp, 12-byte header + 160..280 B", plain, parse_one);
  time("parse_rtp, 2 CSRCs + extension + padding", full, parse_one);
  time("parse_rtp, bad version (a drop)", broken, parse_one);
  std::uint32_t n = 0;
  time("rewrite_rtp_header", plain, [&n](std::span<std::uint8_t> b) -> std::uint64_t {
    ++n;
    rewrite_rtp_header(b.first<kRtpHeaderBytes>(),
                       {n, n * 160, static_cast<std::uint16_t>(n), 0, false});
    // Keep the stores without reading them back: a byte load from a just-stored 16-bit word
    // stalls store forwarding and would be most of what we measured.
    asm volatile("" : : "r"(b.data()) : "memory");
    return 0;
  });
  time("write_rtp_header", plain, [&n](std::span<std::uint8_t> b) -> std::uint64_t {
    ++n;
    write_rtp_header(b.first<kRtpHeaderBytes>(), {n, n * 160, static_cast<std::uint16_t>(n), 0, false});
    asm volatile("" : : "r"(b.data()) : "memory");  // as above
    return 0;
  });
  time("classify_packet + parse_rtp", plain, [](std::span<std::uint8_t> b) -> std::uint64_t {
    if (classify_packet(b) != PacketKind::Rtp) return 0;
    RtpPacket p;
    return parse_rtp(b, p) == RtpStatus::Ok ? p.payload_bytes : 1;
  });
}
