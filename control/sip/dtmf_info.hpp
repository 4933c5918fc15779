#pragma once
// Digits carried in SIP INFO bodies (issue 7, part 5): application/dtmf-relay
// ("Signal=5\r\nDuration=160") and application/dtmf (the digit alone). Pure functions.

#include <cstdint>
#include <optional>
#include <string_view>

namespace dialcore::control::sip {

struct InfoDigit {
  char digit = 0;                 // 0-9, *, #, A-D
  std::uint32_t duration_ms = 0;  // 0 when the body gives none
};

// nullopt for a body that names no valid digit (counted as malformed by the caller).
std::optional<InfoDigit> parse_dtmf_info(std::string_view content_type, std::string_view body);

}  // namespace dialcore::control::sip
