#pragma once
// A real dialcored on a temp directory with a kernel-chosen port, and JSON helpers, for the API
// tests. The daemon is killed when the fixture goes out of scope, also when a REQUIRE fails.

#include <boost/json.hpp>

#include <string>

#include "tests/support/daemon_process.hpp"
#include "tests/support/http_client.hpp"

namespace dialcore::test {

inline constexpr const char* kAdminToken = "test-admin-token-0123456789";

// The config body the tests use: strict lockout (3, until unlocked), one team, the pause
// reasons and wrap codes the schema needs, one seed agent.
// `extra` is appended at top level; `api_lines` (indented two spaces) continue the api: mapping
// DaemonProcess writes first.
inline std::string api_test_yaml(const std::string& extra = "", const std::string& api_lines = "") {
  return api_lines +
         "organisation:\n"
         "  lockout: {attempts: 3, duration_s: 0}\n"
         "pause_reasons:\n"
         "  - {code: break, name: Break}\n"
         "  - {code: auto, name: Auto Pause, auto_pause: true}\n"
         "wrap_codes:\n"
         "  - {code: sale, name: Sale, outcome: complete}\n"
         "teams:\n"
         "  - {id: sales, name: Sales}\n"
         "agents:\n"
         "  - {username: seeded.agent, first_name: Seed, last_name: Agent, teams: [sales],\n"
         "     connection: {mode: call-in}}\n" +
         extra;
}

struct ApiFixture {
  explicit ApiFixture(const std::string& yaml = api_test_yaml())
      : daemon(DIALCORE_DIALCORED, yaml, kAdminToken) {
    started = daemon.start();
  }
  HttpClient admin() const {
    HttpClient c(daemon.host(), daemon.port());
    c.set_token(kAdminToken);
    return c;
  }
  HttpClient anonymous() const { return HttpClient(daemon.host(), daemon.port()); }
  DaemonProcess daemon;
  bool started = false;
};

inline boost::json::value parse_json(const std::string& text) {
  boost::json::error_code ec;
  auto v = boost::json::parse(text, ec);
  return ec ? boost::json::value(nullptr) : v;
}

// The "error.code" of an error answer, "" when the body is not one.
inline std::string error_code(const HttpReply& r) {
  const auto v = parse_json(r.body);
  if (!v.is_object() || !v.as_object().contains("error")) return "";
  const auto& e = v.as_object().at("error");
  if (!e.is_object() || !e.as_object().contains("code")) return "";
  return std::string(e.as_object().at("code").as_string());
}

inline std::int64_t json_id(const HttpReply& r) {
  const auto v = parse_json(r.body);
  return v.is_object() && v.as_object().contains("id")
             ? v.as_object().at("id").to_number<std::int64_t>()
             : 0;
}

inline std::int64_t json_total(const HttpReply& r) {
  const auto v = parse_json(r.body);
  return v.is_object() && v.as_object().contains("total")
             ? v.as_object().at("total").to_number<std::int64_t>()
             : -1;
}

}  // namespace dialcore::test
