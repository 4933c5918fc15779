#pragma once
// Support for the SIP tests (label `sip`): a private network namespace per test process,
// an event log the stack's sink fills, sipp children with bounded run times, scenario files.

#include "control/sip/sip_stack.hpp"
#include "tests/control/temp_dir.hpp"

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace dialcore::test {

// Moves this process into a new network namespace with only `lo` (up), so the fixed ports
// the tests pick cannot collide with anything else on the machine. Exits 77 (CTest: Skipped)
// with the reason on stderr when that is impossible (not root, no iproute2). Call first, before
// any thread starts.
void enter_private_netns();

// A fixed SDP body for tests only: the SIP layer carries SDP as opaque text, negotiation
// is control/sdp's.
inline constexpr const char* kTestSdp =
    "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
    "m=audio 40000 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n";

// Collects events from any thread; tests wait on it with a bound.
class EventLog {
 public:
  control::sip::SipEventSink sink();
  void push(control::sip::SipEvent event);
  // The first event (in arrival order, from index `from`) matching `pred`, waiting up to
  // `timeout`.
  std::optional<control::sip::SipEvent> wait_for(
      const std::function<bool(const control::sip::SipEvent&)>& pred,
      std::chrono::milliseconds timeout = std::chrono::seconds(10));
  std::optional<control::sip::SipEvent> wait_kind(
      control::sip::CallId call, control::sip::SipEventKind kind,
      std::chrono::milliseconds timeout = std::chrono::seconds(10));
  std::vector<control::sip::SipEvent> all();

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<control::sip::SipEvent> events_;
};

// A sipp child process (or another peer: `program`, e.g. baresip); its output goes to a log
// file in `dir`.
class Sipp {
 public:
  Sipp(const TempDir& dir, std::vector<std::string> args, const std::string& program = "sipp");
  ~Sipp();  // kills it if still running
  Sipp(const Sipp&) = delete;
  Sipp& operator=(const Sipp&) = delete;
  // Its exit status, or -1 when it had to be killed after `timeout`.
  int wait(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  std::string log() const;

 private:
  pid_t pid_ = -1;
  std::string log_path_;
  int status_ = -1;
};

// Waits until something has bound UDP `port` on 127.0.0.1 (a peer is ready). Bounded: 5 s.
bool wait_udp_bound(std::uint16_t port);

// Writes a sipp scenario into `dir`, returns its path.
std::string write_scenario(const TempDir& dir, const std::string& name, const std::string& xml);

// A configuration with one trunk interface (127.0.0.1, port 0) and one agent interface, and a
// trunk "carrier" whose proxy is sip:127.0.0.1:`proxy_port`.
config::Sip test_sip_config(std::uint16_t proxy_port);

// MD5 of `text` in lower-case hex (OpenSSL), to check digests independently of sofia.
std::string md5_hex(const std::string& text);

// Sends `datagram` to 127.0.0.1:`port` from a fresh UDP socket.
void send_udp(std::uint16_t port, const std::string& datagram);

// A UDP socket on 127.0.0.1 (kernel port) that sends requests to the stack and reads its
// answers.
class UdpPeer {
 public:
  UdpPeer();  // throws std::system_error when it cannot bind
  ~UdpPeer();
  UdpPeer(const UdpPeer&) = delete;
  UdpPeer& operator=(const UdpPeer&) = delete;
  // "Via: SIP/2.0/UDP 127.0.0.1:<port>;rport;branch=z9hG4bK-<branch>" (no CRLF).
  std::string via(const std::string& branch) const;
  // Sends `wire` to `port`; the first final status to it (the answer naming `branch`: nta
  // retransmits earlier INVITE answers we never ACK) within `wait_ms` (0: none).
  int exchange(std::uint16_t port, const std::string& wire, const std::string& branch,
               int wait_ms = 1000);

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
};

// A plain OPTIONS request to 127.0.0.1 with `peer`'s Via (branch `branch`), Call-ID `call_id`.
std::string options_request(const UdpPeer& peer, const std::string& branch,
                            const std::string& call_id);

}  // namespace dialcore::test
