#include "control/sip/sip_engine.hpp"

#include <sofia-sip/nta_tag.h>
#include <sofia-sip/nua.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/su_string.h>
#include <sofia-sip/su_tag.h>
#include <sofia-sip/su_wait.h>
#include <sofia-sip/url.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>

#include "control/sip/bind_probe.hpp"

namespace dialcore::control::sip {
namespace {

constexpr su_duration_t kTickMs = 100;       // invite timeouts and the shutdown bound
constexpr std::uint64_t kShutdownMs = 3000;  // nua_shutdown gets this long, then we go
constexpr std::uint64_t kBindWaitMs = 2000;  // nua_get_params answer after nua_create

SipEngine* engine_of(void* magic) { return static_cast<SipEngine*>(magic); }

void nua_callback(nua_event_t event, int status, char const* /*phrase*/, nua_t* nua,
                  nua_magic_t* magic, nua_handle_t* nh, nua_hmagic_t* hmagic, sip_t const* sip,
                  tagi_t tags[]) {
  SipEngine* engine = engine_of(magic);
  if (event == nua_r_get_params) {
    sip_contact_t const* contact = nullptr;
    tl_gets(tags, NTATAG_CONTACT_REF(contact), TAG_END());
    if (contact != nullptr && contact->m_url->url_host != nullptr) {
      char text[256];
      url_e(text, sizeof text, contact->m_url);
      text[sizeof text - 1] = '\0';
      const char* port = contact->m_url->url_port;
      engine->on_contact(text, static_cast<std::uint16_t>(port ? std::atoi(port) : 5060));
    }
    return;
  }
  NuaEventInfo info{event, status, -1};
  if (event == nua_i_state) tl_gets(tags, NUTAG_CALLSTATE_REF(info.callstate), TAG_END());
  engine->on_nua_event(info, nua, nh, hmagic, sip);
}

int wakeup_callback(su_root_magic_t* magic, su_wait_t* /*wait*/, su_wakeup_arg_t* /*arg*/) {
  engine_of(magic)->on_wakeup();
  return 0;
}

void tick_callback(su_root_magic_t* magic, su_timer_t* /*timer*/, su_timer_arg_t* /*arg*/) {
  engine_of(magic)->on_tick();
}

// Requests nua has answered itself on a handle it made for them (outside any dialog of ours).
bool stray_request(int event) {
  switch (event) {
    case nua_i_options:
    case nua_i_refer:
    case nua_i_publish:
    case nua_i_info:
    case nua_i_update:
    case nua_i_message:
    case nua_i_chat:
    case nua_i_subscribe:
    case nua_i_subscription:
    case nua_i_notify:
    case nua_i_method:
    case nua_i_register:
    case nua_i_bye:
    case nua_i_prack: return true;
    default: return false;
  }
}

std::string listen_url(const config::SipInterface& iface) {
  const config::Endpoint& ep = iface.listen.front();
  const std::string host = ep.ipv6 ? "[" + ep.address + "]" : ep.address;
  const char* transport = iface.transport == config::SipTransport::Tcp ? "tcp" : "udp";
  return "sip:" + host + ":" + std::to_string(ep.port) + ";transport=" + transport;
}

}  // namespace

std::string body_of(const sip_s* sip) {
  if (sip == nullptr || sip->sip_payload == nullptr || sip->sip_payload->pl_data == nullptr) {
    return {};
  }
  return std::string(sip->sip_payload->pl_data, sip->sip_payload->pl_len);
}

std::string content_type_of(const sip_s* sip) {
  if (sip == nullptr || sip->sip_content_type == nullptr ||
      sip->sip_content_type->c_type == nullptr) {
    return {};
  }
  return sip->sip_content_type->c_type;
}

std::string sdp_body(const sip_s* sip) {
  return su_casematch(content_type_of(sip).c_str(), "application/sdp") ? body_of(sip)
                                                                       : std::string{};
}

SipEngine::SipEngine(EngineShared shared) : shared_(shared), calls_(shared.live_handles) {}

SipEngine::~SipEngine() = default;

std::uint64_t SipEngine::now_ms() const {
  // The SIP thread's clock adapter: everything below takes the time as a parameter.
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::steady_clock::now().time_since_epoch())
                                        .count());
}

std::optional<std::string> SipEngine::open(std::vector<BoundInterface>& bound) {
  static std::once_flag su_initialised;
  std::call_once(su_initialised, [] { su_init(); });
  const config::Sip& cfg = shared_.settings;
  if (cfg.interfaces.empty()) return "sip: no interfaces configured";
  root_ = su_root_create(this);
  if (root_ == nullptr) return "sip: su_root_create failed";
  // Single-threaded sofia: with threading on (su_root's default) nua_create starts a stack
  // thread per nua (su_clone_start) and every API call and event crosses between it and this
  // thread through the port's message queue and a socketpair wake-up. Off, each nua's stack
  // task shares this root's port: nta's sockets, its timers and our callbacks all run on this
  // one thread (tested: `sip_stack_test` "sofia runs on the SIP thread alone").
  su_root_threading(root_, 0);
  su_wait_t wait[1];
  if (su_wait_create(wait, shared_.queue.fd(), SU_WAIT_IN) != 0 ||
      su_root_register(root_, wait, wakeup_callback, nullptr, 0) < 0) {
    return "sip: cannot register the command eventfd";
  }
  wait_registered_ = true;
  tick_ = su_timer_create(su_root_task(root_), kTickMs);
  if (tick_ == nullptr || su_timer_set_for_ever(tick_, tick_callback, nullptr) != 0) {
    return "sip: cannot start the tick timer";
  }
  for (const config::SipInterface& iface : cfg.interfaces) {
    if (iface.listen.empty()) return "sip: interface '" + iface.name + "' has no listen address";
    if (auto error = probe_bind(iface.listen.front(), iface.transport)) {
      return "sip: interface '" + iface.name + "': " + *error;
    }
    const std::string url = listen_url(iface);
    // Agent interfaces are also the registrar: REGISTER is passed up and answered by us.
    const bool agents = iface.role == config::SipRole::Agent;
    nua_t* nua = nua_create(
        root_, nua_callback, this, NUTAG_URL(url.c_str()), NUTAG_MEDIA_ENABLE(0),
        NUTAG_AUTOANSWER(0), NUTAG_AUTOALERT(0), NUTAG_ENABLEINVITE(1), NUTAG_SESSION_TIMER(0),
        NUTAG_ALLOW("INFO"), TAG_IF(agents, NUTAG_ALLOW("REGISTER")),
        TAG_IF(agents, NUTAG_APPL_METHOD("REGISTER")), NTATAG_SIP_T1(cfg.timers.t1_ms), TAG_END());
    if (nua == nullptr) return "sip: interface '" + iface.name + "' cannot bind " + url;
    interfaces_.push_back(Interface{nua, &iface, false});
    pending_contact_.clear();
    nua_get_params(nua, TAG_ANY(), TAG_END());
    const std::uint64_t until = now_ms() + kBindWaitMs;
    while (pending_contact_.empty() && now_ms() < until) su_root_step(root_, 50);
    if (pending_contact_.empty()) return "sip: interface '" + iface.name + "' reports no contact";
    bound.push_back(BoundInterface{iface.name, iface.role, pending_contact_, pending_port_});
  }
  const std::uint64_t now = now_ms();
  for (const config::SipTrunk& trunk : cfg.trunks) {
    std::size_t index = cfg.interfaces.size();
    for (std::size_t i = 0; i < cfg.interfaces.size(); ++i) {
      if (cfg.interfaces[i].name == trunk.interface) index = i;
    }
    if (index == cfg.interfaces.size()) {
      return "sip: trunk '" + trunk.id + "' names unknown interface '" + trunk.interface + "'";
    }
    trunks_.push_back(
        Trunk{&trunk, index, parse_proxy(trunk.proxy), TokenBucket(trunk.max_cps, now), 0});
    if (!trunks_.back().proxy) return "sip: trunk '" + trunk.id + "' proxy is not a sip: URI";
  }
  return std::nullopt;
}

void SipEngine::run() {
  if (root_ == nullptr) return;
  // Without the eventfd registered no Shutdown could reach the loop: only open() failing that
  // early gets here, before any nua exists.
  if (wait_registered_) su_root_run(root_);
  finish_shutdown();
}

void SipEngine::on_wakeup() {
  for (SipCommand& command : shared_.queue.drain()) execute(command);
}

void SipEngine::on_tick() {
  const std::uint64_t now = now_ms();
  cancel_overdue_invites(now);
  reap_calls(now);
  expire_bindings(now);
  if (shutting_down_ && now >= shutdown_deadline_ms_) su_root_break(root_);
}

void SipEngine::execute(SipCommand& command) {
  if (command.kind == CommandKind::Shutdown) return begin_shutdown();
  if (command.kind == CommandKind::Dial) return dial(command);
  if (command.kind == CommandKind::DialAgent) return dial_agent(command);
  if (command.kind == CommandKind::Credentials) return set_credentials(command.credentials);
  Call* call = calls_.find(command.call);
  if (call == nullptr || shutting_down_) return refuse_command();
  switch (command.kind) {
    case CommandKind::Answer: return answer(*call, command.sdp);
    case CommandKind::Reject: return reject(*call, command.status);
    case CommandKind::Ringing: return ringing(*call);
    case CommandKind::Hangup: return hangup(*call);
    case CommandKind::Reoffer: return reoffer(*call, command.sdp);
    default: return;
  }
}

std::optional<std::size_t> SipEngine::interface_of(const nua_s* nua) const {
  for (std::size_t i = 0; i < interfaces_.size(); ++i) {
    if (interfaces_[i].nua == nua) return i;
  }
  return std::nullopt;
}

void SipEngine::on_nua_event(const NuaEventInfo& info, nua_s* nua, nua_handle_s* nh, void* hmagic,
                             const sip_s* sip) {
  const auto iface = interface_of(nua);
  if (!iface) return;
  if (info.event == nua_r_shutdown) {
    if (info.status < 200) return;
    interfaces_[*iface].shutdown_done = true;
    for (const Interface& i : interfaces_) {
      if (!i.shutdown_done) return;
    }
    su_root_break(root_);
    return;
  }
  if (hmagic == nullptr) {
    if (nh == nullptr) return;
    if (info.event == nua_i_invite) return on_incoming_invite(nh, *iface, sip);
    if (info.event == nua_i_register &&
        interfaces_[*iface].config->role == config::SipRole::Agent) {
      return on_register(nua, nh, *iface, sip);
    }
    // A request outside any call of ours (OPTIONS, MESSAGE, a stray INFO...): nua has
    // answered it; the handle it made for it is ours to destroy.
    if (stray_request(info.event)) nua_handle_destroy(nh);
    return;
  }
  Call* call = calls_.find(call_of_magic(hmagic));
  if (call == nullptr) return;  // a late event for a call already finished
  on_call_event(info, *call, sip);
}

void SipEngine::on_call_event(const NuaEventInfo& info, Call& call, const sip_s* sip) {
  // A request or a response from the far end in this dialog shows it is there: the reaper's
  // probe waits again. Not 408/503: nta makes those itself on a timeout or a transport error
  // (with a message, Via included); the probe's own answers are judged by on_probe_response.
  if (sip != nullptr && info.status != 408 && info.status != 503 && info.event != nua_r_options) {
    call.last_heard_ms = now_ms();
    call.probe_failures = 0;
  }
  switch (info.event) {
    case nua_r_invite:
      if (call.reoffer_pending) return on_reoffer_response(call, info.status, sip);
      if (call.direction == CallDirection::Outbound) on_invite_response(call, info.status, sip);
      return;
    case nua_i_invite: return on_reinvite(call, sip);
    case nua_i_cancel: return record_end(call, CallEnd::Cancelled, 487);
    case nua_i_bye: return record_end(call, CallEnd::RemoteHangup, 0);
    case nua_r_bye: return record_end(call, CallEnd::LocalHangup, 0);
    case nua_i_info: return on_info(call, sip);
    case nua_r_options: return on_probe_response(call, info.status);
    case nua_i_ack:
      if (call.direction != CallDirection::Inbound || call.confirmed) return;
      call.confirmed = true;
      // The 2xx is ACKed: no longer a teardown to bound (unless one began meanwhile).
      if (call.end == CallEnd::None) call.reap_deadline_ms = 0;
      return emit(event_for(call, SipEventKind::Confirmed));
    case nua_i_state:
      if (info.callstate == nua_callstate_terminated) finish(call);
      return;
    default: return;
  }
}

SipEvent SipEngine::event_for(const Call& call, SipEventKind kind) const {
  SipEvent e;
  e.kind = kind;
  e.call = call.id;
  e.interface = interfaces_[call.interface].config->name;
  return e;
}

void SipEngine::emit(SipEvent event) {
  if (!shared_.sink) return;
  try {
    shared_.sink(std::move(event));
  } catch (...) {
    // An exception must not unwind through sofia's C frames; the event is lost and counted.
    SipCounters::bump(shared_.counters.events_lost);
  }
}

void SipEngine::record_end(Call& call, CallEnd end, int status) {
  if (call.end != CallEnd::None) return;  // the first cause wins
  call.end = end;
  call.end_status = status;
}

void SipEngine::finish(Call& call) {
  SipEvent e = event_for(call, SipEventKind::Ended);
  e.end = call.end == CallEnd::None ? CallEnd::Failed : call.end;
  e.status = call.end_status;
  shared_.counters.count_end(e.end);
  if (call.trunk >= 0) --trunks_[static_cast<std::size_t>(call.trunk)].active;
  if (call.handle != nullptr) {
    nua_handle_destroy(call.handle);
    calls_.handle_released();
  }
  calls_.erase(call.id);
  shared_.live_calls.store(calls_.size(), std::memory_order_relaxed);
  emit(std::move(e));
}

void SipEngine::begin_shutdown() {
  if (shutting_down_) return;
  shutting_down_ = true;
  shutdown_deadline_ms_ = now_ms() + kShutdownMs;
  for (auto& [id, call] : calls_.all()) record_end(call, CallEnd::Shutdown, 0);
  for (const Interface& i : interfaces_) nua_shutdown(i.nua);
  if (interfaces_.empty()) su_root_break(root_);
}

void SipEngine::finish_shutdown() {
  while (!calls_.all().empty()) finish(calls_.all().begin()->second);
  shared_.registered_users.store(0, std::memory_order_relaxed);  // bindings die with the thread
  for (Interface& i : interfaces_) {
    // nua_destroy refuses (and leaks) a nua whose shutdown did not complete in time.
    if (!i.shutdown_done)
      std::fprintf(stderr, "sip: %s did not finish shutdown in time\n", i.config->name.c_str());
    nua_destroy(i.nua);
  }
  interfaces_.clear();
  if (tick_ != nullptr) su_timer_destroy(tick_);
  tick_ = nullptr;
  if (wait_registered_) {
    su_wait_t wait[1];
    su_wait_create(wait, shared_.queue.fd(), SU_WAIT_IN);
    su_root_deregister(root_, su_root_unregister(root_, wait, wakeup_callback, nullptr));
  }
  su_root_destroy(root_);
  root_ = nullptr;
}

}  // namespace dialcore::control::sip
