#pragma once
// sipp scenarios for the B2BUA tests: a carrier that answers with RTP (sipp's own G.711 A-law
// pcap), an agent UA (its RTP echoed by `-rtp_echo`), a caller that holds and resumes. Built
// from the SIP tests' pieces (tests/control/sip/sipp_scenarios.hpp); sipp exits 0 only when
// every step, including the checks on our SDP, happened as written.

#include <string>

#include "tests/control/sip/sipp_scenarios.hpp"

namespace dialcore::test::call_scenarios {

using scenarios::reply;
using scenarios::send;
using scenarios::wrap;

inline const std::string kPcap = "/usr/share/sip-tester/g711a.pcap";  // 236 packets, PCMA, 7 s

inline std::string sdp_body(const std::string& pt, const std::string& rtpmap,
                            const std::string& direction = "") {
  return "v=0\no=peer 1 1 IN IP[local_ip_type] [local_ip]\ns=-\nc=IN IP[media_ip_type] "
         "[media_ip]\nt=0 0\nm=audio [media_port] RTP/AVP " +
         pt + " 101\na=rtpmap:" + pt + " " + rtpmap + "\na=rtpmap:101 telephone-event/8000\n" +
         (direction.empty() ? "" : "a=" + direction + "\n");
}
inline std::string pcma_sdp(const std::string& direction = "") {
  return sdp_body("8", "PCMA/8000", direction);
}
inline std::string pcmu_sdp() { return sdp_body("0", "PCMU/8000"); }

inline std::string play_pcap() {
  return "  <nop><action><exec play_pcap_audio=\"" + kPcap + "\"/></action></nop>\n";
}
inline std::string pause(int ms) {
  return "  <pause milliseconds=\"" + std::to_string(ms) + "\"/>\n";
}

// The UAS side: INVITE → 180 → 200 with `body` → ACK. `remember`: keep the dialog's headers
// for requests of our own (uas_request); sipp refuses variables set and never used.
inline std::string uas_answer(const std::string& body, bool ring = true, bool remember = false) {
  return std::string(remember ? "  <recv request=\"INVITE\"><action>"
                                "<ereg regexp=\".*\" search_in=\"hdr\" header=\"From:\" "
                                "assign_to=\"remote_from\"/>"
                                "<ereg regexp=\".*\" search_in=\"hdr\" header=\"To:\" "
                                "assign_to=\"local_to\"/>"
                                "<ereg regexp=\"sip:[^>;]*\" search_in=\"hdr\" header=\"Contact:\" "
                                "assign_to=\"remote_contact\"/></action></recv>\n"
                              : "  <recv request=\"INVITE\"/>\n") +
         (ring ? reply("180 Ringing") : std::string()) +
         send("SIP/2.0 200 OK\n" + scenarios::kReplyHeaders +
              "Contact: <sip:[local_ip]:[local_port];transport=[transport]>\n"
              "Content-Type: application/sdp\nContent-Length: [len]\n\n" +
              body) +
         "  <recv request=\"ACK\"/>\n";
}

// A request from the UAS inside its dialog (after uas_answer).
inline std::string uas_request(const std::string& method, int cseq, const std::string& rest) {
  return "  <send retrans=\"500\"><![CDATA[\n\n" + method +
         " [$remote_contact] SIP/2.0\nVia: SIP/2.0/[transport] [local_ip]:[local_port];"
         "branch=[branch]\nFrom: [$local_to];tag=[pid]SIPpTag01[call_number]\n"
         "To: [$remote_from]\n[last_Call-ID:]\nCSeq: " +
         std::to_string(cseq) + " " + method + "\nMax-Forwards: 70\n" + rest + "]]></send>\n";
}

// A re-INVITE from the UAS with `direction`; our 200 must carry `expect` (a=recvonly ...).
inline std::string uas_reinvite(int cseq, const std::string& direction, const std::string& expect) {
  return uas_request("INVITE", cseq,
                     "Contact: <sip:[local_ip]:[local_port];transport=[transport]>\n"
                     "Content-Type: application/sdp\nContent-Length: [len]\n\n" +
                         pcma_sdp(direction)) +
         "  <recv response=\"100\" optional=\"true\"/>\n"
         "  <recv response=\"200\"><action><ereg regexp=\"a=" +
         expect + "\" search_in=\"body\" check_it=\"true\" assign_to=\"dir" + std::to_string(cseq) +
         "\"/></action></recv>\n" +
         "  <send><![CDATA[\n\nACK [$remote_contact] SIP/2.0\nVia: SIP/2.0/[transport] "
         "[local_ip]:[local_port];branch=[branch]\nFrom: [$local_to];tag=[pid]SIPpTag01"
         "[call_number]\nTo: [$remote_from]\n[last_Call-ID:]\nCSeq: " +
         std::to_string(cseq) + " ACK\nMax-Forwards: 70\nX-Seen: [$dir" + std::to_string(cseq) +
         "]\nContent-Length: 0\n\n]]></send>\n";
}

// The far end hangs up.
inline std::string uas_bye(int cseq) {
  return uas_request("BYE", cseq, "Content-Length: 0\n\n") + "  <recv response=\"200\"/>\n";
}
// We hang up: BYE from dialcore, answered 200.
inline std::string expect_bye() { return "  <recv request=\"BYE\"/>\n" + reply("200 OK"); }

// Carrier: answers (PCMA), plays its pcap; hangs up after `talk_ms`, or waits for our BYE.
inline std::string carrier_talks(int talk_ms, bool carrier_hangs_up) {
  // sipp takes a message during a pause as unexpected: a carrier that waits for our BYE
  // waits in <recv> while the pcap plays on (play_pcap_audio runs in its own thread).
  return wrap(uas_answer(pcma_sdp(), true, carrier_hangs_up) + play_pcap() +
              (carrier_hangs_up ? pause(talk_ms) + uas_bye(1) : expect_bye()));
}

// Carrier: answers, holds us (sendonly → we answer recvonly), resumes (sendrecv → sendrecv),
// then hangs up.
inline std::string carrier_holds_and_resumes() {
  return wrap(uas_answer(pcma_sdp(), true, true) + play_pcap() + pause(1500) +
              uas_reinvite(1, "sendonly", "recvonly") + pause(500) +
              uas_reinvite(2, "sendrecv", "sendrecv") + pause(500) + uas_bye(3));
}

// Agent UA: answers (PCMU; its RTP is echoed by sipp), then waits for our BYE or hangs up.
inline std::string agent_answers(bool agent_hangs_up, int talk_ms = 1000) {
  return wrap(uas_answer(pcmu_sdp(), true, agent_hangs_up) +
              (agent_hangs_up ? pause(talk_ms) + uas_bye(1) : expect_bye()));
}

// Carrier: 200 with a body that is not SDP; we ACK (nua) then BYE.
inline std::string carrier_bad_answer(const std::string& body) {
  return wrap(uas_answer(body, false) + expect_bye());
}

// A caller: INVITE with PCMA SDP → 180 → 200 → ACK → RTP from the pcap → INFO 5 → BYE.
inline std::string caller_talks(const std::string& did, int talk_ms) {
  const std::string request_line =
      " sip:" + did +
      "@[remote_ip]:[remote_port] SIP/2.0\n"
      "Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]\n"
      "From: <sip:caller77@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]\n";
  const std::string in_dialog = "To: <sip:" + did +
                                "@[remote_ip]:[remote_port]>[peer_tag_param]\n"
                                "Call-ID: [call_id]\nMax-Forwards: 70\n";
  return wrap(
      "  <send retrans=\"500\"><![CDATA[\n\nINVITE" + request_line + "To: <sip:" + did +
      "@[remote_ip]:[remote_port]>\nCall-ID: [call_id]\nMax-Forwards: 70\n"
      "CSeq: 1 INVITE\nContact: <sip:caller77@[local_ip]:[local_port]>\n"
      "Content-Type: application/sdp\nContent-Length: [len]\n\n" +
      pcma_sdp() + "]]></send>\n" +
      "  <recv response=\"100\" optional=\"true\"/>\n"
      "  <recv response=\"180\"/>\n"
      "  <recv response=\"200\"><action><ereg regexp=\"m=audio [0-9]+ RTP/AVP 8\" "
      "search_in=\"body\" check_it=\"true\" assign_to=\"m\"/></action></recv>\n" +
      send("ACK" + request_line + in_dialog + "CSeq: 1 ACK\nX-Seen: [$m]\nContent-Length: 0\n") +
      play_pcap() + pause(talk_ms) +
      send("INFO" + request_line + in_dialog +
           "CSeq: 2 INFO\nContent-Type: application/dtmf-relay\n"
           "Content-Length: [len]\n\nSignal=5\nDuration=160\n") +
      "  <recv response=\"200\"/>\n" +
      send("BYE" + request_line + in_dialog + "CSeq: 3 BYE\nContent-Length: 0\n") +
      "  <recv response=\"200\"/>\n");
}

// A caller offering only a codec we do not take (G.722): turned down 488.
inline std::string caller_g722_only(const std::string& did) {
  std::string xml = scenarios::uac_expect_rejection(did, 488);
  const std::string from = "m=audio [media_port] RTP/AVP 0\na=rtpmap:0 PCMU/8000\n";
  xml.replace(xml.find(from), from.size(),
              "m=audio [media_port] RTP/AVP 9\na=rtpmap:9 G722/8000\n");
  return xml;
}

}  // namespace dialcore::test::call_scenarios
