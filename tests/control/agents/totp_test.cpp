// TOTP against RFC 6238 Appendix B (SHA1, SHA256, SHA512) and base32 against RFC 4648; the
// verification window and replay refusal.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>

#include "control/agents/totp.hpp"
#include "tests/support/fixtures.hpp"

using namespace dialcore::control::agents;

namespace {

std::vector<std::uint8_t> bytes(std::string_view s) { return {s.begin(), s.end()}; }

std::vector<std::string> fixture_lines(const std::string& name) {
  std::ifstream in(dialcore::test::fixture_path(name));
  REQUIRE(in.good());
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (!line.starts_with("#")) lines.push_back(line);
  }
  return lines;
}

}  // namespace

TEST_CASE("RFC 6238 Appendix B vectors for SHA1, SHA256 and SHA512") {
  const auto k1 = bytes("12345678901234567890");
  const auto k256 = bytes("12345678901234567890123456789012");
  const auto k512 = bytes("1234567890123456789012345678901234567890123456789012345678901234");
  int checked = 0;
  for (const auto& line : fixture_lines("totp/rfc6238_vectors.txt")) {
    std::istringstream fields(line);
    std::int64_t time = 0;
    std::string algorithm, code;
    fields >> time >> algorithm >> code;
    TotpParams p;
    p.digits = 8;
    p.hash = algorithm == "SHA1"     ? TotpHash::Sha1
             : algorithm == "SHA256" ? TotpHash::Sha256
                                     : TotpHash::Sha512;
    const auto& key = algorithm == "SHA1" ? k1 : algorithm == "SHA256" ? k256 : k512;
    CAPTURE(time, algorithm);
    CHECK(totp_code(key, time, p) == code);
    CHECK(totp_verify(key, code, time * 1000, -1, p) == time / 30);
    ++checked;
  }
  CHECK(checked == 18);
}

TEST_CASE("RFC 4648 base32 vectors both ways - lenient decoding of what people type") {
  int checked = 0;
  for (const auto& line : fixture_lines("totp/rfc4648_base32_vectors.txt")) {
    const auto tab = line.find('\t');
    REQUIRE(tab != std::string::npos);
    const std::string plain = line.substr(0, tab), encoded = line.substr(tab + 1);
    CHECK(base32_encode(bytes(plain), true) == encoded);
    auto decoded = base32_decode(encoded);
    REQUIRE(decoded);
    CHECK(std::string(decoded->begin(), decoded->end()) == plain);
    ++checked;
  }
  CHECK(checked == 7);
  CHECK(base32_decode("mzxw 6ytb-oi") == bytes("foobar"));
  CHECK_FALSE(base32_decode("MZXW1").has_value());  // 1 is not in the alphabet
  CHECK_FALSE(base32_decode("MZ!W").has_value());
}

TEST_CASE("a code is accepted one step early or late, not two, and never twice") {
  const auto key = bytes("12345678901234567890");
  TotpParams p;  // SHA1, 6 digits, 30 s, window 1
  const std::int64_t t = 1'111'111'111;
  const std::int64_t step = t / 30;
  const std::string now_code = totp_code(key, t, p);
  CHECK(now_code.size() == 6);
  CHECK(totp_verify(key, now_code, t * 1000, 0, p) == step);
  CHECK(totp_verify(key, totp_code(key, t - 30, p), t * 1000, 0, p) == step - 1);
  CHECK(totp_verify(key, totp_code(key, t + 30, p), t * 1000, 0, p) == step + 1);
  CHECK_FALSE(totp_verify(key, totp_code(key, t - 60, p), t * 1000, 0, p));
  CHECK_FALSE(totp_verify(key, totp_code(key, t + 60, p), t * 1000, 0, p));
  // Replay: once step is used, its code and any earlier one are refused.
  CHECK_FALSE(totp_verify(key, now_code, t * 1000, step, p));
  CHECK_FALSE(totp_verify(key, totp_code(key, t - 30, p), t * 1000, step, p));
  CHECK(totp_verify(key, totp_code(key, t + 30, p), t * 1000, step, p) == step + 1);
  // Malformed codes.
  for (const char* bad : {"", "12345", "1234567", "12345a", " 12345"})
    CHECK_FALSE(totp_verify(key, bad, t * 1000, 0, p));
}

TEST_CASE("new secrets are 160 random bits - the otpauth URI carries them") {
  const auto a = new_totp_secret();
  const auto b = new_totp_secret();
  CHECK(a.size() == 32);
  CHECK(a != b);
  REQUIRE(base32_decode(a));
  CHECK(base32_decode(a)->size() == 20);
  TotpParams p;
  const auto uri = otpauth_uri("Dialcore", "mary@acme", a, p);
  CHECK(uri == "otpauth://totp/Dialcore:mary%40acme?secret=" + a +
                   "&issuer=Dialcore&algorithm=SHA1&digits=6&period=30");
}
