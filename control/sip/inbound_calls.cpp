// Inbound calls and in-dialog requests (issue 7, parts 4 and 5): a new INVITE becomes an
// Incoming event; control answers, rejects or rings; re-INVITE offers and INFO digits are
// passed up. Runs on the SIP thread.
#include "control/sip/dtmf_info.hpp"
#include "control/sip/sip_engine.hpp"

#include <sofia-sip/nua.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/sip_tag.h>

namespace dialcore::control::sip {
namespace {

std::string user_of(const url_t* url) {
  return url != nullptr && url->url_user != nullptr ? url->url_user : "";
}

}  // namespace

void SipEngine::on_incoming_invite(nua_handle_s* nh, std::size_t iface, const sip_s* sip) {
  if (shutting_down_ || sip == nullptr || sip->sip_from == nullptr || sip->sip_to == nullptr) {
    if (!shutting_down_) SipCounters::bump(shared_.counters.malformed_requests);
    nua_respond(nh, shutting_down_ ? 503 : 400,
                shutting_down_ ? "Service Unavailable" : "Bad Request", TAG_END());
    nua_handle_destroy(nh);
    return;
  }
  // A handset's call on an agent interface must pass the digest first (407, then Incoming
  // with the authenticated user); authenticate() answers the challenge or the 403 itself.
  std::string authenticated;
  if (interfaces_[iface].config->role == config::SipRole::Agent) {
    auto user = authenticate(interfaces_[iface].nua, nh, sip, true);
    if (!user) return;
    authenticated = std::move(*user);
  }
  Call call;
  call.id = shared_.next_call.fetch_add(1, std::memory_order_relaxed);
  call.direction = CallDirection::Inbound;
  call.handle = nh;
  call.interface = iface;
  call.offer_pending = true;
  // Control gets as long to answer as a carrier gets from us; then the caller hears 480.
  call.invite_deadline_ms = now_ms() + shared_.settings.timers.invite_timeout_s * 1000ULL;
  nua_handle_bind(nh, call_magic(call.id));
  calls_.add(call);
  calls_.handle_adopted();
  shared_.live_calls.store(calls_.size(), std::memory_order_relaxed);
  SipCounters::bump(shared_.counters.calls_incoming);
  SipEvent e = event_for(call, SipEventKind::Incoming);
  e.from_user = user_of(sip->sip_from->a_url);
  e.to_user = user_of(sip->sip_to->a_url);
  e.did = sip->sip_request != nullptr ? user_of(sip->sip_request->rq_url) : e.to_user;
  e.sdp = sdp_body(sip);
  e.authenticated_user = std::move(authenticated);
  emit(std::move(e));
}

void SipEngine::on_reinvite(Call& call, const sip_s* sip) {
  call.offer_pending = true;
  SipEvent e = event_for(call, SipEventKind::Offer);
  e.sdp = sdp_body(sip);
  emit(std::move(e));
}

void SipEngine::on_info(Call& call, const sip_s* sip) {
  // nua has answered the INFO (200) already; a body we cannot read is counted, not passed up.
  const auto digit = parse_dtmf_info(content_type_of(sip), body_of(sip));
  if (!digit) {
    SipCounters::bump(shared_.counters.malformed_requests);
    return;
  }
  SipCounters::bump(shared_.counters.dtmf_events);
  SipEvent e = event_for(call, SipEventKind::Dtmf);
  e.digit = digit->digit;
  e.duration_ms = digit->duration_ms;
  emit(std::move(e));
}

void SipEngine::answer(Call& call, const std::string& sdp) {
  if (!call.offer_pending) return refuse_command();
  call.offer_pending = false;
  // The first 2xx waits for its ACK (sofia's Timer H, then its BYE): bounded by the reaper.
  if (call.phase != CallPhase::Up && !call.confirmed) arm_reap(call, now_ms());
  call.phase = CallPhase::Up;
  call.invite_deadline_ms = 0;
  call.last_heard_ms = now_ms();
  nua_respond(call.handle, SIP_200_OK, SIPTAG_CONTENT_TYPE_STR("application/sdp"),
              SIPTAG_PAYLOAD_STR(sdp.c_str()), TAG_END());
}

void SipEngine::reject(Call& call, int status) {
  if (!call.offer_pending || status < 300 || status > 699) return refuse_command();
  call.offer_pending = false;
  // A rejected re-INVITE leaves the call as it was; a rejected first INVITE ends it.
  if (call.phase != CallPhase::Up) {
    record_end(call, CallEnd::Rejected, status);
    arm_reap(call, now_ms());
  }
  nua_respond(call.handle, status, sip_status_phrase(status), TAG_END());
}

void SipEngine::ringing(Call& call) {
  if (!call.offer_pending || call.phase == CallPhase::Up) return refuse_command();
  nua_respond(call.handle, SIP_180_RINGING, TAG_END());
}

}  // namespace dialcore::control::sip
