// Calls to and from agents' handsets (label sip): dial_agent to a registered handset behind
// "NAT" (its Contact names a dead port; the call must reach the address the REGISTER came
// from), auto-answer headers, our re-INVITEs refused then answered, an unregistered agent,
// and a handset calling in through a 407 challenge.
#include "agent_rig.hpp"
#include "agent_scenarios.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <regex>
#include <thread>

namespace dialcore::test {
namespace {

using control::sip::CallEnd;
using control::sip::CallId;
using control::sip::SipEvent;
using control::sip::SipEventKind;
namespace sc = scenarios;

// A handset registering by hand from UDP `local_port` (so the test controls the source
// address), answering the 401 with a digest computed here (RFC 2617, qop=auth). Returns the
// final status line.
std::string register_by_hand(std::uint16_t registrar_port, std::uint16_t local_port,
                             const std::string& user, const std::string& password,
                             const std::string& contact) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_in local{};
  local.sin_family = AF_INET;
  local.sin_port = htons(local_port);
  local.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) == 0);
  sockaddr_in to = local;
  to.sin_port = htons(registrar_port);
  const std::string uri = "sip:127.0.0.1:" + std::to_string(registrar_port);
  auto exchange = [&](int cseq, const std::string& authorization) {
    const std::string request =
        "REGISTER " + uri + " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:" + std::to_string(local_port) +
        ";branch=z9hG4bK-reg" + std::to_string(cseq) + ";rport\r\nFrom: <sip:" + user +
        "@127.0.0.1>;tag=h1\r\nTo: <sip:" + user +
        "@127.0.0.1>\r\nCall-ID: by-hand-1\r\nCSeq: " + std::to_string(cseq) +
        " REGISTER\r\nMax-Forwards: 70\r\nContact: <" + contact + ">\r\nExpires: 60\r\n" +
        authorization + "Content-Length: 0\r\n\r\n";
    ::sendto(fd, request.data(), request.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
    for (int i = 0; i < 20; ++i) {  // bounded: 20 × 250 ms
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 250) <= 0) continue;
      char buffer[4096];
      const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
      if (n <= 0) continue;
      std::string reply(buffer, static_cast<std::size_t>(n));
      if (reply.rfind("SIP/2.0 1", 0) == 0) continue;  // provisional
      return reply;
    }
    return std::string();
  };
  std::string reply = exchange(1, "");
  std::smatch nonce;
  REQUIRE(std::regex_search(reply, nonce, std::regex("nonce=\"([^\"]+)\"")));
  const std::string ha1 = md5_hex(user + ":" + kAgentRealm + ":" + password);
  const std::string ha2 = md5_hex("REGISTER:" + uri);
  const std::string response = md5_hex(ha1 + ":" + nonce[1].str() + ":00000001:c0ffee:auth:" + ha2);
  reply =
      exchange(2, "Authorization: Digest username=\"" + user + "\", realm=\"" + kAgentRealm +
                      "\", nonce=\"" + nonce[1].str() + "\", uri=\"" + uri + "\", response=\"" +
                      response + "\", algorithm=MD5, qop=auth, nc=00000001, cnonce=\"c0ffee\"\r\n");
  ::close(fd);
  return reply.substr(0, reply.find('\r'));
}

std::string describe(EventLog& log) {
  std::string s;
  for (const auto& e : log.all()) {
    s += std::string(control::sip::sip_event_kind_name(e.kind)) + " call " +
         std::to_string(e.call) + " status " + std::to_string(e.status) + " end " +
         std::string(control::sip::call_end_name(e.end)) + "\n";
  }
  return s;
}

}  // namespace

TEST_CASE("dial_agent reaches a handset behind NAT with auto-answer, and reoffers",
          "[sip][agent_calls]") {
  AgentRig rig;
  // The Contact names port 9 (nothing there): only the REGISTER's source port reaches it.
  REQUIRE(register_by_hand(rig.port, kHandsetPort, "ext101", "s3cret", "sip:ext101@127.0.0.1:9") ==
          "SIP/2.0 200 OK");
  REQUIRE(rig.registration(SipEventKind::Registered, "ext101"));
  auto sipp =
      rig.handset("answer", sc::wrap(sc::answer_our_call(true, "sip:ext101@127.0.0.1:9", true)),
                  "ext101", "s3cret");
  REQUIRE(wait_udp_bound(kHandsetPort));
  const CallId id = rig.stack->dial_agent({"ext101", kTestSdp, true});
  REQUIRE(id != 0);
  const auto answered = rig.log.wait_kind(id, SipEventKind::Answered);
  INFO(describe(rig.log));
  REQUIRE(answered);
  CHECK(answered->interface == "handsets");
  CHECK(answered->sdp.find("m=audio") != std::string::npos);
  // Hold: refused by the handset (488); the call stays up.
  REQUIRE(rig.stack->reoffer(id, std::string(kTestSdp) + "a=sendonly\r\n"));
  const auto failed = rig.log.wait_kind(id, SipEventKind::OfferFailed);
  REQUIRE(failed);
  CHECK(failed->status == 488);
  // The second offer is answered.
  REQUIRE(rig.stack->reoffer(id, kTestSdp));
  const auto reanswered = rig.log.wait_kind(id, SipEventKind::OfferAnswered);
  REQUIRE(reanswered);
  CHECK(reanswered->sdp.find("m=audio") != std::string::npos);
  REQUIRE(rig.stack->hangup(id));
  const auto ended = rig.log.wait_kind(id, SipEventKind::Ended);
  REQUIRE(ended);
  CHECK(ended->end == CallEnd::LocalHangup);
  sipp_passed(*sipp);
  CHECK(rig.stack->live_handles() == 0);
  CHECK(rig.stack->live_calls() == 0);
}

TEST_CASE("dial_agent to an agent with no registration ends NotRegistered at once",
          "[sip][agent_calls]") {
  AgentRig rig;
  const CallId id = rig.stack->dial_agent({"ext102", kTestSdp, false});
  REQUIRE(id != 0);
  const auto ended = rig.log.wait_kind(id, SipEventKind::Ended, std::chrono::seconds(2));
  REQUIRE(ended);
  CHECK(ended->end == CallEnd::NotRegistered);
  CHECK(rig.stack->counters().ended_by(CallEnd::NotRegistered) == 1);
  CHECK(rig.stack->counters().calls_started == 0);
  // reoffer on a call that is not up is refused on the SIP thread and counted.
  const auto refused_before = rig.stack->counters().commands_refused;
  REQUIRE(rig.stack->reoffer(id, kTestSdp));
  for (int i = 0; i < 100 && rig.stack->counters().commands_refused == refused_before; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  CHECK(rig.stack->counters().commands_refused == refused_before + 1);
  CHECK(rig.stack->live_handles() == 0);
}

TEST_CASE("a handset's INVITE is challenged (407) then passed up with its user",
          "[sip][agent_calls]") {
  AgentRig rig;
  auto sipp = rig.handset("callin", sc::handset_calls_in("ext101", "2000"), "ext101", "s3cret");
  const auto in =
      rig.log.wait_for([](const SipEvent& e) { return e.kind == SipEventKind::Incoming; });
  INFO(describe(rig.log));
  REQUIRE(in);
  CHECK(in->authenticated_user == "ext101");
  CHECK(in->interface == "handsets");
  CHECK(in->did == "2000");
  REQUIRE(rig.stack->answer(in->call, kTestSdp));
  const auto ended = rig.log.wait_kind(in->call, SipEventKind::Ended);
  REQUIRE(ended);
  CHECK(ended->end == CallEnd::RemoteHangup);
  sipp_passed(*sipp);
  const auto c = rig.stack->counters();
  CHECK(c.register_challenges == 1);
  CHECK(c.calls_incoming == 1);  // the challenged INVITE made no call
  CHECK(rig.stack->live_handles() == 0);
}

TEST_CASE("a handset's INVITE with a wrong password is refused, no call made",
          "[sip][agent_calls]") {
  AgentRig rig;
  // The scenario expects a 200 after the digest: it fails on our 403, which is the point.
  auto sipp = rig.handset("callin", sc::handset_calls_in("ext101", "2000"), "ext101", "wrong");
  sipp->wait();
  const auto c = rig.stack->counters();
  CHECK(c.register_failures == 1);
  CHECK(c.calls_incoming == 0);
  CHECK(rig.log.all().empty());
  CHECK(rig.stack->live_handles() == 0);
}

}  // namespace dialcore::test
