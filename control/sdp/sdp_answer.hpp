#pragma once
// Answering a remote offer (RFC 3264 6): one audio stream accepted, every other m= line
// rejected with port 0, and the NegotiatedMedia the dataplane leg is configured with.

#include <optional>
#include <string>
#include <string_view>

#include "control/sdp/local_media.hpp"
#include "control/sdp/negotiated_media.hpp"
#include "control/sdp/sdp_failure.hpp"
#include "control/sdp/sdp_session.hpp"
#include "control/sdp/session_description.hpp"

namespace dialcore::control::sdp {

struct AnswerResult {
  std::string sdp;  // the answer body; empty on failure
  NegotiatedMedia media;
  std::optional<SdpFailure> failure;  // 400 unparseable, 488 + Warning not acceptable
  bool ok() const { return !failure.has_value(); }
};

// Parses and answers an offer body. The session's o= version moves only when the answer text
// changes (see SdpSession). Rules: control/sdp/README.md.
AnswerResult answer(std::string_view offer_body, const LocalMedia& local, SdpSession& session);
AnswerResult answer(const SessionDescription& offer, const LocalMedia& local, SdpSession& session);

}  // namespace dialcore::control::sdp
