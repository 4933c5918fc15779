// CallController: inbound calls (INVITE → 180 → leg → our answer → router → 200 or refusal)
// and re-INVITE offers on either leg (hold, resume, a new address or codec).

#include <utility>

#include "control/calls/call_controller.hpp"
#include "control/calls/call_record.hpp"
#include "control/sdp/sdp_answer.hpp"

namespace dialcore::control::calls {

void CallController::on_incoming(const sip::SipEvent& e) {
  Call& call = new_call(true, inbound_events_);
  ++counters_.calls_incoming;
  call.interface = e.interface;
  call.request.number = e.did;
  call.request.cli = e.from_user;
  bind_sip(call, Side::Customer, e.call);
  history_started(call, Side::Customer, e.from_user, e.did);
  CallLeg& leg = call.leg(Side::Customer);
  if (e.sdp.empty()) {
    // An offerless INVITE needs our offer in the 200 and their answer in the ACK, whose body
    // control/sip does not pass up yet: refuse it plainly.
    leg.hangup_sent = true;
    sip_.reject(e.call, 488);
    end_call(call, CallOutcome::SdpFailure, 488);
    return;
  }
  sip_.ringing(e.call);
  emit(call, {CallEventKind::Ringing, 0, Side::Customer, CallOutcome::Normal, 180});
  leg.pending_offer = e.sdp;
  allocate(call, Side::Customer, media::LegPlacement::any(),
           [this](Call& c) { answer_incoming(c); });
}

void CallController::answer_incoming(Call& call) {
  CallLeg& leg = call.leg(Side::Customer);
  const config::SipTrunk* trunk = nullptr;
  for (const config::SipTrunk& t : settings_.sip.trunks) {
    if (t.interface == call.interface && trunk == nullptr) trunk = &t;
  }
  leg.local = trunk ? local_media(trunk->codecs, trunk->srtp, leg.address)
                    : local_media({}, config::SrtpPolicy::Off, leg.address);
  sdp::AnswerResult answer = sdp::answer(leg.pending_offer, leg.local, *leg.session);
  leg.pending_offer.clear();
  if (!answer.ok()) {
    // 488 (or 400) with the reason; SipStack::reject carries no Warning header yet.
    const int status = answer.failure->sip_status;
    leg.hangup_sent = true;
    sip_.reject(leg.sip, status);
    end_call(call, CallOutcome::SdpFailure, status);
    return;
  }
  program(call, Side::Customer, answer.media, [this, sdp = std::move(answer.sdp)](Call& c) {
    const InboundCall info{c.id, c.interface, c.request.cli, c.request.number};
    Route route;
    if (router_) route = router_(info);
    Call* again = find(info.call);  // the router may have hung the call up
    if (again == nullptr || again->state != CallState::Setup) return;
    CallLeg& customer = again->leg(Side::Customer);
    if (route.kind == Route::Kind::Reject) {
      customer.hangup_sent = true;
      sip_.reject(customer.sip, route.status < 300 ? 480 : route.status);
      end_call(*again, CallOutcome::Rejected, route.status);
      return;
    }
    if (!sip_.answer(customer.sip, sdp)) {
      end_call(*again, CallOutcome::Failed);
      return;
    }
    customer.answered = true;
    again->state = CallState::Up;
    ++counters_.calls_answered;
    const std::int64_t at = now_ms();
    record([&] { return history_->answered(again->history_id, "a", at); });
    emit(*again, {CallEventKind::Answered, 0, Side::Customer, CallOutcome::Normal, 200});
    if (route.kind == Route::Kind::Agent && find(info.call) != nullptr) {
      if (!connect_agent(info.call, std::move(route.agent))) {
        if (Call* c2 = find(info.call)) end_call(*c2, CallOutcome::Failed);
      }
    }
  });
}

void CallController::on_offer(Call& call, Side side, const sip::SipEvent& e) {
  CallLeg& leg = call.leg(side);
  if (call.state == CallState::Ending || leg.media_state != MediaState::Ready || !leg.session ||
      !leg.answered) {
    ++counters_.offers_rejected;
    sip_.reject(e.call, 491);  // Request Pending: not ready for a new offer
    return;
  }
  sdp::AnswerResult answer = sdp::answer(e.sdp, leg.local, *leg.session);
  if (!answer.ok()) {
    ++counters_.offers_rejected;
    sip_.reject(e.call, answer.failure->sip_status);
    return;
  }
  const bool was_held = leg.held;
  program(call, side, answer.media, [](Call&) {});
  sip_.answer(e.call, std::move(answer.sdp));
  ++counters_.offers_answered;
  if (leg.held == was_held) return;
  const std::int64_t at = now_ms();
  const char* name = side == Side::Customer ? "a" : "agent";
  if (leg.held) {
    record([&] { return history_->hold(call.history_id, name, at); });
    emit(call, {CallEventKind::Held, 0, side, CallOutcome::Normal, 0});
  } else {
    record([&] { return history_->retrieved(call.history_id, name, at); });
    emit(call, {CallEventKind::Resumed, 0, side, CallOutcome::Normal, 0});
  }
}

}  // namespace dialcore::control::calls
