// amd.on_machine through the Appliance (label dialler; issue 4): the carrier (sipp) answers and
// plays an answering machine, a greeting then its beep (the corpus fixture amd-dev-0058: "This
// is Sarah. Leave a message. ...", a 1266 Hz beep at 4648-5368 ms) as PCMA RTP from a pcap the
// test writes; the worker's real AMD judges it. `message`: the campaign's message (a 1.5 s clip)
// plays to the carrier after the beep, then we hang up, and the CDR and the attempt say
// message_left. `agent`: the machine is bridged to the agent like a live answer.
#include "appliance_rig.hpp"

#include <boost/json.hpp>

#include <fstream>

#include "bench/support/wav_file.hpp"
#include "codecs/g711.hpp"
#include "control/api/campaign_control.hpp"
#include "control/calls/call_controller.hpp"
#include "control/floor/floor.hpp"
#include "tests/control/calls/call_scenarios.hpp"
#include "tests/support/fixtures.hpp"

namespace dialcore::test {
namespace {

namespace cs = call_scenarios;
namespace json = boost::json;

std::int64_t figure(ApplianceRig& rig, const char* key) {
  const auto a = rig.appliance->campaigns().campaign_stats(rig.world.campaign);
  REQUIRE(a.status == 200);
  const auto* v = a.body.if_contains(key);
  return v == nullptr ? -1 : v->to_number<std::int64_t>();
}

std::string stats_text(ApplianceRig& rig) {
  return json::serialize(rig.appliance->campaigns().campaign_stats(rig.world.campaign).body);
}

// A classic pcap (Ethernet, IPv4, UDP) of PCMA RTP, 20 ms a packet, timed 20 ms apart: what
// sipp's play_pcap_audio sends to our leg (it replaces the addresses and ports).
void write_pcma_pcap(const std::string& path, const std::vector<std::int16_t>& pcm) {
  std::ofstream out(path, std::ios::binary);
  const auto put = [&out](std::uint64_t v, int bytes, bool big) {
    for (int i = 0; i < bytes; ++i) {
      const int shift = 8 * (big ? bytes - 1 - i : i);
      out.put(static_cast<char>((v >> shift) & 0xFF));
    }
  };
  put(0xa1b2c3d4, 4, false);  // magic, version 2.4, zone, sigfigs, snaplen, Ethernet
  put(2, 2, false);
  put(4, 2, false);
  put(0, 4, false);
  put(0, 4, false);
  put(65535, 4, false);
  put(1, 4, false);
  constexpr std::size_t kFrame = 160;
  std::uint8_t payload[kFrame];
  for (std::size_t at = 0, n = 0; at + kFrame <= pcm.size(); at += kFrame, ++n) {
    codecs::g711::encode_alaw(pcm.data() + at, payload, kFrame);
    const std::size_t udp = 8 + 12 + kFrame, ip = 20 + udp, frame = 14 + ip;
    put(1 + n / 50, 4, false);  // time: 20 ms a packet
    put((n % 50) * 20000, 4, false);
    put(frame, 4, false);
    put(frame, 4, false);
    for (int i = 0; i < 12; ++i) out.put(static_cast<char>(i < 6 ? 0x02 : 0x04));  // MACs
    put(0x0800, 2, true);
    put(0x45, 1, true);  // IPv4 header; the checksum is not read by sipp
    put(0, 1, true);
    put(ip, 2, true);
    put(n, 2, true);
    put(0, 2, true);
    put(64, 1, true);
    put(17, 1, true);
    put(0, 2, true);
    put(0x7f000001, 4, true);
    put(0x7f000001, 4, true);
    put(6000, 2, true);  // UDP
    put(6002, 2, true);
    put(udp, 2, true);
    put(0, 2, true);
    put(0x80, 1, true);  // RTP: PT 8, seq, timestamp, SSRC
    put(8, 1, true);
    put(n, 2, true);
    put(n * kFrame, 4, true);
    put(0x5eed0058, 4, true);
    out.write(reinterpret_cast<const char*>(payload), kFrame);
  }
}

// The machine: the fixture's 6 s (greeting, beep), then 4 s of quiet line noise while the
// message plays.
std::string machine_pcap(ApplianceRig& rig) {
  const auto wav = bench::read_wav(fixture_path("amd/amd-dev-0058.wav"));
  INFO(wav.error);
  REQUIRE(wav.ok());
  REQUIRE(wav.audio.sample_rate_hz == 8000);
  std::vector<std::int16_t> pcm = wav.audio.samples;
  std::uint32_t seed = 58;
  for (int i = 0; i < 4 * 8000; ++i) {
    seed = seed * 1664525u + 1013904223u;
    pcm.push_back(static_cast<std::int16_t>(static_cast<int>(seed >> 24) - 128) / 8);
  }
  const std::string path = rig.dir.file("machine.pcap");
  write_pcma_pcap(path, pcm);
  return path;
}

// Carrier: answers (PCMA), plays the machine, waits for our BYE.
std::string carrier_machine(const std::string& pcap) {
  return cs::wrap(cs::uas_answer(cs::pcma_sdp(), true, false) +
                  "  <nop><action><exec play_pcap_audio=\"" + pcap + "\"/></action></nop>\n" +
                  cs::expect_bye());
}

// The customer leg's RTP sent so far (the worker's own count).
std::uint64_t tx_packets(ApplianceRig& rig, control::calls::CallHandle call) {
  const auto leg = rig.appliance->calls().media_leg(call, control::calls::Side::Customer);
  if (!leg) return 0;
  bool done = false;
  std::uint64_t tx = 0;
  rig.media->stats(*leg, [&](control::media::ReplyStatus s, const dataplane::LegStats& st) {
    if (s == control::media::ReplyStatus::Ok) tx = st.tx_packets;
    done = true;
  });
  REQUIRE(rig.run_until([&] { return done; }, std::chrono::seconds(5)));
  return tx;
}

ApplianceOptions machine_options(const std::string& action) {
  ApplianceOptions o;
  o.strategy = "power";
  o.agents = 1;
  o.leads = 1;
  o.amd = true;
  o.on_machine = action;
  return o;
}

}  // namespace

TEST_CASE("on_machine message: after the beep the message plays to the machine, then hang up",
          "[appliance][dialler][amd]") {
  ApplianceRig rig(machine_options("message"));
  rig.carrier(carrier_machine(machine_pcap(rig)), 1);
  rig.handset(0, cs::agent_answers(true, 1000), 1);
  rig.login(0);
  rig.run_for(std::chrono::milliseconds(50));
  REQUIRE(rig.appliance->campaigns().campaign_action(rig.world.campaign, "start").status == 200);

  REQUIRE(rig.run_until([&] { return figure(rig, "answered") == 1; }));
  const auto handles = rig.appliance->calls().call_handles();
  REQUIRE(handles.size() == 1);
  const control::calls::CallHandle call = handles[0];
  // The real AMD says MACHINE during the greeting; nothing is sent to the machine before the
  // message (the leg is not bridged), and the message waits for the beep to end.
  REQUIRE(rig.run_until([&] { return figure(rig, "machines") == 1; }, std::chrono::seconds(15)));
  const std::uint64_t before = tx_packets(rig, call);
  CHECK(figure(rig, "machine_messages") == 0);
  REQUIRE(rig.run_until([&] { return figure(rig, "machine_messages") == 1; },
                        std::chrono::seconds(10)));
  CHECK(figure(rig, "machine_beeps") == 1);  // started by the beep's end, not the timeout
  CHECK(figure(rig, "machine_beep_timeouts") == 0);
  rig.run_for(std::chrono::milliseconds(800));
  const std::uint64_t during = tx_packets(rig, call);
  INFO("tx before the message " << before << ", 800 ms into it " << during);
  CHECK(during >= before + 30);  // 20 ms packets of the clip to the carrier's media address
  REQUIRE(rig.run_until([&] { return figure(rig, "calls_in_flight") == 0; },
                        std::chrono::seconds(15)));
  INFO(stats_text(rig));
  INFO(rig.sipp_logs());
  CHECK(figure(rig, "messages_left") == 1);
  CHECK(figure(rig, "bridged") == 0);
  CHECK(figure(rig, "abandoned") == 0);
  CHECK(figure(rig, "machine_action_hangup_instead") == 0);

  auto r = rig.reader();
  auto cdrs = r->cdrs().list(where("campaign_id", rig.world.campaign));
  REQUIRE(cdrs.ok());
  REQUIRE(cdrs->size() == 1);
  CHECK(cdrs->front().hangup_cause == "message_left");
  CHECK(event_at(cdrs->front(), "amd") >= 0);
  auto attempts = r->attempts().list(where("campaign_id", rig.world.campaign));
  REQUIRE(attempts.ok());
  REQUIRE(attempts->size() == 1);
  CHECK(attempts->front().outcome == "message_left");
  CHECK(attempts->front().amd == "machine");
}

TEST_CASE("on_machine agent: the machine is bridged to the agent like a live answer",
          "[appliance][dialler][amd]") {
  ApplianceRig rig(machine_options("agent"));
  rig.carrier(carrier_machine(machine_pcap(rig)), 1);
  rig.handset(0, cs::agent_answers(true, 1000), 1);  // talks 1 s, hangs up
  rig.login(0);
  rig.run_for(std::chrono::milliseconds(50));
  REQUIRE(rig.appliance->campaigns().campaign_action(rig.world.campaign, "start").status == 200);
  REQUIRE(rig.run_until([&] { return figure(rig, "bridged") == 1; }, std::chrono::seconds(20)));
  CHECK(figure(rig, "machines_to_agents") == 1);
  CHECK(figure(rig, "machines") == 0);  // the runner saw a live answer
  REQUIRE(rig.run_until(
      [&] {
        const auto s = rig.appliance->floor().snapshot(rig.agents[0]);
        if (std::string(s.body.at("state").as_string()) == "wrap") {
          CHECK(rig.appliance->floor().wrap(rig.agents[0], "sale", "machine").ok());
        }
        return figure(rig, "calls_in_flight") == 0;
      },
      std::chrono::seconds(20)));
  auto r = rig.reader();
  auto attempts = r->attempts().list(where("campaign_id", rig.world.campaign));
  REQUIRE(attempts.ok());
  REQUIRE(attempts->size() == 1);
  CHECK(attempts->front().amd == "machine");  // recorded as judged
  CHECK(attempts->front().agent_id == rig.agents[0]);
}

}  // namespace dialcore::test
