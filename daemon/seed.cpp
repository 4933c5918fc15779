#include "daemon/seed.hpp"

#include <map>

namespace dialcore::daemon {

namespace st = dialcore::control::store;
namespace ag = dialcore::control::agents;

namespace {

const char* strategy_name(config::QueueStrategy s) {
  switch (s) {
    case config::QueueStrategy::RingAll: return "ring_all";
    case config::QueueStrategy::LongestIdle: return "longest_idle";
    case config::QueueStrategy::FewestCalls: return "fewest_calls";
    case config::QueueStrategy::RoundRobin: return "round_robin";
    case config::QueueStrategy::Random: return "random";
    case config::QueueStrategy::SkillWeighted: return "skill";
  }
  return "longest_idle";
}

const char* dial_mode_name(config::DialStrategy s) {
  switch (s) {
    case config::DialStrategy::Preview: return "preview";
    case config::DialStrategy::Progressive: return "progressive";
    case config::DialStrategy::Predictive: return "predictive";
    case config::DialStrategy::Power: return "power";
  }
  return "preview";
}

st::Priority priority(config::Priority p) {
  switch (p) {
    case config::Priority::High: return st::Priority::High;
    case config::Priority::Medium: return st::Priority::Medium;
    case config::Priority::Low: return st::Priority::Low;
  }
  return st::Priority::Medium;
}

bool store_empty(st::Store& s) {
  const st::Query all;
  for (auto n :
       {s.agents().count(all), s.teams().count(all), s.queues().count(all),
        s.campaigns().count(all), s.pause_reasons().count(all), s.wrap_codes().count(all)}) {
    if (!n || *n > 0) return false;
  }
  return true;
}

template <class T>
void put(st::Repository<T>& repo, T record, const st::Actor& actor, SeedReport& report,
         const std::string& what, std::map<std::string, std::int64_t>* ids = nullptr,
         const std::string& key = {}) {
  if (auto r = repo.create(record, actor); !r) {
    report.errors.push_back(what + ": " + r.error().message);
    return;
  }
  ++report.created;
  if (ids) (*ids)[key] = record.id;
}

}  // namespace

ag::SecurityPolicy security_policy(const config::Config& c) {
  ag::SecurityPolicy p;
  const auto& o = c.organisation;
  p.password.min_length = o.password_policy.min_length;
  p.password.require_lower = o.password_policy.require_lower;
  p.password.require_upper = o.password_policy.require_upper;
  p.password.require_digit = o.password_policy.require_digit;
  p.password.require_special = o.password_policy.require_symbol;
  p.max_failed_attempts = o.lockout_attempts;
  p.lockout_ms = std::int64_t{o.lockout_duration_s} * 1000;
  p.max_inactivity_days = o.inactivity_days;
  p.totp_issuer = o.name;
  p.sip_realm = c.sip.realm;
  return p;
}

SeedReport seed_if_empty(const config::Config& c, st::Store& s, ag::AgentService& agents,
                         std::int64_t now_ms) {
  SeedReport report;
  if (!store_empty(s)) return report;
  report.seeded = true;
  const st::Actor actor{"system:seed", now_ms};
  std::map<std::string, std::int64_t> teams, queues, campaigns;
  for (const auto& t : c.teams) {
    put(s.teams(), st::Team{{}, t.name, t.id}, actor, report, "team " + t.id, &teams, t.id);
  }
  for (const auto& q : c.queues) {
    st::Queue r;
    r.name = q.name;
    r.strategy = strategy_name(q.strategy);
    r.ring_timeout_s = q.ring_timeout_s;
    r.wrap_s = q.wrap_s;
    r.max_wait_s = q.max_wait_s;
    put(s.queues(), r, actor, report, "queue " + q.id, &queues, q.id);
  }
  for (const auto& q : c.queues) {  // overflow targets once every queue exists
    if (q.overflow != config::OverflowAction::Queue || !queues.contains(q.id) ||
        !queues.contains(q.overflow_queue)) {
      continue;
    }
    auto r = s.queues().get(queues[q.id]);
    if (!r) continue;
    r->overflow_queue_id = queues[q.overflow_queue];
    if (auto u = s.queues().update(*r, actor); !u)
      report.errors.push_back("queue " + q.id + ": " + u.error().message);
  }
  for (const auto& k : c.campaigns) {
    st::Campaign r;
    r.name = k.name;
    r.kind = k.queue.empty() ? "outbound" : "blended";
    r.dial_mode = dial_mode_name(k.dialler.strategy);
    r.cli = k.cli;
    r.wrap_timeout_s = k.wrap_timer_s;
    r.max_attempts = k.max_attempts;
    put(s.campaigns(), r, actor, report, "campaign " + k.id, &campaigns, k.id);
  }
  for (const auto& p : c.pause_reasons) {
    put(s.pause_reasons(), st::PauseReason{{}, p.name, p.code, p.billable}, actor, report,
        "pause reason " + p.code);
  }
  for (const auto& w : c.wrap_codes) {
    st::WrapCode r;
    r.name = w.name;
    r.code = w.code;
    r.schedules_callback = w.outcome == config::WrapOutcome::Callback ||
                           w.outcome == config::WrapOutcome::PersonalCallback;
    r.completes_number = w.outcome == config::WrapOutcome::CompleteNumber;
    put(s.wrap_codes(), r, actor, report, "wrap code " + w.code);
  }
  for (const auto& a : c.agents) {
    st::Agent r;
    r.username = a.username;
    r.first_name = a.first_name;
    r.last_name = a.last_name;
    r.alias = a.alias;
    r.email = a.email;
    r.timezone = a.timezone.empty() ? c.organisation.timezone : a.timezone;
    r.cli = a.cli;
    r.connection_mode = a.connection_mode == config::ConnectionMode::CallIn
                            ? st::ConnectionMode::CallIn
                            : st::ConnectionMode::CallMe;
    r.connection_persistent = a.persistent_connection;
    r.default_phone = a.phone;
    r.perm_manual_call = a.permissions.manual_call;
    r.perm_agent_call = a.permissions.agent_call;
    r.perm_pause_reasons = a.permissions.pause;
    r.perm_callbacks = a.permissions.callbacks;
    r.perm_transfers_when_paused = a.permissions.receive_transfers_when_paused;
    r.perm_lead_manager = a.permissions.lead_manager;
    r.login_in_pause = a.login_in_pause;
    r.auto_answer = a.auto_answer;
    r.dnd_in_pause = a.dnd_in_pause;
    r.mask_sensitive_data = a.mask_sensitive_data;
    r.ring_in_use = a.ring_in_use;
    for (const auto& t : a.teams) {
      if (teams.contains(t)) r.teams.push_back(teams[t]);
    }
    for (const auto& q : a.queues) {
      if (queues.contains(q)) r.queues.push_back(queues[q]);
    }
    for (const auto& k : a.campaigns) {
      if (campaigns.contains(k.campaign))
        r.campaigns.push_back({campaigns[k.campaign], priority(k.priority)});
    }
    // No password: the agent cannot log in until an admin sets one (then changes it at login).
    auto created = agents.create(std::move(r), std::nullopt, actor);
    if (!created) {
      std::string why = created.error().message;
      for (const auto& f : created.error().fields) why += "; " + f.field + ": " + f.message;
      report.errors.push_back("agent " + a.username + ": " + why);
    } else {
      ++report.created;
    }
  }
  return report;
}

}  // namespace dialcore::daemon
