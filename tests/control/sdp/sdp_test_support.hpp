#pragma once
// Helpers for the SDP tests: fixture bodies, an independent validity check by sofia-sip's
// parser in strict mode, and a LocalMedia for our side.

#include <sofia-sip/sdp.h>
#include <sofia-sip/su_alloc.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "control/sdp/local_media.hpp"
#include "tests/support/fixtures.hpp"

namespace dialcore::test {

// tests/fixtures/sdp/NAME with CRLF line ends (the files are stored with LF).
inline std::string sdp_fixture(const std::string& name) {
  std::ifstream in(fixture_path("sdp/" + name), std::ios::binary);
  if (!in) throw std::runtime_error("missing fixture sdp/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string out;
  for (char c : ss.str()) {
    if (c == '\n' && (out.empty() || out.back() != '\r')) out += '\r';
    out += c;
  }
  return out;
}

// sofia-sip's own verdict in strict mode: empty when the body is valid SDP.
inline std::string sofia_strict_error(const std::string& body) {
  su_home_t home[1] = {};
  su_home_init(home);
  sdp_parser_t* p = sdp_parse(home, body.data(), static_cast<issize_t>(body.size()), sdp_f_strict);
  const char* err = sdp_parsing_error(p);
  std::string out = err != nullptr ? err : "";
  sdp_parser_free(p);
  su_home_deinit(home);
  return out;
}

inline control::sdp::LocalMedia local_v4(std::uint16_t port = 30000) {
  control::sdp::LocalMedia l;
  l.address = dataplane::NetAddress::v4(203, 0, 113, 5, port);
  for (std::size_t i = 0; i < l.srtp_key_material.size(); ++i) {
    l.srtp_key_material[i] = static_cast<std::uint8_t>(0xA0 + i);
  }
  return l;
}

}  // namespace dialcore::test
