#include "control/history/call_history.hpp"

#include <boost/json.hpp>

#include <functional>

#include "control/history/history_rows.hpp"

namespace dialcore::control::history {

namespace json = boost::json;
using store::Errc;
using store::Error;

std::string_view to_string(EndCause cause) {
  switch (cause) {
    case EndCause::Normal: return "normal";
    case EndCause::Busy: return "busy";
    case EndCause::NoAnswer: return "no_answer";
    case EndCause::Invalid: return "invalid";
    case EndCause::Rejected: return "rejected";
    case EndCause::Failed: return "failed";
    case EndCause::Abandoned: return "abandoned";
    case EndCause::Interrupted: return "interrupted";
  }
  return "failed";
}

namespace {

const store::Actor kActor{"system:calls", 0};

store::Actor actor_at(std::int64_t at_ms) { return store::Actor{kActor.name, at_ms}; }

bool makes_attempt(const store::Cdr& cdr) {
  return cdr.direction == "outbound" && cdr.lead_id && cdr.campaign_id;
}

std::string attempt_outcome(EndCause cause, const store::Attempt& a) {
  if (cause == EndCause::Abandoned) return "abandoned";
  if (a.amd == "machine") return "machine";
  if (a.answered_at_ms) return "answered";
  switch (cause) {
    case EndCause::Busy: return "busy";
    case EndCause::NoAnswer: return "no_answer";
    case EndCause::Invalid: return "invalid";
    case EndCause::Interrupted: return "interrupted";
    default: return "failed";
  }
}

}  // namespace

struct CallHistory::Change {
  std::string_view type;                         // the event appended to events_json
  json::object extra;                            // its other keys (never two string literals:
                                                 // json::object would take them as iterators)
  std::function<void(store::Cdr&)> cdr;          // may be empty
  std::function<void(store::Attempt&)> attempt;  // the leg's attempt, if it made one
  // After the rows are written, inside the same transaction (the lead at `ended`).
  std::function<Result<void>(const store::Cdr&, const std::optional<store::Attempt>&)> after;
};

Result<void> CallHistory::milestone(std::string_view call_id, std::string_view leg,
                                    std::int64_t at_ms, const Change& change) {
  return store_.transaction([&]() -> Result<void> {
    auto cdr = rows::leg_cdr(store_, call_id, leg);
    if (!cdr) return cdr.error();
    if (cdr->ended_at_ms) {
      return Error{Errc::Conflict,
                   "call " + std::string(call_id) + " leg " + std::string(leg) + " has ended"};
    }
    if (change.cdr) change.cdr(*cdr);
    rows::append_event(*cdr, at_ms, change.type, change.extra);
    if (auto r = store_.cdrs().update(*cdr, actor_at(at_ms)); !r) return r;
    std::optional<store::Attempt> attempt;
    if (makes_attempt(*cdr)) {
      auto found = rows::call_attempt(store_, call_id, *cdr->lead_id);
      if (!found) return found.error();
      attempt = std::move(*found);
      if (attempt && change.attempt) {
        change.attempt(*attempt);
        if (auto r = store_.attempts().update(*attempt, actor_at(at_ms)); !r) return r;
      }
    }
    if (change.after) return change.after(*cdr, attempt);
    return {};
  });
}

Result<std::int64_t> CallHistory::leg_started(const LegStart& leg, std::int64_t at_ms) {
  if (leg.call_id.empty() || leg.leg.empty()) {
    return Error{Errc::Invalid, "a leg needs a call id and a leg name"};
  }
  std::int64_t id = 0;
  auto r = store_.transaction([&]() -> Result<void> {
    auto existing = rows::leg_cdr(store_, leg.call_id, leg.leg);
    if (existing && !existing->ended_at_ms) {
      return Error{Errc::Duplicate, "call " + leg.call_id + " leg " + leg.leg + " is open"};
    }
    if (!existing && existing.code() != Errc::NotFound) return existing.error();
    store::Cdr cdr;
    cdr.call_id = leg.call_id;
    cdr.leg = leg.leg;
    cdr.direction = leg.direction;
    cdr.from_number = leg.from_number;
    cdr.to_number = leg.to_number;
    cdr.agent_id = leg.agent_id;
    cdr.campaign_id = leg.campaign_id;
    cdr.queue_id = leg.queue_id;
    cdr.lead_id = leg.lead_id;
    cdr.started_at_ms = at_ms;
    rows::append_event(cdr, at_ms, "start");
    if (auto c = store_.cdrs().create(cdr, actor_at(at_ms)); !c) return c;
    id = cdr.id;
    if (!makes_attempt(cdr)) return {};
    auto lead = store_.leads().get(*leg.lead_id);
    if (!lead) return lead.error();
    store::Attempt a;
    a.call_id = leg.call_id;
    a.lead_id = lead->id;
    a.campaign_id = *leg.campaign_id;
    a.phone = leg.to_number;
    a.agent_id = leg.agent_id;
    a.started_at_ms = at_ms;
    if (auto c = store_.attempts().create(a, actor_at(at_ms)); !c) return c;
    lead->status = "in_progress";
    lead->attempts += 1;
    return store_.leads().update(*lead, actor_at(at_ms));
  });
  if (!r) return r.error();
  return id;
}

Result<void> CallHistory::answered(std::string_view call_id, std::string_view leg,
                                   std::int64_t at_ms) {
  return milestone(call_id, leg, at_ms,
                   {"answer",
                    {},
                    [at_ms](store::Cdr& c) {
                      if (!c.answered_at_ms) c.answered_at_ms = at_ms;
                    },
                    [at_ms](store::Attempt& a) {
                      if (!a.answered_at_ms) a.answered_at_ms = at_ms;
                    },
                    {}});
}

Result<void> CallHistory::bridged(std::string_view call_id, std::string_view leg,
                                  std::int64_t agent_id, std::int64_t at_ms) {
  return milestone(call_id, leg, at_ms,
                   {"bridge",
                    {{"agent_id", agent_id}},
                    [agent_id](store::Cdr& c) { c.agent_id = agent_id; },
                    [agent_id](store::Attempt& a) { a.agent_id = agent_id; },
                    {}});
}

Result<void> CallHistory::hold(std::string_view call_id, std::string_view leg, std::int64_t at_ms) {
  return milestone(call_id, leg, at_ms, {"hold", {}, {}, {}, {}});
}

Result<void> CallHistory::retrieved(std::string_view call_id, std::string_view leg,
                                    std::int64_t at_ms) {
  return milestone(call_id, leg, at_ms, {"retrieve", {}, {}, {}, {}});
}

Result<void> CallHistory::transferred(std::string_view call_id, std::string_view leg,
                                      std::string_view kind, std::string_view target,
                                      std::int64_t at_ms) {
  return milestone(call_id, leg, at_ms,
                   {"transfer", {{"kind", kind}, {"target", target}}, {}, {}, {}});
}

Result<void> CallHistory::amd(std::string_view call_id, std::string_view leg,
                              std::string_view verdict, std::int64_t at_ms) {
  if (verdict != "human" && verdict != "machine" && verdict != "unknown") {
    return Error{Errc::Invalid, "AMD verdict must be human, machine or unknown"};
  }
  return milestone(call_id, leg, at_ms,
                   {"amd",
                    {{"verdict", verdict}},
                    {},
                    [v = std::string(verdict)](store::Attempt& a) { a.amd = v; },
                    {}});
}

Result<void> CallHistory::recording(std::string_view call_id, std::string_view leg,
                                    std::string_view path, std::int64_t at_ms) {
  return milestone(call_id, leg, at_ms, {"recording", {{"path", path}}, {}, {}, {}});
}

Result<void> CallHistory::ended(std::string_view call_id, std::string_view leg, EndCause cause,
                                std::int64_t at_ms) {
  return milestone(
      call_id, leg, at_ms,
      {"end",
       {{"cause", to_string(cause)}},
       [at_ms, cause](store::Cdr& c) {
         c.ended_at_ms = at_ms;
         c.hangup_cause = std::string(to_string(cause));
       },
       [at_ms, cause](store::Attempt& a) {
         a.ended_at_ms = at_ms;
         a.outcome = attempt_outcome(cause, a);
       },
       [this, at_ms](const store::Cdr&, const std::optional<store::Attempt>& a) -> Result<void> {
         // An agent talked to this lead: its disposition decides (disposition()).
         if (!a || (a->outcome == "answered" && a->agent_id)) return {};
         return rows::settle_lead(store_, a->lead_id, a->outcome, at_ms, policy_, actor_at(at_ms));
       }});
}

Result<std::int64_t> CallHistory::disposition(const Wrap& wrap, std::int64_t at_ms) {
  std::int64_t id = 0;
  auto r = store_.transaction([&]() -> Result<void> {
    store::Query by_code;
    by_code.all.push_back({"code", store::Match::Equals, wrap.wrap_code});
    auto codes = store_.wrap_codes().list(by_code);
    if (!codes) return codes.error();
    if (codes->empty()) return Error{Errc::Invalid, "unknown wrap code '" + wrap.wrap_code + "'"};
    const store::WrapCode code = codes->front();
    store::Query legs;
    legs.all.push_back({"call_id", store::Match::Equals, wrap.call_id});
    auto cdrs = store_.cdrs().list(legs);
    if (!cdrs) return cdrs.error();
    if (cdrs->empty()) return Error{Errc::NotFound, "no call " + wrap.call_id};
    store::Query done;
    done.all.push_back({"call_id", store::Match::Equals, wrap.call_id});
    auto previous = store_.dispositions().count(done);
    if (!previous) return previous.error();
    if (*previous > 0) return Error{Errc::Conflict, "call " + wrap.call_id + " is already wrapped"};
    std::optional<std::int64_t> lead_id, campaign_id;
    for (const auto& c : *cdrs) {
      if (!lead_id && c.lead_id) lead_id = c.lead_id;
      if (!campaign_id && c.campaign_id) campaign_id = c.campaign_id;
    }
    if (code.campaign_id && campaign_id && *code.campaign_id != *campaign_id) {
      return Error{Errc::Invalid, "wrap code '" + code.code + "' belongs to another campaign"};
    }
    for (auto& c : *cdrs) {
      c.wrap_code = code.code;
      rows::append_event(c, at_ms, "wrap", {{"code", code.code}});
      if (auto u = store_.cdrs().update(c, actor_at(at_ms)); !u) return u;
    }
    std::optional<store::Attempt> attempt;
    if (lead_id) {
      auto found = rows::call_attempt(store_, wrap.call_id, *lead_id);
      if (!found) return found.error();
      attempt = std::move(*found);
      // Wrapped before the hang-up was reported: the agent talked to the lead.
      if (attempt && attempt->outcome.empty()) {
        attempt->outcome = "answered";
        if (auto u = store_.attempts().update(*attempt, actor_at(at_ms)); !u) return u;
      }
    }
    store::Disposition d;
    d.attempt_id = attempt ? std::optional<std::int64_t>(attempt->id) : std::nullopt;
    d.lead_id = lead_id;
    d.agent_id = wrap.agent_id;
    d.call_id = wrap.call_id;
    d.wrap_code = code.code;
    d.notes = wrap.notes;
    d.created_at_ms = at_ms;
    if (auto c = store_.dispositions().create(d, actor_at(at_ms)); !c) return c;
    id = d.id;
    if (!lead_id) return {};
    auto lead = store_.leads().get(*lead_id);
    if (!lead) return lead.code() == Errc::NotFound ? Result<void>{} : lead.error();
    if (lead->status == "dnc") return {};
    if (code.completes_number) {
      lead->status = "done";
      lead->next_call_at_ms.reset();
    } else if (wrap.callback_at_ms) {
      lead->status = "new";
      lead->next_call_at_ms = wrap.callback_at_ms;
    } else {
      auto campaign = store_.campaigns().get(lead->campaign_id);
      if (!campaign) return campaign.error();
      const std::string outcome =
          attempt && !attempt->outcome.empty() ? attempt->outcome : std::string("answered");
      const LeadFate fate =
          lead_after_attempt(outcome, lead->attempts, campaign->max_attempts, at_ms, policy_);
      lead->status = fate.status;
      lead->next_call_at_ms = fate.next_call_at_ms;
    }
    return store_.leads().update(*lead, actor_at(at_ms));
  });
  if (!r) return r.error();
  return id;
}

}  // namespace dialcore::control::history
