#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "dataplane/rtp/rtcp_packet.hpp"
#include "dataplane/rtp/rtcp_writer.hpp"
#include "rtp_test_packets.hpp"

using namespace dialcore::dataplane::rtp;
using dialcore::test::Bytes;
using dialcore::test::put16;
using dialcore::test::put32;
using dialcore::test::put8;
using dialcore::test::put_rr;
using dialcore::test::put_rtcp_header;
using dialcore::test::put_sdes_cname;
using dialcore::test::put_sr;

namespace {

RtcpStatus parse(const Bytes& b, RtcpRules rules = RtcpRules::Compound) {
  RtcpCompound c;
  return parse_rtcp(std::span(b), c, rules);
}

std::vector<RtcpPart> parts_of(const RtcpCompound& c) {
  std::vector<RtcpPart> parts;
  for (const RtcpPart& part : c) parts.push_back(part);
  return parts;
}

RtcpReportBlock sample_block(std::uint32_t i) {
  return RtcpReportBlock{0xB0000000 + i, static_cast<std::uint8_t>(i * 7), -static_cast<std::int32_t>(i),
                         0x10000 + i, 20 + i, 0xABCD0000 + i, 65536 + i};
}

}  // namespace

TEST_CASE("an SR + SDES compound built by RtcpWriter reads back field for field",
          "[rtcp][build]") {
  std::array<std::uint8_t, 512> buf{};
  RtcpWriter w(buf);
  const RtcpSenderInfo info{0xE1234567'80000000, 123456, 1000, 160000};
  const std::array<RtcpReportBlock, 2> blocks{sample_block(1), sample_block(2)};
  REQUIRE(w.sender_report(0xDEADBEEF, info, blocks));
  REQUIRE(w.sdes_cname(0xDEADBEEF, "dialcore@w0.17"));
  REQUIRE(w.ok());
  CHECK(w.size() == (4 + 4 + 20 + 2 * 24) + (4 + 24));  // SR; SDES: 21-byte chunk to 24

  RtcpCompound c;
  REQUIRE(parse_rtcp(w.bytes(), c) == RtcpStatus::Ok);
  const auto parts = parts_of(c);
  REQUIRE(parts.size() == 2);
  CHECK(c.part_count() == 2);
  REQUIRE(parts[0].is(RtcpType::Sr));
  CHECK(rtcp_sender_ssrc(parts[0]) == 0xDEADBEEF);
  RtcpSenderInfo got;
  REQUIRE(read_sender_info(parts[0], got));
  CHECK(got == info);
  REQUIRE(report_count(parts[0]) == 2);
  CHECK(report_block(parts[0], 0) == blocks[0]);
  CHECK(report_block(parts[0], 1) == blocks[1]);
  CHECK(report_block(parts[0], 2) == RtcpReportBlock{});  // out of range: zero

  REQUIRE(parts[1].is(RtcpType::Sdes));
  std::vector<std::string> items;
  for_each_sdes_item(parts[1], [&](std::uint32_t ssrc, std::uint8_t type, std::string_view v) {
    CHECK(ssrc == 0xDEADBEEF);
    CHECK(type == static_cast<std::uint8_t>(SdesItem::Cname));
    items.emplace_back(v);
  });
  CHECK(items == std::vector<std::string>{"dialcore@w0.17"});
}

TEST_CASE("RR, BYE and every CNAME length round-trip", "[rtcp][build]") {
  std::array<std::uint8_t, kMaxRtcpPacketBytes> buf{};
  for (std::size_t cname = 0; cname <= 255; ++cname) {
    RtcpWriter w(buf);
    REQUIRE(w.receiver_report(7, {}));
    const std::string name(cname, 'x');
    REQUIRE(w.sdes_cname(7, name));
    const std::array<std::uint32_t, 2> leaving{7, 8};
    REQUIRE(w.bye(leaving, cname % 2 == 0 ? std::string_view{} : std::string_view(name)));
    RtcpCompound c;
    INFO("cname " << cname);
    REQUIRE(parse_rtcp(w.bytes(), c) == RtcpStatus::Ok);
    const auto parts = parts_of(c);
    REQUIRE(parts.size() == 3);
    CHECK(parts[0].is(RtcpType::Rr));
    CHECK(report_count(parts[0]) == 0);
    std::string got;
    for_each_sdes_item(parts[1], [&](std::uint32_t, std::uint8_t, std::string_view v) { got = v; });
    CHECK(got == name);
    REQUIRE(bye_count(parts[2]) == 2);
    CHECK(bye_ssrc(parts[2], 1) == 8);
    CHECK(bye_ssrc(parts[2], 2) == 0);
    CHECK(bye_reason(parts[2]) == (cname % 2 == 0 ? std::string_view{} : std::string_view(name)));
  }
}

TEST_CASE("cumulative lost is 24-bit signed on the wire and clamped", "[rtcp][build]") {
  std::array<std::uint8_t, 128> buf{};
  for (std::int32_t lost : {0, 1, -1, 0x7FFFFF, -0x800000, 0x1000000, -0x1000000}) {
    RtcpWriter w(buf);
    RtcpReportBlock b;
    b.cumulative_lost = lost;
    REQUIRE(w.receiver_report(1, std::span(&b, 1)));
    RtcpCompound c;
    REQUIRE(parse_rtcp(w.bytes(), c) == RtcpStatus::Ok);
    INFO("lost " << lost);
    CHECK(report_block(*c.begin(), 0).cumulative_lost ==
          std::clamp(lost, kMinCumulativeLost, kMaxCumulativeLost));
  }
}

TEST_CASE("RtcpWriter appends all or nothing and stays failed", "[rtcp][build]") {
  std::array<RtcpReportBlock, 32> blocks{};
  SECTION("32 report blocks do not fit the 5-bit count") {
    std::array<std::uint8_t, 1024> buf{};
    RtcpWriter w(buf);
    CHECK(w.receiver_report(1, std::span(blocks).first(31)));
    const std::size_t size = w.size();
    CHECK_FALSE(w.receiver_report(1, blocks));
    CHECK(w.size() == size);
    CHECK_FALSE(w.ok());
    CHECK_FALSE(w.sdes_cname(1, "x"));  // once failed, every append fails
  }
  SECTION("a buffer too small") {
    std::array<std::uint8_t, 27> buf{};  // an SR needs 28
    RtcpWriter w(buf);
    CHECK_FALSE(w.sender_report(1, {}, {}));
    CHECK(w.size() == 0);
    CHECK_FALSE(w.ok());
  }
  SECTION("an SDES item over 255 bytes") {
    std::array<std::uint8_t, 1024> buf{};
    RtcpWriter w(buf);
    CHECK_FALSE(w.sdes_cname(1, std::string(256, 'x')));
    CHECK(w.size() == 0);
  }
  SECTION("nothing past the parser's limit, whatever the buffer") {
    std::vector<std::uint8_t> buf(4 * kMaxRtcpPacketBytes);
    RtcpWriter w(buf);
    while (w.receiver_report(1, std::span(blocks).first(31))) {
    }
    CHECK(w.size() <= kMaxRtcpPacketBytes);
    RtcpCompound c;
    CHECK(parse_rtcp(w.bytes(), c) == RtcpStatus::Ok);
  }
}

TEST_CASE("APP and feedback parts pass, feedback first only with reduced-size rules", "[rtcp]") {
  Bytes b;
  put_rr(b, 1, 1);
  put_rtcp_header(b, 5, 204, 3);  // APP subtype 5: SSRC, name, one data word
  put32(b, 0x42);
  for (char ch : std::string("DCOR")) put8(b, static_cast<unsigned>(ch));
  put32(b, 0x01020304);
  RtcpCompound c;
  REQUIRE(parse_rtcp(b, c) == RtcpStatus::Ok);
  const auto parts = parts_of(c);
  REQUIRE(parts.size() == 2);
  RtcpApp app;
  REQUIRE(read_app(parts[1], app));
  CHECK(app.ssrc == 0x42);
  CHECK(app.subtype == 5);
  CHECK(std::string(app.name.begin(), app.name.end()) == "DCOR");
  CHECK(app.data.size() == 4);
  CHECK_FALSE(read_app(parts[0], app));

  Bytes pli;  // RFC 4585 PLI: PSFB FMT 1, sender SSRC, media SSRC
  put_rtcp_header(pli, 1, 206, 2);
  put32(pli, 1);
  put32(pli, 2);
  CHECK(parse(pli) == RtcpStatus::BadFirstType);
  CHECK(parse(pli, RtcpRules::ReducedSize) == RtcpStatus::Ok);
}

TEST_CASE("readers return nothing for the wrong type", "[rtcp]") {
  Bytes b;
  put_rr(b, 1, 2);
  put_sdes_cname(b, 1, 5);
  RtcpCompound c;
  REQUIRE(parse_rtcp(b, c) == RtcpStatus::Ok);
  const auto parts = parts_of(c);
  RtcpSenderInfo info;
  CHECK_FALSE(read_sender_info(parts[0], info));
  CHECK(report_count(parts[0]) == 2);
  CHECK(report_count(parts[1]) == 0);
  CHECK(report_block(parts[1], 0) == RtcpReportBlock{});
  CHECK(bye_count(parts[0]) == 0);
  CHECK(bye_reason(parts[1]).empty());
  int items = 0;
  for_each_sdes_item(parts[0], [&](auto, auto, auto) { ++items; });
  CHECK(items == 0);
}

TEST_CASE("a compound truncated at every length reports where it broke", "[rtcp][malformed]") {
  Bytes b;
  put_sr(b, 1, 1);  // 52 bytes
  put_sdes_cname(b, 1, 9);
  const std::size_t sr = 52;
  for (std::size_t n = 0; n < b.size(); ++n) {
    INFO("length " << n);
    const RtcpStatus want = n < 4           ? RtcpStatus::TooShort
                            : n < sr        ? RtcpStatus::LengthPastEnd
                            : n == sr       ? RtcpStatus::Ok  // the SR alone is a valid compound
                            : n < sr + 4    ? RtcpStatus::TrailingBytes
                                            : RtcpStatus::LengthPastEnd;
    RtcpCompound c;
    CHECK(parse_rtcp(std::span(b).first(n), c) == want);
  }
  CHECK(parse(b) == RtcpStatus::Ok);
}

TEST_CASE("malformed compounds report their status", "[rtcp][malformed]") {
  SECTION("oversized") {
    Bytes b;
    put_rr(b, 1, 0);
    put_rtcp_header(b, 0, 207, (kMaxRtcpPacketBytes - 8) / 4 - 1);  // XR filling the rest
    b.resize(kMaxRtcpPacketBytes);
    CHECK(parse(b) == RtcpStatus::Ok);
    put32(b, 0);
    CHECK(parse(b) == RtcpStatus::Oversized);
  }
  SECTION("a bad version in a later part") {
    Bytes b;
    put_rr(b, 1, 0);
    put_sdes_cname(b, 1, 3);
    b[8] = static_cast<std::uint8_t>((b[8] & 0x3F) | 0x40);
    CHECK(parse(b) == RtcpStatus::BadVersion);
  }
  SECTION("SDES or BYE first") {
    Bytes b;
    put_sdes_cname(b, 1, 3);
    put_rr(b, 1, 0);
    CHECK(parse(b) == RtcpStatus::BadFirstType);
    CHECK(parse(b, RtcpRules::ReducedSize) == RtcpStatus::Ok);
  }
  SECTION("a length past the end") {
    Bytes b;
    put_rtcp_header(b, 0, 201, 2);  // claims 12 bytes
    put32(b, 1);
    CHECK(parse(b) == RtcpStatus::LengthPastEnd);
  }
  SECTION("padding: on a part that is not last, zero, or past the body") {
    Bytes b;
    put_rr(b, 1, 0);
    b[0] |= 0x20;
    put_sdes_cname(b, 1, 3);
    CHECK(parse(b) == RtcpStatus::BadPadding);

    Bytes last;
    put_rr(last, 1, 0);
    put_rtcp_header(last, 0, 203, 1, true);  // BYE, no sources, 4 bytes of padding
    put32(last, 4);
    CHECK(parse(last) == RtcpStatus::Ok);
    last.back() = 0;
    CHECK(parse(last) == RtcpStatus::BadPadding);
    last.back() = 5;
    CHECK(parse(last) == RtcpStatus::BadPadding);
  }
  SECTION("parts shorter than their fixed fields") {
    Bytes sr;
    put_rtcp_header(sr, 0, 200, 5);  // SR with 20 body bytes, needs 24
    for (int i = 0; i < 5; ++i) put32(sr, 0);
    CHECK(parse(sr) == RtcpStatus::PartTooShort);
    Bytes rr;
    put_rtcp_header(rr, 0, 201, 0);  // RR without its SSRC
    CHECK(parse(rr) == RtcpStatus::PartTooShort);
    Bytes app;
    put_rr(app, 1, 0);
    put_rtcp_header(app, 0, 204, 1);  // APP with an SSRC but no name
    put32(app, 1);
    CHECK(parse(app) == RtcpStatus::PartTooShort);
  }
  SECTION("a report count the part cannot hold") {
    Bytes b;
    put_rr(b, 1, 1);
    b[0] = static_cast<std::uint8_t>((b[0] & 0xE0) | 2);
    CHECK(parse(b) == RtcpStatus::BadReportCount);
    Bytes s;
    put_sr(s, 1, 1);
    s[0] = static_cast<std::uint8_t>((s[0] & 0xE0) | 31);
    CHECK(parse(s) == RtcpStatus::BadReportCount);
  }
  SECTION("SDES chunks that do not add up") {
    auto sdes = [](unsigned count, auto&& body) {
      Bytes b;
      put_rr(b, 1, 0);
      Bytes chunk;
      body(chunk);
      put_rtcp_header(b, count, 202, static_cast<unsigned>(chunk.size() / 4));
      b.insert(b.end(), chunk.begin(), chunk.end());
      return b;
    };
    // Well formed: an item ending on a word boundary still needs a null octet: 4 more bytes.
    CHECK(parse(sdes(1, [](Bytes& c) {
            put32(c, 1);
            put8(c, 1), put8(c, 2), put8(c, 'a'), put8(c, 'b');
            put32(c, 0);
          })) == RtcpStatus::Ok);
    CHECK(parse(sdes(1, [](Bytes& c) {  // no null octet: the item list runs to the end
            put32(c, 1);
            put8(c, 1), put8(c, 2), put8(c, 'a'), put8(c, 'b');
          })) == RtcpStatus::BadSdes);
    CHECK(parse(sdes(1, [](Bytes& c) {  // item length past the end
            put32(c, 1);
            put8(c, 1), put8(c, 40), put8(c, 'a'), put8(c, 0);
          })) == RtcpStatus::BadSdes);
    CHECK(parse(sdes(2, [](Bytes& c) {  // two chunks announced, one present
            put32(c, 1);
            put32(c, 0);
          })) == RtcpStatus::BadSdes);
    CHECK(parse(sdes(1, [](Bytes& c) {  // a word left after the chunks
            put32(c, 1);
            put32(c, 0);
            put32(c, 0);
          })) == RtcpStatus::BadSdes);
    CHECK(parse(sdes(0, [](Bytes& c) { put32(c, 0); })) == RtcpStatus::BadSdes);
  }
  SECTION("BYE whose sources or reason run past the part") {
    Bytes b;
    put_rr(b, 1, 0);
    put_rtcp_header(b, 3, 203, 2);  // three sources announced, two present
    put32(b, 1);
    put32(b, 2);
    CHECK(parse(b) == RtcpStatus::BadBye);
    Bytes r;
    put_rr(r, 1, 0);
    put_rtcp_header(r, 1, 203, 2);  // one source, then a reason of 10 bytes in 4
    put32(r, 1);
    put8(r, 10), put8(r, 'a'), put8(r, 'b'), put8(r, 'c');
    CHECK(parse(r) == RtcpStatus::BadBye);
    r[r.size() - 4] = 3;
    CHECK(parse(r) == RtcpStatus::Ok);
  }
}

TEST_CASE("random and mutated compounds never crash, and valid ones add up", "[rtcp][fuzz]") {
  std::mt19937 rng(3550);
  Bytes valid;
  put_sr(valid, 1, 2);
  put_sdes_cname(valid, 1, 11);
  put_rtcp_header(valid, 1, 203, 1);
  put32(valid, 1);
  std::array<std::size_t, kRtcpStatusCount> seen{};
  Bytes b;
  for (int i = 0; i < 100000; ++i) {
    if (i % 4 == 2) {  // trailing bytes after a valid compound
      b = valid;
      b.resize(b.size() + 1 + rng() % 3);
    } else if (i % 2 == 0) {
      b = valid;
      for (auto flips = 1 + rng() % 3; flips > 0; --flips) {
        b[rng() % b.size()] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
      }
    } else {
      b.resize(rng() % 120);
      for (auto& x : b) x = static_cast<std::uint8_t>(rng());
      if (!b.empty()) b[0] = static_cast<std::uint8_t>((b[0] & 0x3F) | 0x80);
      if (b.size() > 1) b[1] = static_cast<std::uint8_t>(200 + rng() % 8);
    }
    RtcpCompound c;
    const RtcpStatus st = parse_rtcp(b, c, i % 3 == 0 ? RtcpRules::ReducedSize : RtcpRules::Compound);
    ++seen[static_cast<std::size_t>(st)];
    if (st != RtcpStatus::Ok) continue;
    std::size_t total = 0;
    for (const RtcpPart& part : c) {
      total += part.bytes().size();
      REQUIRE(part.body().size() + 4 <= part.bytes().size());
      for (std::size_t k = 0; k < report_count(part); ++k) (void)report_block(part, k);
      for_each_sdes_item(part, [](auto, auto, auto) {});
      (void)bye_reason(part);
    }
    REQUIRE(total == b.size());
  }
  for (std::size_t s = 0; s < kRtcpStatusCount; ++s) {
    if (static_cast<RtcpStatus>(s) == RtcpStatus::Oversized) continue;
    INFO(to_string(static_cast<RtcpStatus>(s)));
    CHECK(seen[s] > 0);
  }
}

// Not run by ctest: `build/bin/rtcp_packet_test "[.bench]"` in a Release build.
TEST_CASE("RTCP parse and build cost", "[.bench]") {
  constexpr int kReps = 2'000'000;
  std::array<std::uint8_t, 256> buf{};
  const RtcpReportBlock block = sample_block(1);
  std::size_t size = 0;
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  std::vector<double> build, parse_only, walk;
  std::uint64_t sink = 0;
  for (int round = 0; round < 5; ++round) {
    auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < kReps; ++i) {
      RtcpWriter w(buf);
      w.sender_report(static_cast<std::uint32_t>(i), {std::uint64_t(i) << 20, 160u * i, 7, 8},
                      std::span(&block, 1));
      w.sdes_cname(static_cast<std::uint32_t>(i), "dialcore@w0.1234");
      size = w.size();
      sink += buf[7];
    }
    std::chrono::duration<double, std::nano> ns = std::chrono::steady_clock::now() - start;
    build.push_back(ns.count() / kReps);

    start = std::chrono::steady_clock::now();
    for (int i = 0; i < kReps; ++i) {
      buf[7] = static_cast<std::uint8_t>(i);
      RtcpCompound c;
      sink += parse_rtcp(std::span(buf).first(size), c) == RtcpStatus::Ok ? c.part_count() : 0;
    }
    ns = std::chrono::steady_clock::now() - start;
    parse_only.push_back(ns.count() / kReps);

    start = std::chrono::steady_clock::now();
    for (int i = 0; i < kReps; ++i) {
      buf[7] = static_cast<std::uint8_t>(i);
      RtcpCompound c;
      if (parse_rtcp(std::span(buf).first(size), c) != RtcpStatus::Ok) continue;
      for (const RtcpPart& part : c) {
        if (part.is(RtcpType::Sr)) sink += report_block(part, 0).jitter + rtcp_sender_ssrc(part);
      }
    }
    ns = std::chrono::steady_clock::now() - start;
    walk.push_back(ns.count() / kReps);
  }
  std::printf("RtcpWriter SR(1 block) + SDES CNAME (%zu B): %6.2f ns\n", size, median(build));
  std::printf("parse_rtcp of it:                          %6.2f ns\n", median(parse_only));
  std::printf("parse_rtcp + walk + report block:          %6.2f ns  (sink %llu)\n", median(walk),
              static_cast<unsigned long long>(sink));
}
