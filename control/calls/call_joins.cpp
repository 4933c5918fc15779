// CallController: the pieces transfers, consultations and manual calls are made of (issue 8):
// calls to an agent's handset, legs of two calls bridged to each other, an agent leg let go
// while the customer stays, calls ended together, hold from control with its CDR event; and the
// three-way conference: merge() puts the legs of two calls in one mix on their worker, leave()
// takes the agent out (the other two bridged again) or ends them all.

#include <memory>
#include <utility>
#include <vector>

#include "control/calls/call_controller.hpp"
#include "control/calls/call_record.hpp"

namespace dialcore::control::calls {

CallHandle CallController::call_agent(const AgentTarget& target,
                                      std::optional<std::int64_t> campaign_id,
                                      const media::LegPlacement& where, CallEventHandler events) {
  if (!target.dial) return 0;
  Call& call = new_call(false, std::move(events));
  call.request.number = target.address;
  call.request.campaign_id = campaign_id;
  call.agent_id = target.agent_id;
  call.agent_address = target.address;
  call.dial_via = target.dial;
  call.dial_codecs = target.codecs;
  call.dial_srtp = target.srtp;
  ++counters_.agent_legs;
  history_started(call, Side::Customer, "", target.address);
  return start_outbound(call, where);
}

bool CallController::join(CallHandle a, Side sa, CallHandle b, Side sb,
                          std::function<void(bool)> done) {
  Call* ca = find(a);
  Call* cb = find(b);
  if (ca == nullptr || cb == nullptr || ca->state == CallState::Ending ||
      cb->state == CallState::Ending) {
    return false;
  }
  const CallLeg& la = ca->leg(sa);
  const CallLeg& lb = cb->leg(sb);
  if (la.media_state != MediaState::Ready || lb.media_state != MediaState::Ready) return false;
  const media::MediaLeg ma = la.media;
  const media::MediaLeg mb = lb.media;
  if (ma.worker != mb.worker || ma == mb) return false;  // a bridge never crosses workers
  // One worker answers its commands in order: both unbridges are done before the bridge.
  media_.unbridge(ma, [](Reply) {});
  media_.unbridge(mb, [](Reply) {});
  media_.bridge(ma, mb, [this, a, sa, b, sb, ma, mb, done = std::move(done)](Reply r) {
    Call* x = find(a);
    Call* y = find(b);
    const bool still = x != nullptr && y != nullptr && x->leg(sa).media == ma &&
                       y->leg(sb).media == mb && x->state != CallState::Ending &&
                       y->state != CallState::Ending;
    if (done) done(r == Reply::Ok && still);
  });
  return true;
}

bool CallController::drop_agent(CallHandle id) {
  Call* call = find(id);
  if (call == nullptr || call->state == CallState::Ending) return false;
  CallLeg& leg = call->leg(Side::Agent);
  if (leg.idle() || leg.dropping) return false;
  leg.dropping = true;
  if (call->state == CallState::Bridged) call->state = CallState::Up;
  release_leg(*call, Side::Agent);
  history_ended(*call, Side::Agent, CallOutcome::Normal);
  return true;
}

bool CallController::link(CallHandle a, CallHandle b, bool both) {
  Call* ca = find(a);
  Call* cb = find(b);
  if (ca == nullptr || cb == nullptr || a == b) return false;
  if (ca->state == CallState::Ending) {  // already going: b follows now
    hangup(b);
    return true;
  }
  if (cb->state == CallState::Ending) {
    if (both) hangup(a);
    return true;
  }
  ca->linked.push_back(b);
  if (both) cb->linked.push_back(a);
  return true;
}

bool CallController::hold(CallHandle id, Side side, bool on, std::function<void(bool)> done) {
  Call* call = find(id);
  if (call == nullptr || call->state == CallState::Ending) return false;
  CallLeg& leg = call->leg(side);
  if (leg.media_state != MediaState::Ready) return false;
  media_.hold(leg.media, on, [done = std::move(done)](Reply r) {
    if (done) done(r == Reply::Ok);
  });
  if (leg.history_open) {
    const std::int64_t at = now_ms();
    const char* name = side == Side::Customer ? "a" : "agent";
    record([&] {
      return on ? history_->hold(call->history_id, name, at)
                : history_->retrieved(call->history_id, name, at);
    });
  }
  return true;
}

bool CallController::record_transfer(CallHandle id, std::string_view kind,
                                     std::string_view target) {
  Call* call = find(id);
  if (call == nullptr || !call->leg(Side::Customer).history_open) return false;
  const std::int64_t at = now_ms();
  record([&] { return history_->transferred(call->history_id, "a", kind, target, at); });
  return true;
}


CallHandle CallController::merged_with(CallHandle call) const {
  for (const auto& [first, second] : merged_) {
    if (first == call) return second;
    if (second == call) return first;
  }
  return 0;
}

bool CallController::merge(CallHandle first, CallHandle second, std::function<void(bool)> done) {
  std::erase_if(merged_, [this](const auto& m) { return find(m.first) == nullptr || find(m.second) == nullptr; });
  Call* a = find(first);
  Call* b = find(second);
  if (a == nullptr || b == nullptr || a == b || a->state == CallState::Ending ||
      b->state == CallState::Ending || merged_with(first) != 0 || merged_with(second) != 0 ||
      a->leg(Side::Agent).media_state != MediaState::Ready) {
    return false;
  }
  std::vector<media::MediaLeg> members;
  for (Call* c : {a, b}) {
    for (const Side side : {Side::Customer, Side::Agent}) {
      const CallLeg& leg = c->leg(side);
      if (leg.media_state == MediaState::Ready && !leg.dropping) members.push_back(leg.media);
    }
  }
  if (members.size() < 3 || members.size() > dataplane::kMaxConferenceMembers) return false;
  for (const media::MediaLeg& m : members) {
    if (m.worker != members[0].worker) return false;  // a mix never crosses workers
  }
  merged_[first] = second;
  // One worker answers in order: every hold lifted before the joins; the first leg anchors.
  for (const media::MediaLeg& m : members) media_.hold(m, false, [](Reply) {});
  struct Pending {
    std::size_t left = 0;
    bool ok = true;
    std::function<void(bool)> done;
  };
  auto pending = std::make_shared<Pending>(Pending{members.size() - 1, true, std::move(done)});
  for (std::size_t i = 1; i < members.size(); ++i) {
    media_.conference_join(members[i], members[0], [pending](Reply r) {
      pending->ok = pending->ok && r == Reply::Ok;
      if (--pending->left == 0 && pending->done) pending->done(pending->ok);
    });
  }
  record_transfer(first, "merge", b->history_id);
  return true;
}

bool CallController::leave(CallHandle call, bool terminate) {
  CallHandle first = 0, second = 0;
  for (const auto& [f, s] : merged_) {
    if (f == call || s == call) first = f, second = s;
  }
  if (first == 0) return false;
  merged_.erase(first);
  const Call* b = find(second);
  const std::string other = b != nullptr ? b->history_id : std::string();
  if (terminate) {
    record_transfer(first, "terminate", other);
    hangup(first);
    hangup(second);
    return true;
  }
  record_transfer(first, "leave", other);
  if (const auto agent = media_leg(first, Side::Agent)) media_.conference_leave(*agent, [](Reply) {});
  drop_agent(first);  // its leg's DestroyLeg follows the leave on the same worker
  link(first, second, true);
  return true;
}

}  // namespace dialcore::control::calls
