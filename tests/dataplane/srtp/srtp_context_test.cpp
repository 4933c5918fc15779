#include <catch2/catch.hpp>

#include <srtp2/srtp.h>

#include <chrono>
#include <cstring>
#include <random>
#include <vector>

#include "dataplane/srtp/srtp_context.hpp"

using namespace dialcore::dataplane;
using Dir = SrtpContext::Direction;

namespace {

constexpr std::size_t kSlot = 2048;

SrtpKey make_key(SrtpSuite suite, std::uint32_t seed) {
  std::mt19937 rng(seed);
  SrtpKey k;
  k.suite = suite;
  for (auto& b : k.master_key) b = static_cast<std::uint8_t>(rng());
  for (auto& b : k.master_salt) b = static_cast<std::uint8_t>(rng());
  if (suite == SrtpSuite::AeadAes128Gcm) k.master_salt[12] = k.master_salt[13] = 0;
  return k;
}

// A 20 ms G.711 packet: RTP header (V=2, PT 0) then 160 payload bytes, in a packet-sized slot.
std::vector<std::uint8_t> rtp_packet(std::uint16_t seq, std::uint32_t ssrc) {
  std::vector<std::uint8_t> p(kSlot, 0);
  p[0] = 0x80;
  p[1] = 0;
  p[2] = static_cast<std::uint8_t>(seq >> 8);
  p[3] = static_cast<std::uint8_t>(seq);
  const std::uint32_t ts = 160u * seq;
  for (int i = 0; i < 4; ++i) p[4 + i] = static_cast<std::uint8_t>(ts >> (24 - 8 * i));
  for (int i = 0; i < 4; ++i) p[8 + i] = static_cast<std::uint8_t>(ssrc >> (24 - 8 * i));
  for (std::size_t i = 12; i < 172; ++i) p[i] = static_cast<std::uint8_t>(i * 7 + seq);
  return p;
}

// An RTCP receiver report with no blocks: V=2, RC=0, PT=201, length 1 (8 bytes).
std::vector<std::uint8_t> rtcp_rr(std::uint32_t ssrc) {
  std::vector<std::uint8_t> p(kSlot, 0);
  p[0] = 0x80;
  p[1] = 201;
  p[3] = 1;
  for (int i = 0; i < 4; ++i) p[4 + i] = static_cast<std::uint8_t>(ssrc >> (24 - 8 * i));
  return p;
}

std::size_t tag_bytes(SrtpSuite s) {
  return s == SrtpSuite::AesCm128HmacSha1_80 ? 10 : s == SrtpSuite::AesCm128HmacSha1_32 ? 4 : 16;
}

const SrtpSuite kSuites[] = {SrtpSuite::AesCm128HmacSha1_80, SrtpSuite::AesCm128HmacSha1_32,
                             SrtpSuite::AeadAes128Gcm};

}  // namespace

TEST_CASE("SRTP round trip for every SDES suite", "[srtp]") {
  for (SrtpSuite suite : kSuites) {
    INFO("suite " << static_cast<int>(suite));
    const SrtpKey key = make_key(suite, 7);
    SrtpContext tx(key, Dir::Outbound), rx(key, Dir::Inbound);
    REQUIRE(tx.ok());
    REQUIRE(rx.ok());
    for (std::uint16_t seq = 65530; seq != 10; ++seq) {  // across the sequence wrap
      const auto plain = rtp_packet(seq, 0x1234);
      auto p = plain;
      std::size_t len = 172;
      REQUIRE(tx.protect_rtp(p, len) == SrtpStatus::Ok);
      CHECK(len == 172 + tag_bytes(suite));
      CHECK(std::memcmp(p.data() + 12, plain.data() + 12, 160) != 0);  // payload encrypted
      REQUIRE(rx.unprotect_rtp(p, len) == SrtpStatus::Ok);
      CHECK(len == 172);
      CHECK(std::memcmp(p.data(), plain.data(), 172) == 0);
    }
  }
}

TEST_CASE("SRTCP round trip, and AES_CM _32 still authenticates SRTCP with 80 bits", "[srtp]") {
  for (SrtpSuite suite : kSuites) {
    const SrtpKey key = make_key(suite, 11);
    SrtpContext tx(key, Dir::Outbound), rx(key, Dir::Inbound);
    const auto plain = rtcp_rr(0x1234);
    auto p = plain;
    std::size_t len = 8;
    REQUIRE(tx.protect_rtcp(p, len) == SrtpStatus::Ok);
    const std::size_t rtcp_tag = suite == SrtpSuite::AeadAes128Gcm ? 16 : 10;
    CHECK(len == 8 + 4 + rtcp_tag);  // SRTCP index + tag
    REQUIRE(rx.unprotect_rtcp(p, len) == SrtpStatus::Ok);
    CHECK(len == 8);
    CHECK(std::memcmp(p.data(), plain.data(), 8) == 0);
  }
}

TEST_CASE("tampering, replay and the wrong key are refused and reported", "[srtp]") {
  for (SrtpSuite suite : kSuites) {
    INFO("suite " << static_cast<int>(suite));
    const SrtpKey key = make_key(suite, 3);
    SrtpContext tx(key, Dir::Outbound), rx(key, Dir::Inbound);
    SrtpContext stranger(make_key(suite, 4), Dir::Inbound);

    auto p = rtp_packet(100, 0x77);
    std::size_t len = 172;
    REQUIRE(tx.protect_rtp(p, len) == SrtpStatus::Ok);
    const auto wire = p;
    const std::size_t wire_len = len;

    auto tampered = wire;
    tampered[40] ^= 0x01;
    std::size_t n = wire_len;
    CHECK(rx.unprotect_rtp(tampered, n) == SrtpStatus::AuthFail);

    auto wrong = wire;
    n = wire_len;
    CHECK(stranger.unprotect_rtp(wrong, n) == SrtpStatus::AuthFail);

    auto first = wire;
    n = wire_len;
    CHECK(rx.unprotect_rtp(first, n) == SrtpStatus::Ok);
    auto again = wire;
    n = wire_len;
    CHECK(rx.unprotect_rtp(again, n) == SrtpStatus::ReplayFail);

    // Far older than the 128-packet replay window.
    for (std::uint16_t seq = 101; seq < 400; ++seq) {
      auto q = rtp_packet(seq, 0x77);
      std::size_t l = 172;
      REQUIRE(tx.protect_rtp(q, l) == SrtpStatus::Ok);
      REQUIRE(rx.unprotect_rtp(q, l) == SrtpStatus::Ok);
    }
    auto old = wire;
    n = wire_len;
    CHECK(rx.unprotect_rtp(old, n) == SrtpStatus::ReplayFail);
  }
}

TEST_CASE("no room for the tag, short packets and plain-RTP legs", "[srtp]") {
  const SrtpKey key = make_key(SrtpSuite::AesCm128HmacSha1_80, 5);
  SrtpContext tx(key, Dir::Outbound), rx(key, Dir::Inbound);
  auto p = rtp_packet(1, 1);
  std::size_t len = 172;
  CHECK(tx.protect_rtp({p.data(), 180}, len) == SrtpStatus::NoRoom);
  CHECK(len == 172);
  std::size_t tiny = 5;
  CHECK(rx.unprotect_rtp(p, tiny) != SrtpStatus::Ok);
  std::size_t too_long = p.size() + 1;
  CHECK(rx.unprotect_rtp(p, too_long) == SrtpStatus::BadPacket);

  SrtpContext plain_tx(SrtpKey{}, Dir::Outbound), plain_rx(SrtpKey{}, Dir::Inbound);
  CHECK(plain_tx.ok());
  CHECK_FALSE(plain_tx.active());
  const auto before = rtp_packet(2, 2);
  auto q = before;
  len = 172;
  CHECK(plain_tx.protect_rtp(q, len) == SrtpStatus::Ok);
  CHECK(plain_rx.unprotect_rtp(q, len) == SrtpStatus::Ok);
  CHECK(len == 172);
  CHECK(q == before);
}

// Our key mapping (master key || salt, suite policies) must match what any libsrtp peer set up
// by the book derives: decrypt our output with an independent raw libsrtp session.
TEST_CASE("a plain libsrtp peer decrypts what we protect", "[srtp][interop]") {
  for (SrtpSuite suite : kSuites) {
    INFO("suite " << static_cast<int>(suite));
    const SrtpKey key = make_key(suite, 21);
    SrtpContext tx(key, Dir::Outbound);

    srtp_policy_t policy{};
    unsigned char material[30] = {};
    std::memcpy(material, key.master_key.data(), 16);
    std::size_t salt = 14;
    if (suite == SrtpSuite::AesCm128HmacSha1_80) {
      srtp_crypto_policy_set_rtp_default(&policy.rtp);
    } else if (suite == SrtpSuite::AesCm128HmacSha1_32) {
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&policy.rtp);
    } else {
      srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtp);
      salt = 12;
    }
    std::memcpy(material + 16, key.master_salt.data(), salt);
    srtp_crypto_policy_set_rtcp_default(&policy.rtcp);
    policy.ssrc.type = ssrc_any_inbound;
    policy.key = material;
    policy.window_size = 128;
    srtp_t peer = nullptr;
    REQUIRE(srtp_create(&peer, &policy) == srtp_err_status_ok);

    const auto plain = rtp_packet(9, 0xABCD);
    auto p = plain;
    std::size_t len = 172;
    REQUIRE(tx.protect_rtp(p, len) == SrtpStatus::Ok);
    int n = static_cast<int>(len);
    CHECK(srtp_unprotect(peer, p.data(), &n) == srtp_err_status_ok);
    CHECK(n == 172);
    CHECK(std::memcmp(p.data(), plain.data(), 172) == 0);
    srtp_dealloc(peer);
  }
}

TEST_CASE("SRTP cost per packet", "[.bench][srtp]") {
  for (SrtpSuite suite : kSuites) {
    const SrtpKey key = make_key(suite, 1);
    SrtpContext tx(key, Dir::Outbound), rx(key, Dir::Inbound);
    constexpr int kPackets = 200000;
    std::vector<std::uint8_t> p = rtp_packet(0, 5);
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < kPackets; ++i) {
      p[2] = static_cast<std::uint8_t>(i >> 8);
      p[3] = static_cast<std::uint8_t>(i);
      std::size_t len = 172;
      if (tx.protect_rtp(p, len) != SrtpStatus::Ok || rx.unprotect_rtp(p, len) != SrtpStatus::Ok) {
        FAIL("srtp failed");
      }
    }
    const double ns =
        std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count() /
        kPackets;
    WARN("suite " << static_cast<int>(suite) << ": protect + unprotect " << ns << " ns per packet");
  }
}
