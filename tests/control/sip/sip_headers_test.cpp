#include <catch2/catch.hpp>

#include "control/sip/sip_headers.hpp"

namespace dialcore::control::sip {

TEST_CASE("a trunk proxy URI gives the Request-URI, To and From", "[sip][headers]") {
  const auto p = parse_proxy("sip:carrier.example:5080;transport=udp");
  REQUIRE(p);
  CHECK(request_uri(*p, "+4420") == "sip:+4420@carrier.example:5080;transport=udp");
  CHECK(to_header(*p, "+4420") == "<sip:+4420@carrier.example:5080>");
  CHECK(from_header(*p, "1234", false) == "<sip:1234@carrier.example:5080>");
  const auto with_user = parse_proxy("sips:trunk@10.0.0.1");
  REQUIRE(with_user);
  CHECK(request_uri(*with_user, "99") == "sips:99@10.0.0.1");
}

TEST_CASE("privacy id hides the From and asserts the CLI", "[sip][headers]") {
  const auto p = parse_proxy("sip:10.1.1.1");
  REQUIRE(p);
  CHECK(from_header(*p, "1234", true) == "\"Anonymous\" <sip:anonymous@anonymous.invalid>");
  CHECK(privacy_headers(*p, "1234") == "P-Asserted-Identity: <sip:1234@10.1.1.1>\r\nPrivacy: id");
}

TEST_CASE("bad proxies and user parts are refused", "[sip][headers]") {
  CHECK_FALSE(parse_proxy("tel:+4420"));
  CHECK_FALSE(parse_proxy("sip:"));
  CHECK_FALSE(parse_proxy("sip:a b"));
  CHECK(valid_user_part("+44-20.7_1*"));
  CHECK_FALSE(valid_user_part(""));
  CHECK_FALSE(valid_user_part("12@34"));
  CHECK_FALSE(valid_user_part("12>34"));
  CHECK_FALSE(valid_user_part(std::string(65, '1')));
}

TEST_CASE("digest credentials are written as nua_authenticate wants them", "[sip][headers]") {
  CHECK(digest_credentials("Digest", "\"carrier\"", "u", "p") == "Digest:\"carrier\":u:p");
  CHECK(digest_credentials("Digest", "carrier", "u", "p:q") == "Digest:\"carrier\":u:p:q");
}

}  // namespace dialcore::control::sip
