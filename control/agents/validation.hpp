#pragma once
// Validation of agent profile fields, following the seeds (shared/seeds 000 and 002):
// - username: letters, digits and ! @ # $ % ^ \ & _ . (seed 000; XCALLY's "._" is a subset);
//   the seeds give no length, we take 2..64; unique without regard to case (the store).
// - first/last name: letters, digits, spaces, apostrophe and hyphen (seed 000), 1..50
//   characters. "Letters" includes accented and non-Latin letters (UTF-8), since agents are
//   named José or Zoë; the accepted ranges are listed in validation.cpp.
// - email: optional; a practical RFC 5321/5322 address (dot-atom local part, LDH domain).
// - timezone: optional; an IANA name that exists as a TZif file under the zoneinfo directory.
// - CLI and default phone: optional '+' and 4..15 digits (E.164 length); the default phone is
//   required when the default connection mode is call-me (seed 000).

#include <string>
#include <string_view>
#include <vector>

#include "control/agents/agent_error.hpp"
#include "control/store/agent_record.hpp"

namespace dialcore::control::agents {

struct ValidationRules {
  std::string zoneinfo_dir = "/usr/share/zoneinfo";
  bool require_team = true;  // seed 000: "Teams (required)"
};

// Each returns an empty string when valid, else a message for people.
std::string check_username(std::string_view username);
std::string check_person_name(std::string_view name);
std::string check_email(std::string_view email);
std::string check_timezone(std::string_view name, const std::string& zoneinfo_dir);
std::string check_phone_digits(std::string_view number);

// Every problem of the profile fields at once.
std::vector<FieldError> validate_profile(const store::Agent& agent, const ValidationRules& rules);

}  // namespace dialcore::control::agents
