#include <catch2/catch.hpp>

#include <array>
#include <string>

#include "control/sdp/crypto_attr.hpp"

using namespace dialcore::control::sdp;

namespace {
// 30 bytes 0x00..0x1d and 28 bytes 0x00..0x1b, base64 (python3 base64.b64encode(bytes(range(n)))).
constexpr const char* kKey30 = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwd";
constexpr const char* kKey28 = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGw==";
constexpr const char* kKey44 = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKis=";
}  // namespace

TEST_CASE("a=crypto with each suite reads tag, suite, key and salt", "[crypto]") {
  auto r = parse_crypto(std::string("7 AES_CM_128_HMAC_SHA1_80 inline:") + kKey30);
  REQUIRE(r.attr);
  CHECK(r.attr->tag == 7);
  CHECK(r.attr->key.suite == SrtpSuite::AesCm128HmacSha1_80);
  CHECK(r.attr->key.master_key[0] == 0x00);
  CHECK(r.attr->key.master_key[15] == 0x0f);
  CHECK(r.attr->key.master_salt[0] == 0x10);
  CHECK(r.attr->key.master_salt[13] == 0x1d);
  CHECK(r.attr->lifetime_packets == 0);

  r = parse_crypto(std::string("1 AES_CM_128_HMAC_SHA1_32 inline:") + kKey30);
  REQUIRE(r.attr);
  CHECK(r.attr->key.suite == SrtpSuite::AesCm128HmacSha1_32);

  r = parse_crypto(std::string("2 AEAD_AES_128_GCM inline:") + kKey28);
  REQUIRE(r.attr);
  CHECK(r.attr->key.suite == SrtpSuite::AeadAes128Gcm);
  CHECK(r.attr->key.master_salt[11] == 0x1b);
  CHECK(r.attr->key.master_salt[12] == 0);  // GCM salt is 12 bytes; the rest stays zero
}

TEST_CASE("a=crypto key length is checked per suite", "[crypto]") {
  // A GCM-sized key under an AES-CM suite and the reverse: both refused, naming the lengths.
  auto r = parse_crypto(std::string("1 AES_CM_128_HMAC_SHA1_80 inline:") + kKey28);
  CHECK_FALSE(r.attr);
  CHECK(r.error.find("28 bytes, must be 30") != std::string::npos);
  r = parse_crypto(std::string("1 AEAD_AES_128_GCM inline:") + kKey30);
  CHECK_FALSE(r.attr);
  CHECK(r.error.find("30 bytes, must be 28") != std::string::npos);
  r = parse_crypto(std::string("1 AES_CM_128_HMAC_SHA1_80 inline:") + kKey44);
  CHECK_FALSE(r.attr);
  r = parse_crypto("1 AES_CM_128_HMAC_SHA1_80 inline:AAEC");
  CHECK_FALSE(r.attr);
  CHECK(key_salt_bytes(SrtpSuite::AesCm128HmacSha1_80) == 30);
  CHECK(key_salt_bytes(SrtpSuite::AesCm128HmacSha1_32) == 30);
  CHECK(key_salt_bytes(SrtpSuite::AeadAes128Gcm) == 28);
  CHECK(key_salt_bytes(SrtpSuite::None) == 0);
}

TEST_CASE("a=crypto lifetime is parsed, MKI and session parameters are refused", "[crypto]") {
  auto r = parse_crypto(std::string("1 AES_CM_128_HMAC_SHA1_80 inline:") + kKey30 + "|2^31");
  REQUIRE(r.attr);
  CHECK(r.attr->lifetime_packets == (1ull << 31));
  r = parse_crypto(std::string("1 AES_CM_128_HMAC_SHA1_80 inline:") + kKey30 + "|1048576");
  REQUIRE(r.attr);
  CHECK(r.attr->lifetime_packets == 1048576);

  const std::string base = std::string("1 AES_CM_128_HMAC_SHA1_80 inline:") + kKey30;
  const std::pair<std::string, std::string> refused[] = {
      {base + "|2^31|1:4", "MKI"},
      {base + "|1:4", "MKI"},
      {base + "|2^10", "lifetime"},  // below 2^20: we never re-key
      {base + "|2^49", "lifetime"},  // beyond AES-CM's 2^48
      {base + "|2^x", "bad lifetime"},
      {base + " UNENCRYPTED_SRTP", "session parameter"},
      {base + " KDR=1", "session parameter"},
      {base + ";inline:" + kKey30, "several keys"},
      {std::string("1 AEAD_AES_128_GCM inline:") + kKey28 + "|2^33", "lifetime"},
      {std::string("1 AES_256_CM_HMAC_SHA1_80 inline:") + kKey30, "not supported"},
      {std::string("1 AES_CM_128_HMAC_SHA1_80 uri:https://x/") + kKey30, "not inline"},
      {std::string("x AES_CM_128_HMAC_SHA1_80 inline:") + kKey30, "bad tag"},
      {std::string("1234567890 AES_CM_128_HMAC_SHA1_80 inline:") + kKey30, "bad tag"},
      {"1 AES_CM_128_HMAC_SHA1_80", "missing"},
      {"", "missing"},
      {"1 AES_CM_128_HMAC_SHA1_80 inline:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxw*", "base64"},
      {"1 AES_CM_128_HMAC_SHA1_80 inline:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGx=w", "base64"},
      {"1 AES_CM_128_HMAC_SHA1_80 inline:", "base64"},
  };
  for (const auto& [line, why] : refused) {
    INFO(line);
    const auto p = parse_crypto(line);
    CHECK_FALSE(p.attr);
    CHECK(p.error.find(why) != std::string::npos);
  }
}

TEST_CASE("format_crypto and parse_crypto round-trip our keys for every suite", "[crypto]") {
  std::array<std::uint8_t, kMaxKeySaltBytes> random{};
  for (std::size_t i = 0; i < random.size(); ++i)
    random[i] = static_cast<std::uint8_t>(i * 37 + 11);
  for (const auto suite :
       {SrtpSuite::AesCm128HmacSha1_80, SrtpSuite::AesCm128HmacSha1_32, SrtpSuite::AeadAes128Gcm}) {
    const auto key = make_key(suite, random);
    REQUIRE(key);
    const std::string text = format_crypto(42, *key);
    INFO(text);
    const auto back = parse_crypto(text);
    REQUIRE(back.attr);
    CHECK(back.attr->tag == 42);
    CHECK(back.attr->key == *key);
  }
  CHECK(format_crypto(1, *make_key(SrtpSuite::AesCm128HmacSha1_80, random)).find("inline:") !=
        std::string::npos);
  CHECK_FALSE(make_key(SrtpSuite::AesCm128HmacSha1_80, std::span(random).first(29)));
  CHECK(make_key(SrtpSuite::AeadAes128Gcm, std::span(random).first(28)));
  CHECK_FALSE(make_key(SrtpSuite::None, random));
}
