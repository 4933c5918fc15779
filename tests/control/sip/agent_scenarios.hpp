#pragma once
// sipp scenarios for the agents' interface: a handset registering with digest (sipp's
// [authentication] answers our 401/407 from -au/-ap), answering our calls, calling in.

#include "sipp_scenarios.hpp"

#include <string>

namespace dialcore::test::scenarios {

// One REGISTER for `user`; `headers` carries Contact(s) and Expires; `auth` adds sipp's
// digest answer to the last challenge.
inline std::string register_request(const std::string& user, int cseq, const std::string& headers,
                                    bool auth) {
  return "  <send retrans=\"500\"><![CDATA[\n\nREGISTER sip:[remote_ip]:[remote_port] SIP/2.0\n"
         "Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport\n"
         "From: <sip:" +
         user + "@[remote_ip]>;tag=[pid]SIPpTag00[call_number]\nTo: <sip:" + user +
         "@[remote_ip]>\nCall-ID: [call_id]\nCSeq: " + std::to_string(cseq) +
         " REGISTER\nMax-Forwards: 70\n" + headers + (auth ? "[authentication]\n" : "") +
         "Content-Length: 0\n\n]]></send>\n";
}

inline std::string contact(const std::string& user, const std::string& params = "") {
  return "Contact: <sip:" + user + "@[local_ip]:[local_port]" + params + ">\n";
}

// REGISTER → 401 → REGISTER with digest → `final_status` (200, or 403 for a wrong password:
// any further challenge would be an unexpected message and fail sipp).
inline std::string register_once(const std::string& user, const std::string& headers,
                                 const std::string& final_status) {
  return register_request(user, 1, headers, false) + "  <recv response=\"401\" auth=\"true\"/>\n" +
         register_request(user, 2, headers, true) + "  <recv response=\"" + final_status + "\"/>\n";
}

// The handset's side of our call: INVITE (auto-answer headers checked when asked, and the
// Request-URI the registered Contact) → 180 → 200 with SDP → ACK → [our re-INVITE → 488 →
// ACK → our re-INVITE → 200 → ACK] → our BYE → 200.
inline std::string answer_our_call(bool check_auto_answer, const std::string& request_uri_has,
                                   bool expect_reoffer) {
  std::string checks;
  if (check_auto_answer) {
    checks +=
        "<ereg regexp=\"answer-after=0\" search_in=\"hdr\" header=\"Call-Info:\" "
        "check_it=\"true\" assign_to=\"ci\"/>"
        "<ereg regexp=\"info=alert-autoanswer\" search_in=\"hdr\" header=\"Alert-Info:\" "
        "check_it=\"true\" assign_to=\"ai\"/>";
  }
  checks += "<ereg regexp=\"^INVITE " + request_uri_has +
            "\" search_in=\"msg\" check_it=\"true\" assign_to=\"ruri\"/>";
  // sipp refuses a variable it never uses: the 180 shows what the checks matched.
  const std::string seen =
      std::string("X-Seen: ") + (check_auto_answer ? "[$ci] [$ai] " : "") + "[$ruri]\n";
  std::string s = "  <recv request=\"INVITE\"><action>" + checks + "</action></recv>\n" +
                  reply("180 Ringing", seen) + reply_sdp("200 OK") + "  <recv request=\"ACK\"/>\n";
  if (expect_reoffer) {
    // Our first re-INVITE (hold, checked) is refused: the call must stay up; the second is
    // answered.
    s += "  <recv request=\"INVITE\"><action><ereg regexp=\"a=sendonly\" search_in=\"body\" "
         "check_it=\"true\" assign_to=\"hold\"/></action></recv>\n" +
         reply("488 Not Acceptable Here", "X-Seen: [$hold]\n") + "  <recv request=\"ACK\"/>\n" +
         "  <recv request=\"INVITE\"/>\n" + reply_sdp("200 OK") + "  <recv request=\"ACK\"/>\n";
  }
  s += "  <recv request=\"BYE\"/>\n" + reply("200 OK");
  return s;
}

// A handset calling in: INVITE → 407 → ACK → INVITE with digest → 200 → ACK → BYE → 200.
inline std::string handset_calls_in(const std::string& user, const std::string& number) {
  const std::string line = " sip:" + number + "@[remote_ip]:[remote_port] SIP/2.0\n";
  const std::string from = "From: <sip:" + user + "@[remote_ip]>;tag=[pid]SIPpTag00[call_number]\n";
  const std::string to = "To: <sip:" + number + "@[remote_ip]:[remote_port]>";
  const std::string common = "Call-ID: [call_id]\nMax-Forwards: 70\n" + contact(user);
  auto invite = [&](int cseq, bool auth) {
    return "  <send retrans=\"500\"><![CDATA[\n\nINVITE" + line +
           "Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]\n" + from + to + "\n" +
           common + "CSeq: " + std::to_string(cseq) + " INVITE\n" +
           (auth ? "[authentication]\n" : "") +
           "Content-Type: application/sdp\nContent-Length: [len]\n\n" + kSdpBody + "]]></send>\n";
  };
  return wrap(invite(1, false) + "  <recv response=\"100\" optional=\"true\"/>\n" +
              "  <recv response=\"407\" auth=\"true\"/>\n" +
              send("ACK" + line + "[last_Via:]\n" + from + "[last_To:]\n" + common +
                   "CSeq: 1 ACK\n" + "Content-Length: 0\n") +
              invite(2, true) + "  <recv response=\"100\" optional=\"true\"/>\n" +
              "  <recv response=\"180\" optional=\"true\"/>\n" +
              "  <recv response=\"200\" rrs=\"true\"/>\n" +
              send("ACK [next_url] SIP/2.0\nVia: SIP/2.0/[transport] "
                   "[local_ip]:[local_port];branch=[branch]\n" +
                   from + to + "[peer_tag_param]\n" + common + "CSeq: 2 ACK\nContent-Length: 0\n") +
              "  <pause milliseconds=\"200\"/>\n" +
              send("BYE [next_url] SIP/2.0\nVia: SIP/2.0/[transport] "
                   "[local_ip]:[local_port];branch=[branch]\n" +
                   from + to + "[peer_tag_param]\n" + common + "CSeq: 3 BYE\nContent-Length: 0\n") +
              "  <recv response=\"200\"/>\n");
}

}  // namespace dialcore::test::scenarios
