#include "control/agents/agent_service.hpp"

#include <algorithm>
#include <utility>

namespace dialcore::control::agents {

using store::Agent;
using store::Errc;
using store::Match;
using store::Query;

namespace {

// A failed write of an agent, as field errors where the store can say which field.
AgentError write_error(const store::Error& e) {
  if (e.code == Errc::Duplicate)
    return AgentError{e.code, e.message, {{"username", "is already taken"}}};
  if (e.code == Errc::Constraint) {
    const char* field = e.message.find("team") != std::string::npos       ? "teams"
                        : e.message.find("queue") != std::string::npos    ? "queues"
                        : e.message.find("campaign") != std::string::npos ? "campaigns"
                                                                          : "agent";
    return AgentError{e.code, e.message, {{field, "refers to a record that does not exist"}}};
  }
  return from_store(e);
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// What only the security paths may change; profile edits keep the stored values.
void keep_security_state(Agent& to, const Agent& from) {
  to.password_hash = from.password_hash;
  to.must_change_password = from.must_change_password;
  to.password_changed_at_ms = from.password_changed_at_ms;
  to.failed_attempts = from.failed_attempts;
  to.locked = from.locked;
  to.locked_at_ms = from.locked_at_ms;
  to.last_login_at_ms = from.last_login_at_ms;
  to.enabled_at_ms = from.enabled_at_ms;
  to.disabled_reason = from.disabled_reason;
  to.created_at_ms = from.created_at_ms;
  to.mfa_enabled = from.mfa_enabled;
  to.totp_secret = from.totp_secret;
  to.totp_last_step = from.totp_last_step;
}

void dedupe(std::vector<std::int64_t>& ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
}

}  // namespace

std::string_view to_string(LoginStatus status) {
  switch (status) {
    case LoginStatus::Ok: return "ok";
    case LoginStatus::PasswordChangeRequired: return "password_change_required";
    case LoginStatus::MfaRequired: return "mfa_required";
    case LoginStatus::BadCredentials: return "bad_credentials";
    case LoginStatus::Locked: return "locked";
    case LoginStatus::Disabled: return "disabled";
  }
  return "unknown";
}

Agent redacted(Agent agent) {
  agent.password_hash.clear();
  agent.totp_secret.clear();
  agent.sip_password.clear();
  agent.sip_ha1.clear();
  return agent;
}

AgentService::AgentService(store::Store& store, SecurityPolicy policy, ValidationRules rules)
    : store_(store), policy_(std::move(policy)), rules_(std::move(rules)) {
  dummy_hash_ =
      hash_password(agents::generate_password(policy_.password), policy_.hash).value_or("");
}

std::vector<FieldError> AgentService::apply_sip_password(Agent& agent, const Agent& stored) const {
  std::vector<FieldError> errors;
  if (!agent.sip_password.empty()) {
    if (agent.sip_username.empty()) {
      errors.push_back({"sip_password", "needs a sip_username"});
    } else {
      agent.sip_ha1 = store::sip_ha1(agent.sip_username, policy_.sip_realm, agent.sip_password);
    }
    agent.sip_password.clear();  // never stored, never echoed
    return errors;
  }
  agent.sip_ha1 = stored.sip_ha1;  // HA1 is never written directly
  if (agent.sip_username.empty()) {
    agent.sip_ha1.clear();  // no username: no handset credentials
  } else if (agent.sip_username != stored.sip_username && !stored.sip_ha1.empty()) {
    // HA1 covers the username: a renamed user needs the password again.
    errors.push_back({"sip_password", "required when sip_username changes"});
  }
  return errors;
}

AgentResult<std::vector<SipCredential>> AgentService::sip_credentials() {
  std::vector<SipCredential> out;
  Query q;
  q.all.push_back({"login_enabled", Match::Equals, true});
  q.order_by = "id";
  q.limit = 1000;
  for (q.offset = 0;; q.offset += q.limit) {
    auto page = store_.agents().list(q);
    if (!page) return from_store(page.error());
    for (const Agent& a : *page) {
      if (!a.sip_username.empty() && !a.sip_ha1.empty()) out.push_back({a.sip_username, a.sip_ha1});
    }
    if (static_cast<std::int64_t>(page->size()) < q.limit) break;
  }
  return out;
}

std::vector<FieldError> AgentService::check_new_password(std::string_view password,
                                                         std::string_view username) const {
  std::vector<FieldError> errors;
  for (auto& p : password_problems(policy_.password, password, username)) {
    errors.push_back({"password", std::move(p)});
  }
  return errors;
}

AgentResult<Agent> AgentService::create(Agent draft, const std::optional<std::string>& password,
                                        const store::Actor& actor) {
  dedupe(draft.teams);
  dedupe(draft.queues);
  auto errors = validate_profile(draft, rules_);
  if (auto more = apply_sip_password(draft, Agent{}); !more.empty()) {
    errors.insert(errors.end(), more.begin(), more.end());
  }
  if (password) {
    auto more = check_new_password(*password, draft.username);
    errors.insert(errors.end(), more.begin(), more.end());
  }
  if (!errors.empty()) return invalid(std::move(errors));
  keep_security_state(draft, Agent{});
  draft.created_at_ms = actor.at_ms;
  draft.must_change_password = true;  // seed 000: forced change at first login
  draft.disabled_reason = draft.login_enabled ? "" : "admin";
  if (password) {
    auto hash = hash_password(*password, policy_.hash);
    if (!hash) return AgentError{Errc::Io, "password hashing failed (out of memory)", {}};
    draft.password_hash = std::move(*hash);
    draft.password_changed_at_ms = actor.at_ms;
  }
  if (auto r = store_.agents().create(draft, actor); !r) return write_error(r.error());
  return draft;
}

AgentResult<Agent> AgentService::update(Agent changed, const store::Actor& actor) {
  dedupe(changed.teams);
  dedupe(changed.queues);
  if (auto errors = validate_profile(changed, rules_); !errors.empty())
    return invalid(std::move(errors));
  auto current = store_.agents().get(changed.id);
  if (!current) return from_store(current.error());
  if (current->version != changed.version) {
    return AgentError{
        Errc::Conflict, "agent was changed since version " + std::to_string(changed.version), {}};
  }
  if (auto errors = apply_sip_password(changed, *current); !errors.empty()) {
    return invalid(std::move(errors));
  }
  const bool was_enabled = current->login_enabled;
  keep_security_state(changed, *current);
  if (!was_enabled && changed.login_enabled) {
    changed.enabled_at_ms = actor.at_ms;  // restarts the inactivity period
    changed.disabled_reason.clear();
  } else if (was_enabled && !changed.login_enabled) {
    changed.disabled_reason = "admin";
  }
  if (auto r = store_.agents().update(changed, actor); !r) return write_error(r.error());
  return changed;
}

AgentResult<Agent> AgentService::get(std::int64_t id) {
  auto r = store_.agents().get(id);
  if (!r) return from_store(r.error());
  return std::move(*r);
}

AgentResult<void> AgentService::remove(std::int64_t id, const store::Actor& actor) {
  if (auto r = store_.agents().remove(id, actor); !r) return from_store(r.error());
  return {};
}

AgentResult<std::size_t> AgentService::remove_many(std::span<const std::int64_t> ids,
                                                   const store::Actor& actor) {
  auto r = store_.agents().remove_many(ids, actor);
  if (!r) return from_store(r.error());
  return *r;
}

namespace {

AgentResult<AgentPage> run(store::Store& store, const Query& q) {
  auto list = store.agents().list(q);
  if (!list) return from_store(list.error());
  auto total = store.agents().count(q);
  if (!total) return from_store(total.error());
  return AgentPage{std::move(*list), *total};
}

}  // namespace

AgentResult<AgentPage> AgentService::quick_search(std::string_view text, std::int64_t limit,
                                                  std::int64_t offset) {
  Query q;
  q.limit = limit;
  q.offset = offset;
  if (!text.empty()) {
    q.any.push_back({"username", Match::Contains, std::string(text)});
    if (all_digits(text)) q.any.push_back({"id", Match::Prefix, std::string(text)});
  }
  return run(store_, q);
}

AgentResult<AgentPage> AgentService::search(const AgentFilter& f) {
  if (!f.id_prefix.empty() && !all_digits(f.id_prefix)) return invalid("id", "must be digits");
  Query q;
  auto prefix = [&](const char* field, const std::string& value) {
    if (!value.empty()) q.all.push_back({field, Match::Prefix, value});
  };
  prefix("first_name", f.first_name);
  prefix("last_name", f.last_name);
  prefix("username", f.username);
  prefix("id", f.id_prefix);
  if (!f.cli.empty()) q.all.push_back({"cli", Match::Equals, f.cli});
  if (f.status != AgentStatus::All) {
    q.all.push_back({"login_enabled", Match::Equals, f.status == AgentStatus::Active});
  }
  static constexpr std::string_view kSortable[] = {"id", "username", "first_name", "last_name",
                                                   "cli"};
  if (std::find(std::begin(kSortable), std::end(kSortable), f.order_by) == std::end(kSortable)) {
    return invalid("order_by", "must be one of id, username, first_name, last_name, cli");
  }
  q.order_by = f.order_by;
  q.descending = f.descending;
  q.limit = f.limit;
  q.offset = f.offset;
  return run(store_, q);
}

std::string AgentService::generate_password() const {
  return agents::generate_password(policy_.password);
}

}  // namespace dialcore::control::agents
