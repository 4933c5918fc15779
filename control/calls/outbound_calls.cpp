// CallController: the customer leg of an outbound call (offer → dial → 18x → 200) and the
// agent leg (offer → the injected dialer → 200 → bridge).

#include <optional>
#include <utility>

#include "control/calls/call_controller.hpp"
#include "control/calls/call_record.hpp"
#include "control/sdp/sdp_offer.hpp"

namespace dialcore::control::calls {

void CallController::dial_customer(Call& call) {
  CallLeg& leg = call.leg(Side::Customer);
  if (call.dial_via) {  // call_agent(): an agent's handset, not a trunk
    leg.local = local_media(call.dial_codecs, call.dial_srtp, leg.address);
  } else {
    const config::SipTrunk* trunk = nullptr;
    for (const config::SipTrunk& t : settings_.sip.trunks) {
      if (t.id == call.request.trunk_id) trunk = &t;
    }
    if (trunk == nullptr) {  // removed by a reload while the leg was being allocated
      end_call(call, CallOutcome::Refused);
      return;
    }
    leg.local = local_media(trunk->codecs, trunk->srtp, leg.address);
  }
  sdp::OfferResult offer = sdp::offer(leg.local, *leg.session);
  if (!offer.ok()) {
    end_call(call, CallOutcome::SdpFailure, offer.failure->sip_status);
    return;
  }
  leg.offer = std::move(offer.description);
  const sip::CallId id =
      call.dial_via ? call.dial_via(std::move(offer.sdp))
                    : sip_.dial({call.request.trunk_id, call.request.number, call.request.cli,
                                 offer.sdp});
  if (id == 0) {
    end_call(call, CallOutcome::Refused);
    return;
  }
  bind_sip(call, Side::Customer, id);
}

void CallController::on_customer_progress(Call& call, const sip::SipEvent& e) {
  CallLeg& leg = call.leg(Side::Customer);
  if (!e.early_media || e.sdp.empty() || !leg.offer || call.state != CallState::Setup) {
    emit(call, {CallEventKind::Ringing, 0, Side::Customer, CallOutcome::Normal, e.status});
    return;
  }
  sdp::NegotiationResult early = sdp::accept_answer(*leg.offer, e.sdp, leg.local);
  if (!early.ok()) {
    // An unusable early answer only costs the early media; the 200's SDP decides the call.
    emit(call, {CallEventKind::Ringing, 0, Side::Customer, CallOutcome::Normal, e.status});
    return;
  }
  leg.early = true;
  // The leg hears the far end from now on (SIT, AMD, announcements before the answer). Told
  // at once: a failure may follow the 183 before the leg's commands are even answered.
  emit(call, {CallEventKind::EarlyMedia, 0, Side::Customer, CallOutcome::Normal, e.status});
  program(call, Side::Customer, early.media, [](Call&) {});
}

std::optional<sdp::NegotiatedMedia> CallController::take_answer(Call& call, Side side,
                                                                const sip::SipEvent& e) {
  CallLeg& leg = call.leg(side);
  leg.answered = true;
  if (!leg.offer) {
    fail_leg(call, side, CallOutcome::SdpFailure, e.status);
    return std::nullopt;
  }
  sdp::NegotiationResult answer = sdp::accept_answer(*leg.offer, e.sdp, leg.local);
  if (!answer.ok()) {
    // nua has ACKed the 200: the dialog is up at the far end; failing the leg BYEs it.
    fail_leg(call, side, CallOutcome::SdpFailure, answer.failure->sip_status);
    return std::nullopt;
  }
  leg.offer.reset();
  return std::move(answer.media);
}

void CallController::on_customer_answered(Call& call, const sip::SipEvent& e) {
  const auto media = take_answer(call, Side::Customer, e);
  if (!media) return;
  const int status = e.status;
  program(call, Side::Customer, *media, [this, status](Call& c) {
    if (c.state != CallState::Setup) return;
    c.state = CallState::Up;
    ++counters_.calls_answered;
    const std::int64_t at = now_ms();
    record([&] { return history_->answered(c.history_id, "a", at); });
    emit(c, {CallEventKind::Answered, 0, Side::Customer, CallOutcome::Normal, status});
  });
}

void CallController::dial_agent(Call& call, AgentDialer dial) {
  CallLeg& leg = call.leg(Side::Agent);
  sdp::OfferResult offer = sdp::offer(leg.local, *leg.session);
  if (!offer.ok()) {
    agent_failed(call, CallOutcome::SdpFailure, offer.failure->sip_status);
    return;
  }
  leg.offer = std::move(offer.description);
  const sip::CallId id = dial(std::move(offer.sdp));
  if (id == 0) {
    agent_failed(call, CallOutcome::Refused, 0);
    return;
  }
  bind_sip(call, Side::Agent, id);
}

void CallController::on_agent_answered(Call& call, const sip::SipEvent& e) {
  const auto media = take_answer(call, Side::Agent, e);
  if (!media) return;
  const int status = e.status;
  program(call, Side::Agent, *media, [this, status](Call& c) {
    if (c.state != CallState::Up) return;
    const std::int64_t at = now_ms();
    record([&] { return history_->answered(c.history_id, "agent", at); });
    emit(c, {CallEventKind::AgentAnswered, 0, Side::Agent, CallOutcome::Normal, status});
    const media::MediaLeg agent = c.leg(Side::Agent).media;
    const CallHandle id = c.id;
    media_.bridge(c.leg(Side::Customer).media, agent, [this, id, agent](Reply r) {
      Call* call2 = find(id);
      if (call2 == nullptr || call2->state != CallState::Up ||
          call2->leg(Side::Agent).media != agent) {
        return;
      }
      if (r != Reply::Ok) {
        agent_failed(*call2, CallOutcome::MediaFailure, 0);
        return;
      }
      call2->state = CallState::Bridged;
      ++counters_.calls_bridged;
      const std::int64_t when = now_ms();
      record([&] {
        return history_->bridged(call2->history_id, "a", call2->agent_id.value_or(0), when);
      });
      emit(*call2, {CallEventKind::Bridged, 0, Side::Agent, CallOutcome::Normal, 0});
    });
  });
}

}  // namespace dialcore::control::calls
