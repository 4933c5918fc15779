#pragma once
// The agents' handsets: one sofia-sip NUA user agent on one UDP port for every simulated agent
// (Contact sip:USER@HOST:PORT, so the agent is the Request-URI user), each REGISTERing its own
// address-of-record at dialcored's agent interface with digest authentication (nua_authenticate
// on every 401/407; sofia refreshes before expiry), and auto-answering INVITEs (with or without
// Call-Info answer-after / Alert-Info) with control/sdp's answer: G.711 + telephone-event, an
// oRTP stream bound at a kernel-chosen port. Re-INVITEs are answered again (hold: the stream
// stops sending while the peer is sendonly/inactive); BYE either way.
//
// Threads: one SIP thread owns sofia (su_root, the nua, every handle). Commands from other
// threads (hangup, stop) go through a mutex-guarded queue read by a 20 ms su_timer. Events for
// the media loop go to `sink` ON THE SIP THREAD (it must only queue them).

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/agents/options.hpp"
#include "sim/common/rtp_stream.hpp"

namespace dialcore::sim::agents {

using Clock = std::chrono::steady_clock;

struct PhoneEvent {
  enum class Kind { Answered, Media, Ended };
  Kind kind = Kind::Answered;
  std::uint64_t call = 0;
  std::size_t agent = 0;
  std::unique_ptr<RtpStream> rtp;  // Answered: the stream, bound; its remote is `format`
  StreamFormat format;             // Answered, Media (a re-INVITE may move it)
  bool sending = true;             // Media: false while we are held (sendonly/inactive peer)
  Clock::time_point at;            // when our 200 went / the call ended
  bool we_hung_up = false;         // Ended: our BYE (or shutdown), else theirs
};

// One agent's handset, written on the SIP thread; read with counts() after stop().
struct PhoneCounts {
  bool registered = false;  // a binding is up now (the last REGISTER answer was 200)
  std::uint64_t register_ok = 0, register_401 = 0, register_403 = 0, register_423 = 0,
                register_other = 0, unregistered = 0;
  std::uint64_t invites = 0, answered = 0, auto_answer_headers = 0, refused = 0;
  std::uint64_t reinvites = 0, holds = 0, byes_received = 0, byes_sent = 0;
  std::uint64_t errors = 0;  // SDP we could not answer, sockets we could not bind
};

struct PhoneSettings {
  std::string listen_host = "127.0.0.1";
  std::uint16_t listen_port = 0;
  std::string registrar_host;  // "" = no REGISTER (calls straight to our address still work)
  std::uint16_t registrar_port = 0;
  std::uint32_t expires_s = 60;
  std::vector<std::string> codecs = {"PCMU", "PCMA", "telephone-event"};
  bool verbose = false;
};

class SipPhones {
 public:
  using Sink = std::function<void(PhoneEvent)>;

  SipPhones(PhoneSettings settings, std::vector<AgentAccount> accounts, Sink sink);
  ~SipPhones();  // stop()
  SipPhones(const SipPhones&) = delete;
  SipPhones& operator=(const SipPhones&) = delete;

  // Starts the SIP thread, binds, sends every REGISTER. Error text on failure (the thread's
  // own steps are bounded: 2 s for the bound contact).
  std::optional<std::string> start();
  std::uint16_t port() const { return port_; }
  // Agents with a binding now (any thread).
  std::size_t registered() const { return registered_.load(std::memory_order_relaxed); }
  // REGISTER answers that were final (200, 403, other) for every agent at least once.
  bool all_registrations_settled() const;

  void hangup(std::uint64_t call);  // any thread: BYE
  // BYE to every call, un-REGISTER every binding, nua_shutdown; bounded (about 5 s); joins.
  void stop();
  std::vector<PhoneCounts> counts() const;

  struct Engine;

 private:
  PhoneSettings settings_;
  std::vector<AgentAccount> accounts_;
  Sink sink_;
  std::unique_ptr<Engine> engine_;
  std::uint16_t port_ = 0;
  std::atomic<std::size_t> registered_{0};
};

}  // namespace dialcore::sim::agents
