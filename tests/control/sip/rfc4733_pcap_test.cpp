// RFC 4733 digits from sipp's own pcaps (issue 7, acceptance): a caller answered and parked by
// the B2BUA plays /usr/share/sip-tester/dtmf_2833_<d>.pcap (telephone-event, PT 101) at our
// media leg; the digit reaches control as a CallEvent Dtmf marked rfc4733. In-process and real
// (the calls tests' rig: Runtime, MediaService, SipStack, CallController; sipp in a private
// network namespace). Label sip.
#include <catch2/catch.hpp>

#include "tests/control/calls/call_rig.hpp"
#include "tests/control/calls/call_scenarios.hpp"

#include <string>
#include <vector>

namespace dialcore::test {
namespace {

using calls::CallEventKind;
using calls::CallOutcome;

std::string dtmf_pcap(char digit) {
  return std::string("/usr/share/sip-tester/dtmf_2833_") + digit + ".pcap";
}

// A caller: INVITE (PCMA + telephone-event 101) → 200 → ACK → the digit's pcap → BYE.
std::string caller_keys(const std::string& did, char digit) {
  const std::string request_line =
      " sip:" + did +
      "@[remote_ip]:[remote_port] SIP/2.0\n"
      "Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]\n"
      "From: <sip:caller77@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]\n";
  const std::string in_dialog = "To: <sip:" + did +
                                "@[remote_ip]:[remote_port]>[peer_tag_param]\n"
                                "Call-ID: [call_id]\nMax-Forwards: 70\n";
  return scenarios::wrap(
      "  <send retrans=\"500\"><![CDATA[\n\nINVITE" + request_line + "To: <sip:" + did +
      "@[remote_ip]:[remote_port]>\nCall-ID: [call_id]\nMax-Forwards: 70\n"
      "CSeq: 1 INVITE\nContact: <sip:caller77@[local_ip]:[local_port]>\n"
      "Content-Type: application/sdp\nContent-Length: [len]\n\n" +
      call_scenarios::pcma_sdp() + "]]></send>\n" +
      "  <recv response=\"100\" optional=\"true\"/>\n"
      "  <recv response=\"180\" optional=\"true\"/>\n"
      // Our answer must keep telephone-event 101, or the keys could not be sent.
      "  <recv response=\"200\"><action><ereg regexp=\"telephone-event\" search_in=\"body\" "
      "check_it=\"true\" assign_to=\"te\"/></action></recv>\n" +
      scenarios::send("ACK" + request_line + in_dialog +
                      "CSeq: 1 ACK\nX-Seen: [$te]\nContent-Length: 0\n") +
      "  <nop><action><exec play_pcap_audio=\"" + dtmf_pcap(digit) +
      "\"/></action></nop>\n" + call_scenarios::pause(1500) +
      scenarios::send("BYE" + request_line + in_dialog + "CSeq: 2 BYE\nContent-Length: 0\n") +
      "  <recv response=\"200\"/>\n");
}

}  // namespace

TEST_CASE("RFC 4733 digits from sipp's pcaps reach control as Dtmf events", "[sip][dtmf][rfc4733]") {
  for (const char digit : {'1', '9'}) {
    DYNAMIC_SECTION("digit " << digit) {
      CallRig rig;
      std::vector<calls::CallHandle> routed;
      rig.controller->set_inbound(
          [&](const calls::InboundCall& in) {
            routed.push_back(in.call);
            calls::Route r;
            r.kind = calls::Route::Kind::Park;
            return r;
          },
          rig.handler());
      rig.caller(caller_keys("2000", digit), "2000");
      REQUIRE(rig.run_until([&] { return !routed.empty(); }));
      const calls::CallHandle call = routed.front();
      const auto key = rig.wait_event(call, CallEventKind::Dtmf);
      INFO(Catch::rangeToString(rig.kinds(call)));
      INFO(rig.caller_log());
      REQUIRE(key);
      CHECK(key->digit == digit);
      CHECK(key->rfc4733);
      CHECK(key->side == calls::Side::Customer);
      const auto ended = rig.wait_event(call, CallEventKind::Ended);
      REQUIRE(ended);
      CHECK(calls::outcome_name(ended->outcome) == calls::outcome_name(CallOutcome::Normal));
      // One key press, one event: the pcap's retransmitted end packets are not new digits.
      std::size_t keys = 0;
      for (const auto& e : rig.events(call)) keys += e.kind == CallEventKind::Dtmf;
      CHECK(keys == 1);
      rig.caller_passed();
      rig.require_clean();
    }
  }
}

}  // namespace dialcore::test
