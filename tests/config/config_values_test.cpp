// Single-value checks (config/values.hpp), which control reuses for API input.
#include <catch2/catch.hpp>

#include "config/values.hpp"

using namespace dialcore::config;

TEST_CASE("endpoints: IPv4, bracketed IPv6, port 0..65535", "[config][values]") {
  std::string why;
  auto v4 = parse_endpoint("127.0.0.1:8080", why);
  REQUIRE(v4);
  CHECK(*v4 == Endpoint{"127.0.0.1", 8080, false});
  auto v6 = parse_endpoint("[::1]:0", why);
  REQUIRE(v6);
  CHECK(*v6 == Endpoint{"::1", 0, true});
  for (const char* bad : {"127.0.0.1", "::1:80", "[::1]80", "[::1]:", "host:80", "1.2.3.4:-1",
                          "1.2.3.4:65536", "1.2.3.4:8o", ":80", ""}) {
    INFO(bad);
    CHECK_FALSE(parse_endpoint(bad, why));
    CHECK_FALSE(why.empty());
  }
}

TEST_CASE("phone numbers, ids and usernames", "[config][values]") {
  CHECK(check_phone_number("+442071234567").empty());
  CHECK(check_phone_number("101").empty());
  CHECK_FALSE(check_phone_number("+12").empty());
  CHECK_FALSE(check_phone_number("+1234567890123456").empty());
  CHECK_FALSE(check_phone_number("0207 123").empty());
  CHECK(check_identifier("sales-in_2").empty());
  CHECK_FALSE(check_identifier("-x").empty());
  CHECK_FALSE(check_identifier("a b").empty());
  CHECK_FALSE(check_identifier(std::string(65, 'a')).empty());
  CHECK(check_username("a.smith@acme").empty());
  CHECK(check_username("x!#$%^\\&_").empty());  // seed 000's special characters
  CHECK_FALSE(check_username("ab").empty());
  CHECK_FALSE(check_username("a smith").empty());
  CHECK_FALSE(check_username("a'; drop").empty());
}

TEST_CASE("time zones need a TZif file, clock times are HH:MM", "[config][values]") {
  CHECK(check_timezone("/usr/share/zoneinfo", "UTC").empty());
  CHECK(check_timezone("/usr/share/zoneinfo", "Australia/Sydney").empty());
  CHECK_FALSE(check_timezone("/usr/share/zoneinfo", "Europe").empty());  // a directory
  CHECK_FALSE(check_timezone("/usr/share/zoneinfo", "/etc/passwd").empty());
  CHECK_FALSE(check_timezone("/usr/share/zoneinfo", "tzdata.zi").empty());  // not TZif
  CHECK_FALSE(check_timezone("/nonexistent", "UTC").empty());
  CHECK(check_clock_time("00:00").empty());
  CHECK(check_clock_time("23:59").empty());
  CHECK_FALSE(check_clock_time("24:00").empty());
  CHECK_FALSE(check_clock_time("9:00").empty());
  CHECK_FALSE(check_clock_time("09:60").empty());
}

TEST_CASE("recording layouts and file modes", "[config][values]") {
  CHECK(check_path_layout("{date}/{campaign}/{call_id}").empty());
  CHECK_FALSE(check_path_layout("{date}/{campaign}").empty());  // no {call_id}
  CHECK_FALSE(check_path_layout("/abs/{call_id}").empty());
  CHECK_FALSE(check_path_layout("../{call_id}").empty());
  CHECK_FALSE(check_path_layout("{call_id}{").empty());
  std::uint32_t mode = 0;
  CHECK(parse_file_mode("0640", mode).empty());
  CHECK(mode == 0640);
  CHECK(parse_file_mode("600", mode).empty());
  CHECK(mode == 0600);
  CHECK_FALSE(parse_file_mode("0755", mode).empty());
  CHECK_FALSE(parse_file_mode("0040", mode).empty());
  CHECK_FALSE(parse_file_mode("0648", mode).empty());
  CHECK(check_sip_uri("sip:proxy.example:5060;transport=udp").empty());
  CHECK(check_sip_uri("sips:p.example").empty());
  CHECK_FALSE(check_sip_uri("http://p.example").empty());
  CHECK_FALSE(check_sip_uri("sip:").empty());
}
