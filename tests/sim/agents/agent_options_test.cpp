// dialcore-agent-sim's pure pieces: the agent list, weighted wrap codes (inline and YAML), the
// command line's refusals, the handset audio, and the summary's medians and JSON. Label agent.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <cmath>
#include <fstream>

#include "sim/agents/handset_audio.hpp"
#include "sim/agents/options.hpp"
#include "sim/agents/summary.hpp"
#include "tests/control/temp_dir.hpp"

using namespace dialcore::sim::agents;

namespace {

std::optional<Options> parse(std::vector<std::string> args, std::string& message) {
  args.insert(args.begin(), "dialcore-agent-sim");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  bool help = false;
  return parse_options(static_cast<int>(argv.size()), argv.data(), message, help);
}

}  // namespace

TEST_CASE("agent lists: inline, one a line with comments, and their errors", "[agents]") {
  const auto a = parse_agents("ann:ann-phone:pw1, bob:bob:pw2:api-pw");
  REQUIRE(a.size() == 2);
  CHECK(a[0].login == "ann");
  CHECK(a[0].sip_user == "ann-phone");
  CHECK(a[0].sip_password == "pw1");
  CHECK(a[0].api_password == "pw1");  // the SIP password when no API password is given
  CHECK(a[1].api_password == "api-pw");
  CHECK(parse_agents("# agents\nann:a:p\n\nbob:b:q\n").size() == 2);
  CHECK_THROWS_WITH(parse_agents("ann:a"), Catch::Contains("login:sip_user:password"));
  CHECK_THROWS_WITH(parse_agents("ann:a:p,ann:b:q"), Catch::Contains("listed twice"));
  CHECK_THROWS_WITH(parse_agents(""), Catch::Contains("no agents"));
}

TEST_CASE("wrap codes: weights inline or from YAML, refused when unusable", "[agents]") {
  const auto c = parse_wrap_codes("sale:3,no_sale, callback:0.5");
  REQUIRE(c.size() == 3);
  CHECK(c[0].weight == 3);
  CHECK(c[1].code == "no_sale");
  CHECK(c[1].weight == 1);
  CHECK(c[2].weight == 0.5);
  dialcore::test::TempDir dir;
  std::ofstream(dir.file("codes.yaml")) << "sale: 2\nno_sale: 1\n";
  std::ofstream(dir.file("list.yaml")) << "- sale\n- dnc\n";
  std::ofstream(dir.file("bad.yaml")) << "sale: lots\n";
  const auto y = parse_wrap_codes(dir.file("codes.yaml"));
  REQUIRE(y.size() == 2);
  CHECK(y[0].code == "sale");
  CHECK(y[0].weight == 2);
  CHECK(parse_wrap_codes(dir.file("list.yaml")).size() == 2);
  CHECK_THROWS_WITH(parse_wrap_codes(dir.file("bad.yaml")), Catch::Contains("a number (the weight)"));
  CHECK_THROWS_WITH(parse_wrap_codes("sale:x"), Catch::Contains("code[:weight]"));
  CHECK_THROWS_WITH(parse_wrap_codes("sale:0"), Catch::Contains("none with a weight"));
}

TEST_CASE("the command line: what it needs and what it refuses", "[agents]") {
  std::string m;
  auto o = parse({"--agents", "a:b:c", "--api", "http://127.0.0.1:8080", "--wrap-s", "2", "--pause-s", "1:4",
                  "--pause-prob", "0.25", "--sip", "[::1]:5070"},
                 m);
  REQUIRE(o);
  CHECK(o->wrap_s.min == 2);
  CHECK(o->wrap_s.max == 2);
  CHECK(o->pause_s.max == 4);
  CHECK(o->pause_prob == 0.25);
  CHECK(o->sip_host == "::1");
  CHECK(o->sip_port == 5070);
  CHECK_FALSE(parse({"--api", "http://x:1"}, m));
  CHECK(m.find("--agents is required") == 0);
  CHECK_FALSE(parse({"--agents", "a:b:c"}, m));
  CHECK(m.find("--api or --sip") == 0);
  CHECK_FALSE(parse({"--agents", "a:b:c", "--api", "ftp://x"}, m));
  CHECK(m.find("--api: http://HOST:PORT expected") == 0);
  CHECK_FALSE(parse({"--agents", "a:b:c", "--sip", "h:1", "--pause-prob", "2"}, m));
  CHECK(m.find("--pause-prob: a probability") == 0);
  CHECK_FALSE(parse({"--agents", "a:b:c", "--sip", "h:1", "--wrap-s", "3:1"}, m));
  CHECK_FALSE(parse({"--agents", "a:b:c", "--sip", "h"}, m));
  CHECK_FALSE(parse({"--agents", "a:b:c", "--sip", "h:1", "--voice", "pigeon"}, m));
  CHECK_FALSE(parse({"--agents", "a:b:c", "--sip", "h:1", "--bogus", "1"}, m));
  CHECK(m.find("--bogus: unknown option") == 0);
}

TEST_CASE("handset audio: speech-like phrases with pauses, a tone, a refused file", "[agents]") {
  HandsetAudio speech("speech");
  std::vector<std::int16_t> pcm(16000);  // 2 s: one phrase and one pause
  for (std::size_t i = 0; i < pcm.size(); i += 160) speech.next(std::span(pcm).subspan(i, 160));
  auto rms = [&](std::size_t from, std::size_t to) {
    double e = 0;
    for (std::size_t i = from; i < to; ++i) e += double(pcm[i]) * pcm[i];
    return std::sqrt(e / double(to - from));
  };
  CHECK(rms(0, 9600) > 1000);       // the phrase (1.2 s)
  CHECK(rms(9600, 16000) < 1);      // the pause (0.8 s)
  HandsetAudio tone("tone");
  std::array<std::int16_t, 160> frame{};
  tone.next(frame);
  CHECK(*std::max_element(frame.begin(), frame.end()) > 7000);
  CHECK_THROWS_WITH(HandsetAudio("/nonexistent.wav"), Catch::Contains("cannot open"));
}

TEST_CASE("the summary: medians, totals and one JSON line", "[agents]") {
  CHECK(median({}) == 0);
  CHECK(median({5, 1, 3}) == 3);
  CHECK(median({4, 1, 3, 2}) == 2.5);
  AgentSummary a, b;
  a.login = "ann";
  a.phone.registered = true;
  a.phone.register_401 = 1;
  a.phone.register_ok = 2;
  a.media.first_rx_ms = {20, 40};
  a.media.rtp_rx = 100;
  a.floor.dispositions = {{"sale", 2}};
  a.floor.pauses = 1;
  b.login = "bob";
  b.phone.register_403 = 1;
  b.media.first_rx_ms = {60};
  b.media.rtp_rx = 50;
  b.floor.dispositions = {{"sale", 1}, {"dnc", 1}};
  b.floor.errors = 2;
  const std::string line = summary_json({a, b});
  CHECK(line.find('\n') == std::string::npos);
  const auto v = boost::json::parse(line);
  const auto& t = v.at("total");
  CHECK(t.at("registered").to_number<int>() == 1);
  CHECK(t.at("agents").to_number<int>() == 2);
  CHECK(t.at("rtp_rx").to_number<int>() == 150);
  CHECK(t.at("first_rtp_rx_ms_median").to_number<double>() == 40);
  CHECK(t.at("dispositions").at("sale").to_number<int>() == 3);
  CHECK(t.at("dispositions").at("dnc").to_number<int>() == 1);
  CHECK(t.at("register").at("forbidden_403").to_number<int>() == 1);
  CHECK(t.at("errors").to_number<int>() == 2);
  CHECK(v.at("agents").at(0).at("first_rtp_rx_ms_median").to_number<double>() == 30);
  CHECK(summary_table({a, b}).find("ann") != std::string::npos);
}
