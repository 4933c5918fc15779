// Outbound calls on a trunk (issue 7, part 3): limits, the INVITE, progress, answer, digest
// authentication, CANCEL on the invite timeout, hangup. Runs on the SIP thread.
#include "control/sip/sip_causes.hpp"
#include "control/sip/sip_engine.hpp"

#include <sofia-sip/msg_header.h>
#include <sofia-sip/nua.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_tag.h>

namespace dialcore::control::sip {

void SipEngine::refuse_dial(CallId id, CallEnd end, const std::string& iface) {
  SipEvent e;
  e.kind = SipEventKind::Ended;
  e.call = id;
  e.end = end;
  e.interface = iface;
  shared_.counters.count_end(end);
  emit(std::move(e));
}

void SipEngine::dial(const SipCommand& command) {
  const DialRequest& request = command.dial;
  if (shutting_down_) return refuse_dial(command.call, CallEnd::Shutdown, "");
  std::size_t index = 0;
  while (index < trunks_.size() && trunks_[index].config->id != request.trunk_id) ++index;
  if (index == trunks_.size()) return refuse_dial(command.call, CallEnd::NoSuchTrunk, "");
  Trunk& trunk = trunks_[index];
  const Interface& iface = interfaces_[trunk.interface];
  const std::string& iface_name = iface.config->name;
  const bool anonymous = trunk.config->privacy == config::Privacy::Id;
  std::string cli = request.cli.empty() ? trunk.config->cli : request.cli;
  if (cli.empty()) cli = "anonymous";
  if (!valid_user_part(request.to_number)) {
    return refuse_dial(command.call, CallEnd::InvalidNumber, iface_name);
  }
  if (!valid_user_part(cli)) return refuse_dial(command.call, CallEnd::Failed, iface_name);
  if (trunk.active >= trunk.config->max_calls) {
    return refuse_dial(command.call, CallEnd::RefusedMaxCalls, iface_name);
  }
  const std::uint64_t now = now_ms();
  if (!trunk.cps.try_take(now))
    return refuse_dial(command.call, CallEnd::RefusedMaxCps, iface_name);

  const ProxyParts& proxy = *trunk.proxy;
  const std::string to = to_header(proxy, request.to_number);
  const std::string from = from_header(proxy, cli, anonymous);
  const std::string uri = request_uri(proxy, request.to_number);
  nua_handle_t* nh = nua_handle(iface.nua, call_magic(command.call), SIPTAG_TO_STR(to.c_str()),
                                SIPTAG_FROM_STR(from.c_str()), TAG_END());
  if (nh == nullptr) return refuse_dial(command.call, CallEnd::Failed, iface_name);
  Call call;
  call.id = command.call;
  call.direction = CallDirection::Outbound;
  call.handle = nh;
  call.interface = trunk.interface;
  call.trunk = static_cast<int>(index);
  call.invite_deadline_ms = now + shared_.settings.timers.invite_timeout_s * 1000ULL;
  calls_.add(call);
  calls_.handle_adopted();
  shared_.live_calls.store(calls_.size(), std::memory_order_relaxed);
  ++trunk.active;
  SipCounters::bump(shared_.counters.calls_started);
  // Media is disabled (NUTAG_MEDIA_ENABLE(0)): there is no soa session for SOATAG_USER_SDP_STR
  // to feed, so our SDP travels as the message body.
  const std::string privacy = anonymous ? privacy_headers(proxy, cli) : std::string{};
  const bool offer = !request.sdp_offer.empty();  // empty: an offerless INVITE
  nua_invite(nh, NUTAG_URL(uri.c_str()), TAG_IF(offer, SIPTAG_CONTENT_TYPE_STR("application/sdp")),
             TAG_IF(offer, SIPTAG_PAYLOAD_STR(request.sdp_offer.c_str())),
             TAG_IF(anonymous, SIPTAG_HEADER_STR(privacy.c_str())), TAG_END());
}

void SipEngine::on_invite_response(Call& call, int status, const sip_s* sip) {
  if (status < 200) {
    if (status == 100) return;
    SipEvent e = event_for(call, SipEventKind::Progress);
    e.status = status;
    e.sdp = sdp_body(sip);
    e.early_media = !e.sdp.empty();
    call.phase = CallPhase::Early;
    return emit(std::move(e));
  }
  if (status < 300) {
    call.invite_deadline_ms = 0;
    if (call.cancelled_on_timeout || call.cancelled_by_us) {
      // The 200 crossed our CANCEL: nua has ACKed it; end the call we no longer want.
      record_end(call, call.cancelled_on_timeout ? CallEnd::NoAnswer : CallEnd::Cancelled, 0);
      nua_bye(call.handle, TAG_END());
      arm_reap(call, now_ms());
      return;
    }
    call.phase = CallPhase::Up;
    call.last_heard_ms = now_ms();
    SipCounters::bump(shared_.counters.calls_answered);
    SipEvent e = event_for(call, SipEventKind::Answered);
    e.status = status;
    e.sdp = sdp_body(sip);
    return emit(std::move(e));
  }
  if (status == 401 || status == 407) return on_challenge(call, status, sip);
  record_end(call, end_for_status(status, call.cancelled_on_timeout, call.cancelled_by_us), status);
  finish(call);  // the ACK of a failure is the transaction layer's: the handle can go now
}

void SipEngine::on_challenge(Call& call, int status, const sip_s* sip) {
  if (call.trunk < 0) {
    // A handset challenging us (dial_agent): we hold no credentials for it.
    SipCounters::bump(shared_.counters.auth_failures);
    record_end(call, CallEnd::Failed, status);
    return finish(call);
  }
  const auto& auth = trunks_[static_cast<std::size_t>(call.trunk)].config->auth;
  const msg_auth_t* challenge = nullptr;
  if (sip != nullptr) {
    challenge = status == 407 ? sip->sip_proxy_authenticate : sip->sip_www_authenticate;
  }
  if (!auth || call.auth_tried || challenge == nullptr || challenge->au_scheme == nullptr) {
    // No credentials, or the carrier refused the ones we gave: fail, never loop.
    SipCounters::bump(shared_.counters.auth_failures);
    record_end(call, CallEnd::Failed, status);
    return finish(call);
  }
  const char* challenged_realm = msg_params_find(challenge->au_params, "realm=");
  const std::string realm = !auth->realm.empty() ? auth->realm
                            : challenged_realm   ? challenged_realm
                                                 : "";
  const std::string credentials =
      digest_credentials(challenge->au_scheme, realm, auth->username, auth->password);
  call.auth_tried = true;
  SipCounters::bump(shared_.counters.auth_challenges);
  nua_authenticate(call.handle, NUTAG_AUTH(credentials.c_str()), TAG_END());
}

void SipEngine::cancel_overdue_invites(std::uint64_t now) {
  for (auto& [id, call] : calls_.all()) {
    if (call.phase == CallPhase::Up) continue;
    if (call.invite_deadline_ms == 0 || now < call.invite_deadline_ms) continue;
    call.invite_deadline_ms = 0;
    if (call.direction == CallDirection::Inbound) {
      // Control never answered: turn the caller down (480), reported as NoAnswer.
      if (!call.offer_pending) continue;
      record_end(call, CallEnd::NoAnswer, 480);
      call.offer_pending = false;
      nua_respond(call.handle, 480, "Temporarily Unavailable", TAG_END());
      arm_reap(call, now);
      continue;
    }
    call.cancelled_on_timeout = true;
    nua_cancel(call.handle, TAG_END());
    arm_reap(call, now);
  }
}

void SipEngine::hangup(Call& call) {
  arm_reap(call, now_ms());
  if (call.phase == CallPhase::Up) {
    record_end(call, CallEnd::LocalHangup, 0);
    nua_bye(call.handle, TAG_END());
  } else if (call.direction == CallDirection::Outbound) {
    call.invite_deadline_ms = 0;
    call.cancelled_by_us = true;
    nua_cancel(call.handle, TAG_END());
  } else {
    // Inbound, not answered: turn it down.
    record_end(call, CallEnd::Cancelled, 480);
    call.offer_pending = false;
    nua_respond(call.handle, 480, "Temporarily Unavailable", TAG_END());
  }
}

}  // namespace dialcore::control::sip
