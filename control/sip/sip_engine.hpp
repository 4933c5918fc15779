#pragma once
// Internal to control/sip: what runs on the SIP thread. SipEngine owns the su_root, one nua
// per configured interface, the call table and the timers; sip_engine.cpp holds the loop and
// the event dispatch, trunk_calls.cpp outbound calls, inbound_calls.cpp inbound calls and
// in-dialog requests. sofia types are only forward-declared here.

#include "config/config.hpp"
#include "control/sip/bindings.hpp"
#include "control/sip/call_registry.hpp"
#include "control/sip/digest_auth.hpp"
#include "control/sip/rate_limiter.hpp"
#include "control/sip/sip_counters.hpp"
#include "control/sip/sip_headers.hpp"
#include "control/sip/sip_queue.hpp"
#include "control/sip/sip_stack.hpp"

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

struct su_root_s;
struct su_timer_s;
struct nua_s;
struct nua_handle_s;
struct sip_s;

namespace dialcore::control::sip {

struct EngineShared {
  const config::Sip& settings;
  SipQueue& queue;
  SipCounters& counters;
  const SipEventSink& sink;
  std::atomic<CallId>& next_call;
  std::atomic<std::size_t>& live_handles;
  std::atomic<std::size_t>& live_calls;
  std::atomic<std::size_t>& registered_users;
};

// What the sofia callback extracts from its tag list before calling on_nua_event.
struct NuaEventInfo {
  int event = 0;
  int status = 0;
  int callstate = -1;
};

class SipEngine {
 public:
  explicit SipEngine(EngineShared shared);
  ~SipEngine();
  SipEngine(const SipEngine&) = delete;
  SipEngine& operator=(const SipEngine&) = delete;

  // On the SIP thread: creates the loop and binds every interface (fills `bound`).
  std::optional<std::string> open(std::vector<BoundInterface>& bound);
  // On the SIP thread: runs until the shutdown command completes, then releases everything.
  void run();

  // Entry points of the sofia callbacks (sip_engine.cpp).
  void on_nua_event(const NuaEventInfo& info, nua_s* nua, nua_handle_s* nh, void* hmagic,
                    const sip_s* sip);
  void on_wakeup();
  void on_tick();
  void on_contact(const char* contact, std::uint16_t port) {
    pending_contact_ = contact;
    pending_port_ = port;
  }

 private:
  struct Interface {
    nua_s* nua = nullptr;
    const config::SipInterface* config = nullptr;
    bool shutdown_done = false;
  };
  struct Trunk {
    const config::SipTrunk* config = nullptr;
    std::size_t interface = 0;
    std::optional<ProxyParts> proxy;
    TokenBucket cps;
    std::uint32_t active = 0;  // calls up or being set up
  };

  // sip_engine.cpp
  std::uint64_t now_ms() const;
  void emit(SipEvent event);
  SipEvent event_for(const Call& call, SipEventKind kind) const;
  void finish(Call& call);  // reports Ended, releases the handle and the trunk slot
  void record_end(Call& call, CallEnd end, int status);
  void begin_shutdown();
  void finish_shutdown();
  std::optional<std::size_t> interface_of(const nua_s* nua) const;
  void execute(SipCommand& command);
  void on_call_event(const NuaEventInfo& info, Call& call, const sip_s* sip);
  void refuse_command() { SipCounters::bump(shared_.counters.commands_refused); }

  // trunk_calls.cpp
  void dial(const SipCommand& command);
  void refuse_dial(CallId id, CallEnd end, const std::string& iface);
  void on_invite_response(Call& call, int status, const sip_s* sip);
  void on_challenge(Call& call, int status, const sip_s* sip);
  void cancel_overdue_invites(std::uint64_t now);
  void hangup(Call& call);

  // dialog_reaper.cpp: every call ends within a bound once the far end is gone.
  void arm_reap(Call& call, std::uint64_t now);
  void reap_calls(std::uint64_t now);
  void on_probe_response(Call& call, int status);

  // inbound_calls.cpp
  void on_incoming_invite(nua_handle_s* nh, std::size_t iface, const sip_s* sip);
  void on_reinvite(Call& call, const sip_s* sip);
  void on_info(Call& call, const sip_s* sip);
  void answer(Call& call, const std::string& sdp);
  void reject(Call& call, int status);
  void ringing(Call& call);

  // agent_calls.cpp (registrar, handsets' calls, our re-INVITEs)
  void set_credentials(std::vector<AgentCredential>& credentials);
  void on_register(nua_s* nua, nua_handle_s* nh, std::size_t iface, const sip_s* sip);
  // The digest on an agent interface's request; answers the challenge or 403 itself and
  // returns the user only when authenticated.
  std::optional<std::string> authenticate(nua_s* nua, nua_handle_s* nh, const sip_s* sip,
                                          bool proxy);
  void expire_bindings(std::uint64_t now);
  void dial_agent(SipCommand& command);
  void reoffer(Call& call, const std::string& sdp);
  void on_reoffer_response(Call& call, int status, const sip_s* sip);
  // Registered (bindings left) or Unregistered (none left, and there were some before).
  void publish_registration(const std::string& user, bool was_registered);

  EngineShared shared_;
  su_root_s* root_ = nullptr;
  su_timer_s* tick_ = nullptr;
  bool wait_registered_ = false;
  std::vector<Interface> interfaces_;
  std::vector<Trunk> trunks_;
  CallRegistry calls_;
  bool shutting_down_ = false;
  std::uint64_t shutdown_deadline_ms_ = 0;
  Ha1Table agents_;  // SIP username → HA1, the snapshot control sent
  NonceIssuer nonces_;
  BindingTable bindings_;
  std::string pending_contact_;
  std::uint16_t pending_port_ = 0;
};

// The body of `sip` when its Content-Type is application/sdp ("" otherwise).
std::string sdp_body(const sip_s* sip);
// The body and Content-Type of `sip`, whatever the type.
std::string body_of(const sip_s* sip);
std::string content_type_of(const sip_s* sip);

}  // namespace dialcore::control::sip
