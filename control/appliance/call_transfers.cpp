#include "control/appliance/call_transfers.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <utility>

#include "control/floor/floor.hpp"

namespace dialcore::control::appliance {

using calls::CallEventKind;
using calls::CallHandle;
using calls::Side;
using floor::CallResult;

namespace {

bool same_name(const std::string& a, const std::string& b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
           return std::tolower(x) == std::tolower(y);
         });
}

std::optional<floor::AgentId> parse_agent(const std::string& s) {
  floor::AgentId id = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), id);
  if (ec != std::errc() || end != s.data() + s.size() || id <= 0) return std::nullopt;
  return id;
}

}  // namespace

CallTransfers::CallTransfers(calls::CallController& calls, HandsetOf handset, TransferSetup setup)
    : calls_(calls), handset_(std::move(handset)), setup_(std::move(setup)) {}

std::optional<calls::AgentTarget> CallTransfers::agent_target(floor::AgentId agent) const {
  const auto user = handset_(agent);
  if (!user || user->empty()) return std::nullopt;
  calls::AgentTarget t;
  t.agent_id = agent;
  t.address = *user;
  t.dial = [&sip = setup_.sip, u = *user](std::string sdp) {
    return sip.dial_agent(sip::AgentDialRequest{u, std::move(sdp), true});
  };
  return t;
}

std::optional<CallTransfers::Route> CallTransfers::route_for(std::int64_t campaign_id) const {
  std::string name;
  std::string cli;
  if (campaign_id != 0) {
    if (auto c = setup_.store.campaigns().get(campaign_id); c.ok()) {
      name = c->name;
      cli = c->cli;
    }
  }
  for (const config::Campaign& k : setup_.config.campaigns) {
    if (!name.empty() && !k.trunk.empty() && same_name(k.name.empty() ? k.id : k.name, name)) {
      return Route{k.trunk, k.cli.empty() ? cli : k.cli};
    }
  }
  if (setup_.config.sip.trunks.empty()) return std::nullopt;
  return Route{setup_.config.sip.trunks.front().id, cli};
}

std::int64_t CallTransfers::campaign_of(CallHandle x) const {
  const BookedCall* b = setup_.book.find(x);
  return b != nullptr ? b->campaign_id : 0;
}

FloorLegs CallTransfers::legs(floor::CallId id) const {
  const auto it = floor_legs_.find(id);
  if (it != floor_legs_.end()) return it->second;
  const CallHandle h = setup_.book.handle_of(id);  // a call moved into a queue: its alias
  FloorLegs l;
  l.far_call = h;
  l.own_call = h;
  l.call = h;
  return l;
}

bool CallTransfers::ring_timeout(floor::CallId call) {
  if ((call & kAliasBit) == 0) return false;
  const auto it = placed_.find(call & ~kAliasBit);
  if (it == placed_.end() || it->second.joined) return false;
  ++counters_.ring_timeouts;
  calls_.hangup(it->first);  // its Ended sends a blind transfer's customer back
  return true;
}

CallResult CallTransfers::place(Kind kind, floor::AgentId agent, CallHandle x,
                                const floor::TransferTarget& to, CallHandle& c) {
  if (floor_ == nullptr) return CallResult::fail("no_floor");
  if (to.kind == floor::TargetKind::Queue) return CallResult::fail("not_supported");  // consult
  const auto customer = calls_.media_leg(x, Side::Customer);
  const auto agent_leg = calls_.media_leg(x, Side::Agent);
  if (!customer || !agent_leg) return CallResult::fail("no_media");
  // The new leg sits on the worker of the leg it will be bridged to first.
  const auto where = media::LegPlacement::next_to(kind == Kind::Blind ? *customer : *agent_leg);
  const std::int64_t campaign = campaign_of(x);
  const std::optional<std::int64_t> campaign_opt =
      campaign != 0 ? std::optional<std::int64_t>(campaign) : std::nullopt;
  auto handler = [this](const calls::CallEvent& e) { on_event(e); };
  Placed p;
  p.kind = kind;
  p.parent = x;
  p.from_agent = agent;
  if (to.kind == floor::TargetKind::Agent) {
    const auto id = parse_agent(to.value);
    if (!id || *id == agent) return CallResult::fail("bad_target");
    const auto target = agent_target(*id);
    if (!target) return CallResult::fail("target_not_registered");
    c = calls_.call_agent(*target, campaign_opt, where, handler);
    if (c == 0) return CallResult::fail("refused");
    p.to_agent = *id;
    p.target = "agent:" + std::to_string(*id);
    floor::CallInfo info;
    info.call = alias(c);
    info.kind = agent_state::CallKind::Transfer;
    info.interaction_id = calls_.history_id(c).value_or("");
    info.campaign_id = campaign;
    info.call_type = kind == Kind::Blind ? "transfer" : "consult";
    info.from = "agent:" + std::to_string(agent);
    if (const BookedCall* b = setup_.book.find(x)) info.lead_id = b->lead_id;
    const floor::FloorResult offered = floor_->offer(*id, info);
    if (!offered.ok()) {
      calls_.hangup(c);  // its Ended finds no record here
      return CallResult::fail("target_unavailable:" + offered.code);
    }
    BookedCall booked;  // the target agent's wrap goes to C's CDR (FloorLink)
    booked.history_id = info.interaction_id;
    booked.agent = *id;
    booked.offered = true;
    setup_.book.put(alias(c), std::move(booked));
    // The target agent's controls: the far party is the customer (or, consulting, the agent).
    floor_legs_[alias(c)] =
        FloorLegs{x, kind == Kind::Blind ? Side::Customer : Side::Agent, c, Side::Customer, c};
  } else {
    const auto route = route_for(campaign);
    if (!route) return CallResult::fail("no_trunk");
    calls::OriginateRequest r;
    r.trunk_id = route->trunk;
    r.number = to.value;
    r.cli = route->cli;
    r.campaign_id = campaign_opt;
    c = calls_.originate(r, handler, where);
    if (c == 0) return CallResult::fail("refused");
    p.target = to.value;
  }
  placed_[c] = std::move(p);
  return {};
}

CallResult CallTransfers::blind(floor::AgentId agent, floor::CallId call,
                                const floor::TransferTarget& to) {
  if (to.kind == floor::TargetKind::Queue) {
    if (!setup_.to_queue) return CallResult::fail("not_supported");
    if (CallResult r = setup_.to_queue(call, to.value, agent); !r.ok) return r;
    ++counters_.blind;
    ++counters_.to_queue;
    calls_.record_transfer(call, "blind", "queue:" + to.value);
    calls_.drop_agent(call);  // the agent leaves now (wrap); the queue rings its next agent
    return {};
  }
  CallHandle c = 0;
  if (CallResult r = place(Kind::Blind, agent, call, to, c); !r.ok) return r;
  ++counters_.blind;
  calls_.record_transfer(call, "blind", placed_[c].target);
  // The customer's end ends C; C's end ends the customer only once C answered (join_target):
  // a target that never answers sends the customer back to a queue (on_ended).
  calls_.link(call, c, false);
  calls_.drop_agent(call);   // the agent leaves now (the floor puts them in wrap)
  return {};
}

CallResult CallTransfers::consult(floor::AgentId agent, floor::CallId held,
                                  const floor::TransferTarget& to) {
  CallHandle c = 0;
  if (CallResult r = place(Kind::Consult, agent, held, to, c); !r.ok) return r;
  ++counters_.consults;
  calls_.hold(held, Side::Customer, true, {});  // the customer hears silence meanwhile
  // The consultation is bridged to the agent's leg of the customer's call: it dies with it.
  calls_.link(held, c, false);
  // The consulting agent's view of C: the far end is C's, its own leg X's agent leg.
  floor_legs_[c] = FloorLegs{c, Side::Customer, held, Side::Agent, c};
  CallResult r;
  r.call = c;
  return r;
}

CallResult CallTransfers::complete(floor::AgentId, floor::CallId held, floor::CallId consult) {
  const auto it = placed_.find(consult);
  if (it == placed_.end() || it->second.kind != Kind::Consult || it->second.parent != held ||
      it->second.completed) {
    return CallResult::fail("no_consult");
  }
  Placed& p = it->second;
  p.completed = true;
  ++counters_.completed;
  calls_.record_transfer(held, "consult", p.target);
  // The agent's wrap follows the floor's last released call (the consult id): the customer's
  // booking moves there so the disposition still lands on the customer's CDR.
  if (const BookedCall* b = setup_.book.find(held)) {
    BookedCall moved = *b;
    setup_.book.erase(held);
    setup_.book.put(consult, std::move(moved));
  }
  if (p.answered) join_target(consult, held, Side::Customer);  // else on its answer
  calls_.drop_agent(held);
  calls_.link(held, consult);
  floor_legs_.erase(consult);
  if (p.to_agent != 0) floor_legs_[alias(consult)].far_side = Side::Customer;
  return {};
}

bool CallTransfers::retrieve(floor::CallId call) {
  for (const auto& [c, p] : placed_) {
    if (p.kind != Kind::Consult || p.completed || !p.joined) continue;
    if (call == p.parent) {  // back to the customer; the consulted party hears silence
      calls_.join(p.parent, Side::Customer, p.parent, Side::Agent, {});
      calls_.hold(p.parent, Side::Customer, false, {});
      return true;
    }
    if (call == c) {  // back to the consulted party; the customer is held again
      calls_.hold(p.parent, Side::Customer, true, {});
      calls_.join(p.parent, Side::Agent, c, Side::Customer, {});
      return true;
    }
  }
  return false;
}

CallResult CallTransfers::manual(floor::AgentId agent, std::int64_t campaign_id,
                                 const std::string& number) {
  if (floor_ == nullptr) return CallResult::fail("no_floor");
  if (!agent_target(agent)) return CallResult::fail("not_registered");
  const auto route = route_for(campaign_id);
  if (!route) return CallResult::fail("no_trunk");
  calls::OriginateRequest r;
  r.trunk_id = route->trunk;
  r.number = number;
  r.cli = route->cli;
  r.campaign_id = campaign_id;
  const CallHandle c = calls_.originate(r, [this](const calls::CallEvent& e) { on_event(e); });
  if (c == 0) return CallResult::fail("refused");
  Placed p;
  p.kind = Kind::Manual;
  p.from_agent = agent;
  p.target = number;
  placed_[c] = std::move(p);
  // campaign_id 0 in the book: the campaign's runner must count the agent busy (FloorLink).
  BookedCall booked;
  booked.history_id = calls_.history_id(c).value_or("");
  booked.agent = agent;
  booked.offered = true;
  setup_.book.put(c, std::move(booked));
  ++counters_.manual_calls;
  CallResult res;
  res.call = c;
  return res;
}

CallResult CallTransfers::announce(floor::CallId call, const std::string& prompt) {
  const auto clip = setup_.prompt_clip ? setup_.prompt_clip(prompt) : std::nullopt;
  if (!clip) return CallResult::fail("unknown_prompt");
  const FloorLegs l = legs(call);
  // The worker marks AnnouncementStart/End (with the clip) in the leg's recording, if any.
  if (!calls_.play_prompt(l.far_call, l.far_side, *clip, [](bool) {})) {
    return CallResult::fail("no_media");
  }
  ++counters_.announcements;
  return {};
}

void CallTransfers::join_target(CallHandle c, CallHandle x, Side x_side) {
  const bool asked = calls_.join(x, x_side, c, Side::Customer, [this, c, x, x_side](bool ok) {
    const auto it = placed_.find(c);
    if (it == placed_.end()) return;
    if (!ok) {
      ++counters_.failed;
      calls_.hangup(c);
      return;
    }
    if (!it->second.joined) ++counters_.joined;
    it->second.joined = true;
    if (it->second.kind == Kind::Blind) calls_.link(c, x, false);  // now they end together
    if (x_side == Side::Customer) calls_.hold(x, Side::Customer, false, {});
    if (it->second.to_agent != 0 && floor_ != nullptr) floor_->call_answered(alias(c));
  });
  if (!asked) {
    ++counters_.failed;
    calls_.hangup(c);
  }
}

void CallTransfers::on_answered(CallHandle c, Placed& p) {
  p.answered = true;
  if (BookedCall* b = setup_.book.find(p.to_agent != 0 ? alias(c) : c)) b->bridged = true;
  switch (p.kind) {
    case Kind::Blind: join_target(c, p.parent, Side::Customer); return;
    case Kind::Consult:
      join_target(c, p.parent, p.completed ? Side::Customer : Side::Agent);
      return;
    case Kind::Manual: {
      const auto target = agent_target(p.from_agent);
      if (!target || !calls_.connect_agent(c, *target)) calls_.hangup(c);
      return;
    }
  }
}

void CallTransfers::on_event(const calls::CallEvent& e) {
  const auto it = placed_.find(e.call);
  if (it == placed_.end()) return;
  Placed& p = it->second;
  switch (e.kind) {
    case CallEventKind::Answered: on_answered(e.call, p); return;
    case CallEventKind::Bridged:  // manual calls: the agent's handset answered
      p.joined = true;
      if (floor_ != nullptr) floor_->call_answered(e.call);
      return;
    case CallEventKind::AgentEnded: {  // manual calls: the handset did not take it
      const floor::AgentId agent = p.from_agent;
      const CallHandle c = e.call;
      const bool lost = e.outcome != calls::CallOutcome::Cancelled;
      if (BookedCall* b = setup_.book.find(c)) b->bridged = false;
      if (floor_ != nullptr) {
        floor_->call_ended(c);  // withdrawn: the agent never talked
        if (lost) floor_->voice_lost(agent);  // the handset is not there: auto pause
      }
      calls_.hangup(c);
      return;
    }
    case CallEventKind::Dtmf:
      if (p.kind == Kind::Manual && e.side == Side::Customer && floor_ != nullptr) {
        floor_->dtmf(e.call, e.digit);
      }
      return;
    case CallEventKind::Ended: {
      const Placed done = p;
      placed_.erase(it);
      on_ended(e.call, done);
      return;
    }
    default: return;
  }
}

void CallTransfers::send_back(const Placed& p) {
  if (!calls_.history_id(p.parent)) return;  // the customer left meanwhile
  // Back to the call's own queue, else the transferring agent's first queue: that agent takes
  // it again once out of wrap, or the queue's next agent does.
  if (setup_.to_queue && setup_.to_queue(p.parent, "", p.from_agent).ok) {
    ++counters_.returned;
    calls_.record_transfer(p.parent, "returned", "queue");
    return;
  }
  ++counters_.dropped;
  calls_.hangup(p.parent);
}

void CallTransfers::on_ended(CallHandle c, Placed p) {
  if (!p.joined && p.kind != Kind::Manual) ++counters_.failed;
  floor_legs_.erase(c);
  if (p.to_agent != 0) {
    floor_legs_.erase(alias(c));
    if (floor_ != nullptr) floor_->call_ended(alias(c));
    const BookedCall* b = setup_.book.find(alias(c));
    if (b != nullptr && !b->bridged) setup_.book.erase(alias(c));  // never talked: no wrap
  }
  switch (p.kind) {
    case Kind::Blind:
      if (!p.joined) send_back(p);  // the target never answered: the customer is not dropped
      return;  // joined: X is linked, it ends too
    case Kind::Consult:
      if (p.completed) return;
      ++counters_.cancelled;
      if (floor_ != nullptr) floor_->call_ended(c);  // the consulting agent's line
      // The customer's and the agent's legs are bridged again (the customer stays held until
      // the agent retrieves).
      calls_.join(p.parent, Side::Customer, p.parent, Side::Agent, {});
      return;
    case Kind::Manual: {
      if (floor_ != nullptr) floor_->call_ended(c);
      const BookedCall* b = setup_.book.find(c);
      if (b != nullptr && !b->bridged) setup_.book.erase(c);
      return;
    }
  }
}

}  // namespace dialcore::control::appliance
