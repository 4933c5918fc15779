#include "sim/agents/sip_phones.hpp"

#include <sofia-sip/msg_header.h>
#include <sofia-sip/nta_tag.h>
#include <sofia-sip/nua.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_extra.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/su_string.h>
#include <sofia-sip/su_tag.h>
#include <sofia-sip/su_wait.h>

#include <cstdio>
#include <cstdlib>
#include <deque>
#include <future>
#include <map>
#include <mutex>
#include <string_view>
#include <thread>

#include "control/sdp/sdp_session.hpp"
#include "sim/common/net_text.hpp"
#include "sim/common/sdp_stream.hpp"

namespace dialcore::sim::agents {

namespace sdp = control::sdp;

namespace {

constexpr su_duration_t kPollMs = 20;  // the command queue and the shutdown steps
constexpr int kMaxAuthTries = 3;       // challenges answered in a row before giving up
constexpr auto kByeWait = std::chrono::seconds(2);
constexpr auto kShutdownWait = std::chrono::seconds(2);
constexpr std::uint64_t kRegisterMagic = 1ULL << 62;  // handle magic: registrations vs calls

void* magic_of(std::uint64_t id) { return reinterpret_cast<void*>(static_cast<std::uintptr_t>(id)); }
std::uint64_t id_of(const void* magic) { return reinterpret_cast<std::uintptr_t>(magic); }

std::string user_of(const url_t* url) {
  return url != nullptr && url->url_user != nullptr ? url->url_user : "";
}

std::string body_of(const sip_t* sip) {
  if (sip == nullptr || sip->sip_payload == nullptr || sip->sip_payload->pl_data == nullptr) return {};
  return std::string(sip->sip_payload->pl_data, sip->sip_payload->pl_len);
}

// Call-Info with answer-after, or an Alert-Info naming auto-answer: what dialcored sends.
bool auto_answer_asked(const sip_t* sip) {
  for (auto* ci = sip->sip_call_info; ci != nullptr; ci = ci->ci_next) {
    if (ci->ci_params != nullptr && msg_params_find(ci->ci_params, "answer-after=") != nullptr) return true;
  }
  // Alert-Info is one of sofia's extra headers: parsed when the message class knows it, else
  // left among the unknown headers.
  auto* pub = reinterpret_cast<msg_pub_t*>(const_cast<sip_t*>(sip));
  auto* ai = reinterpret_cast<const sip_alert_info_t*>(msg_header_access(pub, sip_alert_info_class));
  for (; ai != nullptr; ai = ai->ai_next) {
    if (ai->ai_params != nullptr && msg_params_find(ai->ai_params, "info=") != nullptr) return true;
  }
  for (auto* u = sip->sip_unknown; u != nullptr; u = u->un_next) {
    if (u->un_name != nullptr && su_casematch(u->un_name, "Alert-Info") && u->un_value != nullptr &&
        std::string_view(u->un_value).find("info=") != std::string_view::npos) {
      return true;
    }
  }
  return false;
}

}  // namespace

struct SipPhones::Engine {
  struct Registration {
    nua_handle_t* nh = nullptr;
    int auth_tries = 0;
    bool settled = false;        // a final answer came
    bool unregistering = false;  // nua_unregister sent, no answer yet
  };
  struct Call {
    nua_handle_t* nh = nullptr;
    std::size_t agent = 0;
    std::unique_ptr<sdp::SdpSession> session;
    std::uint16_t rtp_port = 0;
    bool we_hung_up = false;
  };

  SipPhones& owner;
  su_root_t* root = nullptr;
  su_timer_t* timer = nullptr;
  nua_t* nua = nullptr;
  std::thread thread;
  std::uint16_t port = 0;
  bool got_contact = false;

  mutable std::mutex mutex;  // guards commands, counts, regs[].settled
  std::deque<std::uint64_t> hangups;
  bool stop_asked = false;
  std::vector<PhoneCounts> counts;
  std::vector<Registration> regs;

  // SIP thread only.
  std::map<std::uint64_t, Call> calls;
  std::uint64_t next_call = 1;
  int stop_phase = 0;  // 0 running, 1 BYE/unregister sent, 2 nua_shutdown sent, 3 done
  Clock::time_point phase_deadline;

  explicit Engine(SipPhones& o) : owner(o) {}

  const AgentAccount& account(std::size_t i) const { return owner.accounts_[i]; }

  void note(const char* what, std::size_t agent, int status) const {
    if (owner.settings_.verbose) {
      std::fprintf(stderr, "sip %s %s %d\n", account(agent).login.c_str(), what, status);
    }
  }

  void update_registered() {
    std::size_t n = 0;
    for (const auto& c : counts) n += c.registered ? 1 : 0;
    owner.registered_.store(n, std::memory_order_relaxed);
  }

  void register_all() {
    const std::string& h = owner.settings_.registrar_host;
    const std::string host = h.find(':') != std::string::npos ? "[" + h + "]" : h;
    const std::string registrar = "sip:" + host + ":" + std::to_string(owner.settings_.registrar_port);
    const std::string expires = std::to_string(owner.settings_.expires_s);
    for (std::size_t i = 0; i < regs.size(); ++i) {
      const std::string aor = "sip:" + account(i).sip_user + "@" + host;
      regs[i].nh = nua_handle(nua, magic_of(kRegisterMagic | i), SIPTAG_TO_STR(aor.c_str()),
                              SIPTAG_FROM_STR(aor.c_str()), TAG_END());
      nua_register(regs[i].nh, NUTAG_REGISTRAR(registrar.c_str()),
                   NUTAG_M_USERNAME(account(i).sip_user.c_str()), SIPTAG_EXPIRES_STR(expires.c_str()),
                   NUTAG_OUTBOUND("no-options-keepalive no-validate no-natify"), TAG_END());
    }
  }

  void on_register(std::size_t i, nua_event_t event, int status, const sip_t* sip) {
    if (status < 200) return;
    Registration& r = regs[i];
    const std::lock_guard lock(mutex);
    PhoneCounts& c = counts[i];
    const bool unregister = event == nua_r_unregister;
    note(unregister ? "unregister" : "register", i, status);
    if (status == 401 || status == 407) {
      ++c.register_401;
      // Answer the challenge (an un-REGISTER is challenged like a REGISTER), a few times in a
      // row at most: a wrong password gets 403 from dialcored, never a challenge loop.
      const msg_auth_t* au = status == 401 ? sip->sip_www_authenticate : sip->sip_proxy_authenticate;
      const char* realm = au != nullptr ? msg_params_find(au->au_params, "realm=") : nullptr;
      if (realm != nullptr && r.auth_tries < kMaxAuthTries) {
        ++r.auth_tries;
        const std::string cred = "Digest:" + std::string(realm) + ":" + account(i).sip_user + ":" +
                                 account(i).sip_password;
        nua_authenticate(r.nh, NUTAG_AUTH(cred.c_str()), TAG_END());
        return;
      }
    }
    if (unregister) {
      r.unregistering = false;
      if (status < 300) ++c.unregistered;
      c.registered = false;
      update_registered();
      return;
    }
    if (status < 300) {
      ++c.register_ok;
      c.registered = true;
      r.auth_tries = 0;
      r.settled = true;
    } else if (status == 401 || status == 407) {
      c.registered = false;
      r.settled = true;
    } else {
      if (status == 403) {
        ++c.register_403;
      } else if (status == 423) {
        ++c.register_423;
      } else {
        ++c.register_other;
      }
      c.registered = false;
      r.settled = true;
    }
    update_registered();
  }

  std::optional<std::size_t> agent_for(const sip_t* sip) const {
    std::string user = sip->sip_request != nullptr ? user_of(sip->sip_request->rq_url) : "";
    if (user.empty() && sip->sip_to != nullptr) user = user_of(sip->sip_to->a_url);
    for (std::size_t i = 0; i < owner.accounts_.size(); ++i) {
      if (account(i).sip_user == user) return i;
    }
    return std::nullopt;
  }

  void incoming(nua_handle_t* nh, const sip_t* sip) {
    const auto agent = sip != nullptr ? agent_for(sip) : std::nullopt;
    if (!agent || stop_phase != 0) {
      nua_respond(nh, agent ? 503 : 404, agent ? "Service Unavailable" : "Not Found", TAG_END());
      nua_handle_destroy(nh);
      return;
    }
    std::unique_lock lock(mutex);
    PhoneCounts& c = counts[*agent];
    ++c.invites;
    const bool auto_answer = auto_answer_asked(sip);
    if (auto_answer) ++c.auto_answer_headers;
    lock.unlock();
    PhoneEvent e;
    e.agent = *agent;
    e.call = next_call++;
    Call call;
    call.nh = nh;
    call.agent = *agent;
    StreamAnswer answer;
    try {
      e.rtp = std::make_unique<RtpStream>(owner.settings_.listen_host);
      call.rtp_port = e.rtp->port();
      call.session = std::make_unique<sdp::SdpSession>(e.call, 1, net_address(owner.settings_.listen_host, call.rtp_port));
      answer = answer_g711(body_of(sip), owner.settings_.listen_host, call.rtp_port, owner.settings_.codecs, *call.session);
    } catch (const std::exception& ex) {
      std::fprintf(stderr, "dialcore-agent-sim: %s: %s\n", account(*agent).login.c_str(), ex.what());
      answer.status = 503;
    }
    if (answer.status != 0) {
      lock.lock();
      ++c.refused;
      ++c.errors;
      lock.unlock();
      note("invite refused", *agent, answer.status);
      nua_respond(nh, answer.status, sip_status_phrase(answer.status), TAG_END());
      nua_handle_destroy(nh);
      return;
    }
    nua_handle_bind(nh, magic_of(e.call));
    if (!auto_answer) nua_respond(nh, SIP_180_RINGING, TAG_END());
    nua_respond(nh, SIP_200_OK, SIPTAG_CONTENT_TYPE_STR("application/sdp"),
                SIPTAG_PAYLOAD_STR(answer.sdp.c_str()), TAG_END());
    lock.lock();
    ++c.answered;
    lock.unlock();
    note("answered", *agent, 200);
    e.kind = PhoneEvent::Kind::Answered;
    e.format = answer.format;
    e.sending = answer.sending;
    e.at = Clock::now();
    calls.emplace(e.call, std::move(call));
    owner.sink_(std::move(e));
  }

  void reinvite(std::uint64_t id, Call& call, const sip_t* sip) {
    const auto answer = answer_g711(body_of(sip), owner.settings_.listen_host, call.rtp_port,
                                    owner.settings_.codecs, *call.session);
    {
      const std::lock_guard lock(mutex);
      ++counts[call.agent].reinvites;
      if (answer.status == 0 && !answer.sending) ++counts[call.agent].holds;
      if (answer.status != 0) ++counts[call.agent].errors;
    }
    if (answer.status != 0) {
      nua_respond(call.nh, answer.status, sip_status_phrase(answer.status), TAG_END());
      return;
    }
    nua_respond(call.nh, SIP_200_OK, SIPTAG_CONTENT_TYPE_STR("application/sdp"),
                SIPTAG_PAYLOAD_STR(answer.sdp.c_str()), TAG_END());
    PhoneEvent e;
    e.kind = PhoneEvent::Kind::Media;
    e.call = id;
    e.agent = call.agent;
    e.format = answer.format;
    e.sending = answer.sending;
    e.at = Clock::now();
    owner.sink_(std::move(e));
  }

  void on_call(std::uint64_t id, nua_event_t event, int callstate, const sip_t* sip) {
    const auto it = calls.find(id);
    if (it == calls.end()) return;
    Call& call = it->second;
    if (event == nua_i_invite) return reinvite(id, call, sip);
    if (event == nua_i_bye) {
      const std::lock_guard lock(mutex);
      ++counts[call.agent].byes_received;
      return;
    }
    if (event != nua_i_state || callstate != nua_callstate_terminated) return;
    PhoneEvent e;
    e.kind = PhoneEvent::Kind::Ended;
    e.call = id;
    e.agent = call.agent;
    e.at = Clock::now();
    e.we_hung_up = call.we_hung_up;
    note("ended", call.agent, 0);
    nua_handle_destroy(call.nh);
    calls.erase(it);
    owner.sink_(std::move(e));
  }

  void hangup(std::uint64_t id) {
    const auto it = calls.find(id);
    if (it == calls.end() || it->second.we_hung_up) return;
    it->second.we_hung_up = true;
    {
      const std::lock_guard lock(mutex);
      ++counts[it->second.agent].byes_sent;
    }
    nua_bye(it->second.nh, TAG_END());
  }

  // The 20 ms poll: hang-ups asked for, and the shutdown steps.
  void poll() {
    std::deque<std::uint64_t> todo;
    bool stop = false;
    {
      const std::lock_guard lock(mutex);
      todo.swap(hangups);
      stop = stop_asked;
    }
    for (const auto id : todo) hangup(id);
    const auto now = Clock::now();
    if (stop && stop_phase == 0) {
      stop_phase = 1;
      phase_deadline = now + kByeWait;
      std::vector<std::uint64_t> ids;
      for (const auto& [id, call] : calls) ids.push_back(id);
      for (const auto id : ids) hangup(id);
      const std::lock_guard lock(mutex);
      for (std::size_t i = 0; i < regs.size(); ++i) {
        if (regs[i].nh != nullptr && counts[i].registered) {
          regs[i].unregistering = true;
          regs[i].auth_tries = 0;
          nua_unregister(regs[i].nh, TAG_END());
        }
      }
    }
    if (stop_phase == 1) {
      bool pending = !calls.empty();
      {
        const std::lock_guard lock(mutex);
        for (const auto& r : regs) pending = pending || r.unregistering;
      }
      if (!pending || now >= phase_deadline) {
        stop_phase = 2;
        phase_deadline = now + kShutdownWait;
        nua_shutdown(nua);
      }
    }
    if (stop_phase == 2 && now >= phase_deadline) su_root_break(root);
  }

  static void callback(nua_event_t event, int status, char const* /*phrase*/, nua_t* /*nua*/,
                       nua_magic_t* magic, nua_handle_t* nh, nua_hmagic_t* hmagic, sip_t const* sip,
                       tagi_t tags[]) {
    auto* self = static_cast<Engine*>(magic);
    if (event == nua_r_get_params) {
      sip_contact_t const* contact = nullptr;
      tl_gets(tags, NTATAG_CONTACT_REF(contact), TAG_END());
      if (contact != nullptr && contact->m_url->url_port != nullptr) {
        self->port = static_cast<std::uint16_t>(std::atoi(contact->m_url->url_port));
        self->got_contact = true;
      }
      return;
    }
    if (event == nua_r_shutdown) {
      if (status >= 200) su_root_break(self->root);
      return;
    }
    const std::uint64_t id = id_of(hmagic);
    if (id & kRegisterMagic) {
      if (event == nua_r_register || event == nua_r_unregister) {
        self->on_register(static_cast<std::size_t>(id & ~kRegisterMagic), event, status, sip);
      }
      return;
    }
    if (id != 0) {
      int callstate = -1;
      if (event == nua_i_state) tl_gets(tags, NUTAG_CALLSTATE_REF(callstate), TAG_END());
      return self->on_call(id, event, callstate, sip);
    }
    if (nh == nullptr) return;
    if (event == nua_i_invite) return self->incoming(nh, sip);
    // Anything else outside our calls (OPTIONS, MESSAGE, a stray BYE): nua answered it.
    if (event == nua_i_options || event == nua_i_message || event == nua_i_bye || event == nua_i_info ||
        event == nua_i_notify || event == nua_i_subscribe || event == nua_i_refer) {
      nua_handle_destroy(nh);
    }
  }

  static void on_timer(su_root_magic_t* magic, su_timer_t*, su_timer_arg_t*) {
    static_cast<Engine*>(static_cast<void*>(magic))->poll();
  }

  // The SIP thread.
  void run(std::promise<std::optional<std::string>>& started) {
    static std::once_flag su_once;
    std::call_once(su_once, [] { su_init(); });
    root = su_root_create(this);
    auto fail = [&](std::string why) {
      if (nua != nullptr) {
        nua_shutdown(nua);
        const auto until = Clock::now() + kShutdownWait;
        while (Clock::now() < until && su_root_step(root, 50) >= 0) {
          // nua_r_shutdown breaks nothing here: step until the bound
        }
        nua_destroy(nua);
        nua = nullptr;
      }
      if (root != nullptr) su_root_destroy(root);
      root = nullptr;
      started.set_value(std::move(why));
    };
    if (root == nullptr) return fail("su_root_create failed");
    const auto& s = owner.settings_;
    const bool v6 = s.listen_host.find(':') != std::string::npos;
    const std::string url = "sip:" + (v6 ? "[" + s.listen_host + "]" : s.listen_host) + ":" +
                            std::to_string(s.listen_port) + ";transport=udp";
    nua = nua_create(root, &Engine::callback, this, NUTAG_URL(url.c_str()), NUTAG_MEDIA_ENABLE(0),
                     NUTAG_AUTOANSWER(0), NUTAG_AUTOALERT(0), NUTAG_ENABLEINVITE(1),
                     NUTAG_SESSION_TIMER(0), NUTAG_ALLOW("INFO"), TAG_END());
    if (nua == nullptr) return fail("cannot bind SIP at " + url);
    nua_get_params(nua, TAG_ANY(), TAG_END());
    const auto until = Clock::now() + std::chrono::seconds(2);
    while (!got_contact && Clock::now() < until) su_root_step(root, 50);
    if (!got_contact) return fail("the SIP stack reports no contact for " + url);
    timer = su_timer_create(su_root_task(root), kPollMs);
    if (timer == nullptr || su_timer_set_for_ever(timer, &Engine::on_timer, nullptr) != 0) {
      return fail("cannot start the SIP poll timer");
    }
    if (!s.registrar_host.empty()) register_all();
    started.set_value(std::nullopt);
    su_root_run(root);
    for (auto& [id, call] : calls) nua_handle_destroy(call.nh);
    calls.clear();
    for (auto& r : regs) {
      if (r.nh != nullptr) nua_handle_destroy(r.nh);
      r.nh = nullptr;
    }
    nua_destroy(nua);
    nua = nullptr;
    su_timer_destroy(timer);
    su_root_destroy(root);
    root = nullptr;
  }
};

SipPhones::SipPhones(PhoneSettings settings, std::vector<AgentAccount> accounts, Sink sink)
    : settings_(std::move(settings)), accounts_(std::move(accounts)), sink_(std::move(sink)) {}

SipPhones::~SipPhones() { stop(); }

std::optional<std::string> SipPhones::start() {
  engine_ = std::make_unique<Engine>(*this);
  engine_->counts.resize(accounts_.size());
  engine_->regs.resize(accounts_.size());
  std::promise<std::optional<std::string>> started;
  auto result = started.get_future();
  engine_->thread = std::thread([this, &started] { engine_->run(started); });
  auto error = result.get();
  if (error) {
    engine_->thread.join();
    engine_.reset();
    return error;
  }
  port_ = engine_->port;
  return std::nullopt;
}

bool SipPhones::all_registrations_settled() const {
  if (!engine_) return false;
  const std::lock_guard lock(engine_->mutex);
  for (const auto& r : engine_->regs) {
    if (!r.settled) return false;
  }
  return true;
}

void SipPhones::hangup(std::uint64_t call) {
  if (!engine_) return;
  const std::lock_guard lock(engine_->mutex);
  engine_->hangups.push_back(call);
}

void SipPhones::stop() {
  if (!engine_ || !engine_->thread.joinable()) return;
  {
    const std::lock_guard lock(engine_->mutex);
    engine_->stop_asked = true;
  }
  engine_->thread.join();
}

std::vector<PhoneCounts> SipPhones::counts() const {
  if (!engine_) return std::vector<PhoneCounts>(accounts_.size());
  const std::lock_guard lock(engine_->mutex);
  return engine_->counts;
}

}  // namespace dialcore::sim::agents
