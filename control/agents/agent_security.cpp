// AgentService: passwords, login, lockout, inactivity and TOTP (seeds 000 and 002).
#include <algorithm>
#include <optional>
#include <string>

#include "control/agents/agent_modify.hpp"
#include "control/agents/agent_service.hpp"

namespace dialcore::control::agents {

using store::Agent;
using store::Errc;

namespace {

constexpr std::int64_t kDayMs = 86'400'000;

store::Actor self(const Agent& a, std::int64_t now_ms) { return {"agent:" + a.username, now_ms}; }
store::Actor system_actor(std::int64_t now_ms) { return {"system", now_ms}; }

std::int64_t activity_baseline(const Agent& a) {
  return std::max({a.created_at_ms, a.last_login_at_ms.value_or(0), a.enabled_at_ms.value_or(0)});
}

AgentResult<std::optional<Agent>> find(store::Store& store, std::string_view username) {
  store::Query q;
  q.all.push_back({"username", store::Match::Equals, std::string(username)});
  q.limit = 1;
  auto found = store.agents().list(q);
  if (!found) return from_store(found.error());
  if (found->empty()) return std::optional<Agent>();
  return std::optional<Agent>(std::move(found->front()));
}

}  // namespace

AgentResult<void> AgentService::record_failure(const Agent& agent, std::int64_t now_ms) {
  auto r = modify(agent.id, self(agent, now_ms), [&](Agent& a) -> std::optional<AgentError> {
    a.failed_attempts += 1;
    if (policy_.max_failed_attempts > 0 && a.failed_attempts >= policy_.max_failed_attempts &&
        !a.locked) {
      a.locked = true;
      a.locked_at_ms = now_ms;
    }
    return std::nullopt;
  });
  if (!r) return r.error();
  return {};
}

AgentResult<LoginOutcome> AgentService::login(std::string_view username, std::string_view password,
                                              const std::optional<std::string>& totp_code,
                                              std::int64_t now_ms) {
  auto found = find(store_, username);
  if (!found) return found.error();
  if (!found->has_value()) {
    (void)verify_password(dummy_hash_, password);  // same work as for a real account
    return LoginOutcome{LoginStatus::BadCredentials, 0};
  }
  Agent a = std::move(**found);
  if (a.locked) {
    const bool expired =
        policy_.lockout_ms > 0 && a.locked_at_ms && now_ms - *a.locked_at_ms >= policy_.lockout_ms;
    if (!expired) return LoginOutcome{LoginStatus::Locked, 0};
    auto unlocked = modify(a.id, system_actor(now_ms), [](Agent& x) -> std::optional<AgentError> {
      x.locked = false;
      x.failed_attempts = 0;
      x.locked_at_ms.reset();
      return std::nullopt;
    });
    if (!unlocked) return unlocked.error();
    a = std::move(*unlocked);
  }
  if (!a.login_enabled) return LoginOutcome{LoginStatus::Disabled, 0};
  if (policy_.max_inactivity_days > 0 &&
      now_ms - activity_baseline(a) > policy_.max_inactivity_days * kDayMs) {
    auto disabled = modify(a.id, system_actor(now_ms), [](Agent& x) -> std::optional<AgentError> {
      x.login_enabled = false;
      x.disabled_reason = "inactivity";
      return std::nullopt;
    });
    if (!disabled) return disabled.error();
    return LoginOutcome{LoginStatus::Disabled, 0};
  }
  if (!verify_password(a.password_hash, password)) {
    if (auto r = record_failure(a, now_ms); !r) return r.error();
    const bool now_locked =
        policy_.max_failed_attempts > 0 && a.failed_attempts + 1 >= policy_.max_failed_attempts;
    return LoginOutcome{now_locked ? LoginStatus::Locked : LoginStatus::BadCredentials, 0};
  }
  std::optional<std::int64_t> step;
  if (a.mfa_enabled) {
    if (!totp_code) return LoginOutcome{LoginStatus::MfaRequired, a.id};
    const auto key = base32_decode(a.totp_secret);
    if (key) step = totp_verify(*key, *totp_code, now_ms, a.totp_last_step, policy_.totp);
    if (!step) {
      if (auto r = record_failure(a, now_ms); !r) return r.error();
      return LoginOutcome{LoginStatus::BadCredentials, 0};
    }
  }
  std::optional<std::string> rehashed;
  if (needs_rehash(a.password_hash, policy_.hash)) rehashed = hash_password(password, policy_.hash);
  bool replayed = false;
  auto done = modify(a.id, self(a, now_ms), [&](Agent& x) -> std::optional<AgentError> {
    if (step && x.totp_last_step >= *step) {  // a concurrent login used this code first
      replayed = true;
      return AgentError{Errc::Conflict, "code already used", {}};
    }
    if (step) x.totp_last_step = *step;
    x.failed_attempts = 0;
    x.last_login_at_ms = now_ms;
    if (rehashed) x.password_hash = *rehashed;
    return std::nullopt;
  });
  if (replayed) return LoginOutcome{LoginStatus::BadCredentials, 0};
  if (!done) return done.error();
  return LoginOutcome{
      done->must_change_password ? LoginStatus::PasswordChangeRequired : LoginStatus::Ok, a.id};
}

AgentResult<void> AgentService::set_password(std::int64_t id, std::string_view password,
                                             const store::Actor& actor) {
  auto current = get(id);
  if (!current) return current.error();
  if (auto errors = check_new_password(password, current->username); !errors.empty()) {
    return invalid(std::move(errors));
  }
  auto hash = hash_password(password, policy_.hash);
  if (!hash) return AgentError{Errc::Io, "password hashing failed (out of memory)", {}};
  auto r = modify(id, actor, [&](Agent& a) -> std::optional<AgentError> {
    a.password_hash = *hash;
    a.must_change_password = true;
    a.password_changed_at_ms = actor.at_ms;
    return std::nullopt;
  });
  if (!r) return r.error();
  return {};
}

AgentResult<void> AgentService::change_password(std::int64_t id, std::string_view current,
                                                std::string_view replacement, std::int64_t now_ms) {
  auto agent = get(id);
  if (!agent) return agent.error();
  if (agent->locked) return invalid("account", "is locked");
  if (!agent->login_enabled) return invalid("account", "is disabled");
  if (!verify_password(agent->password_hash, current)) {
    if (auto r = record_failure(*agent, now_ms); !r) return r.error();
    return invalid("current_password", "is wrong");
  }
  auto errors = check_new_password(replacement, agent->username);
  if (replacement == current)
    errors.push_back({"password", "must differ from the current password"});
  if (!errors.empty()) return invalid(std::move(errors));
  auto hash = hash_password(replacement, policy_.hash);
  if (!hash) return AgentError{Errc::Io, "password hashing failed (out of memory)", {}};
  auto r = modify(id, self(*agent, now_ms), [&](Agent& a) -> std::optional<AgentError> {
    a.password_hash = *hash;
    a.must_change_password = false;
    a.password_changed_at_ms = now_ms;
    a.failed_attempts = 0;
    return std::nullopt;
  });
  if (!r) return r.error();
  return {};
}

AgentResult<void> AgentService::unlock(std::int64_t id, const store::Actor& actor) {
  auto r = modify(id, actor, [](Agent& a) -> std::optional<AgentError> {
    a.locked = false;
    a.failed_attempts = 0;
    a.locked_at_ms.reset();
    return std::nullopt;
  });
  if (!r) return r.error();
  return {};
}

AgentResult<std::size_t> AgentService::disable_inactive(std::int64_t now_ms) {
  if (policy_.max_inactivity_days <= 0) return std::size_t{0};
  const std::int64_t cutoff = now_ms - policy_.max_inactivity_days * kDayMs;
  std::size_t disabled = 0;
  std::int64_t after_id = 0;
  for (;;) {
    // Pages by id so disabling rows while paging skips nothing.
    store::Query q;
    q.all.push_back({"login_enabled", store::Match::Equals, true});
    q.all.push_back({"id", store::Match::AtLeast, after_id + 1});
    q.limit = 500;
    auto page = store_.agents().list(q);
    if (!page) return from_store(page.error());
    for (const auto& a : *page) {
      after_id = a.id;
      if (activity_baseline(a) >= cutoff) continue;
      auto r = modify(a.id, system_actor(now_ms), [](Agent& x) -> std::optional<AgentError> {
        x.login_enabled = false;
        x.disabled_reason = "inactivity";
        return std::nullopt;
      });
      if (!r) return r.error();
      ++disabled;
    }
    if (page->size() < 500) break;
  }
  return disabled;
}

AgentResult<TotpEnrolment> AgentService::begin_totp(std::int64_t id, const store::Actor& actor) {
  const std::string secret = new_totp_secret();
  if (secret.empty()) return AgentError{Errc::Io, "random source unavailable", {}};
  auto r = modify(id, actor, [&](Agent& a) -> std::optional<AgentError> {
    a.totp_secret = secret;
    a.mfa_enabled = false;
    a.totp_last_step = 0;
    return std::nullopt;
  });
  if (!r) return r.error();
  return TotpEnrolment{secret, otpauth_uri(policy_.totp_issuer, r->username, secret, policy_.totp)};
}

AgentResult<void> AgentService::confirm_totp(std::int64_t id, std::string_view code,
                                             const store::Actor& actor) {
  auto r = modify(id, actor, [&](Agent& a) -> std::optional<AgentError> {
    const auto key = base32_decode(a.totp_secret);
    if (a.totp_secret.empty() || !key) return invalid("totp", "no enrolment in progress");
    const auto step = totp_verify(*key, code, actor.at_ms, a.totp_last_step, policy_.totp);
    if (!step) return invalid("code", "is wrong or already used");
    a.mfa_enabled = true;
    a.totp_last_step = *step;
    return std::nullopt;
  });
  if (!r) return r.error();
  return {};
}

AgentResult<void> AgentService::disable_totp(std::int64_t id, const store::Actor& actor) {
  auto r = modify(id, actor, [](Agent& a) -> std::optional<AgentError> {
    a.mfa_enabled = false;
    a.totp_secret.clear();
    a.totp_last_step = 0;
    return std::nullopt;
  });
  if (!r) return r.error();
  return {};
}

}  // namespace dialcore::control::agents
