#pragma once
// The agent profile as stored (seeds 000 ipSCAPE "Agents" and 002 XCALLY "Agents"): identity,
// connection defaults, permissions, handset settings, login security state, and the agent's
// teams, queues and campaigns (with priority). Validation lives in control/agents/.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "control/store/field.hpp"

namespace dialcore::control::store {

// Seed 001: call me (the system calls the agent), call in (the agent dials in), web (WebRTC).
enum class ConnectionMode { CallMe, CallIn, Web };
constexpr std::string_view to_string(ConnectionMode m) {
  switch (m) {
    case ConnectionMode::CallMe: return "call_me";
    case ConnectionMode::CallIn: return "call_in";
    case ConnectionMode::Web: return "web";
  }
  return "";
}
constexpr bool parse(std::string_view text, ConnectionMode& out) {
  for (auto m : {ConnectionMode::CallMe, ConnectionMode::CallIn, ConnectionMode::Web}) {
    if (to_string(m) == text) {
      out = m;
      return true;
    }
  }
  return false;
}

// Seed 000: campaigns are assigned to an agent at high, medium or low priority.
enum class Priority { High, Medium, Low };
constexpr std::string_view to_string(Priority p) {
  switch (p) {
    case Priority::High: return "high";
    case Priority::Medium: return "medium";
    case Priority::Low: return "low";
  }
  return "";
}
constexpr bool parse(std::string_view text, Priority& out) {
  for (auto p : {Priority::High, Priority::Medium, Priority::Low}) {
    if (to_string(p) == text) {
      out = p;
      return true;
    }
  }
  return false;
}

struct CampaignAssignment {
  std::int64_t campaign_id = 0;
  Priority priority = Priority::Medium;
  bool operator==(const CampaignAssignment&) const = default;
};

struct Agent : RecordBase {
  // Identity.
  std::string username;  // unique, case-insensitive
  std::string first_name;
  std::string last_name;
  std::string email;
  std::string alias;     // shown instead of the real name (seed 002)
  std::string timezone;  // IANA name, e.g. "Australia/Sydney"
  std::string cli;       // digits; empty: the organisation's CLI
  // Connection defaults offered at login (seed 001).
  ConnectionMode connection_mode = ConnectionMode::CallMe;
  bool connection_persistent = true;
  std::string default_phone;  // required for call-me
  // Permissions (seed 000 "Agent Permissions").
  bool perm_manual_call = true;
  bool perm_agent_call = true;
  bool perm_pause_reasons = true;
  bool perm_callbacks = true;
  bool perm_transfers_when_paused = false;
  bool perm_lead_manager = false;
  // Behaviour (seed 002).
  bool login_in_pause = false;
  bool mask_sensitive_data = false;
  bool auto_answer = false;
  bool dnd_in_pause = true;
  bool ring_in_use = false;
  // Handset credentials (SIP digest, issue 7). sip_password is write-only input: the agents
  // service turns it into sip_ha1 (MD5 of username:realm:password, store/sip_ha1.hpp) and
  // clears it; the store refuses a record carrying it (schema version 4's triggers).
  std::string sip_username;
  std::string sip_password;
  std::string sip_ha1;
  // Login security.
  bool login_enabled = true;    // "Enable Agent Login"; cleared by inactivity or by an admin
  std::string disabled_reason;  // "", "admin", "inactivity"
  std::string password_hash;    // argon2id string (libsodium crypto_pwhash_str); "" = none set
  bool must_change_password = true;
  std::optional<std::int64_t> password_changed_at_ms;
  std::int64_t failed_attempts = 0;
  bool locked = false;  // too many wrong attempts; an admin unlocks
  std::optional<std::int64_t> locked_at_ms;
  std::optional<std::int64_t> last_login_at_ms;
  std::optional<std::int64_t> enabled_at_ms;  // last re-enabled by an admin (restarts inactivity)
  std::int64_t created_at_ms = 0;
  bool mfa_enabled = false;         // TOTP confirmed and required at login
  std::string totp_secret;          // base32; set at enrolment, before confirmation
  std::int64_t totp_last_step = 0;  // last accepted time step: a code is never accepted twice
  // Assignments (link tables).
  std::vector<std::int64_t> teams;
  std::vector<CampaignAssignment> campaigns;
  std::vector<std::int64_t> queues;

  bool operator==(const Agent&) const = default;
  static constexpr std::string_view kTable = "agents";
  static constexpr std::string_view kEntity = "agent";
  static constexpr bool kAudited = true;
  static constexpr auto fields() {
    using A = Agent;
    constexpr auto secret = FieldKind::Secret;
    return std::tuple{field("username", &A::username),
                      field("first_name", &A::first_name),
                      field("last_name", &A::last_name),
                      field("email", &A::email),
                      field("alias", &A::alias),
                      field("timezone", &A::timezone),
                      field("cli", &A::cli),
                      field("connection_mode", &A::connection_mode),
                      field("connection_persistent", &A::connection_persistent),
                      field("default_phone", &A::default_phone),
                      field("perm_manual_call", &A::perm_manual_call),
                      field("perm_agent_call", &A::perm_agent_call),
                      field("perm_pause_reasons", &A::perm_pause_reasons),
                      field("perm_callbacks", &A::perm_callbacks),
                      field("perm_transfers_when_paused", &A::perm_transfers_when_paused),
                      field("perm_lead_manager", &A::perm_lead_manager),
                      field("login_in_pause", &A::login_in_pause),
                      field("mask_sensitive_data", &A::mask_sensitive_data),
                      field("auto_answer", &A::auto_answer),
                      field("dnd_in_pause", &A::dnd_in_pause),
                      field("ring_in_use", &A::ring_in_use),
                      field("sip_username", &A::sip_username),
                      field("sip_password", &A::sip_password, secret),
                      field("sip_ha1", &A::sip_ha1, secret),
                      field("login_enabled", &A::login_enabled),
                      field("disabled_reason", &A::disabled_reason),
                      field("password_hash", &A::password_hash, secret),
                      field("must_change_password", &A::must_change_password),
                      field("password_changed_at_ms", &A::password_changed_at_ms),
                      field("failed_attempts", &A::failed_attempts),
                      field("locked", &A::locked),
                      field("locked_at_ms", &A::locked_at_ms),
                      field("last_login_at_ms", &A::last_login_at_ms),
                      field("enabled_at_ms", &A::enabled_at_ms),
                      field("created_at_ms", &A::created_at_ms),
                      field("mfa_enabled", &A::mfa_enabled),
                      field("totp_secret", &A::totp_secret, secret),
                      field("totp_last_step", &A::totp_last_step)};
  }
};

}  // namespace dialcore::control::store
