// The shipped files load and mean what they say; the embedded default is the file on disk.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "config/config_summary.hpp"
#include "config_test_support.hpp"

using namespace dialcore;
using dialcore::test::all_errors;

TEST_CASE("the embedded default is config/dialcore.yaml, byte for byte", "[config]") {
  std::ifstream in(test::config_path("dialcore.yaml"), std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  REQUIRE(!text.str().empty());
  CHECK(config::default_yaml() == text.str());
}

TEST_CASE("the embedded default loads: socket, loopback, API on 127.0.0.1:8080, ./data",
          "[config]") {
  const auto r = config::load_default(test::no_env());
  INFO(all_errors(r));
  REQUIRE(r.ok());
  const config::Config& c = *r.config;
  CHECK(c.dataplane.backend == config::Backend::Socket);
  CHECK(c.dataplane.addresses == std::vector<std::string>{"127.0.0.1"});
  CHECK(c.api.listen == config::Endpoint{"127.0.0.1", 8080, false});
  CHECK_FALSE(c.api.tls.has_value());
  CHECK(c.store.backend == config::StoreBackend::Sqlite);
  CHECK(config::resolve_data_path(c, c.store.sqlite_path) == "./data/dialcore.sqlite");
  CHECK(config::resolve_data_path(c, c.recording.directory) == "./data/recordings");
  CHECK(c.recording.flush_interval_ms <= 1000);
  CHECK(c.recording.file_mode == 0640);
  CHECK(c.pause_reasons.size() == 4);
  CHECK(c.wrap_codes.size() == 4);
  // Without a token anywhere the file is valid, with a warning naming the key.
  REQUIRE(r.warnings.size() == 1);
  CHECK(r.warnings[0].key == "api.admin_token");
}

TEST_CASE("the file defaults equal the struct defaults where the file restates them", "[config]") {
  // The default file documents the defaults; it must not drift from config.hpp.
  const auto file = config::load_default(test::no_env());
  const auto empty = test::load("{}");
  REQUIRE(file.ok());
  REQUIRE(empty.ok());
  CHECK(file.config->dataplane == empty.config->dataplane);
  CHECK(file.config->sip == empty.config->sip);
  CHECK(file.config->recording == empty.config->recording);
  CHECK(file.config->store == empty.config->store);
  CHECK(file.config->api == empty.config->api);
  CHECK(file.config->organisation == empty.config->organisation);
  CHECK(file.config->data_dir == empty.config->data_dir);
}

TEST_CASE("the contact-centre example loads with every section", "[config]") {
  const auto r =
      config::load_file(test::config_path("examples/contact-centre.yaml"), test::no_env());
  INFO(all_errors(r));
  REQUIRE(r.ok());
  const config::Config& c = *r.config;
  CHECK(c.dataplane.backend == config::Backend::Dpdk);
  CHECK(c.dataplane.workers == std::vector<int>{2, 3, 4, 5});
  CHECK(c.dataplane.dpdk.rx_checksum == config::RxChecksum::Trust);
  CHECK(c.dataplane.dpdk.eal_args.size() == 4);
  CHECK(c.dataplane.dpdk.device == "0000:03:00.0");
  CHECK(c.dataplane.dpdk.prefix_lengths == std::vector<int>{24});
  CHECK(c.dataplane.dpdk.gateway == "192.0.2.1");
  REQUIRE(c.sip.interfaces.size() == 2);
  CHECK(c.sip.interfaces[1].listen[1] == config::Endpoint{"2001:db8::10", 5060, true});
  REQUIRE(c.sip.trunks.size() == 1);
  CHECK(c.sip.trunks[0].auth->realm == "carrier-a.example");
  CHECK(c.sip.trunks[0].srtp == config::SrtpPolicy::Optional);
  CHECK(c.recording.path_layout == "{year}/{month}/{day}/{campaign}/{call_id}");
  CHECK(c.api.tls->key_file == "/etc/dialcore/api.key");
  CHECK(c.organisation.timezone == "Europe/London");
  CHECK(c.organisation.password_policy.min_length == 12);
  CHECK(c.organisation.lockout_duration_s == 0);
  REQUIRE(c.queues.size() == 2);
  CHECK(c.queues[0].overflow == config::OverflowAction::Queue);
  CHECK(c.queues[0].overflow_queue == "support-in");
  CHECK(c.queues[1].dids.size() == 2);
  REQUIRE(c.campaigns.size() == 3);
  const config::Campaign& winter = c.campaigns[0];
  CHECK(winter.dialler.strategy == config::DialStrategy::Predictive);
  CHECK(winter.dialler.min_idle_agents_inbound == 2);
  CHECK(winter.amd.enabled);
  CHECK(winter.amd.on_machine == config::MachineAction::Message);
  CHECK(winter.wrap_timer_s == 30);
  CHECK(winter.auto_wrap_code == "no-sale");
  CHECK(winter.calling_window_start == "09:00");
  CHECK(winter.retry.busy_s == 900);
  CHECK(c.campaigns[2].dialler.lines_per_agent == 2.5);
  CHECK(c.campaigns[2].abandon_ledger == config::AbandonLedger::Us);
  CHECK(c.campaigns[1].cli_order ==
        std::vector<config::CliSource>{config::CliSource::Organisation});
  REQUIRE(c.agents.size() == 2);
  CHECK(c.agents[0].role == config::Role::Supervisor);
  CHECK(c.agents[0].campaigns[0].priority == config::Priority::High);
  CHECK(c.agents[1].login_in_pause);
  CHECK(c.agents[0].permissions.receive_transfers_when_paused);
  CHECK(c.agents[1].connection_mode == config::ConnectionMode::CallIn);
  CHECK_FALSE(c.agents[1].persistent_connection);
  CHECK_FALSE(c.agents[1].permissions.agent_call);
  CHECK(c.agents[1].permissions.manual_call);  // default kept
  CHECK(c.agents[1].timezone == "Europe/Dublin");
  CHECK(c.agents[1].mask_sensitive_data);
  CHECK(config::summary_text(c) ==
        "dpdk, 4 workers, 2 sip interfaces, 1 trunk, 5 pause reasons, 8 wrap codes, 2 teams, "
        "2 queues, 3 campaigns, 2 agents");
}

TEST_CASE("the admin token comes from the file, else from DIALCORE_ADMIN_TOKEN", "[config]") {
  config::LoadOptions env;
  env.getenv = [](const char* name) -> std::optional<std::string> {
    if (std::string(name) == "DIALCORE_ADMIN_TOKEN") return "from-the-environment-123";
    return std::nullopt;
  };
  const auto from_env = config::load_string("{}", "t.yaml", env);
  REQUIRE(from_env.ok());
  CHECK(from_env.config->api.admin_token == "from-the-environment-123");
  CHECK(from_env.config->api.admin_token_from_env);
  CHECK(from_env.warnings.empty());
  const auto from_file =
      config::load_string("api: {admin_token: written-in-the-file-456}", "t.yaml", env);
  REQUIRE(from_file.ok());
  CHECK(from_file.config->api.admin_token == "written-in-the-file-456");
  CHECK_FALSE(from_file.config->api.admin_token_from_env);
}

TEST_CASE("the supervisor token comes from the file, else from DIALCORE_SUPERVISOR_TOKEN",
          "[config]") {
  config::LoadOptions env;
  env.getenv = [](const char* name) -> std::optional<std::string> {
    if (std::string(name) == "DIALCORE_SUPERVISOR_TOKEN") return "supervisor-from-env-123";
    return std::nullopt;
  };
  const auto from_env = config::load_string("api: {admin_token: the-admin-token-0123}", "t.yaml", env);
  REQUIRE(from_env.ok());
  CHECK(from_env.config->api.supervisor_token == "supervisor-from-env-123");
  const auto from_file = config::load_string(
      "api: {admin_token: the-admin-token-0123, supervisor_token: supervisor-in-the-file}",
      "t.yaml", env);
  REQUIRE(from_file.ok());
  CHECK(from_file.config->api.supervisor_token == "supervisor-in-the-file");
  const auto short_token = config::load_string("api: {supervisor_token: short}", "t.yaml", env);
  REQUIRE_FALSE(short_token.ok());
  CHECK(short_token.errors[0].key == "api.supervisor_token");
  const auto same = config::load_string(
      "api: {admin_token: the-same-token-0123, supervisor_token: the-same-token-0123}", "t.yaml",
      env);
  REQUIRE_FALSE(same.ok());
  CHECK(same.errors[0].key == "api.supervisor_token");
  CHECK(same.errors[0].message.find("admin token") != std::string::npos);
}

TEST_CASE("an empty document is all defaults", "[config]") {
  const auto r = test::load("");
  REQUIRE(r.ok());
  const config::Config defaults;
  CHECK(*r.config == defaults);
}

TEST_CASE("an unreadable file is an error naming the file", "[config]") {
  const auto r = config::load_file("/nonexistent/dialcore.yaml", test::no_env());
  REQUIRE(r.errors.size() == 1);
  CHECK(config::to_string(r.errors[0]).rfind("/nonexistent/dialcore.yaml: cannot read", 0) == 0);
}
