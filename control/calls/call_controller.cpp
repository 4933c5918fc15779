#include "control/calls/call_controller.hpp"

#include <chrono>
#include <cstdio>
#include <utility>
#include <vector>

#include "control/calls/call_record.hpp"
#include "control/calls/random_bytes.hpp"

namespace dialcore::control::calls {

namespace {

std::string random_prefix() {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(random_u64()));
  return text;
}

}  // namespace

CallController::CallController(sip::SipStack& sip, media::MediaService& media,
                               history::CallHistory* history, CallSettings settings)
    : sip_(sip), media_(media), history_(history), settings_(std::move(settings)) {
  if (settings_.call_id_prefix.empty()) settings_.call_id_prefix = random_prefix();
}

CallController::~CallController() = default;

void CallController::set_inbound(InboundRouter router, CallEventHandler events) {
  router_ = std::move(router);
  inbound_events_ = std::move(events);
}

std::int64_t CallController::now_ms() const {
  if (settings_.now_ms) return settings_.now_ms();
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Call* CallController::find(CallHandle id) {
  const auto it = calls_.find(id);
  return it == calls_.end() ? nullptr : it->second.get();
}

Call& CallController::new_call(bool inbound, CallEventHandler handler) {
  auto call = std::make_unique<Call>();
  call->id = next_id_++;
  call->inbound = inbound;
  call->handler = std::move(handler);
  call->history_id = settings_.call_id_prefix + "-" + std::to_string(call->id);
  Call& ref = *call;
  calls_.emplace(ref.id, std::move(call));
  return ref;
}

void CallController::emit(Call& call, CallEvent event) {
  event.call = call.id;
  if (call.handler) call.handler(event);
}

void CallController::bind_sip(Call& call, Side side, sip::CallId id) {
  CallLeg& leg = call.leg(side);
  leg.sip = id;
  leg.sip_live = true;
  leg.hangup_sent = false;
  by_sip_[id] = {call.id, side};
}

void CallController::on_sip_event(const sip::SipEvent& e) {
  const auto it = by_sip_.find(e.call);
  if (it == by_sip_.end()) {
    if (e.kind == sip::SipEventKind::Incoming) {
      on_incoming(e);
    } else if (e.kind == sip::SipEventKind::Offer) {
      sip_.reject(e.call, 481);  // a dialog we do not hold (cannot happen with one owner)
    }
    return;  // a late event of a call we already let go
  }
  const auto [id, side] = it->second;
  Call* call = find(id);
  if (call == nullptr) {
    by_sip_.erase(it);
    return;
  }
  switch (e.kind) {
    case sip::SipEventKind::Progress:
      if (side == Side::Customer) {
        on_customer_progress(*call, e);
      } else {
        emit(*call, {CallEventKind::AgentRinging, 0, Side::Agent, CallOutcome::Normal, e.status});
      }
      return;
    case sip::SipEventKind::Answered:
      if (call->state == CallState::Ending || call->leg(side).cancelled ||
          call->leg(side).dropping) {
        // Our CANCEL crossed their 200: end the dialog that just came up.
        sip_.hangup(e.call);
        return;
      }
      if (side == Side::Customer) {
        on_customer_answered(*call, e);
      } else {
        on_agent_answered(*call, e);
      }
      return;
    case sip::SipEventKind::Offer: on_offer(*call, side, e); return;
    case sip::SipEventKind::Dtmf:
      ++counters_.dtmf_events;
      emit(*call, {CallEventKind::Dtmf, 0, side, CallOutcome::Normal, 0, e.digit, false});
      return;
    case sip::SipEventKind::Ended: on_leg_ended(*call, side, e); return;
    case sip::SipEventKind::Incoming:
    case sip::SipEventKind::Confirmed:
    // Registrar events and answers to our own re-INVITEs (reoffer, not used here yet).
    case sip::SipEventKind::Registered:
    case sip::SipEventKind::Unregistered:
    case sip::SipEventKind::OfferAnswered:
    case sip::SipEventKind::OfferFailed: return;
  }
}

CallHandle CallController::originate(const OriginateRequest& request, CallEventHandler events) {
  return originate(request, std::move(events), media::LegPlacement::any());
}

CallHandle CallController::originate(const OriginateRequest& request, CallEventHandler events,
                                     const media::LegPlacement& where) {
  const config::SipTrunk* trunk = nullptr;
  for (const config::SipTrunk& t : settings_.sip.trunks) {
    if (t.id == request.trunk_id) trunk = &t;
  }
  if (trunk == nullptr) return 0;
  Call& call = new_call(false, std::move(events));
  call.request = request;
  ++counters_.calls_started;
  history_started(call, Side::Customer, request.cli.empty() ? trunk->cli : request.cli,
                  request.number);
  return start_outbound(call, where);
}

CallHandle CallController::start_outbound(Call& call, const media::LegPlacement& where) {
  const CallHandle id = call.id;
  allocate(call, Side::Customer, where, [this](Call& c) { dial_customer(c); });
  return id;
}

bool CallController::connect_agent(CallHandle id, AgentTarget target) {
  Call* call = find(id);
  if (call == nullptr || call->state != CallState::Up || !target.dial) return false;
  CallLeg& leg = call->leg(Side::Agent);
  if (!leg.idle()) return false;
  leg = CallLeg{};
  call->agent_id = target.agent_id;
  call->agent_address = target.address;
  ++counters_.agent_legs;
  history_started(*call, Side::Agent, call->request.cli, target.address);
  allocate(*call, Side::Agent, media::LegPlacement::next_to(call->leg(Side::Customer).media),
           [this, target = std::move(target)](Call& c) {
             c.leg(Side::Agent).local =
                 local_media(target.codecs, target.srtp, c.leg(Side::Agent).address);
             dial_agent(c, target.dial);
           });
  return true;
}

std::optional<media::MediaLeg> CallController::media_leg(CallHandle id, Side side) const {
  const auto it = calls_.find(id);
  if (it == calls_.end()) return std::nullopt;
  const CallLeg& leg = it->second->legs[static_cast<std::size_t>(side)];
  if (leg.media_state != MediaState::Ready) return std::nullopt;
  return leg.media;
}

bool CallController::hangup(CallHandle id) {
  Call* call = find(id);
  if (call == nullptr || call->state == CallState::Ending) return false;
  end_call(*call,
           call->leg(Side::Customer).answered ? CallOutcome::Normal : CallOutcome::Cancelled);
  return true;
}

std::size_t CallController::hangup_all() {
  std::vector<CallHandle> ids;
  for (const auto& [id, call] : calls_) {
    if (call->state != CallState::Ending) ids.push_back(id);
  }
  for (const CallHandle id : ids) {
    if (Call* call = find(id)) end_call(*call, CallOutcome::Shutdown);
  }
  return ids.size();
}

}  // namespace dialcore::control::calls
