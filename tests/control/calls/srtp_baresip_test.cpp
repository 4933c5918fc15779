// SRTP negotiated with baresip (issue 7 acceptance): the carriers' trunk requires SDES
// (`srtp: required`), baresip (an independent SIP/SRTP implementation, libre + libsrtp) is the
// carrier and answers our RTP/SAVP offer with its own a=crypto; the call is bridged to a sipp
// agent (plain RTP, echo). Passing means: baresip accepted our offer and reported SRTP enabled,
// our leg decrypted its packets (rx, 0 SRTP failures), and baresip decrypted ours (its log has
// no decrypt failure). A baresip answer without crypto would have failed the call (488), so
// the answer itself proves the negotiation. Runs in the SIP tests' private namespace (label sip).
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "tests/control/calls/call_rig.hpp"
#include "tests/control/calls/call_scenarios.hpp"

using namespace dialcore::test;
using dialcore::control::calls::CallEventKind;
using dialcore::control::calls::Side;

TEST_CASE("SRTP is negotiated with baresip and media flows both ways", "[calls][srtp]") {
  if (std::system("command -v baresip >/dev/null && command -v sox >/dev/null") != 0 ||
      !std::filesystem::exists("/usr/lib/baresip/modules/srtp.so")) {
    WARN("baresip (baresip-core) or sox missing (tools/setup installs them)");
    std::exit(77);
  }
  RigOptions options;
  options.carrier_srtp = dialcore::config::SrtpPolicy::Required;
  CallRig rig(options);
  // baresip wants a non-loopback local address and a default route: both on `lo` of this
  // test's own namespace (nothing leaves it).
  REQUIRE(std::system("ip addr add 10.99.0.1/32 dev lo && "
                      "ip route add default dev lo src 10.99.0.1") == 0);
  const std::string tone = rig.dir.file("tone.wav");
  REQUIRE(std::system(("sox -n -r 8000 -c 1 -b 16 '" + tone + "' synth 12 sine 700 vol 0.3").c_str()) == 0);
  const std::string config_dir = rig.dir.file("baresip");
  std::filesystem::create_directories(config_dir);
  std::ofstream(config_dir + "/config")
      << "sip_listen 127.0.0.1:" << kCarrierPort << "\n"
      << "net_interface 127.0.0.1\n"
      << "rtp_ports " << kCarrierMediaPort << "-" << kCarrierMediaPort + 9 << "\n"
      << "module_path /usr/lib/baresip/modules\n"
      << "module g711.so\n"
      << "module aufile.so\n"
      << "module srtp.so\n"
      << "module_app account.so\n"
      << "audio_source aufile," << tone << "\n"
      << "audio_player aufile,/dev/null\n";
  // Answers at once; SRTP mandatory (RTP/SAVP with a=crypto or nothing).
  std::ofstream(config_dir + "/accounts")
      << "<sip:15551234@127.0.0.1:" << kCarrierPort
      << ";transport=udp>;regint=0;answermode=auto;mediaenc=srtp-mand;audio_codecs=PCMU,PCMA\n";
  Sipp baresip(rig.dir, {"-4", "-f", config_dir, "-t", "20"}, "baresip");
  {
    const bool bound = wait_udp_bound(kCarrierPort);
    INFO(baresip.log());
    REQUIRE(bound);
  }
  rig.agent(call_scenarios::agent_answers(false));

  const auto call = rig.originate();
  {
    const auto answered = rig.wait_event(call, CallEventKind::Answered);
    INFO(Catch::rangeToString(rig.kinds(call)));
    INFO(baresip.log());
    REQUIRE(answered);
  }
  REQUIRE(rig.controller->connect_agent(call, rig.agent_target()));
  REQUIRE(rig.wait_event(call, CallEventKind::Bridged));
  rig.run_for(std::chrono::milliseconds(3000));

  const auto customer = rig.stats(call, Side::Customer);
  const auto agent = rig.stats(call, Side::Agent);
  INFO(baresip.log());
  CHECK(customer.rx_packets >= 100);  // baresip's SRTP, decrypted by our leg
  CHECK(customer.srtp_failures == 0);
  CHECK(customer.tx_packets >= 50);   // the agent's echo, encrypted towards baresip
  CHECK(agent.rx_packets >= 50);
  const std::string log = baresip.log();
  CHECK(log.find("SRTP is Enabled") != std::string::npos);
  CHECK(log.find("failed to decrypt") == std::string::npos);

  CHECK(rig.controller->hangup(call));
  CHECK(rig.wait_event(call, CallEventKind::Ended));
  rig.require_clean();
}
