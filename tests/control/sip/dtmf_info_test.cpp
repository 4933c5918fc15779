#include <catch2/catch.hpp>

#include "control/sip/dtmf_info.hpp"

#include <random>
#include <string>

namespace dialcore::control::sip {

TEST_CASE("application/dtmf-relay bodies give digit and duration", "[sip][dtmf]") {
  auto d = parse_dtmf_info("application/dtmf-relay", "Signal=5\r\nDuration=160\r\n");
  REQUIRE(d);
  CHECK(d->digit == '5');
  CHECK(d->duration_ms == 160);
  d = parse_dtmf_info("Application/DTMF-Relay; charset=x", "signal= *\nduration = 250");
  REQUIRE(d);
  CHECK(d->digit == '*');
  CHECK(d->duration_ms == 250);
  d = parse_dtmf_info("application/dtmf-relay", "Signal=11\r\n");  // event code for #
  REQUIRE(d);
  CHECK(d->digit == '#');
  CHECK(d->duration_ms == 0);
  d = parse_dtmf_info("application/dtmf-relay", "Signal=d\r\nDuration=abc\r\n");
  REQUIRE(d);
  CHECK(d->digit == 'D');
  CHECK(d->duration_ms == 0);  // an unreadable duration is left out, the digit kept
}

TEST_CASE("application/dtmf bodies are the digit alone", "[sip][dtmf]") {
  const auto d = parse_dtmf_info("application/dtmf", " 9\r\n");
  REQUIRE(d);
  CHECK(d->digit == '9');
}

TEST_CASE("bodies naming no digit are refused", "[sip][dtmf]") {
  CHECK_FALSE(parse_dtmf_info("application/dtmf-relay", "Duration=160"));
  CHECK_FALSE(parse_dtmf_info("application/dtmf-relay", "Signal=E"));
  CHECK_FALSE(parse_dtmf_info("application/dtmf-relay", "Signal=16"));
  CHECK_FALSE(parse_dtmf_info("application/dtmf-relay", "Signal=55"));
  CHECK_FALSE(parse_dtmf_info("application/dtmf", "1 2"));
  CHECK_FALSE(parse_dtmf_info("application/dtmf", "16"));
  CHECK_FALSE(parse_dtmf_info("application/sdp", "Signal=5"));
  CHECK_FALSE(parse_dtmf_info("", ""));
  std::mt19937 rng(3);  // random bodies never crash and give only valid digits
  for (int i = 0; i < 2000; ++i) {
    std::string body(rng() % 64, '\0');
    for (char& c : body) c = static_cast<char>(rng());
    if (i % 2 == 0) body = "Signal=" + body;
    const auto d = parse_dtmf_info(i % 3 ? "application/dtmf-relay" : "application/dtmf", body);
    if (d) CHECK(std::string("0123456789*#ABCD").find(d->digit) != std::string::npos);
  }
}

}  // namespace dialcore::control::sip
