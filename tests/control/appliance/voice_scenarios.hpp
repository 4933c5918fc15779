#pragma once
// sipp scenarios for the agents' voice tests: a caller (UAC) that keys digits by SIP INFO and
// then stays on the line until we hang up (the call-in agent's phone), built like
// call_scenarios::caller_talks.

#include <string>
#include <vector>

#include "tests/control/calls/call_scenarios.hpp"

namespace dialcore::test::voice_scenarios {

using scenarios::reply;
using scenarios::send;
using scenarios::wrap;

// INVITE → 180 → 200 → ACK → one INFO per key (application/dtmf-relay) → waits for our BYE.
inline std::string caller_keys(const std::string& did, const std::string& keys) {
  const std::string request_line =
      " sip:" + did +
      "@[remote_ip]:[remote_port] SIP/2.0\n"
      "Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]\n"
      "From: <sip:agentphone@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]\n";
  const std::string in_dialog = "To: <sip:" + did +
                                "@[remote_ip]:[remote_port]>[peer_tag_param]\n"
                                "Call-ID: [call_id]\nMax-Forwards: 70\n";
  std::string xml =
      "  <send retrans=\"500\"><![CDATA[\n\nINVITE" + request_line + "To: <sip:" + did +
      "@[remote_ip]:[remote_port]>\nCall-ID: [call_id]\nMax-Forwards: 70\n"
      "CSeq: 1 INVITE\nContact: <sip:agentphone@[local_ip]:[local_port]>\n"
      "Content-Type: application/sdp\nContent-Length: [len]\n\n" +
      call_scenarios::pcma_sdp() + "]]></send>\n" +
      "  <recv response=\"100\" optional=\"true\"/>\n"
      "  <recv response=\"180\"/>\n"
      "  <recv response=\"200\"/>\n" +
      send("ACK" + request_line + in_dialog + "CSeq: 1 ACK\nContent-Length: 0\n");
  int cseq = 2;
  for (const char key : keys) {
    xml += send("INFO" + request_line + in_dialog + "CSeq: " + std::to_string(cseq++) +
                " INFO\nContent-Type: application/dtmf-relay\n"
                "Content-Length: [len]\n\nSignal=" +
                std::string(1, key) + "\nDuration=160\n") +
           "  <recv response=\"200\"/>\n";
  }
  return wrap(xml + "  <recv request=\"BYE\"/>\n" + reply("200 OK"));
}

}  // namespace dialcore::test::voice_scenarios
