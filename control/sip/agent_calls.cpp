// The agents' side (issue 7, part 4): the registrar with digest authentication against the
// HA1 snapshot control sends, bindings with expiry and NAT-aware reachability, calls to a
// registered handset (dial_agent), handsets' INVITEs challenged, and our own re-INVITEs
// (reoffer). Runs on the SIP thread.
#include "control/sip/sip_engine.hpp"

#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <sofia-sip/msg_addr.h>
#include <sofia-sip/nua.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/sip_tag.h>
#include <sofia-sip/su_addrinfo.h>
#include <sofia-sip/url.h>

#include <algorithm>
#include <cstdlib>

namespace dialcore::control::sip {
namespace {

std::string user_part(const url_t* url) {
  return url != nullptr && url->url_user != nullptr ? url->url_user : "";
}

std::string url_text(const url_t* url) {
  su_home_t home[1] = {SU_HOME_INIT(home)};
  char* text = url_as_string(home, url);
  std::string out = text != nullptr ? text : "";
  su_home_deinit(home);
  return out;
}

// "sip:IP:PORT;transport=udp|tcp" for where the request came from ("" when unknown).
std::string source_of(nua_t* nua) {
  msg_t* msg = nua_current_request(nua);
  su_addrinfo_t* ai = msg != nullptr ? msg_addrinfo(msg) : nullptr;
  if (ai == nullptr || ai->ai_addr == nullptr) return {};
  char host[64];
  char port[8];
  if (getnameinfo(ai->ai_addr, static_cast<socklen_t>(ai->ai_addrlen), host, sizeof host, port,
                  sizeof port, NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
    return {};
  }
  const bool v6 = ai->ai_addr->sa_family == AF_INET6;
  const char* transport = ai->ai_protocol == IPPROTO_TCP ? "tcp" : "udp";
  return std::string("sip:") + (v6 ? "[" : "") + host + (v6 ? "]" : "") + ":" + port +
         ";transport=" + transport;
}

// host:port of a SIP URI text, to compare a Contact with the address it came from.
std::string host_port(const std::string& uri) {
  su_home_t home[1] = {SU_HOME_INIT(home)};
  url_t* url = url_make(home, uri.c_str());
  std::string out;
  if (url != nullptr && url->url_host != nullptr) {
    out = std::string(url->url_host) + ":" + (url->url_port != nullptr ? url->url_port : "5060");
  }
  su_home_deinit(home);
  return out;
}

std::uint64_t seconds(std::uint64_t ms) { return ms / 1000; }

}  // namespace

void SipEngine::set_credentials(std::vector<AgentCredential>& credentials) {
  agents_.clear();
  for (AgentCredential& c : credentials) agents_[std::move(c.user)] = std::move(c.ha1);
  // A user no longer in the snapshot (removed, disabled) loses its handset at once.
  std::vector<std::string> gone;
  for (const auto& user : bindings_.user_names()) {
    if (agents_.find(user) == agents_.end()) gone.push_back(user);
  }
  for (const std::string& user : gone) {
    bindings_.remove_all(user);
    publish_registration(user, true);
  }
}

std::optional<std::string> SipEngine::authenticate(nua_s* nua, nua_handle_s* nh, const sip_s* sip,
                                                   bool proxy) {
  const msg_auth_t* credentials = proxy ? sip->sip_proxy_authorization : sip->sip_authorization;
  const char* method = sip->sip_request != nullptr ? sip->sip_request->rq_method_name : "";
  const std::uint64_t now_s = seconds(now_ms());
  const DigestResult result =
      check_digest(credentials, shared_.settings.realm, method, nonces_, now_s, agents_);
  if (result.outcome == DigestOutcome::Ok) return result.username;
  if (result.outcome == DigestOutcome::Bad) {
    // A wrong password is refused outright (403): the handset does not get to loop.
    SipCounters::bump(shared_.counters.register_failures);
    nua_respond(nh, SIP_403_FORBIDDEN, NUTAG_WITH_THIS(nua), TAG_END());
    nua_handle_destroy(nh);
    return std::nullopt;
  }
  SipCounters::bump(shared_.counters.register_challenges);
  const std::string challenge = digest_challenge(shared_.settings.realm, nonces_.issue(now_s),
                                                 result.outcome == DigestOutcome::Stale);
  if (proxy) {
    nua_respond(nh, SIP_407_PROXY_AUTH_REQUIRED, NUTAG_WITH_THIS(nua),
                SIPTAG_PROXY_AUTHENTICATE_STR(challenge.c_str()), TAG_END());
  } else {
    nua_respond(nh, SIP_401_UNAUTHORIZED, NUTAG_WITH_THIS(nua),
                SIPTAG_WWW_AUTHENTICATE_STR(challenge.c_str()), TAG_END());
  }
  nua_handle_destroy(nh);
  return std::nullopt;
}

void SipEngine::on_register(nua_s* nua, nua_handle_s* nh, std::size_t iface, const sip_s* sip) {
  (void)iface;
  if (shutting_down_ || sip == nullptr || sip->sip_to == nullptr || sip->sip_call_id == nullptr ||
      sip->sip_cseq == nullptr) {
    if (!shutting_down_) SipCounters::bump(shared_.counters.malformed_requests);
    nua_respond(nh, shutting_down_ ? 503 : 400,
                shutting_down_ ? "Service Unavailable" : "Bad Request", NUTAG_WITH_THIS(nua),
                TAG_END());
    nua_handle_destroy(nh);
    return;
  }
  const auto user = authenticate(nua, nh, sip, false);
  if (!user) return;
  auto refuse = [&](int status, const char* phrase, const std::string& header = {}) {
    nua_respond(nh, status, phrase, NUTAG_WITH_THIS(nua),
                TAG_IF(!header.empty(), SIPTAG_HEADER_STR(header.c_str())), TAG_END());
    nua_handle_destroy(nh);
  };
  if (user_part(sip->sip_to->a_url) != *user) {
    // Credentials of one agent cannot register another's address.
    SipCounters::bump(shared_.counters.register_failures);
    return refuse(SIP_403_FORBIDDEN);
  }
  const config::SipTimers& timers = shared_.settings.timers;
  const std::uint32_t fallback = sip->sip_expires != nullptr
                                     ? static_cast<std::uint32_t>(sip->sip_expires->ex_delta)
                                     : timers.register_expires_s;
  bool star = false;
  std::vector<ContactUpdate> updates;
  for (const sip_contact_t* m = sip->sip_contact; m != nullptr; m = m->m_next) {
    if (m->m_url->url_type == url_any) {
      star = true;
      continue;
    }
    std::uint32_t expires = fallback;
    if (m->m_expires != nullptr) {
      expires = static_cast<std::uint32_t>(std::strtoul(m->m_expires, nullptr, 10));
    }
    if (expires != 0 && expires < timers.register_min_expires_s) {
      const std::string min = "Min-Expires: " + std::to_string(timers.register_min_expires_s);
      return refuse(SIP_423_INTERVAL_TOO_BRIEF, min);
    }
    updates.push_back({url_text(m->m_url), std::min(expires, timers.register_expires_s)});
  }
  const std::uint64_t now = now_ms();
  const std::size_t before = bindings_.count(*user);
  if (star) {
    // RFC 3261 10.3 step 6: "*" only alone and with Expires: 0.
    if (!updates.empty() || sip->sip_expires == nullptr || sip->sip_expires->ex_delta != 0) {
      SipCounters::bump(shared_.counters.malformed_requests);
      return refuse(SIP_400_BAD_REQUEST);
    }
    bindings_.remove_all(*user);
  } else if (!updates.empty() &&
             !bindings_.apply(*user, updates, source_of(nua), sip->sip_call_id->i_id,
                              sip->sip_cseq->cs_seq, now)) {
    return refuse(500, "Out Of Order REGISTER");
  }
  // 200 lists every binding of the user with what is left of its time (a query too).
  std::string contacts;
  if (const auto* list = bindings_.find(*user)) {
    for (const Binding& b : *list) {
      if (!contacts.empty()) contacts += ", ";
      contacts += "<" + b.contact + ">;expires=" + std::to_string(seconds(b.expires_ms - now));
    }
  }
  SipCounters::bump(shared_.counters.registrations);
  nua_respond(nh, SIP_200_OK, NUTAG_WITH_THIS(nua),
              TAG_IF(!contacts.empty(), SIPTAG_CONTACT_STR(contacts.c_str())), TAG_END());
  nua_handle_destroy(nh);
  if (!updates.empty() || star) publish_registration(*user, before > 0);
}

void SipEngine::publish_registration(const std::string& user, bool was_registered) {
  shared_.registered_users.store(bindings_.users(), std::memory_order_relaxed);
  const std::size_t count = bindings_.count(user);
  if (count == 0 && !was_registered) return;
  SipEvent e;
  e.kind = count > 0 ? SipEventKind::Registered : SipEventKind::Unregistered;
  e.user = user;
  e.contacts = count;
  for (const Interface& i : interfaces_) {
    if (i.config->role == config::SipRole::Agent) {
      e.interface = i.config->name;
      break;
    }
  }
  emit(std::move(e));
}

void SipEngine::expire_bindings(std::uint64_t now) {
  for (const std::string& user : bindings_.expire(now)) publish_registration(user, true);
}

void SipEngine::dial_agent(SipCommand& command) {
  const AgentDialRequest& request = command.agent_dial;
  if (shutting_down_) return refuse_dial(command.call, CallEnd::Shutdown, "");
  std::size_t index = 0;
  while (index < interfaces_.size() && interfaces_[index].config->role != config::SipRole::Agent) {
    ++index;
  }
  if (index == interfaces_.size()) return refuse_dial(command.call, CallEnd::NotRegistered, "");
  const Interface& iface = interfaces_[index];
  const Binding* binding = bindings_.latest(request.user);
  if (binding == nullptr || !valid_user_part(request.user)) {
    return refuse_dial(command.call, CallEnd::NotRegistered, iface.config->name);
  }
  const config::Endpoint& ep = iface.config->listen.front();
  const std::string host = ep.ipv6 ? "[" + ep.address + "]" : ep.address;
  const std::string to = "<sip:" + request.user + "@" + host + ">";
  const std::string from = "<sip:dialcore@" + host + ">";
  nua_handle_t* nh = nua_handle(iface.nua, call_magic(command.call), SIPTAG_TO_STR(to.c_str()),
                                SIPTAG_FROM_STR(from.c_str()), TAG_END());
  if (nh == nullptr) return refuse_dial(command.call, CallEnd::Failed, iface.config->name);
  // NAT: a Contact that is not where the REGISTER came from is reached at the source address
  // (the handset's NAT binding); the Request-URI stays the Contact the handset gave.
  if (!binding->source.empty() && host_port(binding->source) != host_port(binding->contact)) {
    nua_set_hparams(nh, NUTAG_PROXY(binding->source.c_str()), TAG_END());
  }
  Call call;
  call.id = command.call;
  call.direction = CallDirection::Outbound;
  call.handle = nh;
  call.interface = index;
  call.invite_deadline_ms = now_ms() + shared_.settings.timers.invite_timeout_s * 1000ULL;
  calls_.add(call);
  calls_.handle_adopted();
  shared_.live_calls.store(calls_.size(), std::memory_order_relaxed);
  SipCounters::bump(shared_.counters.calls_started);
  const std::string auto_answer = "Call-Info: <sip:" + host + ">;answer-after=0\r\n" +
                                  "Alert-Info: <http://127.0.0.1>;info=alert-autoanswer";
  const bool offer = !request.sdp_offer.empty();
  nua_invite(nh, NUTAG_URL(binding->contact.c_str()),
             TAG_IF(offer, SIPTAG_CONTENT_TYPE_STR("application/sdp")),
             TAG_IF(offer, SIPTAG_PAYLOAD_STR(request.sdp_offer.c_str())),
             TAG_IF(request.auto_answer, SIPTAG_HEADER_STR(auto_answer.c_str())), TAG_END());
}

void SipEngine::reoffer(Call& call, const std::string& sdp) {
  if (call.phase != CallPhase::Up || call.reoffer_pending || call.offer_pending || sdp.empty()) {
    return refuse_command();
  }
  call.reoffer_pending = true;
  nua_invite(call.handle, SIPTAG_CONTENT_TYPE_STR("application/sdp"),
             SIPTAG_PAYLOAD_STR(sdp.c_str()), TAG_END());
}

void SipEngine::on_reoffer_response(Call& call, int status, const sip_s* sip) {
  if (status < 200) return;
  call.reoffer_pending = false;
  SipEvent e =
      event_for(call, status < 300 ? SipEventKind::OfferAnswered : SipEventKind::OfferFailed);
  e.status = status;
  if (status < 300) e.sdp = sdp_body(sip);
  emit(std::move(e));
}

}  // namespace dialcore::control::sip
