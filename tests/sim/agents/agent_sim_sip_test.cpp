// dialcore-agent-sim's handsets against the real registrar: dialcored with an agent SIP
// interface and agents (SIP usernames and passwords) created over its admin API; the simulator
// REGISTERs with digest (401 challenge, then 200), a wrong password is refused (403, counted,
// exit 1 with a clear error); sipp as a caller INVITEs the simulator's contact straight, with
// RTP echoed back (-rtp_echo): the call is answered, RTP flows both ways, a re-INVITE to hold
// is answered, the caller's BYE ends it; SIGTERM un-REGISTERs. In a private network namespace
// (the SIP tests' harness), label e2e.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/control/sip/sip_test_support.hpp"
#include "tests/control/sip/sipp_scenarios.hpp"
#include "tests/daemon/daemon_yaml.hpp"
#include "tests/support/daemon_process.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/sim_process.hpp"

using namespace dialcore::test;
namespace json = boost::json;

namespace {

constexpr const char* kToken = "test-admin-token-0123456789";
constexpr std::uint16_t kCallerPort = 5090;   // inside the private namespace
constexpr std::uint16_t kEchoPort = 16000;    // sipp's RTP echo, same

const std::string kAgentSipYaml =
    "sip:\n"
    "  interfaces:\n"
    "    - {name: agents, role: agent, listen: [\"127.0.0.1:0\"]}\n";

unsigned logged_agent_port(const std::string& log) {
  const std::string key = "sip: interface agents (agent) listening on ";
  const auto at = log.rfind(key);  // the last start's
  if (at == std::string::npos) return 0;
  const auto port_at = log.find(" port ", at + key.size());
  return port_at == std::string::npos ? 0 : static_cast<unsigned>(std::stoul(log.substr(port_at + 6)));
}

std::int64_t create_team(HttpClient& admin) {
  const auto r = admin.post("/api/v1/teams", R"({"name":"Simulated"})");
  INFO(r.body);
  REQUIRE(r.status == 201);
  return json::parse(r.body).at("id").to_number<std::int64_t>();
}

void create_agent(HttpClient& admin, std::int64_t team, const std::string& user, const std::string& sip_password) {
  const auto r = admin.post("/api/v1/agents",
                            json::serialize(json::object{{"username", user},
                                                         {"first_name", user},
                                                         {"last_name", "Sim"},
                                                         {"connection_mode", "call_in"},
                                                         {"teams", json::array{team}},
                                                         {"sip_username", user},
                                                         {"sip_password", sip_password}}));
  INFO(r.body);
  REQUIRE(r.status == 201);
}

json::object agent_json(const SimProcess& sim, const std::string& login) {
  const auto v = json::parse(sim.json_line());
  for (const auto& a : v.at("agents").as_array()) {
    if (a.at("agent").as_string() == login) return a.as_object();
  }
  FAIL("no agent " << login << " in " << sim.json_line());
  return {};
}

std::string read_text(const std::string& path) {
  std::ifstream f(path);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

std::int64_t num(const json::object& o, const char* key) { return o.at(key).to_number<std::int64_t>(); }

// A caller that reaches the agent's handset straight: INVITE (our SDP, RTP echoed by sipp) →
// 200 → ACK, 1.5 s of media, re-INVITE with a=sendonly (hold) → 200 → ACK, then BYE → 200.
std::string caller_with_hold(const std::string& user) {
  using namespace scenarios;
  const std::string line = " sip:" + user + "@[remote_ip]:[remote_port] SIP/2.0\n"
                           "Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]\n"
                           "From: <sip:caller@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]\n";
  const std::string dialog = "To: <sip:" + user + "@[remote_ip]:[remote_port]>[peer_tag_param]\n"
                             "Call-ID: [call_id]\nMax-Forwards: 70\n";
  const std::string contact = "Contact: <sip:caller@[local_ip]:[local_port]>\n";
  const std::string sdp_head = "Content-Type: application/sdp\nContent-Length: [len]\n\n";
  return wrap(
      "  <send retrans=\"500\"><![CDATA[\n\nINVITE" + line + "To: <sip:" + user +
      "@[remote_ip]:[remote_port]>\nCall-ID: [call_id]\nMax-Forwards: 70\nCSeq: 1 INVITE\n" + contact +
      sdp_head + kSdpBody + "]]></send>\n"
      "  <recv response=\"100\" optional=\"true\"/>\n  <recv response=\"180\" optional=\"true\"/>\n"
      "  <recv response=\"200\" rtd=\"true\"/>\n" +
      send("ACK" + line + dialog + "CSeq: 1 ACK\nContent-Length: 0\n") +
      "  <pause milliseconds=\"1500\"/>\n" +
      send("INVITE" + line + dialog + "CSeq: 2 INVITE\n" + contact + sdp_head + kSdpBody + "a=sendonly\n") +
      "  <recv response=\"100\" optional=\"true\"/>\n  <recv response=\"200\"/>\n" +
      send("ACK" + line + dialog + "CSeq: 2 ACK\nContent-Length: 0\n") +
      "  <pause milliseconds=\"300\"/>\n" +
      send("BYE" + line + dialog + "CSeq: 3 BYE\nContent-Length: 0\n") + "  <recv response=\"200\"/>\n");
}

struct Registrar {
  Registrar() : daemon(DIALCORE_DIALCORED, dataplane_yaml() + kAgentSipYaml, kToken) {
    REQUIRE(daemon.start());
    HttpClient admin(daemon.host(), daemon.port());
    admin.set_token(kToken);
    const auto team = create_team(admin);
    create_agent(admin, team, "ann", "handset-pass-1");
    create_agent(admin, team, "bob", "handset-pass-2");
    // The registrar gets HA1 snapshots at start (and every 5 s): restart instead of waiting.
    REQUIRE(daemon.stop() == 0);
    REQUIRE(daemon.start());
    port = logged_agent_port(daemon.stderr_text());
    INFO(daemon.stderr_text());
    REQUIRE(port != 0);
  }
  std::string sip() const { return "127.0.0.1:" + std::to_string(port); }
  DaemonProcess daemon;
  unsigned port = 0;
};

}  // namespace

TEST_CASE("handsets register with digest, take a call with RTP both ways and hold, un-register", "[agents][sip]") {
  enter_private_netns();
  Registrar reg;
  TempDir dir;
  SimProcess sim({DIALCORE_AGENT_SIM, "--sip", reg.sip(), "--agents", "ann:ann:handset-pass-1,bob:bob:handset-pass-2",
                  "--listen", "127.0.0.1:0", "--expires", "30", "--json", "--capture-dir", dir.path().string(),
                  "--verbose"},
                 dir.file("sim.log"));
  const std::string contact = "127.0.0.1:" + std::to_string(sim.sip_port());

  Sipp caller(dir, {"-sf", write_scenario(dir, "caller", caller_with_hold("ann")), "-i", "127.0.0.1", "-nostdin",
                    "-timeout", "20s", "-timeout_error", "-p", std::to_string(kCallerPort), "-mp",
                    std::to_string(kEchoPort), "-rtp_echo", "-m", "1", contact});
  const int caller_status = caller.wait();
  INFO(caller.log());
  CHECK(caller_status == 0);  // 200, the hold answered, BYE answered

  sim.terminate();
  const int status = sim.wait();
  INFO(sim.output());
  INFO(read_text(dir.file("sim.log")));
  REQUIRE(status == 0);
  const auto ann = agent_json(sim, "ann");
  const auto bob = agent_json(sim, "bob");
  for (const auto* a : {&ann, &bob}) {
    const auto& r = a->at("register").as_object();
    CHECK(num(r, "challenged_401") >= 1);  // the registrar's digest challenge, answered
    CHECK(num(r, "ok") >= 1);
    CHECK(num(r, "forbidden_403") == 0);
    CHECK(num(r, "unregistered") == 1);  // SIGTERM: Expires 0, answered 200
  }
  CHECK(num(ann, "calls_offered") == 1);
  CHECK(num(ann, "calls_answered") == 1);
  CHECK(num(ann, "auto_answer_headers") == 0);  // sipp sends none: answered all the same
  CHECK(num(ann, "reinvites") == 1);
  CHECK(num(ann, "holds") == 1);
  CHECK(num(ann, "byes_received") == 1);
  CHECK(num(ann, "byes_sent") == 0);
  // About 1.8 s of media at 50 packets a second, stopped while held; sipp echoes what we send.
  CHECK(num(ann, "rtp_tx") >= 50);
  CHECK(num(ann, "rtp_tx") <= 120);
  CHECK(num(ann, "rtp_rx") >= 40);
  CHECK(ann.at("first_rtp_rx_ms_median").to_number<double>() > 0);
  CHECK(ann.at("first_rtp_rx_ms_median").to_number<double>() < 1000);
  CHECK(ann.at("talk_seconds").to_number<double>() > 1.5);
  CHECK(num(ann, "captures") == 1);
  CHECK(std::filesystem::file_size(dir.path() / "ann-1.wav") > 44 + 2 * 8000);  // > 1 s heard
  CHECK(num(bob, "calls_offered") == 0);
  CHECK(num(bob, "rtp_tx") == 0);
  const auto total = json::parse(sim.json_line()).at("total").as_object();
  CHECK(num(total, "registered") == 0);  // both un-registered at the end
  CHECK(num(total, "calls_answered") == 1);
  CHECK(num(total, "errors") == 0);
}

TEST_CASE("a wrong SIP password is refused by the registrar: counted, a clear error, exit 1", "[agents][sip]") {
  enter_private_netns();
  Registrar reg;
  TempDir dir;
  SimProcess sim({DIALCORE_AGENT_SIM, "--sip", reg.sip(), "--agents", "ann:ann:handset-pass-1,bob:bob:wrong-pass",
                  "--json"},
                 dir.file("sim.log"));
  const int status = sim.wait(std::chrono::seconds(20));
  const std::string log = read_text(dir.file("sim.log"));
  INFO(sim.output());
  INFO(log);
  CHECK(status == 1);
  CHECK(log.find("REGISTER failed for bob (403: wrong SIP credentials)") != std::string::npos);
  const auto ann = agent_json(sim, "ann");
  const auto bob = agent_json(sim, "bob");
  CHECK(num(ann.at("register").as_object(), "ok") == 1);
  CHECK(num(ann.at("register").as_object(), "unregistered") == 1);  // ended cleanly all the same
  CHECK(num(bob.at("register").as_object(), "forbidden_403") == 1);
  CHECK(num(bob.at("register").as_object(), "ok") == 0);
  CHECK(bob.at("registered").as_bool() == false);
}
