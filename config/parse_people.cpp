// organisation, pause reasons, wrap codes, teams and seed agents (seeds 000-003).
#include "config/sections.hpp"
#include "config/values.hpp"

namespace dialcore::config::detail {

void parse_organisation(MapReader& in, Organisation& out, const LoadOptions& options) {
  in.text("name", out.name);
  checked_text(in, "default_cli", out.default_cli, check_phone_number);
  std::string zone;
  in.text("timezone", zone);
  if (!zone.empty()) {
    if (std::string why = check_timezone(options.zoneinfo_dir, zone); !why.empty()) {
      in.diag().error_at(in.key_path("timezone"), why);
    } else {
      out.timezone = zone;
    }
  }
  if (auto policy = in.map("password_policy")) {
    PasswordPolicy& p = out.password_policy;
    policy->integer("min_length", p.min_length, 6, 128);
    policy->flag("require_lower", p.require_lower);
    policy->flag("require_upper", p.require_upper);
    policy->flag("require_digit", p.require_digit);
    policy->flag("require_symbol", p.require_symbol);
    const std::uint32_t classes = (p.require_lower ? 1U : 0U) + (p.require_upper ? 1U : 0U) +
                                  (p.require_digit ? 1U : 0U) + (p.require_symbol ? 1U : 0U);
    if (p.min_length < classes) {
      policy->diag().error_at(policy->key_path("min_length"),
                              "is shorter than the number of required character classes");
    }
    policy->done();
  }
  if (auto lockout = in.map("lockout")) {
    lockout->integer("attempts", out.lockout_attempts, 0, 100);
    lockout->integer("duration_s", out.lockout_duration_s, 0, 30 * 86400);
    lockout->done();
  }
  in.integer("inactivity_days", out.inactivity_days, 0, 3650);
  in.flag("require_pause_reason", out.require_pause_reason);
  in.flag("require_mfa", out.require_mfa);
  in.each_text("call_in_numbers", [&](const std::string& number, const std::string& path) {
    if (std::string why = check_phone_number(number); !why.empty()) {
      in.diag().error_at(path, why);
    } else {
      out.call_in_numbers.push_back(number);
    }
  });
  in.text("agent_phone_trunk", out.agent_phone_trunk);
  in.done();
}

void parse_pause_reason(MapReader& in, PauseReason& out) {
  checked_text(in, "code", out.code, check_identifier, Need::Required);
  in.text("name", out.name, Need::Required);
  in.flag("billable", out.billable);
  in.flag("enforced", out.enforced);
  in.flag("auto_pause", out.auto_pause);
  in.integer("max_duration_s", out.max_duration_s, 0, 86400);
}

void parse_wrap_code(MapReader& in, WrapCode& out) {
  checked_text(in, "code", out.code, check_identifier, Need::Required);
  in.text("name", out.name, Need::Required);
  in.choice("outcome", out.outcome,
            {{"complete", WrapOutcome::Complete},
             {"retry", WrapOutcome::Retry},
             {"callback", WrapOutcome::Callback},
             {"personal-callback", WrapOutcome::PersonalCallback},
             {"do-not-call", WrapOutcome::DoNotCall},
             {"complete-number", WrapOutcome::CompleteNumber}});
  in.text("hotkey", out.hotkey);
  if (out.hotkey.size() > 1) {
    in.diag().error_at(in.key_path("hotkey"), "must be a single character");
  }
}

void parse_team(MapReader& in, Team& out) {
  checked_text(in, "id", out.id, check_identifier, Need::Required);
  in.text("name", out.name, Need::Required);
}

void parse_agent(MapReader& in, SeedAgent& out, const LoadOptions& options) {
  checked_text(in, "username", out.username, check_username, Need::Required);
  in.text("first_name", out.first_name, Need::Required);
  in.text("last_name", out.last_name, Need::Required);
  in.text("alias", out.alias);
  in.text("email", out.email);
  if (!out.email.empty() && (out.email.find('@') == std::string::npos || out.email.front() == '@' ||
                             out.email.back() == '@')) {
    in.diag().error_at(in.key_path("email"), "'" + out.email + "' is not an email address");
  }
  in.choice("role", out.role,
            {{"agent", Role::Agent}, {"supervisor", Role::Supervisor}, {"admin", Role::Admin}});
  in.texts("teams", out.teams);
  in.texts("queues", out.queues);
  in.maps("campaigns", [&](MapReader& item, std::size_t) {
    CampaignAssignment& a = out.campaigns.emplace_back();
    item.text("id", a.campaign, Need::Required);
    item.choice("priority", a.priority,
                {{"high", Priority::High}, {"medium", Priority::Medium}, {"low", Priority::Low}});
  });
  in.text("timezone", out.timezone);
  if (!out.timezone.empty()) {
    if (std::string why = check_timezone(options.zoneinfo_dir, out.timezone); !why.empty()) {
      in.diag().error_at(in.key_path("timezone"), why);
    }
  }
  checked_text(in, "cli", out.cli, check_phone_number);
  if (auto connection = in.map("connection")) {
    connection->choice("mode", out.connection_mode,
                       {{"call-me", ConnectionMode::CallMe}, {"call-in", ConnectionMode::CallIn}});
    connection->flag("persistent", out.persistent_connection);
    connection->text("phone", out.phone);
    connection->done();
  }
  if (auto permissions = in.map("permissions")) {
    AgentPermissions& p = out.permissions;
    permissions->flag("manual_call", p.manual_call);
    permissions->flag("agent_call", p.agent_call);
    permissions->flag("pause", p.pause);
    permissions->flag("callbacks", p.callbacks);
    permissions->flag("receive_transfers_when_paused", p.receive_transfers_when_paused);
    permissions->flag("lead_manager", p.lead_manager);
    permissions->done();
  }
  in.flag("login_in_pause", out.login_in_pause);
  in.flag("auto_answer", out.auto_answer);
  in.flag("dnd_in_pause", out.dnd_in_pause);
  in.flag("mask_sensitive_data", out.mask_sensitive_data);
  in.flag("ring_in_use", out.ring_in_use);
}

}  // namespace dialcore::config::detail
