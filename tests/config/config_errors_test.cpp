// Every class of bad input names file, line, column and key (issue 6 acceptance).
#include <catch2/catch.hpp>

#include "config_test_support.hpp"

using namespace dialcore;
using test::all_errors;
using test::errors_at;
using test::load;

namespace {

// Exactly one error, at key, line and column, whose message contains `text`.
void expect_one(const std::string& yaml, const std::string& key, int line, int column,
                const std::string& text) {
  const auto r = load(yaml);
  INFO(all_errors(r));
  REQUIRE_FALSE(r.ok());
  CHECK_FALSE(r.config.has_value());
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].key == key);
  CHECK(r.errors[0].line == line);
  CHECK(r.errors[0].column == column);
  CHECK_THAT(r.errors[0].message, Catch::Contains(text));
}

const std::string kTeamsAndQueue =
    "teams:\n"
    "  - {id: sales, name: Sales}\n"
    "  - {id: support, name: Support}\n";

}  // namespace

TEST_CASE("the message format is file:line:column: key.path: message", "[config][errors]") {
  const auto r = load("dataplane:\n  workrs: [1]\n");
  REQUIRE(r.errors.size() == 1);
  CHECK(config::to_string(r.errors[0]) ==
        "test.yaml:2:3: dataplane.workrs: unknown key 'workrs' (did you mean 'workers'?)");
}

TEST_CASE("syntax errors give the position yaml-cpp found", "[config][errors]") {
  expect_one("dataplane:\n  workers: [1, 2\nsip: {}\n", "yaml", 3, 4, "flow");
  expect_one("api:\n  listen: a: b\n", "yaml", 2, 12, "map");
  expect_one("- a\n- b\n", "(document)", 1, 1, "expected a mapping, got a list");
}

TEST_CASE("unknown keys, with a suggestion when one is close", "[config][errors]") {
  expect_one("recording:\n  flush_intervall_ms: 100\n", "recording.flush_intervall_ms", 2, 3,
             "did you mean 'flush_interval_ms'?");
  expect_one("colour: blue\n", "colour", 1, 1, "unknown key 'colour'");
  const auto far = load("organisation:\n  zzzzzz: 1\n");
  REQUIRE(far.errors.size() == 1);
  CHECK_THAT(far.errors[0].message, !Catch::Contains("did you mean"));
  expect_one(kTeamsAndQueue + "  - {id: x, name: X, colour: red}\n", "teams[2].colour", 4, 22,
             "unknown key");
  expect_one("dataplane: {dpdk: {rx_checksums: trust}}\n", "dataplane.dpdk.rx_checksums", 1, 20,
             "did you mean 'rx_checksum'?");
}

TEST_CASE("a key given twice in one mapping", "[config][errors]") {
  expect_one("api:\n  listen: 127.0.0.1:1\n  listen: 127.0.0.1:2\n", "api.listen", 3, 3,
             "duplicate key (first at line 2)");
}

TEST_CASE("wrong types", "[config][errors]") {
  expect_one("dataplane:\n  workers: fast\n", "dataplane.workers", 2, 12,
             "expected a list, got a scalar");
  expect_one("dataplane:\n  legs_per_worker: lots\n", "dataplane.legs_per_worker", 2, 20,
             "expected an integer, got 'lots'");
  expect_one("organisation:\n  require_mfa: maybe\n", "organisation.require_mfa", 2, 16,
             "expected true or false");
  expect_one("dataplane:\n  pin_workers: maybe\n", "dataplane.pin_workers", 2, 16,
             "expected true or false");
  expect_one("recording: [a]\n", "recording", 1, 12, "expected a mapping, got a list");
  expect_one("api:\n  listen: {a: 1}\n", "api.listen", 2, 11, "expected a string, got a mapping");
  expect_one("dataplane:\n  workers: [1, x]\n", "dataplane.workers[1]", 2, 16,
             "expected an integer, got 'x'");
  expect_one("dataplane:\n  backend: kernel\n", "dataplane.backend", 2, 12,
             "'kernel' is not one of socket, dpdk");
  expect_one("recording:\n  format: wav_stereo\n", "recording.format", 2, 11,
             "did you mean 'wav-stereo'?");
}

TEST_CASE("out-of-range values", "[config][errors]") {
  expect_one("dataplane:\n  legs_per_worker: 5\n", "dataplane.legs_per_worker", 2, 20,
             "5 is out of range [16, 1048576]");
  expect_one("recording:\n  sample_rate_hz: 11025\n", "recording.sample_rate_hz", 2, 19,
             "must be 8000 or 16000");
  expect_one("dataplane:\n  idle_sleep_us: 500\n", "dataplane.idle_sleep_us", 2, 18,
             "500 is out of range [0, 200]");
  expect_one("dataplane:\n  rtp_port_first: 20001\n", "dataplane.rtp_port_first", 2, 19,
             "must be even");
  expect_one("dataplane:\n  rtp_port_first: 30000\n  rtp_port_last: 20000\n",
             "dataplane.rtp_port_last", 3, 18, "must be above");
  expect_one("dataplane:\n  legs_per_worker: 99999999999999999999\n", "dataplane.legs_per_worker",
             2, 20, "out of range");
  expect_one("api:\n  listen: 127.0.0.1:70000\n", "api.listen", 2, 11, "port '70000'");
  expect_one("api:\n  listen: 300.0.0.1:80\n", "api.listen", 2, 11, "not an IPv4 or IPv6");
  expect_one("recording:\n  file_mode: \"0644\"\n", "recording.file_mode", 2, 14,
             "others get nothing");
  expect_one("recording:\n  path_layout: \"{date}/{campain}/{call_id}\"\n", "recording.path_layout",
             2, 16, "unknown placeholder '{campain}'");
  expect_one("sip:\n  timers: {session_expires_s: 30}\n", "sip.timers.session_expires_s", 2, 31,
             "Min-SE");
  expect_one("organisation:\n  default_cli: \"12ab\"\n", "organisation.default_cli", 2, 16,
             "not a phone number");
}

TEST_CASE("time zones are checked against the zoneinfo database", "[config][errors]") {
  expect_one("organisation:\n  timezone: Europe/Lundon\n", "organisation.timezone", 2, 13,
             "not an IANA time zone");
  expect_one("organisation:\n  timezone: ../../etc/passwd\n", "organisation.timezone", 2, 13,
             "not an IANA time zone");
  CHECK(load("organisation:\n  timezone: America/New_York\n").ok());
}

TEST_CASE("missing required keys are reported at their mapping", "[config][errors]") {
  expect_one("teams:\n  - {id: sales}\n", "teams[0].name", 2, 5, "missing required key 'name'");
  expect_one("campaigns:\n  - id: c1\n    name: C\n    teams: []\n", "campaigns[0].dialler", 2, 5,
             "missing required key 'dialler'");
  expect_one("api:\n  tls: {cert_file: a.crt}\n", "api.tls.key_file", 2, 8,
             "missing required key 'key_file'");
}

TEST_CASE("duplicate ids", "[config][errors]") {
  expect_one(kTeamsAndQueue + "  - {id: sales, name: Again}\n", "teams[2].id", 4, 10,
             "duplicate id 'sales' (also teams[0], line 2)");
  expect_one(
      "wrap_codes:\n  - {code: a, name: A, hotkey: \"1\"}\n"
      "  - {code: b, name: B, hotkey: \"1\"}\n",
      "wrap_codes[1].hotkey", 3, 32, "duplicate hotkey '1'");
}

TEST_CASE("dangling references name what is missing", "[config][errors]") {
  expect_one(kTeamsAndQueue + "queues:\n  - {id: q1, name: Q, teams: [sales, salse]}\n",
             "queues[0].teams[1]", 5, 38, "unknown team 'salse' (did you mean 'sales'?)");
  expect_one(kTeamsAndQueue +
                 "queues:\n  - {id: q1, name: Q, teams: [sales], overflow: queue,"
                 " overflow_queue: q2}\n",
             "queues[0].overflow_queue", 5, 72, "unknown queue 'q2'");
  expect_one(kTeamsAndQueue +
                 "campaigns:\n  - {id: c1, name: C, teams: [sales], trunk: carrier,"
                 " dialler: {strategy: preview}}\n",
             "campaigns[0].trunk", 5, 46, "unknown sip trunk 'carrier'");
  expect_one(
      "sip:\n  interfaces: [{name: agents, role: agent, listen: [\"127.0.0.1:0\"]}]\n"
      "  trunks: [{id: t, interface: agents, proxy: \"sip:p.example\"}]\n",
      "sip.trunks[0].interface", 3, 31, "has role agent, not trunk");
  expect_one(
      "agents:\n  - {username: a.smith, first_name: A, last_name: S,"
      " campaigns: [{id: nope}]}\n",
      "agents[0].campaigns[0].id", 2, 71, "unknown campaign 'nope'");
}

TEST_CASE("rules across keys", "[config][errors]") {
  const std::string campaign = kTeamsAndQueue +
                               "wrap_codes: [{code: sale, name: Sale}, {code: nosale, name: N}]\n"
                               "campaigns:\n  - id: c1\n    name: C\n    teams: [sales]\n";
  CHECK(load(campaign + "    dialler: {strategy: power, lines_per_agent: 2}\n").ok());
  expect_one(campaign + "    dialler: {strategy: preview, lines_per_agent: 2}\n",
             "campaigns[0].dialler.lines_per_agent", 9, 51, "applies only to strategy power");
  expect_one(campaign + "    dialler: {strategy: power}\n    wrap: {timer_s: 30}\n",
             "campaigns[0].wrap.timer_s", 10, 21, "auto-wrap needs auto_wrap_code");
  expect_one(campaign +
                 "    dialler: {strategy: power}\n"
                 "    wrap: {timer_s: 30, auto_wrap_code: nosale, codes: [sale]}\n",
             "campaigns[0].wrap.auto_wrap_code", 10, 41,
             "unknown wrap code of this campaign 'nosale'");
  expect_one("pause_reasons:\n  - {code: a, name: A}\n", "pause_reasons", 2, 3,
             "exactly one pause reason needs auto_pause");
  expect_one("store:\n  backend: postgres\n", "store.backend", 2, 12, "not supported yet");
  expect_one(kTeamsAndQueue + "queues:\n  - {id: q1, name: Q, teams: [sales], dids: [\"+44\"]}\n",
             "queues[0].dids[0]", 5, 46, "not a phone number");
}

TEST_CASE("every error in a file is reported, not only the first", "[config][errors]") {
  const auto r = load(
      "dataplane:\n  workrs: [1]\n  legs_per_worker: 1\n"
      "api:\n  listen: nowhere\n"
      "teams:\n  - {id: t}\n");
  INFO(all_errors(r));
  CHECK(r.errors.size() == 4);
  CHECK(errors_at(r, "dataplane.workrs").size() == 1);
  CHECK(errors_at(r, "dataplane.legs_per_worker").size() == 1);
  CHECK(errors_at(r, "api.listen").size() == 1);
  CHECK(errors_at(r, "teams[0].name").size() == 1);
}

TEST_CASE("required strings must not be empty, fractions are checked too", "[config][errors]") {
  expect_one("teams:\n  - {id: \"\", name: T}\n", "teams[0].id", 2, 10, "must not be empty");
  expect_one("teams:\n  - {id: t, name: ''}\n", "teams[0].name", 2, 19, "must not be empty");
  expect_one(
      "campaigns:\n  - {id: c, name: C, teams: [], dialler: {strategy: power,"
      " lines_per_agent: 12.5}}\n",
      "campaigns[0].dialler.lines_per_agent", 2, 77, "12.5 is out of range [1, 10]");
}

TEST_CASE("sip.realm and the registration bounds", "[config][errors]") {
  const auto ok = load("sip:\n  realm: pbx.example\n  timers: {register_min_expires_s: 5}\n");
  INFO(all_errors(ok));
  REQUIRE(ok.ok());
  CHECK(ok.config->sip.realm == "pbx.example");
  CHECK(ok.config->sip.timers.register_min_expires_s == 5);
  CHECK(load("sip: {}\n").config->sip.realm == "dialcore");
  expect_one("sip:\n  realm: 'a\"b'\n", "sip.realm", 2, 10, "quotes");
  expect_one("sip:\n  timers: {register_min_expires_s: 120, register_expires_s: 60}\n",
             "sip.timers.register_min_expires_s", 2, 36, "must not exceed");
}

TEST_CASE("agent voice keys: call-in numbers and the agent phone trunk are checked",
          "[config][errors]") {
  const std::string trunk =
      "sip:\n  interfaces:\n    - {name: carriers, role: trunk, listen: ['127.0.0.1:5060']}\n"
      "  trunks:\n    - {id: carrier, interface: carriers, proxy: 'sip:192.0.2.1:5060'}\n";
  const auto ok = load(trunk + "organisation:\n  call_in_numbers: ['442070000001']\n"
                               "  agent_phone_trunk: carrier\n");
  INFO(all_errors(ok));
  REQUIRE(ok.ok());
  CHECK(ok.config->organisation.call_in_numbers == std::vector<std::string>{"442070000001"});
  CHECK(ok.config->organisation.agent_phone_trunk == "carrier");

  const auto bad_number = load("organisation:\n  call_in_numbers: ['12ab']\n");
  CHECK(errors_at(bad_number, "organisation.call_in_numbers[0]").size() == 1);
  const auto bad_trunk = load("organisation:\n  agent_phone_trunk: nowhere\n");
  REQUIRE(errors_at(bad_trunk, "organisation.agent_phone_trunk").size() == 1);
  CHECK_THAT(errors_at(bad_trunk, "organisation.agent_phone_trunk")[0].message,
             Catch::Contains("unknown trunk"));
  const auto clash = load(kTeamsAndQueue +
                          "queues:\n  - {id: q1, name: Q1, teams: [sales], dids: ['442070000001']}\n"
                          "organisation:\n  call_in_numbers: ['442070000001']\n");
  REQUIRE(errors_at(clash, "organisation.call_in_numbers[0]").size() == 1);
  CHECK_THAT(errors_at(clash, "organisation.call_in_numbers[0]")[0].message,
             Catch::Contains("already routes to"));
}

TEST_CASE("amd: message needs a prompt, and the word-counting keys load with a warning",
          "[config][errors][amd]") {
  const std::string campaign = kTeamsAndQueue +
                               "campaigns:\n  - id: c1\n    name: C\n    teams: [sales]\n"
                               "    dialler: {strategy: power}\n";
  expect_one(campaign + "    amd: {enabled: true, on_machine: message}\n",
             "campaigns[0].amd.on_machine", 9, 38, "names no prompt to leave");
  const auto ok = load(campaign +
                       "    amd: {enabled: true, on_machine: message, message_prompt: m.wav}\n");
  INFO(all_errors(ok));
  REQUIRE(ok.ok());
  CHECK(ok.config->campaigns[0].amd.message_prompt == "m.wav");
  CHECK(ok.warnings.size() == 1);  // the admin token only
  const auto old = load(campaign + "    amd: {enabled: true, max_words: 4,\n"
                                   "          between_words_silence_ms: 60}\n");
  INFO(all_errors(old));
  REQUIRE(old.ok());
  std::size_t deprecated = 0;
  for (const auto& w : old.warnings) {
    if (w.message.find("deprecated and ignored") != std::string::npos) {
      ++deprecated;
      CHECK((w.key == "campaigns[0].amd.max_words" ||
             w.key == "campaigns[0].amd.between_words_silence_ms"));
    }
  }
  CHECK(deprecated == 2);
}
