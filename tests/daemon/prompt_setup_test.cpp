// dialcored's prompts (daemon/prompt_setup): the built-in abandon message is compiled in and
// audible; campaigns' abandon_message files are read (sox makes them: G.711 mu-law at 8 kHz,
// stereo PCM at 44.1 kHz), resampled to 16 kHz and playable on a PCMU leg; a missing or
// malformed file is a logged, counted warning and the campaign falls back to the default; the
// names "abandon", "abandon:<id>" and "beep" resolve. The last case runs a real dialcored with
// such campaigns: it starts, warns naming the campaign and the file, and counts on /metrics.
#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "daemon/prompt_setup.hpp"
#include "tests/daemon/daemon_yaml.hpp"
#include "tests/support/daemon_process.hpp"
#include "tests/support/http_client.hpp"

using namespace dialcore;
using dialcore::daemon::PromptSetup;

namespace {

namespace fs = std::filesystem;

struct Dir {
  Dir() {
    std::string tmpl = (fs::temp_directory_path() / "dialcore-prompts-XXXXXX").string();
    path = ::mkdtemp(tmpl.data());
  }
  ~Dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string path;
};

void sox(const std::string& args) {
  const std::string cmd = "sox -q " + args;
  INFO(cmd);
  REQUIRE(std::system(cmd.c_str()) == 0);
}

config::Campaign campaign(const std::string& id, const std::string& message) {
  config::Campaign c;
  c.id = id;
  c.name = id;
  c.abandon_message = message;
  return c;
}

double rms(const std::vector<std::int16_t>& pcm) {
  double sum = 0;
  for (const auto s : pcm) sum += static_cast<double>(s) * s;
  return pcm.empty() ? 0 : std::sqrt(sum / static_cast<double>(pcm.size()));
}

const dataplane::PromptClip& clip_of(const PromptSetup& p, const std::string& name) {
  const auto id = p.clip(name);
  REQUIRE(id.has_value());
  const dataplane::PromptClip* c = p.library().find(*id);
  REQUIRE(c != nullptr);
  return *c;
}

// The clip plays on a PCMU leg (a 16 kHz clip is decimated for it) until done.
std::size_t packets_on_pcmu(const PromptSetup& p, std::uint32_t clip) {
  dataplane::CodecSpec pcmu;
  pcmu.format.id = codecs::CodecId::Pcmu;
  dataplane::PromptPlayer::Status status{};
  auto player = dataplane::PromptPlayer::create(&p.library(), clip, 1, pcmu, status);
  REQUIRE(status == dataplane::PromptPlayer::Status::Ok);
  REQUIRE(player != nullptr);
  std::array<std::uint8_t, 512> out{};
  std::size_t packets = 0;
  while (packets < 10000 && player->next_packet(out) == 160) ++packets;
  CHECK(player->done());
  return packets;
}

}  // namespace

TEST_CASE("the built-in abandon message is compiled in, audible, and named abandon", "[prompts]") {
  config::Config c;
  const PromptSetup p(c);
  CHECK(p.load_failures() == 0);
  CHECK(p.clips_loaded() == 1);
  const dataplane::PromptClip& clip = clip_of(p, "abandon");
  CHECK(clip.rate_hz == 16000);
  const double seconds = static_cast<double>(clip.pcm.size()) / 16000.0;
  CHECK(seconds > 2.0);
  CHECK(seconds < 10.0);
  CHECK(rms(clip.pcm) > 1000.0);  // speech at a normal level, not silence
  // ~4.6 s: as many 20 ms PCMU packets as the clip lasts.
  const auto packets = static_cast<long>(packets_on_pcmu(p, *p.clip("abandon")));
  CHECK(std::abs(packets - static_cast<long>(clip.pcm.size() / 320)) <= 1);
  // Any campaign, configured or not, gets it when it has none of its own.
  CHECK(p.clip("abandon:nobody") == p.clip("abandon"));
  CHECK(p.clip("beep") == static_cast<std::uint32_t>(dataplane::ToneClip::AgentBeep));
  CHECK_FALSE(p.clip("no-such-prompt").has_value());
  CHECK_FALSE(p.clip("").has_value());
}

TEST_CASE(
    "campaign abandon messages: G.711 and 44.1 kHz stereo files load at 16 kHz, shared files once",
    "[prompts]") {
  Dir dir;
  config::Config c;
  c.data_dir = dir.path;
  fs::create_directories(dir.path + "/prompts");
  // 1.5 s of a 440 Hz tone in mu-law at 8 kHz; 2 s of 300+500 Hz in 16-bit stereo at 44.1 kHz.
  sox("-n -r 8000 -e u-law -b 8 -c 1 " + dir.path + "/prompts/ulaw.wav synth 1.5 sine 440 vol 0.5");
  sox("-n -r 44100 -e signed-integer -b 16 -c 2 " + dir.path +
      "/prompts/hifi.wav synth 2 sine 300 sine 500 vol 0.5");
  c.campaigns = {campaign("spring", "prompts/ulaw.wav"), campaign("summer", "prompts/hifi.wav"),
                 campaign("autumn", dir.path + "/prompts/ulaw.wav"),  // absolute, same file
                 campaign("winter", "")};
  const PromptSetup p(c);
  CHECK(p.load_failures() == 0);
  CHECK(p.clips_loaded() == 3);  // default + two files
  const auto spring = p.clip("abandon:spring"), summer = p.clip("abandon:summer");
  REQUIRE(spring.has_value());
  REQUIRE(summer.has_value());
  CHECK(spring != p.clip("abandon"));
  CHECK(summer != spring);
  CHECK(p.clip("abandon:autumn") == spring);
  CHECK(p.clip("abandon:winter") == p.clip("abandon"));
  const dataplane::PromptClip& u = clip_of(p, "abandon:spring");
  CHECK(u.rate_hz == 16000);
  CHECK(std::abs(static_cast<long>(u.pcm.size()) - 24000) < 100);  // 1.5 s at 16 kHz
  CHECK(rms(u.pcm) > 0.5 * 0.7 * 32767 * 0.8);                     // the tone's level, about
  const dataplane::PromptClip& h = clip_of(p, "abandon:summer");
  CHECK(std::abs(static_cast<long>(h.pcm.size()) - 32000) < 100);             // 2 s, mixed to mono
  CHECK(std::abs(static_cast<long>(packets_on_pcmu(p, *spring)) - 75) <= 1);  // 1.5 s of 20 ms
}

TEST_CASE(
    "a missing or malformed abandon message is a counted warning and the campaign gets the default",
    "[prompts]") {
  Dir dir;
  config::Config c;
  c.data_dir = dir.path;
  {
    std::ofstream bad(dir.path + "/bad.wav", std::ios::binary);
    bad << "RIFF\x24\x00\x00\x00WAVEfmt garbage that is not a wave file";
  }
  { std::ofstream empty(dir.path + "/empty.wav", std::ios::binary); }
  c.campaigns = {campaign("gone", "nowhere/missing.wav"), campaign("broken", "bad.wav"),
                 campaign("hollow", "empty.wav")};
  const PromptSetup p(c);
  CHECK(p.load_failures() == 3);
  REQUIRE(p.warnings().size() == 3);
  CHECK(p.warnings()[0].find("campaign gone: abandon_message " + dir.path +
                             "/nowhere/missing.wav: no such file") != std::string::npos);
  CHECK(p.warnings()[1].find("campaign broken") != std::string::npos);
  CHECK(p.warnings()[1].find("bad.wav: not a sound file") != std::string::npos);
  CHECK(p.warnings()[2].find("empty.wav") != std::string::npos);
  for (const char* id : {"gone", "broken", "hollow"}) {
    INFO(id);
    CHECK(p.clip(std::string("abandon:") + id) == p.clip("abandon"));
  }
  CHECK(p.clips_loaded() == 1);
  std::string metrics;
  p.render_metrics(metrics);
  CHECK(dialcore::test::sample(metrics, "dialcore_prompts_load_failures") == 3);
  CHECK(dialcore::test::sample(metrics, "dialcore_prompts_campaigns_on_default") == 3);
  CHECK(dialcore::test::sample(metrics, "dialcore_prompts_clips") == 1);
}

TEST_CASE("amd.message_prompt: machine:<id> names the campaign's message, no default",
          "[prompts][amd]") {
  Dir dir;
  config::Config c;
  c.data_dir = dir.path;
  sox("-n -r 8000 -e signed-integer -b 16 -c 1 " + dir.path + "/leave.wav synth 1 sine 600 vol 0.5");
  config::Campaign with = campaign("spring", "");
  with.amd.on_machine = config::MachineAction::Message;
  with.amd.message_prompt = "leave.wav";
  config::Campaign shares = campaign("summer", "leave.wav");  // the same file as an abandon message
  config::Campaign broken = campaign("autumn", "");
  broken.amd.message_prompt = "gone.wav";
  c.campaigns = {with, shares, broken};
  const PromptSetup p(c);
  CHECK(p.clips_loaded() == 2);  // the default and leave.wav, once
  REQUIRE(p.clip("machine:spring").has_value());
  CHECK(p.clip("machine:spring") == p.clip("abandon:summer"));
  CHECK(std::abs(static_cast<long>(clip_of(p, "machine:spring").pcm.size()) - 16000) < 100);
  CHECK_FALSE(p.clip("machine:summer").has_value());  // none configured: no message, no default
  CHECK_FALSE(p.clip("machine:autumn").has_value());  // its file is missing: a warning
  REQUIRE(p.load_failures() == 1);
  CHECK(p.warnings()[0].find("campaign autumn: amd.message_prompt") != std::string::npos);
}

TEST_CASE("dialcored starts with a campaign whose abandon message is missing, warning about it",
          "[prompts][daemon]") {
  const std::string yaml = dialcore::test::dataplane_yaml() +
                           "teams:\n"
                           "  - {id: sales, name: Sales}\n"
                           "campaigns:\n"
                           "  - id: spring\n"
                           "    name: Spring\n"
                           "    teams: [sales]\n"
                           "    dialler: {strategy: progressive}\n"
                           "    abandon: {message: prompts/missing.wav}\n";
  dialcore::test::DaemonProcess d(DIALCORE_DIALCORED, yaml, "test-admin-token-0123456789");
  REQUIRE(d.start());
  const std::string log = d.stderr_text();
  INFO(log);
  CHECK(log.find("prompts: warning: campaign spring: abandon_message ") != std::string::npos);
  CHECK(log.find("prompts/missing.wav: no such file; the campaign plays the built-in default") !=
        std::string::npos);
  CHECK(log.find("prompts: 1 clips loaded (built-in abandon message ok, 0 campaigns with their "
                 "own, 1 on the default)") != std::string::npos);
  dialcore::test::HttpClient http(d.host(), d.port());
  const auto m = http.get("/metrics");
  REQUIRE(m.status == 200);
  CHECK(dialcore::test::sample(m.body, "dialcore_prompts_load_failures") == 1);
  CHECK(dialcore::test::sample(m.body, "dialcore_prompts_clips") == 1);
  CHECK(d.stop() == 0);
}
