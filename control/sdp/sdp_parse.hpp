#pragma once
// Reads an SDP body with sofia-sip's parser (sdp_parse) into a SessionDescription, validating
// what offer/answer relies on. A body sofia cannot parse, or with numbers out of range, is a
// 400; a media line we cannot use is kept with its reason (MediaDescription::refused) so the
// answer can reject that line alone (RFC 3264 6: port 0) and still accept the others.

#include <cstddef>
#include <optional>
#include <string_view>

#include "control/sdp/sdp_failure.hpp"
#include "control/sdp/session_description.hpp"

namespace dialcore::control::sdp {

// Bounds on what we read: a phone's offer is well under 2 KiB; a bigger body is refused
// before the parser sees it.
inline constexpr std::size_t kMaxSdpBytes = 16 * 1024;
inline constexpr std::size_t kMaxMediaLines = 16;

struct ParseResult {
  SessionDescription description;
  std::optional<SdpFailure> failure;  // set: the body is unusable as a whole (status 400)
  bool ok() const { return !failure.has_value(); }
};

ParseResult parse_sdp(std::string_view body);

}  // namespace dialcore::control::sdp
