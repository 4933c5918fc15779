#pragma once
// sipp scenarios the SIP tests write to their temp dir: the far ends our stack talks to.
// Each is a small UAS (a carrier) or UAC (a caller); sipp exits 0 only when every step
// happened as written, so a scenario is also a check on what we sent.

#include <string>

namespace dialcore::test::scenarios {

// Reply headers copied from the last request, with our To tag.
inline const std::string kReplyHeaders =
    "[last_Via:]\n[last_From:]\n[last_To:];tag=[pid]SIPpTag01[call_number]\n[last_Call-ID:]\n"
    "[last_CSeq:]\n";

inline const std::string kSdpBody =
    "v=0\no=peer 1 1 IN IP[local_ip_type] [local_ip]\ns=-\nc=IN IP[media_ip_type] [media_ip]\n"
    "t=0 0\nm=audio [media_port] RTP/AVP 0\na=rtpmap:0 PCMU/8000\n";

inline std::string send(const std::string& message) {
  return "  <send><![CDATA[\n\n" + message + "\n]]></send>\n";
}

inline std::string reply(const std::string& status_line, const std::string& extra = "") {
  return send("SIP/2.0 " + status_line + "\n" + kReplyHeaders + extra + "Content-Length: 0\n");
}

inline std::string reply_sdp(const std::string& status_line) {
  return send("SIP/2.0 " + status_line + "\n" + kReplyHeaders +
              "Contact: <sip:[local_ip]:[local_port];transport=[transport]>\n"
              "Content-Type: application/sdp\nContent-Length: [len]\n\n" +
              kSdpBody);
}

inline std::string wrap(const std::string& body) {
  return "<?xml version=\"1.0\" encoding=\"ISO-8859-1\" ?>\n<scenario name=\"dialcore\">\n" + body +
         "</scenario>\n";
}

// INVITE (whose From must carry `from_contains`) → 183 with SDP → `final_status` → ACK.
inline std::string uas_fail_after_early_media(const std::string& final_status,
                                              const std::string& from_contains) {
  return wrap("  <recv request=\"INVITE\"><action><ereg regexp=\"" + from_contains +
              "\" search_in=\"hdr\" header=\"From:\" check_it=\"true\" assign_to=\"f\"/>"
              "</action></recv>\n" +
              reply_sdp("183 Session Progress") + reply(final_status, "X-Seen: [$f]\n") +
              "  <recv request=\"ACK\"/>\n");
}

// INVITE → 180 → waits for our CANCEL → 200 (CANCEL) → 487 (INVITE) → ACK.
inline std::string uas_ring_until_cancel() {
  return wrap(
      "  <recv request=\"INVITE\"><action><ereg regexp=\"[0-9]+\" search_in=\"hdr\" "
      "header=\"CSeq:\" assign_to=\"cseq\"/></action></recv>\n" +
      reply("180 Ringing") + "  <recv request=\"CANCEL\"/>\n" + reply("200 OK") +
      send("SIP/2.0 487 Request Terminated\n[last_Via:]\n[last_From:]\n"
           "[last_To:];tag=[pid]SIPpTag01[call_number]\n[last_Call-ID:]\nCSeq: [$cseq] INVITE\n"
           "Content-Length: 0\n") +
      "  <recv request=\"ACK\"/>\n");
}

// INVITE → 200 with SDP → ACK → a pause → BYE from the far end → 200.
inline std::string uas_answer_then_bye(int pause_ms) {
  return wrap(
      "  <recv request=\"INVITE\"><action>"
      "<ereg regexp=\".*\" search_in=\"hdr\" header=\"From:\" assign_to=\"remote_from\"/>"
      "<ereg regexp=\".*\" search_in=\"hdr\" header=\"To:\" assign_to=\"local_to\"/>"
      "<ereg regexp=\"sip:[^>;]*\" search_in=\"hdr\" header=\"Contact:\" "
      "assign_to=\"remote_contact\"/></action></recv>\n" +
      reply_sdp("200 OK") + "  <recv request=\"ACK\"/>\n  <pause milliseconds=\"" +
      std::to_string(pause_ms) + "\"/>\n" +
      "  <send retrans=\"500\"><![CDATA[\n\nBYE [$remote_contact] SIP/2.0\n"
      "Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]\n"
      "From: [$local_to];tag=[pid]SIPpTag01[call_number]\nTo: [$remote_from]\n[last_Call-ID:]\n"
      "CSeq: 1 BYE\nMax-Forwards: 70\nContent-Length: 0\n\n]]></send>\n"
      "  <recv response=\"200\"/>\n");
}

inline std::string challenge_header(bool proxy) {
  return std::string(proxy ? "Proxy-Authenticate" : "WWW-Authenticate") +
         ": Digest realm=\"dialcore.test\", nonce=\"4f1a2b3c4d5e6f708192a3b4c5d6e7f8\", "
         "algorithm=MD5\n";
}
inline std::string challenge_status(bool proxy) {
  return proxy ? "407 Proxy Authentication Required" : "401 Unauthorized";
}

// The tail of an accepted call: 200 with SDP → ACK → our BYE → 200.
inline std::string answer_until_our_bye(const std::string& extra = "") {
  return send("SIP/2.0 200 OK\n" + kReplyHeaders + extra +
              "Contact: <sip:[local_ip]:[local_port];transport=[transport]>\n"
              "Content-Type: application/sdp\nContent-Length: [len]\n\n" +
              kSdpBody) +
         "  <recv request=\"ACK\"/>\n  <recv request=\"BYE\"/>\n" + reply("200 OK");
}

// 401 (WWW-Authenticate) → ACK → INVITE whose Authorization sipp verifies for user/password
// (<verifyauth> reads Authorization only) → the call is answered; wrong credentials get 403.
inline std::string uas_www_auth(const std::string& user, const std::string& password) {
  return wrap("  <recv request=\"INVITE\"/>\n" +
              reply(challenge_status(false), challenge_header(false)) +
              "  <recv request=\"ACK\"/>\n"
              "  <recv request=\"INVITE\"><action><verifyauth assign_to=\"authvalid\" "
              "username=\"" +
              user + "\" password=\"" + password + "\"/></action></recv>\n" +
              "  <nop hide=\"true\" test=\"authvalid\" next=\"good\"/>\n" + reply("403 Forbidden") +
              "  <recv request=\"ACK\"/>\n" +
              "  <nop hide=\"true\" next=\"end\"/>\n  <label id=\"good\"/>\n" +
              answer_until_our_bye() + "  <label id=\"end\"/>\n");
}

// 407 → ACK → INVITE whose Proxy-Authorization must carry `expected_response` (the digest
// the test computed; sipp's <verifyauth> cannot read Proxy-Authorization) → answered.
inline std::string uas_proxy_auth(const std::string& expected_response) {
  return wrap("  <recv request=\"INVITE\"/>\n" +
              reply(challenge_status(true), challenge_header(true)) +
              "  <recv request=\"ACK\"/>\n"
              "  <recv request=\"INVITE\"><action><ereg regexp=\"response=.?" +
              expected_response +
              "\" search_in=\"hdr\" header=\"Proxy-Authorization:\" "
              "check_it=\"true\" assign_to=\"authok\"/></action></recv>\n" +
              answer_until_our_bye("X-Seen: [$authok]\n"));
}

// 407 → ACK → INVITE → 407 again (credentials refused) → ACK, and nothing more: a third
// INVITE would be an unexpected message and fail sipp.
inline std::string uas_proxy_auth_refused() {
  return wrap(
      "  <recv request=\"INVITE\"/>\n" + reply(challenge_status(true), challenge_header(true)) +
      "  <recv request=\"ACK\"/>\n  <recv request=\"INVITE\"/>\n" +
      reply(challenge_status(true), challenge_header(true)) + "  <recv request=\"ACK\"/>\n");
}

// INVITE whose privacy headers are checked (RFC 3325) → 486 → ACK.
inline std::string uas_check_privacy(const std::string& cli) {
  return wrap(
      "  <recv request=\"INVITE\"><action>"
      "<ereg regexp=\"^ *id\" search_in=\"hdr\" header=\"Privacy:\" check_it=\"true\" "
      "assign_to=\"p\"/>"
      "<ereg regexp=\"sip:" +
      cli +
      "@\" search_in=\"hdr\" header=\"P-Asserted-Identity:\" "
      "check_it=\"true\" assign_to=\"pai\"/>"
      "<ereg regexp=\"anonymous@anonymous.invalid\" search_in=\"hdr\" header=\"From:\" "
      "check_it=\"true\" assign_to=\"f\"/></action></recv>\n" +
      reply("486 Busy Here", "X-Seen: [$p] [$pai] [$f]\n") + "  <recv request=\"ACK\"/>\n");
}

// A caller: INVITE to DID with SDP → (100/180) → 200 → ACK → INFO digits (dtmf-relay 7 for
// 160 ms, application/dtmf #, a dtmf-relay naming no digit) → a re-INVITE putting us on hold
// (sendonly) → 200 → ACK → BYE.
inline std::string uac_call_with_info_and_reinvite(const std::string& did) {
  const std::string request_line =
      " sip:" + did +
      "@[remote_ip]:[remote_port] SIP/2.0\n"
      "Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]\n"
      "From: <sip:caller77@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]\n";
  const std::string in_dialog = "To: <sip:" + did +
                                "@[remote_ip]:[remote_port]>[peer_tag_param]\n"
                                "Call-ID: [call_id]\nMax-Forwards: 70\n";
  const std::string contact = "Contact: <sip:caller77@[local_ip]:[local_port]>\n";
  auto request = [&](const std::string& method, int cseq, const std::string& rest) {
    return send(method + request_line + in_dialog + "CSeq: " + std::to_string(cseq) + " " +
                (method == "ACK" && cseq == 1 ? "ACK" : method) + "\n" + rest);
  };
  const std::string hold_sdp = std::string(kSdpBody) + "a=sendonly\n";
  return wrap(
      "  <send retrans=\"500\"><![CDATA[\n\nINVITE" + request_line + "To: <sip:" + did +
      "@[remote_ip]:[remote_port]>\nCall-ID: [call_id]\nMax-Forwards: 70\nCSeq: 1 INVITE\n" +
      contact + "Content-Type: application/sdp\nContent-Length: [len]\n\n" + kSdpBody +
      "]]></send>\n" +
      "  <recv response=\"100\" optional=\"true\"/>\n"
      "  <recv response=\"180\" optional=\"true\"/>\n"
      "  <recv response=\"200\" rtd=\"true\"/>\n" +
      request("ACK", 1, "Content-Length: 0\n") +
      request("INFO", 2,
              "Content-Type: application/dtmf-relay\nContent-Length: [len]\n\n"
              "Signal=7\nDuration=160\n") +
      "  <recv response=\"200\"/>\n" +
      request("INFO", 3, "Content-Type: application/dtmf\nContent-Length: [len]\n\n#") +
      "  <recv response=\"200\"/>\n" +
      request("INFO", 4,
              "Content-Type: application/dtmf-relay\nContent-Length: [len]\n\n"
              "Signal=Z\n") +
      "  <recv response=\"200\"/>\n" +
      request("INVITE", 5,
              contact + "Content-Type: application/sdp\nContent-Length: [len]\n\n" + hold_sdp) +
      "  <recv response=\"100\" optional=\"true\"/>\n"
      "  <recv response=\"200\"/>\n" +
      send("ACK" + request_line + in_dialog + "CSeq: 5 ACK\nContent-Length: 0\n") +
      request("BYE", 6, "Content-Length: 0\n") + "  <recv response=\"200\"/>\n");
}

// A caller that is turned down: INVITE → (100) → (180) → `status` → ACK (the ACK of a failure
// shares the INVITE's branch, hence the fixed one).
inline std::string uac_expect_rejection(const std::string& did, int status) {
  return wrap(
      "  <send retrans=\"500\"><![CDATA[\n\nINVITE sip:" + did +
      "@[remote_ip]:[remote_port] SIP/2.0\n"
      "Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=z9hG4bK-dc-[call_number]\n"
      "From: <sip:caller77@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]\n"
      "To: <sip:" +
      did +
      "@[remote_ip]:[remote_port]>\nCall-ID: [call_id]\nCSeq: 1 INVITE\n"
      "Contact: <sip:caller77@[local_ip]:[local_port]>\nMax-Forwards: 70\n"
      "Content-Type: application/sdp\nContent-Length: [len]\n\n" +
      kSdpBody + "]]></send>\n" +
      "  <recv response=\"100\" optional=\"true\"/>\n  <recv response=\"180\" optional=\"true\"/>\n"
      "  <recv response=\"" +
      std::to_string(status) + "\"/>\n" +
      send("ACK sip:" + did +
           "@[remote_ip]:[remote_port] SIP/2.0\n"
           "Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=z9hG4bK-dc-[call_number]\n"
           "From: <sip:caller77@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]\n"
           "To: <sip:" +
           did +
           "@[remote_ip]:[remote_port]>[peer_tag_param]\n"
           "Call-ID: [call_id]\nCSeq: 1 ACK\nMax-Forwards: 70\nContent-Length: 0\n"));
}

// A caller that gives up: INVITE → (100) → 180 → CANCEL → 200 → 487 → ACK (CANCEL and ACK
// share the INVITE's branch).
inline std::string uac_cancel_after_ringing(const std::string& did) {
  const std::string head =
      " sip:" + did +
      "@[remote_ip]:[remote_port] SIP/2.0\n"
      "Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=z9hG4bK-dc-[call_number]\n"
      "From: <sip:caller77@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]\n"
      "Call-ID: [call_id]\nMax-Forwards: 70\n";
  const std::string to = "To: <sip:" + did + "@[remote_ip]:[remote_port]>";
  return wrap("  <send retrans=\"500\"><![CDATA[\n\nINVITE" + head + to +
              "\nCSeq: 1 INVITE\n"
              "Contact: <sip:caller77@[local_ip]:[local_port]>\n"
              "Content-Type: application/sdp\nContent-Length: [len]\n\n" +
              kSdpBody + "]]></send>\n" +
              "  <recv response=\"100\" optional=\"true\"/>\n  <recv response=\"180\"/>\n" +
              send("CANCEL" + head + to + "\nCSeq: 1 CANCEL\nContent-Length: 0\n") +
              "  <recv response=\"200\"/>\n  <recv response=\"487\"/>\n" +
              send("ACK" + head + to + "[peer_tag_param]\nCSeq: 1 ACK\nContent-Length: 0\n"));
}

}  // namespace dialcore::test::scenarios
