#include "control/history/history_report.hpp"

#include <boost/json.hpp>

#include <functional>

#include "control/history/history_rows.hpp"

namespace dialcore::control::history {

namespace json = boost::json;
using store::Errc;
using store::Error;
using Result = store::Result<void>;

std::string_view to_string(EndCause cause) {
  switch (cause) {
    case EndCause::Normal: return "normal";
    case EndCause::Busy: return "busy";
    case EndCause::NoAnswer: return "no_answer";
    case EndCause::Invalid: return "invalid";
    case EndCause::Rejected: return "rejected";
    case EndCause::Failed: return "failed";
    case EndCause::Abandoned: return "abandoned";
    case EndCause::MessageLeft: return "message_left";
    case EndCause::Interrupted: return "interrupted";
  }
  return "failed";
}

std::string_view to_string(ReportKind kind) {
  switch (kind) {
    case ReportKind::LegStarted: return "leg_started";
    case ReportKind::Answered: return "answered";
    case ReportKind::Bridged: return "bridged";
    case ReportKind::Hold: return "hold";
    case ReportKind::Retrieved: return "retrieved";
    case ReportKind::Transferred: return "transferred";
    case ReportKind::Amd: return "amd";
    case ReportKind::Recording: return "recording";
    case ReportKind::RecordingFile: return "recording_file";
    case ReportKind::Ended: return "ended";
    case ReportKind::Disposition: return "disposition";
  }
  return "report";
}

bool transient(store::Errc code) {
  return code == Errc::Busy || code == Errc::Full || code == Errc::Io || code == Errc::Corrupt;
}

namespace {

const std::string kActorName = "system:calls";

store::Actor actor_at(std::int64_t at_ms) { return store::Actor{kActorName, at_ms}; }

bool makes_attempt(const store::Cdr& cdr) {
  return cdr.direction == "outbound" && cdr.lead_id && cdr.campaign_id;
}

std::string attempt_outcome(EndCause cause, const store::Attempt& a) {
  if (cause == EndCause::Abandoned) return "abandoned";
  if (cause == EndCause::MessageLeft) return "message_left";
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

// What one milestone does to the CDR and the attempt.
struct Change {
  std::string_view type;                         // the event appended to events_json
  json::object extra;                            // its other keys (never two string literals:
                                                 // json::object would take them as iterators)
  std::function<void(store::Cdr&)> cdr;          // may be empty
  std::function<void(store::Attempt&)> attempt;  // the leg's attempt, if it made one
  // After the rows are written, inside the same transaction (the lead at `ended`).
  std::function<Result(const store::Cdr&, const std::optional<store::Attempt>&)> after;
};

Result milestone(store::Store& s, const Report& r, const Change& change) {
  const std::string& call_id = r.leg.call_id;
  const std::string& leg = r.leg.leg;
  auto cdr = rows::leg_cdr(s, call_id, leg);
  if (!cdr) return cdr.error();
  if (cdr->ended_at_ms)
    return Error{Errc::Conflict, "call " + call_id + " leg " + leg + " has ended"};
  if (change.cdr) change.cdr(*cdr);
  rows::append_event(*cdr, r.at_ms, change.type, change.extra);
  if (auto u = s.cdrs().update(*cdr, actor_at(r.at_ms)); !u) return u;
  std::optional<store::Attempt> attempt;
  if (makes_attempt(*cdr)) {
    auto found = rows::call_attempt(s, call_id, *cdr->lead_id);
    if (!found) return found.error();
    attempt = std::move(*found);
    if (attempt && change.attempt) {
      change.attempt(*attempt);
      if (auto u = s.attempts().update(*attempt, actor_at(r.at_ms)); !u) return u;
    }
  }
  if (change.after) return change.after(*cdr, attempt);
  return {};
}

Result leg_started(store::Store& s, const Report& r) {
  const LegStart& leg = r.leg;
  auto existing = rows::leg_cdr(s, leg.call_id, leg.leg);
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
  cdr.started_at_ms = r.at_ms;
  rows::append_event(cdr, r.at_ms, "start");
  std::optional<store::Lead> lead;
  if (makes_attempt(cdr)) {  // read before any write: a missing lead rejects the whole report
    auto found = s.leads().get(*leg.lead_id);
    if (!found) return found.error();
    lead = std::move(*found);
  }
  if (auto c = s.cdrs().create(cdr, actor_at(r.at_ms)); !c) return c;
  if (!lead) return {};
  store::Attempt a;
  a.call_id = leg.call_id;
  a.lead_id = lead->id;
  a.campaign_id = *leg.campaign_id;
  a.phone = leg.to_number;
  a.agent_id = leg.agent_id;
  a.started_at_ms = r.at_ms;
  if (auto c = s.attempts().create(a, actor_at(r.at_ms)); !c) return c;
  lead->status = "in_progress";
  lead->attempts += 1;
  return s.leads().update(*lead, actor_at(r.at_ms));
}

Result ended(store::Store& s, const RetryPolicy& policy, const Report& r) {
  const std::int64_t at_ms = r.at_ms;
  const EndCause cause = r.cause;
  return milestone(
      s, r,
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
       [&s, &policy, at_ms](const store::Cdr&, const std::optional<store::Attempt>& a) -> Result {
         // An agent talked to this lead: its disposition decides (disposition()).
         if (!a || (a->outcome == "answered" && a->agent_id)) return {};
         return rows::settle_lead(s, a->lead_id, a->outcome, at_ms, policy, actor_at(at_ms));
       }});
}

Result disposition(store::Store& s, const RetryPolicy& policy, const Report& r) {
  const Wrap& wrap = r.wrap;
  const std::int64_t at_ms = r.at_ms;
  store::Query by_code;
  by_code.all.push_back({"code", store::Match::Equals, wrap.wrap_code});
  auto codes = s.wrap_codes().list(by_code);
  if (!codes) return codes.error();
  if (codes->empty()) return Error{Errc::Invalid, "unknown wrap code '" + wrap.wrap_code + "'"};
  const store::WrapCode code = codes->front();
  store::Query legs;
  legs.all.push_back({"call_id", store::Match::Equals, wrap.call_id});
  auto cdrs = s.cdrs().list(legs);
  if (!cdrs) return cdrs.error();
  if (cdrs->empty()) return Error{Errc::NotFound, "no call " + wrap.call_id};
  store::Query done;
  done.all.push_back({"call_id", store::Match::Equals, wrap.call_id});
  auto previous = s.dispositions().count(done);
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
    if (auto u = s.cdrs().update(c, actor_at(at_ms)); !u) return u;
  }
  std::optional<store::Attempt> attempt;
  if (lead_id) {
    auto found = rows::call_attempt(s, wrap.call_id, *lead_id);
    if (!found) return found.error();
    attempt = std::move(*found);
    // Wrapped before the hang-up was reported: the agent talked to the lead.
    if (attempt && attempt->outcome.empty()) {
      attempt->outcome = "answered";
      if (auto u = s.attempts().update(*attempt, actor_at(at_ms)); !u) return u;
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
  if (auto c = s.dispositions().create(d, actor_at(at_ms)); !c) return c;
  if (!lead_id) return {};
  auto lead = s.leads().get(*lead_id);
  if (!lead) return lead.code() == Errc::NotFound ? Result{} : lead.error();
  if (lead->status == "dnc") return {};
  if (code.completes_number) {
    lead->status = "done";
    lead->next_call_at_ms.reset();
  } else if (wrap.callback_at_ms) {
    lead->status = "new";
    lead->next_call_at_ms = wrap.callback_at_ms;
  } else {
    auto campaign = s.campaigns().get(lead->campaign_id);
    if (!campaign) return campaign.error();
    const std::string outcome =
        attempt && !attempt->outcome.empty() ? attempt->outcome : std::string("answered");
    const LeadFate fate =
        lead_after_attempt(outcome, lead->attempts, campaign->max_attempts, at_ms, policy);
    lead->status = fate.status;
    lead->next_call_at_ms = fate.next_call_at_ms;
  }
  return s.leads().update(*lead, actor_at(at_ms));
}

// The index row of one file, keyed by its path: a file reported again (re-indexed at start-up,
// repaired after a crash) updates its row; the row never depends on the call's CDR (a file
// repaired at start may belong to a call from before the store knew it).
Result recording_file(store::Store& s, const store::Recording& row) {
  store::Query q;
  q.all.push_back({"path", store::Match::Equals, row.path});
  q.limit = 10;  // Equals on text is case-insensitive; paths are not
  auto found = s.recordings().list(q);
  if (!found) return found.error();
  std::erase_if(*found, [&](const store::Recording& x) { return x.path != row.path; });
  store::Recording r = row;
  const store::Actor actor = actor_at(row.ended_at_ms.value_or(row.started_at_ms));
  if (found->empty()) return s.recordings().create(r, actor);
  r.id = found->front().id;
  r.version = found->front().version;
  if (r == found->front()) return {};
  return s.recordings().update(r, actor);
}

}  // namespace

Result apply(store::Store& s, const RetryPolicy& policy, const Report& r) {
  const std::int64_t at_ms = r.at_ms;
  switch (r.kind) {
    case ReportKind::LegStarted: return leg_started(s, r);
    case ReportKind::Answered:
      return milestone(s, r,
                       {"answer",
                        {},
                        [at_ms](store::Cdr& c) {
                          if (!c.answered_at_ms) c.answered_at_ms = at_ms;
                        },
                        [at_ms](store::Attempt& a) {
                          if (!a.answered_at_ms) a.answered_at_ms = at_ms;
                        },
                        {}});
    case ReportKind::Bridged: {
      const std::int64_t agent = r.agent_id;
      return milestone(s, r,
                       {"bridge",
                        {{"agent_id", agent}},
                        [agent](store::Cdr& c) { c.agent_id = agent; },
                        [agent](store::Attempt& a) { a.agent_id = agent; },
                        {}});
    }
    case ReportKind::Hold: return milestone(s, r, {"hold", {}, {}, {}, {}});
    case ReportKind::Retrieved: return milestone(s, r, {"retrieve", {}, {}, {}, {}});
    case ReportKind::Transferred:
      return milestone(
          s, r,
          {"transfer",
           {{"kind", std::string_view(r.text1)}, {"target", std::string_view(r.text2)}},
           {},
           {},
           {}});
    case ReportKind::Amd:
      return milestone(s, r,
                       {"amd",
                        {{"verdict", std::string_view(r.text1)}},
                        {},
                        [&v = r.text1](store::Attempt& a) { a.amd = v; },
                        {}});
    case ReportKind::Recording:
      return milestone(s, r, {"recording", {{"path", std::string_view(r.text1)}}, {}, {}, {}});
    case ReportKind::RecordingFile: return recording_file(s, r.recording);
    case ReportKind::Ended: return ended(s, policy, r);
    case ReportKind::Disposition: return disposition(s, policy, r);
  }
  return Error{Errc::Invalid, "unknown report"};
}

}  // namespace dialcore::control::history
