#pragma once
// The agents domain: what an API handler (issue 6's admin and agent API) calls. Validates every
// profile change, keeps security state out of reach of profile edits, and records every change
// in the audit log with its actor (through the store, in the change's own transaction). Time
// is passed in (Actor::at_ms, now_ms); nothing here reads a clock. Control thread only.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "control/agents/agent_error.hpp"
#include "control/agents/password.hpp"
#include "control/agents/totp.hpp"
#include "control/agents/validation.hpp"
#include "control/store/sip_ha1.hpp"
#include "control/store/store.hpp"

namespace dialcore::control::agents {

struct SecurityPolicy {
  PasswordPolicy password;
  HashCost hash;
  std::int64_t max_failed_attempts = 5;   // wrong passwords or codes in a row; 0: never lock
  std::int64_t lockout_ms = 0;            // 0: locked until an admin unlocks; else auto-unlock
  std::int64_t max_inactivity_days = 90;  // no login for this long disables login; 0: never
  TotpParams totp;
  std::string totp_issuer = "Dialcore";
  std::string sip_realm{store::kDefaultSipRealm};  // config sip.realm: the realm of sip_ha1
};

// What the SIP registrar needs of one agent (SipStack::set_agent_credentials): never a password.
struct SipCredential {
  std::string username;
  std::string ha1;  // MD5(username:realm:password), lower-case hex
  bool operator==(const SipCredential&) const = default;
};

enum class AgentStatus {
  All,
  Active,
  Inactive
};  // seed 000 "Agent Status"; active = login enabled

// Seed 000 "Advanced Search": prefixes of names, username and id; the CLI; the status.
struct AgentFilter {
  std::string first_name;
  std::string last_name;
  std::string username;
  std::string id_prefix;
  std::string cli;  // exact
  AgentStatus status = AgentStatus::All;
  std::string order_by = "id";
  bool descending = false;
  std::int64_t limit = 100;
  std::int64_t offset = 0;
};

struct AgentPage {
  std::vector<store::Agent> agents;
  std::int64_t total = 0;  // matches without limit/offset
};

enum class LoginStatus {
  Ok,
  PasswordChangeRequired,  // right password, but it was set by an admin: change it first
  MfaRequired,             // right password; send the TOTP code
  BadCredentials,          // unknown user, wrong password or wrong code (indistinguishable)
  Locked,                  // too many wrong attempts
  Disabled,                // login disabled (by an admin, or by inactivity)
};
std::string_view to_string(LoginStatus status);

struct LoginOutcome {
  LoginStatus status = LoginStatus::BadCredentials;
  std::int64_t agent_id = 0;  // 0 unless the password was right
};

struct TotpEnrolment {
  std::string secret_base32;
  std::string otpauth_uri;  // for a QR code
};

class AgentService {
 public:
  AgentService(store::Store& store, SecurityPolicy policy, ValidationRules rules = {});

  // Profile. create() sets created_at from the actor's time; with a password it must meet the
  // policy and must be changed at first login; without one the agent cannot log in yet.
  AgentResult<store::Agent> create(store::Agent draft, const std::optional<std::string>& password,
                                   const store::Actor& actor);
  // Profile fields only; `changed.version` must be the current version. Password, lockout,
  // MFA and login timestamps are kept from the stored record whatever `changed` holds.
  // Turning login_enabled back on restarts the inactivity period.
  AgentResult<store::Agent> update(store::Agent changed, const store::Actor& actor);
  AgentResult<store::Agent> get(std::int64_t id);
  AgentResult<void> remove(std::int64_t id, const store::Actor& actor);
  AgentResult<std::size_t> remove_many(std::span<const std::int64_t> ids,
                                       const store::Actor& actor);

  // Seed 000 "Quick Search": the text is a part of the username or the first digits of the id.
  AgentResult<AgentPage> quick_search(std::string_view text, std::int64_t limit,
                                      std::int64_t offset);
  AgentResult<AgentPage> search(const AgentFilter& filter);

  // Passwords.
  std::string generate_password() const;
  // By an admin: policy-checked; the agent must change it at next login.
  AgentResult<void> set_password(std::int64_t id, std::string_view password,
                                 const store::Actor& actor);
  // By the agent: the current password is checked (a wrong one counts toward lockout).
  AgentResult<void> change_password(std::int64_t id, std::string_view current,
                                    std::string_view replacement, std::int64_t now_ms);
  AgentResult<LoginOutcome> login(std::string_view username, std::string_view password,
                                  const std::optional<std::string>& totp_code, std::int64_t now_ms);
  AgentResult<void> unlock(std::int64_t id, const store::Actor& actor);
  // Disables login of every agent with no login for max_inactivity_days; returns how many.
  AgentResult<std::size_t> disable_inactive(std::int64_t now_ms);

  // TOTP: begin stores a new secret (MFA not yet required); confirm with a code from the app
  // turns MFA on; disable turns it off and forgets the secret.
  AgentResult<TotpEnrolment> begin_totp(std::int64_t id, const store::Actor& actor);
  AgentResult<void> confirm_totp(std::int64_t id, std::string_view code, const store::Actor& actor);
  AgentResult<void> disable_totp(std::int64_t id, const store::Actor& actor);

  // SIP handset credentials of every agent whose login is enabled and who has a SIP username
  // and password set: the snapshot control hands to the SIP stack after each change.
  AgentResult<std::vector<SipCredential>> sip_credentials();

  const SecurityPolicy& policy() const { return policy_; }
  const ValidationRules& rules() const { return rules_; }

 private:
  // Re-reads and re-applies `change` when a concurrent write bumped the version (a login
  // racing an admin edit); returns the stored result.
  template <class Change>
  AgentResult<store::Agent> modify(std::int64_t id, const store::Actor& actor, Change&& change);
  AgentResult<void> record_failure(const store::Agent& agent, std::int64_t now_ms);
  // sip_password (write-only input) → sip_ha1, or the stored HA1 kept; errors for a password
  // without a SIP username and for a renamed SIP username without a new password.
  std::vector<FieldError> apply_sip_password(store::Agent& agent, const store::Agent& stored) const;
  std::vector<FieldError> check_new_password(std::string_view password,
                                             std::string_view username) const;

  store::Store& store_;
  SecurityPolicy policy_;
  ValidationRules rules_;
  std::string dummy_hash_;  // verified against for unknown usernames, so timing does not tell
};

// The agent without secrets (password hash, TOTP secret, SIP password and HA1), for API answers.
store::Agent redacted(store::Agent agent);

}  // namespace dialcore::control::agents
