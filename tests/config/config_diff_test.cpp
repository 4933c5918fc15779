// Reload: diff() separates keys that need a restart from keys applied live.
#include <catch2/catch.hpp>

#include <algorithm>
#include <functional>

#include "config/config_diff.hpp"
#include "config_test_support.hpp"

using namespace dialcore;

namespace {

config::Config example() {
  auto r = config::load_file(test::config_path("examples/contact-centre.yaml"), test::no_env());
  REQUIRE(r.ok());
  return *r.config;
}

bool contains(const std::vector<std::string>& keys, const std::string& key) {
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

using Edit = std::function<void(config::Config&)>;

// Each edit changes one key of the example: diff() reports exactly that key, in the list of its
// kind only; and the edits cover that kind's whole table.
void check_each_alone(const std::vector<std::pair<std::string, Edit>>& edits, bool restart) {
  const auto base = example();
  const auto table = restart ? config::restart_keys() : config::live_keys();
  for (const auto& [key, edit] : edits) {
    INFO(key);
    auto changed = base;
    edit(changed);
    const auto d = config::diff(base, changed);
    CHECK((restart ? d.restart : d.live) == std::vector<std::string>{key});
    CHECK((restart ? d.live : d.restart).empty());
    CHECK(contains(table, key));
  }
  CHECK(edits.size() == table.size());
}

}  // namespace

TEST_CASE("identical configurations differ in nothing", "[config][diff]") {
  const auto c = example();
  CHECK(config::diff(c, c).empty());
  CHECK_FALSE(config::diff(c, c).needs_restart());
}

TEST_CASE("each restart key is reported as such, alone", "[config][diff]") {
  const std::vector<std::pair<std::string, Edit>> edits = {
      {"data_dir", [](auto& c) { c.data_dir = "/srv/dialcore"; }},
      {"dataplane.backend", [](auto& c) { c.dataplane.backend = config::Backend::Socket; }},
      {"dataplane.workers", [](auto& c) { c.dataplane.workers.push_back(7); }},
      {"dataplane.pin_workers",
       [](auto& c) { c.dataplane.pin_workers = !c.dataplane.pin_workers; }},
      {"dataplane.idle_sleep_us", [](auto& c) { c.dataplane.idle_sleep_us = 7; }},
      {"dataplane.addresses", [](auto& c) { c.dataplane.addresses.pop_back(); }},
      {"dataplane.rtp_port_first", [](auto& c) { c.dataplane.rtp_port_first = 10000; }},
      {"dataplane.rtp_port_last", [](auto& c) { c.dataplane.rtp_port_last = 40000; }},
      {"dataplane.legs_per_worker", [](auto& c) { c.dataplane.legs_per_worker = 100; }},
      {"dataplane.dpdk",
       [](auto& c) { c.dataplane.dpdk.rx_checksum = config::RxChecksum::Verify; }},
      {"sip.interfaces", [](auto& c) { c.sip.interfaces[0].listen[0].port = 5080; }},
      {"sip.timers", [](auto& c) { c.sip.timers.t1_ms = 1000; }},
      {"sip.realm", [](auto& c) { c.sip.realm = "pbx.example"; }},
      {"recording.cores",
       [](auto& c) {
         c.recording.cores = {6, 7};
       }},
      {"store", [](auto& c) { c.store.sqlite_path = "other.sqlite"; }},
      {"api.listen", [](auto& c) { c.api.listen.port = 9443; }},
      {"api.tls", [](auto& c) { c.api.tls.reset(); }},
  };
  check_each_alone(edits, /*restart=*/true);
}

TEST_CASE("live keys are applied on reload, without a restart", "[config][diff]") {
  const std::vector<std::pair<std::string, Edit>> edits = {
      {"dataplane.no_rtp_timeout_ms", [](auto& c) { c.dataplane.no_rtp_timeout_ms = 5000; }},
      {"sip.trunks", [](auto& c) { c.sip.trunks[0].max_cps = 5; }},
      {"recording.directory", [](auto& c) { c.recording.directory = "rec"; }},
      {"recording.path_layout", [](auto& c) { c.recording.path_layout.append("-{agent}"); }},
      {"recording.format", [](auto& c) { c.recording.format = config::RecordingFormat::Opus; }},
      {"recording.sample_rate_hz", [](auto& c) { c.recording.sample_rate_hz = 16000; }},
      {"recording.flush_interval_ms", [](auto& c) { c.recording.flush_interval_ms = 100; }},
      {"recording.file_mode", [](auto& c) { c.recording.file_mode = 0600; }},
      {"api.admin_token", [](auto& c) { c.api.admin_token = "a-new-token-0123456789"; }},
      {"api.supervisor_token", [](auto& c) { c.api.supervisor_token = "a-supervisor-0123456"; }},
      {"api.max_body_bytes", [](auto& c) { c.api.max_body_bytes = 2048; }},
      {"api.login_rate_limit.max_attempts", [](auto& c) { c.api.login_max_attempts = 3; }},
      {"api.login_rate_limit.window_s", [](auto& c) { c.api.login_window_s = 10; }},
      {"organisation", [](auto& c) { c.organisation.inactivity_days = 30; }},
      {"pause_reasons", [](auto& c) { c.pause_reasons.pop_back(); }},
      {"wrap_codes", [](auto& c) { c.wrap_codes[0].hotkey.clear(); }},
      {"teams", [](auto& c) { c.teams[0].name.push_back('!'); }},
      {"queues", [](auto& c) { c.queues[1].strategy = config::QueueStrategy::Random; }},
      {"campaigns", [](auto& c) { c.campaigns[0].abandon_target_percent = 2.0; }},
      {"agents", [](auto& c) { c.agents[0].auto_answer = true; }},
  };
  check_each_alone(edits, /*restart=*/false);
}

TEST_CASE("a mixed change lists both kinds, and reloading from YAML text works", "[config][diff]") {
  const auto a = test::load("dataplane: {workers: [0]}\nqueues: []\n");
  const auto b = test::load(
      "dataplane: {workers: [0, 1]}\n"
      "teams: [{id: t, name: T}]\n"
      "organisation: {inactivity_days: 10}\n");
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  const auto d = config::diff(*a.config, *b.config);
  CHECK(d.restart == std::vector<std::string>{"dataplane.workers"});
  CHECK(d.live == std::vector<std::string>{"organisation", "teams"});
}
